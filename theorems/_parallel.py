"""Running a selection of claims, in this process or in worker processes.

Claims are independent given the seed (each draws its configurations from the seed alone and measures each
with a key derived from the seed and the configuration), so they can run in parallel without changing a
number.  Claims that reuse another claim's runs (``Claim.reuses``: ``splines.spline_rate_bound`` reads the
training sweeps of ``splines.spline_rate``) go to the same worker, after it, so the sharing still pays.

Workers are started with ``spawn`` (JAX is not fork-safe once it has started its threads), import the claims
by id, and return the result records; the parent orders them as the selection was given.  The work is handed
out longest first when the timings of an earlier run are known (``results.json`` in the output folder), so
that the last worker is not left alone with the slowest claim.

Workers ignore SIGINT; on an interruption (Ctrl-C, or SIGTERM, which the command line turns into one) the
parent stops them, and what they had finished is already kept (``theorems._partial``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from theorems import _partial
from theorems._claim import Claim, Profile

Report = Callable[[str, Mapping], None]


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cores_of(worker: int, workers: int, cores: Sequence[int]) -> set[int]:
    """The cores worker ``worker`` of ``workers`` runs on: a share of ``cores`` (the parent's), disjoint from the
    others' while there are at least as many cores as workers, one core each (in turn) when there are more
    workers."""
    cores = sorted(cores)
    if workers >= len(cores):
        return {cores[worker % len(cores)]}
    return set(cores[worker::workers])


def _own_cores(counter, workers: int, cores: Sequence[int]) -> None:
    """A worker's initializer: keep to its share of the cores (:func:`cores_of`), before JAX starts.

    XLA's CPU runtime sizes its thread pool by the cores the process may run on and splits an operation's loop
    over that pool.  Two workers that each saw both cores of a 2-core machine would run four compute threads on
    two cores, every small operation paying the hand-off (the ci profile ran 1.15 times as long that way)."""
    if not cores or not hasattr(os, "sched_setaffinity"):
        return
    with counter.get_lock():
        worker = counter.value
        counter.value += 1
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, cores_of(worker, workers, cores))


def worker_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (JAX is not fork-safe once it has started its threads), each
    keeping to its own share of this process's cores."""
    context = multiprocessing.get_context("spawn")
    try:
        cores = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = []
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_own_cores,
        initargs=(context.Value("i", 0), workers, cores))


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


def _run_group(ids: Sequence[str], profile: Profile, seed: int, examples: int | None,
               keep: Path | None) -> list[dict]:
    from theorems._registry import get
    from theorems._runner import run_claim

    results = []
    for claim_id in ids:
        result = run_claim(get(claim_id), profile, seed=seed, examples=examples)
        if keep is not None:
            _partial.keep(keep, result)
        results.append(result)
    return results


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored in this block (in the main thread; elsewhere signals are not handled anyway).

    Workers are started inside it: an ignored signal stays ignored in the spawned interpreter, which then
    installs no KeyboardInterrupt handler of its own.  Ctrl-C in a terminal goes to every process of the
    foreground group; the workers carry on and the parent, which alone decides, stops them, so an interruption
    prints the parent's one line and no worker's traceback, from the first instant of a worker's life on.  (A
    Ctrl-C that falls in the milliseconds of this block is lost, not mishandled.)  Stopping the workers runs
    inside it too, so that a second Ctrl-C cannot leave one running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop the workers now (a claim half-run is lost; those finished were kept as they finished)."""
    with _sigint_ignored():
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
            if process.exitcode is None:
                process.kill()
                process.join()


def run(claims: Sequence[Claim], profile: Profile, *, seed: int, examples: int | None, jobs: int,
        report: Report, progress=None, timings: Mapping[str, float] | None = None,
        keep: Path | None = None) -> list[dict]:
    """Run ``claims`` and return their result records in the order given.

    ``report(claim_id, result)`` is called as each claim finishes; with ``jobs == 1`` the claims run here, in
    order, with ``progress`` passed to the runner.  With ``keep`` (a run's partial folder, see
    ``theorems._partial``) each result is also kept there as soon as its claim finishes, by the process that
    ran it.  An interruption (KeyboardInterrupt) stops the workers before it propagates."""
    from theorems._runner import run_claim

    work = groups(claims)
    if jobs <= 1 or len(work) <= 1:
        results = []
        for claim in claims:
            result = run_claim(claim, profile, seed=seed, examples=examples, progress=progress)
            if keep is not None:
                _partial.keep(keep, result)
            report(claim.id, result)
            results.append(result)
        return results
    if timings:
        work.sort(key=lambda g: -sum(timings.get(c.id, 0.0) for c in g))
    by_id: dict[str, dict] = {}
    pool = worker_pool(min(jobs, len(work)))
    try:
        with _sigint_ignored():  # the workers start as the work is submitted
            futures = {pool.submit(_run_group, [c.id for c in g], profile, seed, examples, keep): g for g in work}
        for future in concurrent.futures.as_completed(futures):
            for result in future.result():
                by_id[result["id"]] = result
                report(result["id"], result)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    sys.stderr.flush()
    return [by_id[c.id] for c in claims]
