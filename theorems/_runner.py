"""Running a claim: Hypothesis draws batches of configurations, the experiment
measures them, the closed form predicts them, and the agreement metric decides.

The search is :func:`hypothesis.find` looking for a batch with a failing (or
crashing) configuration; when it finds one, Hypothesis shrinks it, and the
smallest failing batch it reaches is reported as the counterexample.  Within a
run each configuration is measured once: shrinking draws the same
configurations again, and their records are reused.
"""

from __future__ import annotations

import json
import math
import random
import time
import traceback
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from theorems._claim import Claim, Config, Measurement, Profile
from theorems._process import code_independent_draws, compile_seconds, single_threaded_blas
from theorems._resolution import run_thresholds

# Verdicts.
HOLDS = "holds"
FALSIFIED = "falsified"
OUT_OF_SCOPE = "out_of_scope"
ERROR = "error"
VERDICTS = (HOLDS, FALSIFIED, OUT_OF_SCOPE, ERROR)

# Per-configuration statuses.
PASS, FAIL, SKIP, CRASH = "pass", "fail", "out_of_scope", "error"

_STORED_ENTRIES = 512  # predicted/measured arrays longer than this are summarised
MAX_ROUNDS = 4  # at most this many searches of max_examples each, to reach profile.min_in_scope


def _config_text(config: Config) -> str:
    return json.dumps(dict(config), sort_keys=True, default=str)


def config_key(seed: int, config: Config):
    """The PRNG key of a configuration: the run's seed folded with a hash of the
    configuration, so a configuration measures the same every time it is drawn."""
    import jax

    import numerics  # noqa: F401  (float64 on before any experiment)

    digest = zlib.crc32(_config_text(config).encode())
    return jax.random.fold_in(jax.random.PRNGKey(seed), digest & 0x7FFFFFFF)


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (str, bool)) or x is None:
        return x
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return f if math.isfinite(f) else repr(f)
    arr = np.asarray(x)
    if arr.dtype.kind in "biuf":
        arr = arr.astype(np.float64)
        if arr.ndim == 0:
            return _jsonable(float(arr))
        if arr.size > _STORED_ENTRIES:
            flat = arr.ravel()
            idx = np.linspace(0, flat.size - 1, _STORED_ENTRIES).astype(int)
            return _jsonable(flat[idx].tolist())
        return _jsonable(arr.tolist())
    return str(x)


def evaluate_batch(claim: Claim, batch: Sequence[Config], seed: int,
                   closed_form=None, *, memo: dict[str, dict] | None = None) -> list[dict]:
    """Check one batch of configurations; one record per configuration.

    ``memo`` holds the records of configurations already checked with the same claim, closed form and seed
    (a run's search and its shrinking draw the same configurations again and again): a configuration found
    there is not measured again, since its key, and so its measurement, is a function of the seed and the
    configuration alone.  New records are added to it; the caller gets copies."""
    if memo is None:
        return _evaluate_batch(claim, batch, seed, closed_form)
    texts = [_config_text(c) for c in batch]
    new = {t: c for t, c in zip(texts, batch) if t not in memo}
    if new:
        memo.update(zip(new, _evaluate_batch(claim, list(new.values()), seed, closed_form)))
    return [dict(memo[t]) for t in texts]


def _evaluate_batch(claim: Claim, batch: Sequence[Config], seed: int, closed_form) -> list[dict]:
    closed_form = claim.closed_form if closed_form is None else closed_form
    records: list[dict] = []
    in_scope: list[Config] = []
    for config in batch:
        try:
            reason = claim.assumptions(config)
        except Exception as exc:  # a broken predicate is an error, not a skip
            records.append(_record(config, CRASH, reason=_describe(exc)))
            continue
        if reason:
            records.append(_record(config, SKIP, reason=reason))
        else:
            in_scope.append(config)
            records.append(None)  # filled below, keeps the batch's order
    if in_scope:
        measurements = _measure_each(claim.measure, "experiment", in_scope, [config_key(seed, c) for c in in_scope])
        it = iter(zip(in_scope, measurements))
        for i, rec in enumerate(records):
            if rec is None:
                config, m = next(it)
                records[i] = _judge(claim, closed_form, config, m)
    if claim.replicate is not None:
        _replicate_failures(claim, closed_form, batch, records, seed)
    return records


def _measure_each(measure, what: str, configs: Sequence[Config], keys) -> list:
    """One measurement per configuration, or the exception that stopped the batch in place of each."""
    try:
        measurements = list(measure(configs, keys))
        if len(measurements) != len(configs):
            raise RuntimeError(
                f"{what} returned {len(measurements)} measurements for {len(configs)} configurations")
    except Exception as exc:
        measurements = [exc] * len(configs)
    return measurements


def replicate_key(seed: int, config: Config):
    """The key of a configuration's replicate: independent of ``config_key(seed, config)``'s draws."""
    import jax

    return jax.random.fold_in(config_key(seed, config), 0x5EED)


def _replicate_failures(claim: Claim, closed_form, batch: Sequence[Config], records: list[dict],
                        seed: int) -> None:
    """Measure each disagreeing configuration again with ``claim.replicate`` and an independent key.

    The replicate's record replaces the first one, which is kept under ``"first"``: a disagreement stands only
    when the replicate disagrees too.  For an interval at level 1 - a the chance that a true statement is
    reported falsified for a configuration is then at most a^2 (the two measurements are independent), while a
    false statement, off by more than the replicate's interval, is caught by both."""
    failed = [i for i, rec in enumerate(records) if rec["status"] == FAIL]
    if not failed:
        return
    configs = [batch[i] for i in failed]
    measurements = _measure_each(claim.replicate, "replicate", configs, [replicate_key(seed, c) for c in configs])
    for i, config, m in zip(failed, configs, measurements):
        first = records[i]
        rec = _judge(claim, closed_form, config, m)
        rec["first"] = {k: first[k] for k in ("measured", "error", "tolerance") if k in first}
        if "interval" in first:
            rec["first"]["interval"] = first["interval"]
        shown = f"{first['measured']:.4g}" if isinstance(first["measured"], float) else str(first["measured"])
        if "interval" in first:
            shown += f" [{first['interval'][0]:.4g}, {first['interval'][1]:.4g}]"
        verdict = {PASS: "does not replicate: an independent replicate agrees",
                   FAIL: "replicates: an independent replicate disagrees too"}.get(
            rec["status"], "is not confirmed: the replicate " + (rec["reason"] or rec["status"]))
        rec["reason"] = f"the first measurement {shown} disagreed and {verdict}"
        records[i] = rec


def _judge(claim: Claim, closed_form, config: Config, m) -> dict:
    if isinstance(m, Exception):
        return _record(config, CRASH, reason=_describe(m))
    if m.scope:
        return _record(config, SKIP, reason=m.scope, measured=m.value, fitted=m.fitted, series=m.series)
    try:
        predicted = claim.predict(closed_form, config)
        error = float(claim.agreement.error(predicted, m, config))
        tolerance = float(claim.agreement.tolerance(predicted, m, config))
    except Exception as exc:
        return _record(config, CRASH, reason=_describe(exc), measured=m.value)
    ok = math.isfinite(error) and error <= tolerance
    rec = _record(config, PASS if ok else FAIL, predicted=predicted, measured=m.value,
                  error=error, tolerance=tolerance, fitted=m.fitted, series=m.series)
    if m.interval is not None:
        rec["interval"] = _jsonable(m.interval)
    if claim.shift is not None:
        rec["thresholds"] = claim.shift.thresholds(claim.agreement, predicted, m, config)
    return rec


def _record(config, status, *, reason="", predicted=None, measured=None, error=None,
            tolerance=None, fitted=None, series=None) -> dict:
    return {
        "config": _jsonable(dict(config)),
        "status": status,
        "reason": reason,
        "predicted": _jsonable(predicted),
        "measured": _jsonable(measured),
        "error": _jsonable(error),
        "tolerance": _jsonable(tolerance),
        "fitted": _jsonable(fitted or {}),
        "series": _jsonable(series or {}),
    }


def _describe(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" (at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _ratio(rec: dict) -> float:
    err, tol = rec.get("error"), rec.get("tolerance")
    if not isinstance(err, (int, float)) or not isinstance(tol, (int, float)):
        return math.inf
    if tol <= 0:
        return 0.0 if err <= 0 else math.inf
    return err / tol


Progress = Callable[[str, int, int, float, float], None]


class _ShrinkBudgetSpent(Exception):
    """Shrinking has run for the profile's ``shrink_seconds``: report the smallest failing batch so far."""


def run_claim(claim: Claim, profile: Profile, *, seed: int = 0, examples: int | None = None,
              progress: Progress | None = None, closed_form=None) -> dict:
    """Run one claim and return its result record (the ``claims`` entry of ``results.json``); ``compile_s`` is
    the part of its ``wall_s`` that JAX spent compiling."""
    start = compile_seconds()
    with single_threaded_blas(), code_independent_draws():
        record = _run_claim(claim, profile, seed=seed, examples=examples, progress=progress,
                            closed_form=closed_form)
    record["compile_s"] = round(compile_seconds() - start, 3)
    return record


def _run_claim(claim: Claim, profile: Profile, *, seed: int, examples: int | None,
               progress: Progress | None, closed_form) -> dict:
    import hypothesis
    from hypothesis import HealthCheck, settings

    max_examples = int(examples if examples is not None else claim.examples_for(profile))
    records: list[dict] = []
    memo: dict[str, dict] = {}
    counts = {"generate": 0, "shrink": 0}
    state = {"failing": False, "examples": 0}
    t0 = time.perf_counter()

    def condition(batch) -> bool:
        phase = "shrink" if state["failing"] else "generate"
        if phase == "shrink" and time.perf_counter() - state["failed_at"] > profile.shrink_seconds:
            state["budget_spent"] = True
            raise _ShrinkBudgetSpent
        recs = evaluate_batch(claim, batch, seed, closed_form, memo=memo)
        counts[phase] += 1
        for r in recs:
            r["phase"] = phase
        records.extend(recs)
        bad = any(r["status"] in (FAIL, CRASH) for r in recs)
        if bad:
            # Hypothesis only tries batches smaller than the smallest failing one so far, so the latest
            # failing batch is the smallest yet.
            state["smallest"] = batch
            state.setdefault("failed_at", time.perf_counter())
        state["failing"] = state["failing"] or bad
        if phase == "generate":
            state["examples"] += 1
        if progress is not None:
            progress(claim.id, state["examples"], max_examples,
                     sum(1 for r in records if r["phase"] == "generate"), time.perf_counter() - t0)
        return bad

    strategy = claim.configurations(profile)
    hyp_settings = settings(
        max_examples=max_examples,
        derandomize=False,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
    )
    counterexample = None
    minimal = None
    for round_ in range(MAX_ROUNDS):
        # Every search is seeded from the run's seed alone (never from Hypothesis's own randomness or its
        # digest of the code), so a seed draws the same configurations in any checkout. Rounds after the
        # first run only while fewer than ``profile.min_in_scope`` configurations have been judged.
        rng = random.Random(seed * 7919 + round_)
        try:
            minimal = hypothesis.find(strategy, condition, settings=hyp_settings, random=rng)
        except hypothesis.errors.NoSuchExample:
            minimal = None
        except Exception as exc:
            if state.get("budget_spent"):  # Hypothesis may wrap the exception (as a flaky failure)
                minimal = state["smallest"]
                break
            # otherwise the strategy itself failed
            return _claim_result(claim, closed_form, records, verdict=ERROR, worst=None,
                                 counterexample=None, error=_describe(exc), counts=counts,
                                 wall=time.perf_counter() - t0, max_examples=max_examples)
        judged = sum(1 for r in records if r["phase"] == "generate" and r["status"] in (PASS, FAIL))
        if minimal is not None or examples is not None or judged >= profile.min_in_scope:
            break
    if minimal is not None:
        counterexample = evaluate_batch(claim, minimal, seed, closed_form, memo=memo)
        bad = [r for r in counterexample if r["status"] in (FAIL, CRASH)] or counterexample
        worst = max(bad, key=_ratio) if any(r["status"] == FAIL for r in bad) else bad[0]
        verdict = FALSIFIED if worst["status"] == FAIL else ERROR
        err = worst["reason"] if verdict == ERROR else None
    else:
        judged = [r for r in records if r["status"] == PASS]
        worst = max(judged, key=_ratio) if judged else None
        verdict = HOLDS if judged else OUT_OF_SCOPE
        err = None
    pooled = _pooled(claim, records)
    if pooled is not None and pooled["falsified"] and verdict == HOLDS:
        verdict = FALSIFIED
    return _claim_result(claim, closed_form, records, verdict=verdict, worst=worst,
                         counterexample=counterexample, error=err, counts=counts,
                         wall=time.perf_counter() - t0, max_examples=max_examples, pooled=pooled)


def _pooled(claim: Claim, records: Sequence[dict]) -> dict | None:
    """The claim-level estimate over the configurations the search generated and judged (theorems/_pooling.py),
    at the level of the claim's pooled test; ``None`` for a claim that does not pool, or with too few."""
    if claim.pooling is None:
        return None
    from theorems import _budget, _pooling

    generated = [r for r in records if r.get("phase") == "generate"]
    level = claim.pooling.level if claim.pooling.level is not None else _budget.pooled_level(claim.id)
    return _pooling.pool_records(claim.pooling, generated, level, replicated=claim.replicate is not None)


def _claim_result(claim: Claim, closed_form, records, *, verdict, worst, counterexample, error,
                  counts, wall, max_examples, pooled=None) -> dict:
    import sympy

    expr = claim.closed_form if closed_form is None else closed_form
    generated = [r for r in records if r.get("phase") == "generate"]
    tally = {s: sum(1 for r in generated if r["status"] == s) for s in (PASS, FAIL, SKIP, CRASH)}
    fitted = {}
    for r in generated:
        for name, val in (r.get("fitted") or {}).items():
            fitted.setdefault(name, []).append({"config": r["config"], **val})
    return {
        "id": claim.id,
        "family": claim.family,
        "statement": claim.statement,
        "source": claim.source,
        "closed_form": {"text": sympy.sstr(expr), "latex": sympy.latex(expr),
                        "pretty": sympy.pretty(expr, use_unicode=True)},
        "symbols": dict(claim.symbols),
        "agreement": {"metric": claim.agreement.name, "reason": claim.agreement.reason},
        "verdict": verdict,
        "examples": {"pass": tally[PASS], "fail": tally[FAIL], "out_of_scope": tally[SKIP],
                     "error": tally[CRASH], "hypothesis_examples": counts["generate"],
                     "shrink_steps": counts["shrink"], "max_examples": max_examples},
        "worst": None if worst is None else {k: worst[k] for k in
                                             ("config", "predicted", "measured", "error", "tolerance", "status",
                                              "reason")},
        "counterexample": counterexample,
        "error": error,
        "fitted": fitted,
        "pooled": _jsonable(pooled),
        "shifted": None if claim.shift is None else _jsonable(run_thresholds(claim.shift, generated)),
        "falsified_by": [] if verdict != FALSIFIED else (
            ["search"] * bool(counterexample) + ["pooled"] * bool(pooled and pooled["falsified"])),
        "records": generated,
        "wall_s": round(wall, 3),
    }
