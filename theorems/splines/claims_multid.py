"""The claim on d inputs with Gaussian initialisation: Theorem 19's curvature density zeta(V, c) of Theorem 6's
penalty, against a Monte Carlo estimate from the hidden units' law; with its sizes and tolerance.

Light at import: the closed form, the experiment and the strategies are references into ``multid``.
"""

from __future__ import annotations

import numpy as np

from theorems import _budget
from theorems._claim import Agreement, Claim, Config, Measurement
from theorems.splines.constants import SOURCE

CLAIM_ID = "splines.curvature_density_multid"
DIMENSIONS = (2, 3, 4, 5)
"""Input dimensions d drawn (Theorem 6 and 19 hold for every d >= 2; one input is curvature_density)."""
SAMPLES = {"dev": 2**19, "thorough": 2**21, "xl": 2**21}
"""Monte Carlo draws of (W, B) per configuration."""
BANDS = 4
"""Bands of equal area across S^{d-1} (about an axis drawn per configuration) on which zeta is estimated."""
OFFSETS = 8
"""Offsets c per configuration."""
U_MAX = 1.5
"""Offsets are drawn in [-U_MAX, U_MAX] sigma_b / sigma_w.  C sigma_w / sigma_b = T_d / sqrt(d), T_d Student's t with
d degrees of freedom, so at the edge in d = 5 a band's bin holds 2^19 x 0.1 x 0.0247 / 4 = 324 draws on average
(6500 to 11000 at c = 0), enough for the normal approximation of its mean (the skewness of the sum is about 0.07
there)."""
BIN = 0.1
"""Width of an offset's bin, in units of sigma_b / sigma_w."""
TESTS_PER_CONFIG = BANDS * OFFSETS
BATCH = 4
"""Configurations per batch at most (a batch is padded to BATCH: one compiled shape)."""

MULTID_Z = _budget.worst_z((CLAIM_ID,))
"""Standard errors an estimate may be off by (theorems/_budget.py)."""


def allowance(measurement: Measurement, config: Config) -> np.ndarray:
    """Per estimate: z = MULTID_Z Monte Carlo standard errors plus the bin's bias h^2/24 max|zeta''|.

    Each estimate is a mean of N i.i.d. terms U^2 1{V in band} 1{|C - c| < h/2} / (h |S^{d-1}| / K), so its
    error is asymptotically normal with the reported standard error; z keeps the chance of a false alarm below
    the claim's share of the run's false-alarm budget, Bonferroni over the K x P = 32 estimates of each of the
    configurations a run judges at most (theorems/_budget.py).  Within a band zeta is constant in V (the claim),
    so the band average adds no bias; over the offset's bin the average differs from zeta(c) by at most
    h^2/24 max|zeta''| (midpoint rule), zeta'' from the closed form in SymPy (multid.curvature_bias).
    """
    from theorems.splines.multid import curvature_bias

    se = np.asarray(measurement.series["se"], dtype=np.float64)
    return MULTID_Z * se + np.tile(curvature_bias(config), BANDS) + 1e-15


def _error(predicted, measurement, config):
    p = np.asarray(predicted, dtype=np.float64)
    m = np.asarray(measurement.value, dtype=np.float64)
    if p.shape != m.shape or not np.all(np.isfinite(p)):
        return float("inf")
    return float(np.max(np.abs(p - m) / allowance(measurement, config)))


curvature_density_multid = Claim(
    id=CLAIM_ID,
    statement=(
        "For d >= 2 inputs, W ~ N(0, sigma_w^2 I_d) and B ~ N(0, sigma_b^2) independent, the curvature density of "
        "Theorem 6's penalty, zeta(V, c) = p_{V,C}(V, c) E[U^2 | V = V, C = c] with U = ||W||, V = W / U on "
        "S^{d-1} and C = -B / U, is zeta(V, c) = sigma_w^3 sigma_b^{d+2} Gamma((d+3)/2) / (pi^{(d+1)/2} "
        "(sigma_b^2 + c^2 sigma_w^2)^{(d+3)/2}), the same for every direction V (a density in dV dc, dV the "
        "surface measure). Checked for d = 2..5 on 4 bands of equal area across the sphere and 8 offsets."),
    source=(f"{SOURCE}, Theorem 6 (the definition of zeta), Proposition 18 (eq. (118)) and Theorem 19; zeta "
            "derived in SymPy from eq. (118) for a symbolic d and checked equal to Theorem 19's printed form; the "
            "banded Monte Carlo estimate and its tolerance are [derived]"),
    closed_form=".multid:ZETA_MULTID",
    symbols={"c": "offset of the hyperplane <V, x> = c (C = -B / ||W||)", "d": "input dimension",
             "sigma_w, sigma_b": "standard deviations of W (each coordinate) and B"},
    predict=".multid:predict",
    measure=".multid:measure",
    configurations=".multid:configurations",
    assumptions=".multid:assumptions",
    agreement=Agreement(
        name="max_{k, j} |zeta(c_j) - estimate_kj| / allowance_kj",
        error=_error,
        tolerance=lambda p, m, c: 1.0,
        reason=("error = max over the bands and offsets of |zeta - estimate| / allowance, tolerance 1. "
                + allowance.__doc__)),
)
