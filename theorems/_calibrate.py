"""Measured false-alarm rates: run claims over many independent seeds and count the runs in which a claim that
is expected to hold came out otherwise.

A claim's run with seed S draws its configurations and every random number from S alone, so runs with different
seeds are independent Bernoulli trials of "this run reports a false alarm".  With x false alarms in N runs the
one-sided Clopper-Pearson upper bound at confidence 1 - a is the p solving P(Bin(N, p) <= x) = a,

    p_up = Beta^{-1}(1 - a; x + 1, N - x)       (p_up = 1 when x = N),

so with no false alarm in N runs p_up = 1 - a^{1/N} ~ 3/N at 95%: 300 seeds bound a claim's false-alarm rate
below 1%.  What the design promises (theorems/_budget.py) is the rate the measurement is held against.

The runs are embarrassingly parallel: one task per (claim, seed).  They go to Dask distributed when it is
installed (``pip install gd-theory-checks[distributed]``): a local cluster with one single-threaded worker
process per core by default (``--workers``), or an existing cluster (``--scheduler ADDRESS``).  Without Dask
the standard library's process pool runs them on this machine; the counts do not depend on the engine.

Resolution: a claim that pools its configurations (theorems/_pooling.py) keeps, from each run, what judges it
again with a shifted prediction without running anything: the pooled deviation, its standard error and
quantile, and each configuration's fitted value, prediction and interval (:func:`rejudging`).  The measurement
does not depend on the prediction, so one set of runs gives the whole power curve: for each shift delta of the
prediction (towards the side the claim can fail; both sides for a two-sided claim) the fraction of seeds whose
run would be falsified (:func:`resolution_rows`, written to ``reports/resolution.csv`` with the per-seed numbers
beside it).  A claim that replicates a disagreement measures a second time only the configurations that
disagreed with the prediction it had, so with a shifted one its search cannot be judged again from the run: its
curve counts the pooled test alone (column ``tests``), a lower bound on the claim's detection rate.  A claim
judged configuration by configuration keeps its run's thresholds (theorems/_resolution.py: the smallest shift on
each side its search would have detected); its curve at delta is the fraction of seeds whose threshold on that side
is at most |delta|, and its resolution the 95th percentile of the thresholds (:func:`resolution_at`)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Sequence

COLUMNS = ("claim", "profile", "commit", "seeds", "false_alarms", "upper_bound", "first_seed", "verdicts", "wall_s")
"""The table's columns: the claim, the profile, the commit the runs were made at (``+dirty`` when the working
tree had changes under theorems/ or numerics/), how many seeds (first_seed .. first_seed + seeds - 1), the runs
whose verdict was not holds, the one-sided 95% Clopper-Pearson upper bound on the false-alarm rate, the
verdicts counted, and the runs' summed wall time in seconds."""

CONFIDENCE = 0.95


class CalibrationError(ValueError):
    """A request that cannot be calibrated (raised before any run)."""


def upper_bound(false_alarms: int, seeds: int, confidence: float = CONFIDENCE) -> float:
    """The one-sided Clopper-Pearson upper confidence bound on a binomial rate: x = ``false_alarms`` of
    N = ``seeds``; Beta^{-1}(confidence; x + 1, N - x), and 1 when x = N."""
    from scipy import stats

    if not 0 <= false_alarms <= seeds or seeds <= 0:
        raise ValueError(f"need 0 <= false_alarms <= seeds and seeds > 0, got {false_alarms} of {seeds}")
    if false_alarms == seeds:
        return 1.0
    return float(stats.beta.ppf(confidence, false_alarms + 1, seeds - false_alarms))


RESOLUTION_COLUMNS = ("claim", "profile", "commit", "delta", "detection_rate", "seeds", "first_seed", "tests")
"""The power curve's columns: the claim, the profile, the commit, the shift delta of the prediction (in the fitted
quantity's units; negative: the prediction moved down), the fraction of the seeds whose run is falsified with the
shifted prediction, how many seeds, the first, and which tests are judged again (``pooled+search``, or ``pooled``
for a claim that replicates its disagreements; ``search`` for a claim judged configuration by configuration, whose
runs keep their thresholds, theorems/_resolution.py)."""


def rejudging(result: dict) -> dict | None:
    """What judges a run of a pooling claim again with a shifted prediction (``None`` for a claim that does not
    pool, or a run with too few configurations to)."""
    pooled = result.get("pooled")
    if not pooled:
        shifted = result.get("shifted")
        return {"thresholds": shifted} if shifted else None
    keep = ("sides", "deviation", "se", "quantile", "k", "tau2", "i2", "replicated", "resolution")
    return {**{k: pooled[k] for k in keep},
            "configurations": [{k: c[k] for k in ("value", "predicted", "interval")}
                               for c in pooled["configurations"]]}


def rejudge(judged: dict, shift: float) -> bool:
    """Whether the run with this record would be falsified with the prediction moved by ``shift``."""
    from theorems._pooling import falsifies, search_falsifies
    from theorems._resolution import detected

    if "thresholds" in judged:
        return detected(judged["thresholds"], shift)
    return falsifies(judged, shift) or (not judged["replicated"] and search_falsifies(judged, shift))


FINE_DELTAS = tuple(float(f"{m}e{e}") for e in range(-5, -1) for m in (1, 2, 5))
"""Shifts below 0.01 on the curve of a claim judged configuration by configuration: its thresholds run from 1e-4
(an exponent fitted to exact eigenvalues) to a few tenths (a slope fitted to noisy errors)."""


def shifts(sides: str, fine: bool = False) -> list[float]:
    """The shifts of the power curve: 0 .. 0.3 by 0.01 (and :data:`FINE_DELTAS` with ``fine``), on both sides for a
    two-sided claim."""
    from theorems._pooling import RESOLUTION_DELTAS

    up = sorted(set(RESOLUTION_DELTAS) | (set(FINE_DELTAS) if fine else set()))
    return sorted({-d for d in up if d} | set(up)) if sides == "two" else up


def resolution_at(runs: Sequence[dict], power: float = 0.95) -> dict | None:
    """For a claim judged configuration by configuration, the shift detected in ``power`` of the seeds on each
    side: the ``power`` quantile of the runs' thresholds (a run without a threshold counts as never detecting;
    ``None`` on a side where fewer than ``power`` of the runs detect any shift up to the largest looked at)."""
    import math

    judged = [r["judged"]["thresholds"] for r in runs if (r.get("judged") or {}).get("thresholds")]
    if not judged:
        return None
    out = {"unit": judged[0]["unit"], "seeds": len(judged)}
    for side in ("below", "above"):
        values = sorted(math.inf if t.get(side) is None else float(t[side]) for t in judged)
        v = values[min(len(values) - 1, math.ceil(power * len(values)) - 1)]
        out[side] = None if math.isinf(v) else v
    return out


def resolution_rows(claim_id: str, profile: str, at: str, runs: Sequence[dict], first_seed: int) -> list[dict]:
    """The empirical power curve of a claim from its runs' :func:`rejudging` records."""
    judged = [r["judged"] for r in runs if r.get("judged")]
    if not judged:
        return []
    rows = []
    shifted = "thresholds" in judged[0]
    tests = "search" if shifted else "pooled" if judged[0]["replicated"] else "pooled+search"
    for d in shifts("two" if shifted else judged[0]["sides"], fine=shifted):
        caught = sum(rejudge(j, d) for j in judged)
        shown = f"{d:.2f}" if abs(d) >= 0.01 or d == 0 else f"{d:.0e}"
        rows.append({"claim": claim_id, "profile": profile, "commit": at, "delta": shown,
                     "detection_rate": f"{caught / len(judged):.4f}", "seeds": len(judged), "first_seed": first_seed,
                     "tests": tests})
    return rows


def one_run(claim_ids: Sequence[str], profile_name: str, seed: int, examples: int | None = None
            ) -> list[tuple[str, str, float, dict]]:
    """Run the claims of one unit of work (:func:`units`) with one seed in this process, in order, so that a claim
    reusing another's runs finds them; returns, per claim, (claim id, verdict, wall seconds, the seed's record:
    its seed, verdict and :func:`rejudging`)."""
    import os

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from theorems._claim import PROFILES
    from theorems._registry import get
    from theorems._runner import run_claim

    out = []
    for claim_id in claim_ids:
        t0 = time.perf_counter()
        result = run_claim(get(claim_id), PROFILES[profile_name], seed=seed, examples=examples)
        record = {"seed": seed, "verdict": str(result["verdict"]), "judged": rejudging(result)}
        out.append((claim_id, str(result["verdict"]), time.perf_counter() - t0, record))
    return out


def units(claim_ids: Sequence[str]) -> list[tuple[str, ...]]:
    """The claims split into units of work as ``verify`` splits them (:func:`theorems._parallel.groups`): a claim
    that reuses another's runs (``spline_rate_bound`` those of ``spline_rate``) runs after it in the same process
    and seed, at the cost of one; an id the registry does not know is a unit of its own."""
    from theorems._parallel import groups
    from theorems._registry import UnknownClaimError, get

    known, alone = [], []
    for claim_id in claim_ids:
        try:
            known.append(get(claim_id))
        except UnknownClaimError:
            alone.append((claim_id,))
    known.sort(key=lambda c: c.reuses is not None)  # a claim whose runs are reused before those reusing them
    return [tuple(c.id for c in group) for group in groups(known)] + alone


def commit() -> str:
    """The git commit of the code, with ``+dirty`` when theorems/ or numerics/ differ from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "theorems", "numerics"],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def _trees(at: str) -> list[str] | None:
    """The git trees of theorems/ and numerics/ at commit ``at`` (None when git cannot say)."""
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "rev-parse", f"{at}:theorems", f"{at}:numerics"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out if len(out) == 2 else None


def extension(path: Path, claim_ids: Sequence[str], profile: str, first_seed: int | None
              ) -> tuple[int, dict[str, dict]]:
    """For ``calibrate --extend``: the table's rows of the claims, checked to be extendable by seeds from
    ``first_seed`` on (default: where the rows end), and that seed.  Refused (CalibrationError) when a claim has no
    row for the profile, when the rows do not all end at that seed, or when a row was measured with code other
    than this checkout's (theorems/ and numerics/ differ, or either had uncommitted changes)."""
    rows = {}
    if path.exists():
        with path.open(newline="") as f:
            rows = {r["claim"]: r for r in csv.DictReader(f) if r.get("profile") == profile}
    missing = [c for c in claim_ids if c not in rows]
    if missing:
        raise CalibrationError(f"--extend: {path} has no {profile} row for {', '.join(missing)}")
    ends = {c: int(rows[c]["first_seed"]) + int(rows[c]["seeds"]) for c in claim_ids}
    start = first_seed if first_seed is not None else min(ends.values())
    off = {c: e for c, e in ends.items() if e != start}
    if off:
        raise CalibrationError("--extend: the new seeds must start where each row ends ("
                               + ", ".join(f"{c}: {e}" for c, e in off.items()) + f"), not at {start}")
    here = commit()
    current = None if here.endswith("+dirty") else _trees(here)
    if current is None:
        raise CalibrationError("--extend needs a git checkout without uncommitted changes under theorems/ and "
                               "numerics/ (the rows are extended only with runs of the same code)")
    for c in claim_ids:
        at = rows[c]["commit"]
        if at.endswith("+dirty") or _trees(at) != current:
            raise CalibrationError(f"--extend: {c}'s row was measured at {at[:12]}, whose theorems/ and numerics/ "
                                   "differ from this checkout's: calibrate it again from its first seed")
    return start, {c: rows[c] for c in claim_ids}


def extended(old: dict, new: dict) -> dict:
    """A row with the seeds of ``new`` (run with the same code, from where ``old`` ends) added to ``old``'s: its
    commit and first seed stay ``old``'s."""
    seeds = int(old["seeds"]) + int(new["seeds"])
    alarms = int(old["false_alarms"]) + int(new["false_alarms"])
    counts: Counter = Counter()
    for row in (old, new):
        for item in str(row["verdicts"]).split():
            verdict, n = item.rsplit(":", 1)
            counts[verdict] += int(n)
    return {**old, "seeds": seeds, "false_alarms": alarms, "upper_bound": f"{upper_bound(alarms, seeds):.4f}",
            "verdicts": " ".join(f"{v}:{n}" for v, n in sorted(counts.items())),
            "wall_s": f"{float(old['wall_s']) + float(new['wall_s']):.0f}"}


def kept_runs(path: Path, claim_id: str, profile: str) -> list[dict]:
    """The per-seed records of a claim in a runs file (:func:`merge_runs`), or none."""
    import json

    if not path.exists():
        return []
    return list((json.loads(path.read_text()).get(f"{claim_id} {profile}") or {}).get("runs", []))


def expected_holds(claim_ids: Sequence[str], baseline: Path) -> None:
    """Refuse (CalibrationError) a claim the baseline does not expect to hold: its false alarms are undefined."""
    from theorems._results import read_baseline

    expected = read_baseline(baseline)["expected"]
    for claim_id in claim_ids:
        verdict = expected.get(claim_id, "holds")
        if verdict != "holds":
            raise CalibrationError(f"{claim_id} is expected to be {verdict} ({baseline}), not to hold: a false "
                                   f"alarm is a claim expected to hold that does not")


def _dask_map(tasks: Sequence[tuple], workers: int, scheduler: str | None) -> Iterable[tuple[str, str, float]]:
    from distributed import Client, LocalCluster, as_completed

    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(cluster)
    try:
        futures = [client.submit(one_run, *task, pure=False) for task in tasks]
        for future in as_completed(futures):
            yield from future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _process_map(tasks: Sequence[tuple], workers: int) -> Iterable[tuple[str, str, float]]:
    import concurrent.futures

    from theorems._parallel import _sigint_ignored, _stop, worker_pool

    pool = worker_pool(workers)
    try:
        with _sigint_ignored():  # the workers start as the work is submitted
            futures = [pool.submit(one_run, *task) for task in tasks]
        for future in concurrent.futures.as_completed(futures):
            yield from future.result()
    except BaseException:  # an interruption (or the consumer gone): the runs not finished are not waited for
        _stop(pool)
        raise
    pool.shutdown()


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def calibrate(claim_ids: Sequence[str], profile: str, seeds: int, *, first_seed: int = 0,
              examples: int | None = None, workers: int = 1, scheduler: str | None = None,
              engine: str = "auto", progress: Callable[[str], None] | None = None,
              per_seed: dict[str, list[dict]] | None = None) -> list[dict]:
    """Run every claim with seeds first_seed .. first_seed + seeds - 1 and return one row (COLUMNS) per claim;
    ``per_seed``, when given, receives each claim's per-seed records (``one_run``'s last entry), by claim.

    ``engine``: "dask" (Dask distributed: a local cluster of ``workers`` processes, or ``scheduler``),
    "process" (the standard library's process pool of ``workers`` processes), "auto" (dask when installed)."""
    if engine == "auto":
        engine = "dask" if (dask_available() or scheduler) else "process"
    if engine == "dask" and not dask_available():
        raise CalibrationError("Dask distributed is not installed: pip install 'gd-theory-checks[distributed]', "
                               "or use --engine process")
    if scheduler and engine != "dask":
        raise CalibrationError("--scheduler needs the dask engine")
    at = commit()   # the code the runs import
    tasks = [(unit, profile, first_seed + s, examples) for unit in units(claim_ids) for s in range(seeds)]
    runs = _dask_map(tasks, workers, scheduler) if engine == "dask" else _process_map(tasks, workers)
    verdicts: dict[str, Counter] = {c: Counter() for c in claim_ids}
    wall: dict[str, float] = dict.fromkeys(claim_ids, 0.0)
    for done, (claim_id, verdict, seconds, *record) in enumerate(runs, 1):  # one per claim and seed
        if per_seed is not None and record:
            per_seed.setdefault(claim_id, []).append(record[0])
        verdicts[claim_id][verdict] += 1
        wall[claim_id] += seconds
        if progress is not None:
            progress(f"[{done}/{len(claim_ids) * seeds}] {claim_id}: {verdict} ({seconds:.1f} s)")
    rows = []
    for claim_id in claim_ids:
        alarms = sum(n for v, n in verdicts[claim_id].items() if v != "holds")
        rows.append({"claim": claim_id, "profile": profile, "commit": at, "seeds": seeds, "false_alarms": alarms,
                     "upper_bound": f"{upper_bound(alarms, seeds):.4f}", "first_seed": first_seed,
                     "verdicts": " ".join(f"{v}:{n}" for v, n in sorted(verdicts[claim_id].items())),
                     "wall_s": f"{wall[claim_id]:.0f}"})
    return rows


def merge_runs(path: Path, claim_profile_runs: dict[str, list[dict]], profile: str, at: str) -> dict:
    """The per-seed records in ``path`` (JSON: by "claim profile") with those of the claims run now replaced."""
    import json

    old = json.loads(path.read_text()) if path.exists() else {}
    for claim_id, runs in claim_profile_runs.items():
        old[f"{claim_id} {profile}"] = {"commit": at, "runs": sorted(runs, key=lambda r: r["seed"])}
    return dict(sorted(old.items()))


def write_runs(path: Path, runs: dict) -> None:
    """Write the per-seed records atomically, one seed's record a line (JSON), so that the file stays small and a
    change of some seeds is a change of their lines."""
    import json

    def compact(x) -> str:
        return json.dumps(x, separators=(",", ":"))

    lines = ["{"]
    for i, (key, entry) in enumerate(runs.items()):
        seeds = entry["runs"]
        head = {k: v for k, v in entry.items() if k != "runs"}
        lines.append(f" {json.dumps(key)}: {compact(head)[:-1]},\"runs\": [")
        lines += [f"  {compact(r)}{',' if j < len(seeds) - 1 else ''}" for j, r in enumerate(seeds)]
        lines.append(" ]}" + ("," if i < len(runs) - 1 else ""))
    lines.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)


def merge(path: Path, rows: Sequence[dict]) -> list[dict]:
    """The table in ``path`` with the rows for the same (claim, profile) replaced by ``rows``, in claim order."""
    old = []
    if path.exists():
        with path.open(newline="") as f:
            old = [r for r in csv.DictReader(f)]
    new = {(r["claim"], r["profile"]): r for r in rows}
    kept = [r for r in old if (r.get("claim"), r.get("profile")) not in new]
    return sorted(kept + list(rows), key=lambda r: (r["profile"], r["claim"]))


def table(rows: Sequence[dict], columns: Sequence[str] = COLUMNS) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write(path: Path, rows: Sequence[dict], columns: Sequence[str] = COLUMNS) -> None:
    """Write the table atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(table(rows, columns))
    tmp.replace(path)


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
