"""Executable claims of theorems on the spectral and implicit bias of gradient descent.

Each subpackage of this package is one theorem family and defines ``CLAIMS``, a tuple of :class:`Claim`
objects (``theorems/shrinkage/`` is the smallest to copy).  ``python -m theorems`` lists, verifies and reports
them.  Importing this package imports neither JAX nor SymPy; the experiments turn float64 on when they import
:mod:`numerics`.
"""

from theorems._agreement import FLOAT64_EPS, inside_interval, max_abs_error, relative_error
from theorems._claim import DEFAULT_PROFILE, PROFILES, Agreement, Claim, Config, Measurement, Profile
from theorems._registry import UnknownClaimError, all_claims, families, get, select
from theorems._runner import ERROR, FALSIFIED, HOLDS, OUT_OF_SCOPE, VERDICTS, evaluate_batch, run_claim

__all__ = [
    "Agreement", "Claim", "Config", "Measurement", "Profile", "PROFILES", "DEFAULT_PROFILE",
    "FLOAT64_EPS", "inside_interval", "max_abs_error", "relative_error",
    "UnknownClaimError", "all_claims", "families", "get", "select",
    "HOLDS", "FALSIFIED", "OUT_OF_SCOPE", "ERROR", "VERDICTS", "evaluate_batch", "run_claim",
]
