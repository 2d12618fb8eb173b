import dataclasses
import os

# One BLAS thread (set before NumPy loads), as in the nox sessions and the command line: OpenBLAS's
# threads and XLA's otherwise compete for the same cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

import theorems  # noqa: E402


@pytest.fixture(scope="session")
def dev():
    """The dev profile with shrinking cut at 20 s: the cheap claims shrink to one configuration well within
    it, and a planted wrong version of an expensive claim (a training sweep over widths) still shows a
    counterexample the shrinker has worked on, without the minute that ``nox -s verify`` allows it."""
    return dataclasses.replace(theorems.PROFILES["dev"], shrink_seconds=20.0)
