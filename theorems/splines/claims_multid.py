"""The claim on d inputs with Gaussian initialisation: Theorem 19's curvature density zeta(V, c) of Theorem 6's
penalty, against a Monte Carlo estimate from the hidden units' law; with its sizes and tolerance.

Light at import: the closed form, the experiment and the strategies are references into ``multid``.
"""

from __future__ import annotations

import numpy as np

from theorems import _budget
from theorems._agreement import FLOAT64_EPS, max_abs_error
from theorems._claim import Agreement, Claim, Config, Measurement
from theorems._resolution import DENSITY
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
    source=(f"{SOURCE}: [paper] Theorem 6 (the definition of zeta), Proposition 18 (eq. (118)) and Theorem 19 (zeta "
            "for Gaussian W, B); [derived] zeta in SymPy from eq. (118) for a symbolic d, checked equal to Theorem "
            "19's printed form, the banded Monte Carlo estimate and its tolerance"),
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
    shift=DENSITY,
)


# --- two inputs: the network's limit is the solution of Theorem 6's problem (8) with Theorem 19's zeta ----------

LIMIT_GRID = 11
"""Points per side of the grid [-R, R]^2 (R = max_j |x_j|) where the two solutions are compared."""


def limit_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """256 (kappa(A_zeta) + kappa(A_law)) eps max(1, max|y|) + q, A the two bordered systems [K P; P^T 0].

    Both interpolants come from backward-stable solves (forward error <= kappa eps ||s|| up to a modest constant,
    Higham ch. 7); the law's kernel is a closed form exact to round-off; the representer kernel's quadrature
    (numerics.splines.ridge_kernel_2d) is estimated by q = max |g_pieces - g_pieces/2| over the grid, the change
    of the solution when the angle's parts are halved in number: for a rule whose error at least halves under the
    refinement, |e_fine| <= |e_fine - e_coarse| = q (both rules are spectrally accurate for the analytic pieces,
    so q is of the order of the coarse rule's error, 1e-10 or below).
    """
    from theorems.splines.data import dataset_2d
    from theorems.splines.multid import ZETA_MULTID, ridge_solution

    _, ys = dataset_2d(config)
    fine, kappa = ridge_solution(ZETA_MULTID, config)
    coarse, _ = ridge_solution(ZETA_MULTID, config, coarse=True)
    q = float(np.max(np.abs(fine - coarse)))
    return 256.0 * (kappa + measurement.fitted["kappa"]["value"]) * FLOAT64_EPS * max(
        1.0, float(np.max(np.abs(ys)))) + q


def _limit_error(predicted, measurement, config):
    p = np.asarray(predicted, dtype=np.float64)
    m = np.asarray(measurement.value, dtype=np.float64)
    if p.shape != m.shape or not np.all(np.isfinite(p)):
        return float("inf")
    return float(np.max(np.abs(p - m)))


gaussian_limit_2d = Claim(
    id="splines.gaussian_limit_2d",
    statement=(
        "For two inputs with W ~ N(0, sigma_w^2 I_2) and B ~ N(0, sigma_b^2), the infinite-width network's limit (the "
        "minimum-norm interpolant with a free affine part in its output-layer kernel E[relu(<W, x> + B) "
        "relu(<W, x'> + B)]) is the solution of Theorem 6's problem (8), min int (R{(-Delta)^{3/2} g})^2 / zeta "
        "dV dc s.t. g(x_j) = y_j - <u, x_j> - v, with Theorem 19's zeta; compared on the grid [-R, R]^2, "
        "R = max_j |x_j|, for the paper's 2-D data (its Figures 9 and 10: sigma_w = 1, sigma_b^2 = 1 and 0.1) and "
        "random data."),
    source=(f"{SOURCE}: [paper] Theorem 6 (problem (8)), Theorem 19 and Appendix A (Figures 9, 10: Gaussian "
            "initialisation in two dimensions); [derived] problem (8) solved through its representer g = sum_j a_j "
            "K_zeta(., x_j) + <u, x> + v, K_zeta(x, x') = int zeta(V, c) (<V, x> - c)_+ (<V, x'> - c)_+ dV dc (the "
            "Radon transform of (-Delta)^{(d+1)/2} of a ReLU ridge is a point mass at its (V, c), as in the paper's "
            "proof), and the arc-cosine form of the network's kernel from the law"),
    closed_form=".multid:ZETA_MULTID",
    symbols={"c": "offset of the hyperplane <V, x> = c", "d": "input dimension (2)",
             "sigma_w, sigma_b": "standard deviations of W (each coordinate) and B"},
    predict=".multid:predict_limit_2d",
    measure=".multid:measure_limit_2d",
    configurations=".multid:limit_configurations",
    assumptions=".multid:limit_assumptions",
    agreement=Agreement(name="max over the grid |g_zeta - g_network|", error=_limit_error, tolerance=limit_tolerance,
                        reason=limit_tolerance.__doc__),
)


# --- three inputs: Theorem 8's polyharmonic spline for W uniform on S^2 ------------------------------------------

GRID_3D = 9
"""Points per side of the grid [-R, R]^3 whose points inside the ball of radius R = max_j |x_j| are compared."""


def polyharmonic_3d_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """256 (kappa(A_K) + kappa(A_r)) eps max(1, max|y|), A the two bordered systems [K P; P^T 0] (K the sphere
    kernel, r the matrix |x_i - x_j|^3).

    Both interpolants come from backward-stable solves (forward error <= kappa eps ||s|| up to a modest constant,
    Higham ch. 7); the sphere kernel is a closed form in everything but one circle average of a cubic trigonometric
    polynomial on two arcs, which 16-point Gauss-Legendre takes to round-off; 256 covers the constants.
    """
    from numerics import splines as nsp
    from theorems.splines.multid import dataset_3d

    xs, ys = dataset_3d(config)
    P = nsp.affine_design(xs)
    M = xs.shape[0]
    total = 0.0
    for K in (nsp.sphere_kernel_3d(xs, xs, float(config["a"])),
              np.linalg.norm(xs[:, None] - xs[None], axis=-1) ** 3):
        A = np.zeros((M + 4, M + 4))
        A[:M, :M], A[:M, M:], A[M:, :M] = K, P, P.T
        total += np.linalg.cond(A)
    return 256.0 * total * FLOAT64_EPS * max(1.0, float(np.max(np.abs(ys))))


polyharmonic_limit_3d = Claim(
    id="splines.polyharmonic_limit_3d",
    statement=(
        "For three inputs with W uniform on the sphere S^2 and B ~ U(-a_b, a_b), a_b >= max_i |x_i|, the solution of "
        "the variational problem is the polyharmonic spline h(x) - f_0(x) = sum_j lambda_j |x - x_j|^3 + <u, x> + v "
        "with sum_j lambda_j = 0 and sum_j lambda_j x_j = 0: the infinite-width network's minimum-norm interpolant "
        "with a free affine part equals it (on the grid's points in the ball of radius max_j |x_j|)."),
    source=(f"{SOURCE}: [paper] Theorems 7 and 8 (eq. (10)-(11)), stated for every d >= 2 (Lemma 36); [derived] "
            "the case d = 3 and the closed form of the sphere kernel (Archimedes' theorem)"),
    closed_form=".theory:POLYHARMONIC_BASIS",
    symbols={"r": "distance |x - x_j|"},
    predict=".multid:predict_polyharmonic_3d",
    measure=".multid:measure_kernel_limit_3d",
    configurations=".multid:polyharmonic_3d_configurations",
    assumptions=".multid:polyharmonic_3d_assumptions",
    agreement=max_abs_error(polyharmonic_3d_tolerance, reason=polyharmonic_3d_tolerance.__doc__),
)
