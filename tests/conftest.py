import dataclasses
import os
from pathlib import Path

# One BLAS thread (set before NumPy loads), as in the nox sessions and the command line: OpenBLAS's
# threads and XLA's otherwise compete for the same cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

import theorems  # noqa: E402
from theorems._parallel import cores_of  # noqa: E402

# Under pytest-xdist each worker keeps to its share of the cores, before JAX starts (as verify's workers do,
# theorems._parallel): XLA sizes its CPU thread pool by the cores a process may use.
ALL_CORES = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
"""The cores the test run was given, before this worker took its share."""
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw") and ALL_CORES:
    os.sched_setaffinity(0, cores_of(int(os.environ["PYTEST_XDIST_WORKER"][2:]),
                                     int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), ALL_CORES))


@pytest.fixture(scope="session")
def all_cores():
    return ALL_CORES


@pytest.fixture(scope="session")
def dev():
    """The dev profile with shrinking cut at 20 s: the cheap claims shrink to one configuration well within
    it, and a planted wrong version of an expensive claim (a training sweep over widths) still shows a
    counterexample the shrinker has worked on, without the minute that ``nox -s verify`` allows it."""
    return dataclasses.replace(theorems.PROFILES["dev"], shrink_seconds=20.0)


def _spawned_workers(pid: int) -> list[int]:
    """The worker processes that process ``pid`` spawned (multiprocessing's spawn; Linux: read from /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid) and b"spawn_main" in cmdline:
            found.append(int(status.parent.name))
    return found


@pytest.fixture(scope="session")
def spawned_workers():
    """pid -> the worker processes that process spawned (Linux)."""
    return _spawned_workers
