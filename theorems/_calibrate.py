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
the standard library's process pool runs them on this machine; the counts do not depend on the engine."""

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


def one_run(claim_id: str, profile_name: str, seed: int, examples: int | None = None) -> tuple[str, str, float]:
    """Run one claim with one seed in this process; returns (claim id, verdict, wall seconds)."""
    import os

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from theorems._claim import PROFILES
    from theorems._registry import get
    from theorems._runner import run_claim

    t0 = time.perf_counter()
    result = run_claim(get(claim_id), PROFILES[profile_name], seed=seed, examples=examples)
    return claim_id, str(result["verdict"]), time.perf_counter() - t0


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
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _process_map(tasks: Sequence[tuple], workers: int) -> Iterable[tuple[str, str, float]]:
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("spawn")   # JAX is not fork-safe once initialised
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                max_tasks_per_child=None) as pool:
        futures = [pool.submit(one_run, *task) for task in tasks]
        for future in concurrent.futures.as_completed(futures):
            yield future.result()


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def calibrate(claim_ids: Sequence[str], profile: str, seeds: int, *, first_seed: int = 0,
              examples: int | None = None, workers: int = 1, scheduler: str | None = None,
              engine: str = "auto", progress: Callable[[str], None] | None = None) -> list[dict]:
    """Run every claim with seeds first_seed .. first_seed + seeds - 1 and return one row (COLUMNS) per claim.

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
    tasks = [(c, profile, first_seed + s, examples) for c in claim_ids for s in range(seeds)]
    runs = _dask_map(tasks, workers, scheduler) if engine == "dask" else _process_map(tasks, workers)
    verdicts: dict[str, Counter] = {c: Counter() for c in claim_ids}
    wall: dict[str, float] = dict.fromkeys(claim_ids, 0.0)
    for done, (claim_id, verdict, seconds) in enumerate(runs, 1):
        verdicts[claim_id][verdict] += 1
        wall[claim_id] += seconds
        if progress is not None:
            progress(f"[{done}/{len(tasks)}] {claim_id}: {verdict} ({seconds:.1f} s)")
    rows = []
    for claim_id in claim_ids:
        alarms = sum(n for v, n in verdicts[claim_id].items() if v != "holds")
        rows.append({"claim": claim_id, "profile": profile, "commit": at, "seeds": seeds, "false_alarms": alarms,
                     "upper_bound": f"{upper_bound(alarms, seeds):.4f}", "first_seed": first_seed,
                     "verdicts": " ".join(f"{v}:{n}" for v, n in sorted(verdicts[claim_id].items())),
                     "wall_s": f"{wall[claim_id]:.0f}"})
    return rows


def merge(path: Path, rows: Sequence[dict]) -> list[dict]:
    """The table in ``path`` with the rows for the same (claim, profile) replaced by ``rows``, in claim order."""
    old = []
    if path.exists():
        with path.open(newline="") as f:
            old = [r for r in csv.DictReader(f)]
    new = {(r["claim"], r["profile"]): r for r in rows}
    kept = [r for r in old if (r.get("claim"), r.get("profile")) not in new]
    return sorted(kept + list(rows), key=lambda r: (r["profile"], r["claim"]))


def table(rows: Sequence[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write(path: Path, rows: Sequence[dict]) -> None:
    """Write the table atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(table(rows))
    tmp.replace(path)


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
