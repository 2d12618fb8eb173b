import os

# One BLAS thread (set before NumPy loads), as in the nox sessions and the command line: OpenBLAS's
# threads and XLA's otherwise compete for the same cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

import theorems  # noqa: E402


@pytest.fixture(scope="session")
def dev():
    return theorems.PROFILES["dev"]
