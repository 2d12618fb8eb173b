"""The claims of the shrinkage family, in the paper's order, each with its agreement metric and tolerance.

Provenance, in every claim's ``source``: [paper] marks the paper's own words, which here are its abstract (as the
summary page of 2504.18207 reproduces it; no section or equation of the full text could be read); [summary] marks
what comes from the sciencestack.ai summary of 2504.18207 (its TL;DR and key findings) or from the project's notes
on the paper; [derived] marks what this suite works out (the derivations are in :mod:`theorems.shrinkage.theory`).

A claim's heavy parts are named by reference (``".theory:SHRINKAGE_FILTER"`` is ``SHRINKAGE_FILTER`` of
:mod:`theorems.shrinkage.theory`) and imported when the claim is run, so that importing this module, and
listing the claims, imports neither JAX, SymPy, Hypothesis nor SciPy.  The tolerances are derived, never tuned;
each says where it comes from.
"""

from __future__ import annotations

import numpy as np

from theorems._agreement import FLOAT64_EPS, inside_interval, max_abs_error
from theorems._claim import Agreement, Claim, Config, Measurement
from theorems._resolution import EXPONENT
from theorems.shrinkage.claims_nonmonotonic import gaussian_bandwidth, sinc_cliff
from theorems.shrinkage.source import SOURCE


# --- claim 1: the filter ---------------------------------------------------------------------------------------

def filter_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """16 (q + 1) n eps ||y||_2, with eps the float64 unit round-off.

    Each GD step forms A^T (A w - y) with two matrix-vector products of length n,
    whose rounding error is at most about n eps |A| |w| (Higham, Accuracy and
    Stability of Numerical Algorithms, sec. 3.5); below the stability limit the
    iteration map I - alpha A^T A has norm <= 1, so errors add up over q steps
    rather than grow.  On the prediction's side the SVD is backward stable and a
    perturbation delta s of a singular value moves the mask by at most
    2 q alpha s delta s <= 4 q eps in units of s_max; the factor 16 covers the
    constants of both bounds.
    """
    from theorems.shrinkage.network import targets

    return 16.0 * (config["q"] + 1) * config["n"] * FLOAT64_EPS * max(1.0, float(np.linalg.norm(targets(config))))


filter_exact = Claim(
    id="shrinkage.filter_exact",
    statement=(
        "q steps of gradient descent from w = 0 on (1/2)||A w - y||^2 with learning rate alpha give the "
        "fitted values A w_q = sum_i m(s_i) (u_i^T y) u_i with m(s) = 1 - (1 - alpha s^2)^q: GD is a "
        "shrinkage operator that masks the singular values of the Jacobian."),
    source=(f"{SOURCE}: abstract [paper] ('We then demonstrate how gradient descent (GD) can be reinterpreted as "
            "a shrinkage operator that masks the singular values of a neural network's Jacobian'); the mask "
            "m_gd(s; alpha, q) = 1 - (1 - alpha s^2)^q [summary] (sciencestack.ai TL;DR of 2504.18207; the "
            "paper's equation for it could not be read); the exact identity for q steps from w = 0 is [derived] "
            "from the SVD of A"),
    closed_form=".theory:SHRINKAGE_FILTER",
    symbols={"s": "singular value s_i of A", "alpha": "learning rate", "q": "number of GD steps"},
    predict=".theory:predict_filtered_fit",
    measure=".experiments:measure_gd_fit",
    configurations=".configurations:filter_batches",
    assumptions=".configurations:gd_assumptions",
    agreement=max_abs_error(filter_tolerance, reason=filter_tolerance.__doc__),
    max_examples={"dev": 12, "ci": 12},
)


# --- the mask past alpha s^2 = 1 ----------------------------------------------------------------------------

def _overshoot_signs(predicted, measurement, config):
    """The components judged (|m(s_i) - 1| above GD's round-off) and, for each, whether the measured
    g_i - 1 has the predicted sign."""
    o = np.asarray(predicted["overshoot"], dtype=np.float64)
    g = np.asarray(measurement.value, dtype=np.float64)
    judged = np.abs(o) > _threshold_tolerance(predicted, measurement, config)
    agree = np.sign(g - 1.0) == np.sign(o)
    return judged, agree


def _sign_mismatches(predicted, measurement, config):
    """The number of judged components whose fitted coefficient lies on the other side of the target's."""
    if np.any(~np.isfinite(np.asarray(measurement.value, dtype=np.float64))):
        return float("inf")
    judged, agree = _overshoot_signs(predicted, measurement, config)
    return float(np.sum(judged & ~agree))


sign_alternation = Claim(
    id="shrinkage.sign_alternation",
    statement=(
        "GD's mask m(s) = 1 - (1 - alpha s^2)^q is a shrinkage (0 <= m <= 1) only where alpha s^2 <= 1: for "
        "1 < alpha s^2 < 2, still below the stability limit, m(s) - 1 = -(1 - alpha s^2)^q alternates in sign, so "
        "the component's fitted coefficient exceeds the target's after an odd number of steps and stays below it "
        "after an even number; below alpha s^2 = 1 it never exceeds it."),
    source=(f"{SOURCE}: the mask m_gd(s; alpha, q) = 1 - (1 - alpha s^2)^q [summary] (sciencestack.ai TL;DR of "
            "2504.18207); its reading as a shrinkage only for alpha s_max^2 <= 1 and the alternation for "
            "1 < alpha s^2 < 2 are [derived] (the factor 1 - alpha s^2 lies in (-1, 0) there); the paper states "
            "no such regime in the text that could be read"),
    closed_form=".theory:MASK_OVERSHOOT",
    symbols={"s": "singular value s_i of A", "alpha": "learning rate", "q": "number of GD steps"},
    predict=".theory:predict_mask_overshoot",
    measure=".experiments:measure_component_gains",
    configurations=".configurations:alternation_batches",
    assumptions=".configurations:alternation_assumptions",
    agreement=Agreement(
        error=_sign_mismatches,
        tolerance=lambda predicted, measurement, config: 0.5,
        reason=("A count of sign disagreements, an integer, so any tolerance below 1 demands that there be none "
                "(0.5 is used so that error/tolerance can be drawn). Only components whose predicted |m(s_i) - 1| "
                "exceeds GD's round-off for a unit target, 16 (q + 1) n eps_64 (as for filter_exact), are "
                "judged: there GD's measured g_i - 1 is within that round-off of the prediction, so its sign is "
                "the prediction's; below it the sign is not determined by float64 arithmetic."),
        name="components whose fitted coefficient is on the wrong side of the target's"),
    max_examples={"dev": 12, "ci": 12},
)


# --- claim 2: the bandwidth ------------------------------------------------------------------------------------
# Both bandwidth claims are judged by a 95% confidence interval of the exponent measured from GD's crossing
# steps (theorems.shrinkage.experiments._bandwidth_measurements builds it); the prediction must lie inside.

bandwidth_decay_law = Claim(
    id="shrinkage.bandwidth_decay_law",
    statement=(
        "The bandwidth rho(alpha, q) = #{i : m(s_i) >= 1/2} of q GD steps grows as (alpha q)^(1/(2p)) when the "
        "Jacobian's singular values decay as s_k ~ k^(-p): the exponent of rho in alpha q is 1/(2p), with p "
        "measured from the spectrum (step: p = 1, ReLU: p = 2, smooth monotonic: the local p of the fitted range)."),
    source=(f"{SOURCE}: abstract [paper] ('An explicit relationship is proposed between the choice of GD "
            "hyperparameters (learning rate & number of iterations) and bandwidth (the number of active "
            "components)'); the mask m(s) = 1 - (1 - alpha s^2)^q [summary] (sciencestack.ai TL;DR); 'active' "
            "read as m(s_i) >= 1/2 and the law (alpha q)^(1/(2p)) for s_k ~ k^(-p) are [derived] from the mask"),
    closed_form=".theory:BANDWIDTH_DECAY_LAW",
    symbols={"alpha": "learning rate", "q": "number of GD steps",
             "p": "decay exponent of the singular values, s_k ~ (k - 1/2)^(-p), fitted on k = 2..n/8"},
    predict=".theory:predict_bandwidth_exponent",
    measure=".experiments:measure_bandwidth_with_decay",
    configurations=".configurations:bandwidth_batches",
    assumptions=".configurations:bandwidth_assumptions",
    agreement=inside_interval(
        "The claim holds when the exponent d log rho / d log(alpha q) of the law (1/(2p), p fitted by least "
        "squares of log s_k on log(k - 1/2), k = 2..n/8) lies in the 95% confidence interval of the exponent "
        "measured from GD's crossing steps: t-distribution quantile (n_k - 2 degrees of freedom) times the "
        "combined standard error sqrt(se_beta^2 + se_pred^2) of the difference of the two fitted quantities, "
        "se_beta = se_gamma / gamma^2 and se_pred = se_p / (2 p^2) by the delta method, widened by the bound of "
        "finite_step_bias on the finite-step-size and integer-step-count offsets of the crossings from the "
        "asymptotic alpha q_k = ln 2 / s_k^2."),
    shift=EXPONENT,
    max_examples={"dev": 12, "ci": 12},
)


bandwidth_sqrt_q = Claim(
    id="shrinkage.bandwidth_sqrt_q",
    statement=(
        "The bandwidth (number of active components) of GD grows as rho ~ sqrt(q) in the number of iterations "
        "q, for the monotonic activations on which GD's regularisation is effective."),
    source=(f"{SOURCE}: abstract [paper] ('an explicit relationship is proposed between the choice of GD "
            "hyperparameters (learning rate & number of iterations) and bandwidth (the number of active "
            "components)'); the form rho ~ sqrt(q) [summary] (sciencestack.ai TL;DR of 2504.18207; the "
            "paper's own text and the activation it states it for could not be read)"),
    closed_form=".theory:BANDWIDTH_PAPER_LAW",
    symbols={"q": "number of GD steps (at a fixed learning rate alpha)"},
    predict=".theory:predict_bandwidth_exponent",
    measure=".experiments:measure_bandwidth",
    configurations=".configurations:bandwidth_batches",
    assumptions=".configurations:bandwidth_assumptions",
    agreement=inside_interval(
        "The claim holds when the law's exponent d log rho / d log q lies in the 95% confidence interval of the "
        "exponent measured from GD's crossing steps: t-distribution quantile (n_k - 2 degrees of freedom) "
        "times the standard error of beta = 1/gamma, se_gamma / gamma^2 (delta method), gamma the "
        "least-squares slope of log(alpha q_k) on log(k - 1/2), widened by the bound of finite_step_bias on the "
        "finite-step-size and integer-step-count offsets of the crossings from the asymptotic "
        "alpha q_k = ln 2 / s_k^2, and on its lower side by grid_allowance(n), the most the n-point grid "
        "raises the step activation's exponent above the continuum 1/2 on the fitted components."),
)


# --- claim 3: the threshold ------------------------------------------------------------------------------------

def _threshold_error(predicted, measurement, config):
    """The largest violation of the two bounds: r_i - eps over kept components, the lower bound - r_i over
    shrunk ones (0 when none is violated)."""
    r = np.asarray(measurement.value, dtype=np.float64)
    upper = np.asarray(predicted["upper"], dtype=np.float64)
    lower = np.asarray(predicted["lower"], dtype=np.float64)
    over = np.where(np.isnan(upper), -np.inf, r - upper)
    under = np.where(np.isnan(lower), -np.inf, lower - r)
    if np.any(np.isnan(r)):
        return float("inf")
    return float(max(0.0, over.max(initial=-np.inf), under.max(initial=-np.inf)))


def _threshold_tolerance(predicted, measurement, config):
    """16 (q + 1) n eps_64: the round-off of GD's fitted values for a unit target (see filter_tolerance)."""
    return 16.0 * (config["q"] + 1) * config["n"] * FLOAT64_EPS


threshold_kappa = Claim(
    id="shrinkage.threshold_kappa",
    statement=(
        "The singular value kappa(eps) = sqrt(-log(eps) / (alpha q)), the large-q form of the exact threshold "
        "kappa_exact = sqrt((1 - eps^(1/q)) / alpha) (claim threshold_exact), separates the components GD keeps "
        "from those it shrinks up to a band: every component with s_i >= kappa (and alpha s_i^2 <= 1) has "
        "residual 1 - m(s_i) <= eps, and every component with s_i < kappa has 1 - m(s_i) > "
        "eps^(1/(1 - alpha kappa^2))."),
    source=(f"{SOURCE}: kappa ~ sqrt(-log(eps)/(alpha q)) [summary] (sciencestack.ai TL;DR of 2504.18207; the "
            "paper's own statement of it could not be read); that it is the large-q expansion of the exact "
            "threshold sqrt((1 - eps^(1/q))/alpha) is [derived] (eps^(1/q) = 1 + log(eps)/q + O(q^-2)); the "
            "two-sided inequality is [derived] from (1 - x)^q <= e^(-x q) and log(1 - x) >= -x / (1 - x) for "
            "0 <= x < 1"),
    closed_form=".theory:KAPPA",
    symbols={"epsilon": "residual level eps", "alpha": "learning rate", "q": "number of GD steps"},
    predict=".theory:predict_threshold_bounds",
    measure=".experiments:measure_component_residuals",
    configurations=".configurations:threshold_batches",
    assumptions=".configurations:threshold_assumptions",
    agreement=Agreement(
        error=_threshold_error,
        tolerance=_threshold_tolerance,
        reason=("Largest violation of the two bounds by GD's measured residuals, against the round-off of GD's "
                "fitted values for a unit target, 16 (q + 1) n eps_64 (Higham sec. 3.5 for the matrix-vector "
                "products, errors adding up over q steps below the stability limit; as for filter_exact). The "
                "bounds themselves are exact inequalities, so no statistical allowance is needed."),
        name="max violation of the kappa bounds by 1 - m_i"),
)


threshold_exact = Claim(
    id="shrinkage.threshold_exact",
    statement=(
        "Among the components with alpha s_i^2 <= 1, GD's residual after q steps is 1 - m(s_i) <= eps exactly "
        "when s_i >= kappa_exact(eps) = sqrt((1 - eps^(1/q)) / alpha): every component at or above it has "
        "1 - m(s_i) <= eps and every component below it has 1 - m(s_i) > eps, at float64 round-off, for every "
        "q >= 1."),
    source=(f"{SOURCE}: the threshold as a singular value below which GD shrinks the components [summary] "
            "(sciencestack.ai TL;DR of 2504.18207, in its log form kappa ~ sqrt(-log(eps)/(alpha q))); the exact "
            "form sqrt((1 - eps^(1/q))/alpha) and the exact split are [derived] from the mask "
            "m(s) = 1 - (1 - alpha s^2)^q, which decreases in 1 - alpha s^2 on [0, 1]"),
    closed_form=".theory:KAPPA_EXACT",
    symbols={"epsilon": "residual level eps", "alpha": "learning rate", "q": "number of GD steps"},
    predict=".theory:predict_threshold_exact",
    measure=".experiments:measure_component_residuals",
    configurations=".configurations:threshold_batches",
    assumptions=".configurations:gd_assumptions",
    agreement=Agreement(
        error=_threshold_error,
        tolerance=_threshold_tolerance,
        reason=("Largest violation of the exact split by GD's measured residuals (r_i - eps over the components "
                "at or above kappa_exact, eps - r_i below it), against the round-off of GD's fitted values for a "
                "unit target, 16 (q + 1) n eps_64 (as for filter_exact and threshold_kappa): the split is exact, "
                "so only a component whose residual lies within round-off of eps may sit on the wrong side."),
        name="max violation of the exact split by 1 - m_i"),
    max_examples={"dev": 12, "ci": 12},
)


# --- claim 4: the basis ----------------------------------------------------------------------------------------

def _svd_errors(predicted, measurement) -> tuple[np.ndarray, np.ndarray, float]:
    """|s_k - s_k^pred| and gap_k sin(theta_k), both per component, and s_1^pred.

    sin(theta_k) is measured as min(||u - u^pred||, ||u + u^pred||) (= 2 sin(theta/2), accurate at
    round-off level where 1 - cos^2 would cancel); gap_k = min_{j != k} |s_k^pred - s_j^pred|.
    """
    sp_ = np.asarray(predicted["sigma"], dtype=np.float64)
    Up = np.asarray(predicted["U"], dtype=np.float64)
    sm = np.asarray(measurement.value["sigma"], dtype=np.float64)
    Um = np.asarray(measurement.value["U"], dtype=np.float64)
    d_sigma = np.abs(sp_ - sm)
    sin_theta = np.minimum(np.linalg.norm(Um - Up, axis=0), np.linalg.norm(Um + Up, axis=0))
    diff = np.abs(sp_[:, None] - sp_[None, :]) + np.diag(np.full(sp_.size, np.inf))
    gap = diff.min(axis=1)
    return d_sigma, gap * sin_theta, float(np.max(np.abs(sp_)))


def _step_svd_error(predicted, measurement, config):
    """max(|s_k - s_k^pred|, gap_k sin theta_k) over k, relative to s_1."""
    d_sigma, wedin, s1 = _svd_errors(predicted, measurement)
    err = max(float(d_sigma.max()), float(wedin.max())) / s1
    return err if np.isfinite(err) else float("inf")


def _step_svd_tolerance(predicted, measurement, config):
    """8 n eps_64, a bound on the backward error ||E|| / ||A|| of a LAPACK SVD."""
    return 8.0 * config["n"] * FLOAT64_EPS


basis_step_exact = Claim(
    id="shrinkage.basis_step_exact",
    statement=(
        "For the step activation on a grid (biases between grid points) the Jacobian is the all-ones "
        "lower-triangular matrix; its singular values are s_k = 1/(2 sin((2k-1) pi/(2(2n+1)))) and its left "
        "singular vectors (the principal components of the fitted values) are the discrete sine transform "
        "vectors u_k(i) = 2/sqrt(2n+1) sin((2k-1) i pi/(2n+1)), exactly."),
    source=(f"{SOURCE}: 'monotonic activations' principal components adhere to a discrete sine transform (DST) "
            "frequency basis' [summary] (sciencestack.ai key findings of 2504.18207); the step's Jacobian as the "
            "all-ones lower-triangular matrix and the closed form of its SVD (DST type VII) are [derived] from "
            "(L L^T)^(-1) = tridiag(-1, 2, -1) with last entry 1"),
    closed_form=".theory:STEP_SVD",
    symbols={"n": "grid size", "k": "component index, 1..n", "i": "grid point index, 1..n"},
    predict=".theory:predict_step_svd",
    measure=".experiments:measure_jacobian_svd",
    configurations=".configurations:step_batches",
    assumptions=".configurations:step_assumptions",
    agreement=Agreement(
        name="max(|s_k - s_k^pred|, gap_k sin theta_k) / s_1",
        error=_step_svd_error,
        tolerance=_step_svd_tolerance,
        reason=("Exact identity, so round-off only: a LAPACK SVD is the exact SVD of A + E with "
                "||E|| <= p(n) eps_64 ||A||; Weyl gives |s_k - s_k^pred| <= ||E|| and Wedin gives "
                "gap_k sin(theta_k) <= ||E||, so both, over s_1 = ||A||, are at most p(n) eps_64; p(n) = 8 n "
                "covers the LAPACK constant and the round-off of evaluating the sines."),
    ),
    max_examples={"dev": 12, "ci": 12},
)


def _dst_error(predicted, measurement, config):
    """The number of active components k whose largest DST coefficient |<d_j, u_k>| is not at j = k."""
    D = np.asarray(predicted, dtype=np.float64)
    ks = np.asarray(measurement.value["k"], dtype=int)
    C = np.abs(D.T @ np.asarray(measurement.value["U"], dtype=np.float64))
    return float(np.sum(C.argmax(axis=0) + 1 != ks))


basis_monotonic_dst = Claim(
    id="shrinkage.basis_monotonic_dst",
    statement=(
        "For monotonic activations the principal components follow a discrete sine transform basis: every "
        "component GD keeps (gain m(s_k) >= 1/2) has its largest DST-VII coefficient "
        "|<d_j, u_k>|, d_j(i) = 2/sqrt(2n+1) sin((2j-1) i pi/(2n+1)), at its own frequency j = k; the overlap "
        "|<d_k, u_k>| is reported per component (1 for the step; below 1 for ReLU and softplus)."),
    source=(f"{SOURCE}: 'monotonic activations' principal components adhere to a discrete sine transform (DST) "
            "frequency basis' [summary] (sciencestack.ai key findings of 2504.18207); the frequency-matching "
            "reading and the DST type VII (exact for the "
            "step, claim basis_step_exact) are [derived]"),
    closed_form=".theory:DST_VECTOR",
    symbols={"n": "grid size", "k": "frequency index j of the basis vector", "i": "grid point index"},
    predict=".theory:predict_dst_basis",
    measure=".experiments:measure_active_dst_components",
    configurations=".configurations:dst_batches",
    assumptions=".configurations:dst_assumptions",
    agreement=Agreement(
        name="number of active components whose largest DST coefficient is not at their own index",
        error=_dst_error,
        tolerance=lambda predicted, measurement, config: 0.5,
        reason=("An index identity (argmax_j |<d_j, u_k>| = k) and the error counts mismatches, an integer, so "
                "any tolerance below 1 demands that there be none (0.5 is used so that the error/tolerance "
                "ratio can be drawn); round-off (~n eps_64) could only flip an argmax between two coefficients "
                "equal to within ~1e-13."),
    ),
    max_examples={"dev": 12, "ci": 12},
)


CLAIMS = (filter_exact, sign_alternation, bandwidth_decay_law, bandwidth_sqrt_q, threshold_kappa, threshold_exact,
          basis_step_exact, basis_monotonic_dst, sinc_cliff, gaussian_bandwidth)
