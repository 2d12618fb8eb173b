"""Running a selection of claims, in this process or in worker processes.

Claims are independent given the seed (each draws its configurations from the seed alone and measures each
with a key derived from the seed and the configuration), so they can run in parallel without changing a
number.  Claims that reuse another claim's runs (``Claim.reuses``: ``splines.spline_rate_bound`` reads the
training sweeps of ``splines.spline_rate``) go to the same worker, after it, so the sharing still pays.

Workers are started with ``spawn`` (JAX is not fork-safe once it has started its threads), import the claims
by id, and return the result records; the parent orders them as the selection was given.  The work is handed
out longest first when the timings of an earlier run are known (``results.json`` in the output folder), so
that the last worker is not left alone with the slowest claim.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from theorems._claim import Claim, Profile

Report = Callable[[str, Mapping], None]


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def groups(claims: Sequence[Claim]) -> list[list[Claim]]:
    """The claims split into units of work: a claim that reuses another's runs joins that claim's group."""
    out: list[list[Claim]] = []
    by_id: dict[str, list[Claim]] = {}
    for claim in claims:
        group = by_id.get(claim.reuses) if claim.reuses else None
        if group is None:
            group = []
            out.append(group)
        group.append(claim)
        by_id[claim.id] = group
    return out


def _run_group(ids: Sequence[str], profile: Profile, seed: int, examples: int | None) -> list[dict]:
    from theorems._registry import get
    from theorems._runner import run_claim

    return [run_claim(get(claim_id), profile, seed=seed, examples=examples) for claim_id in ids]


def run(claims: Sequence[Claim], profile: Profile, *, seed: int, examples: int | None, jobs: int,
        report: Report, progress=None, timings: Mapping[str, float] | None = None) -> list[dict]:
    """Run ``claims`` and return their result records in the order given.

    ``report(claim_id, result)`` is called as each claim finishes; with ``jobs == 1`` the claims run here, in
    order, with ``progress`` passed to the runner."""
    from theorems._runner import run_claim

    work = groups(claims)
    if jobs <= 1 or len(work) <= 1:
        results = []
        for claim in claims:
            result = run_claim(claim, profile, seed=seed, examples=examples, progress=progress)
            report(claim.id, result)
            results.append(result)
        return results
    if timings:
        work.sort(key=lambda g: -sum(timings.get(c.id, 0.0) for c in g))
    by_id: dict[str, dict] = {}
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=context) as pool:
        futures = {pool.submit(_run_group, [c.id for c in g], profile, seed, examples): g for g in work}
        try:
            for future in concurrent.futures.as_completed(futures):
                for result in future.result():
                    by_id[result["id"]] = result
                    report(result["id"], result)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    sys.stderr.flush()
    return [by_id[c.id] for c in claims]
