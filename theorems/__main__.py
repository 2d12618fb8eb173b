import os
import sys

# One BLAS thread unless the caller chose otherwise: OpenBLAS's threads and XLA's compete for the same
# cores, which on a small machine slows the experiments' small SVDs a hundredfold.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from theorems._cli import main  # noqa: E402

sys.exit(main())
