"""Claims on trained finite-width networks: the rate n^{-1/2} of Theorem 1 (as an exponent and as the paper's upper
bound), for two inputs (Theorem 6) and for SGD (Theorem 24); training the output layer only (Theorem 10); the
networks along the training trajectory (Remark 5) and their distance to the infinite-width trajectory.

Light at import: the experiments are references to the instances of ``rates.RateExperiment`` and to the
functions of ``trajectories``.
"""

from __future__ import annotations

import numpy as np

from theorems._agreement import inside_interval
from theorems._claim import Agreement, Claim
from theorems._pooling import Pooling
from theorems.splines.constants import (LEVELS_TEXT, RATE_MAX_EXAMPLES, RATE_REASON, RATE_SYMBOLS, SOURCE,
                                        POLYHARMONIC_RATE_MAX_EXAMPLES, SPLINE_RATE_MAX_EXAMPLES,
                                        STRENGTH_SYMBOLS)


def _faster_error(predicted, measurement, config):
    """How far the interval's lower end lies above the exponent (0 when the interval reaches below it):
    a configuration contradicts 'faster than n^rho' only when the whole interval is at or above rho."""
    lo, hi = measurement.interval
    return float(max(lo - float(predicted), 0.0)) if np.isfinite(lo) else float("inf")


RATE_MODERATORS = ("adjusted_targets", "init", "M", "frac")
"""What varies between the configurations of a rate claim and may move its slope: the size of the adjusted targets
max_j |y_j - u x_j - v| (where n^{-1/2} starts grows with it, NOTES.md), the law of (W, B), the number of data
points and the step (the widths are the profile's, the same for every configuration)."""

TWO_SIDED = Pooling(fitted="slope", sides="two", moderators=RATE_MODERATORS)
"""The configurations' slopes pooled into one random-effects estimate, judged against the exponent on both sides."""
UPPER_BOUND = Pooling(fitted="slope", sides="above", moderators=RATE_MODERATORS)
"""The same, judged as an upper bound: falsified when the pooled interval lies wholly above the exponent."""


# --- claim 3: the rate n^{-1/2} -------------------------------------------------------------------------

spline_rate = Claim(
    id="splines.spline_rate",
    statement=(
        "A width-n shallow ReLU network in the standard parametrisation with ASI (f_0 = 0), trained by "
        "full-batch GD on all parameters with a step inside the stability limit until zero training error "
        "on the adjusted data (x_j, y_j - u x_j - v), is within O_p(n^{-1/2}) of g* uniformly on S: the sup "
        "distance falls like n^{-1/2}."),
    source=(f"{SOURCE}: [paper] Theorem 1 (the O_p(n^{{-1/2}}) upper bound) with (u, v) of problem (22) "
            "(Theorem 13), and Figures 1, 3-5 (the error against n); [derived] that the exponent -1/2 is attained "
            "(random-feature fluctuations of the kernel are of exact order n^{-1/2}), the fitted exponent and "
            "its interval"),
    closed_form=".theory:RATE_EXPONENT",
    symbols=RATE_SYMBOLS,
    predict=".theory:predict_exponent",
    measure=".rates:SPLINE_RATE",
    replicate=".rates:SPLINE_RATE.replicated",
    configurations=".configurations:rate_batches",
    assumptions=".configurations:rate_assumptions",
    agreement=inside_interval(RATE_REASON),
    max_examples=SPLINE_RATE_MAX_EXAMPLES,
    pooling=TWO_SIDED,
)


# --- claim 5: two inputs ----------------------------------------------------------------------------------------

polyharmonic_rate = Claim(
    id="splines.polyharmonic_rate",
    statement=(
        "Two inputs, W uniform on the circle, B ~ U(-2, 2), standard parametrisation with ASI, full-batch GD on all "
        "parameters inside the stability limit to zero training error on (x_j, y_j - <u, x_j> - v): the network is "
        "within O_p(n^{-1/2}) of the polyharmonic spline (10)-(11) uniformly on [-max|x_i|, max|x_i|]^2; the sup "
        "distance falls like n^{-1/2}."),
    source=(f"{SOURCE}: [paper] Theorem 6 (the multivariate O_p(n^{{-1/2}}) bound) with Theorems 7, 8 and the "
            "setting of Figure 2 (data from the authors' code, see PAPER_X2); [derived] that the exponent -1/2 is "
            "attained, the fitted exponent and its interval"),
    closed_form=".theory:RATE_EXPONENT",
    symbols=RATE_SYMBOLS,
    predict=".theory:predict_exponent",
    measure=".rates:POLYHARMONIC_RATE",
    replicate=".rates:POLYHARMONIC_RATE.replicated",
    configurations=".configurations:rate_2d_batches",
    assumptions=".configurations:rate_assumptions",
    agreement=inside_interval(RATE_REASON),
    max_examples=POLYHARMONIC_RATE_MAX_EXAMPLES,
    pooling=TWO_SIDED,
)


# --- claim 6: output layer only against all parameters ---------------------------------------------------

output_layer_only = Claim(
    id="splines.output_layer_only",
    statement=(
        "Training only the output weights and training all parameters, from the same initialisation with the same "
        "step, give functions whose sup distance on S shrinks faster than n^{-1/2} (Theorem 10: O_p(n^{-1}) for the "
        "linearised models; the paper's Figure 6 reports order n^{-3/2} for the networks)."),
    source=(f"{SOURCE}: [paper] Theorem 10 and Corollary 11 (training only the output layer and training all "
            "parameters differ by O_p(n^{-1})) and Appendix A (Figure 6: 'the error is of order n^-3/2'); "
            "[derived] the comparison of each trained network's exponent with -1/2"),
    closed_form=".theory:RATE_EXPONENT",
    symbols=RATE_SYMBOLS,
    predict=".theory:predict_exponent",
    measure=".rates:measure_output_only",
    configurations=".configurations:rate_batches",
    assumptions=".configurations:rate_assumptions",
    agreement=Agreement(
        name="lower end of the slope's CI above the exponent",
        error=_faster_error, tolerance=lambda p, m, c: 0.0,
        reason=("A configuration contradicts 'D_n falls faster than n^rho' when the whole Student-t interval "
                "of the log-log slope of D_n lies at or above rho; the fitted 'below' records whether the whole "
                "interval lies below rho (the difference is shown to fall faster). " + RATE_REASON)),
    max_examples={"dev": 6, "ci": 6, "thorough": 6},
    pooling=UPPER_BOUND,
)


# --- claim 3': Theorem 1 as the paper states it, an upper bound ------------------------------------------------

spline_rate_bound = Claim(
    id="splines.spline_rate_bound",
    statement=(
        "Theorem 1 as the paper states it: a width-n shallow ReLU network in the standard parametrisation with ASI "
        "(f_0 = 0), trained by full-batch GD on all parameters with a step inside the stability limit until zero "
        "training error on the adjusted data, satisfies sup_S |f(x, theta*) - g*(x)| = O_p(n^{-1/2}): the sup "
        "distance falls at least as fast as n^{-1/2}."),
    source=(f"{SOURCE}: [paper] Theorem 1 (the O_p(n^{{-1/2}}) upper bound), with (u, v) of problem (22) "
            "(Theorem 13); [derived] the one-sided test of the fitted exponent against -1/2"),
    closed_form=".theory:RATE_EXPONENT",
    symbols=RATE_SYMBOLS,
    predict=".theory:predict_exponent",
    measure=".rates:SPLINE_RATE",
    replicate=".rates:SPLINE_RATE.replicated",
    reuses="splines.spline_rate",  # the same configurations and sweeps, shared through the store splines.sweeps
    configurations=".configurations:rate_batches",
    assumptions=".configurations:rate_assumptions",
    agreement=Agreement(
        name="lower end of the slope's CI above the exponent",
        error=_faster_error, tolerance=lambda p, m, c: 0.0,
        reason=("An upper bound O(n^rho) is contradicted by a configuration only when the whole Student-t "
                "interval of its log-log slope lies above rho (the distance demonstrably falls more slowly); a "
                "slope steeper than rho agrees with the bound. " + RATE_REASON)),
    max_examples=SPLINE_RATE_MAX_EXAMPLES,
    pooling=UPPER_BOUND,
)


# --- claim 7: stochastic gradient descent ---------------------------------------------------------------------

sgd_rate = Claim(
    id="splines.sgd_rate",
    statement=(
        "Stochastic gradient descent (one training example drawn uniformly per step, loss (1/2)(f(x_r) - y_r)^2, "
        "constant step below 1 / max_j ||grad_theta f(x_j, theta_0)||^2) on all parameters reaches the same limit: "
        "the sup distance on S to g* falls like n^{-1/2}."),
    source=(f"{SOURCE}: [paper] Theorem 24 (SGD on the linearised model converges to the same minimum-distance "
            "solution, eq. (46)-(47)) and Remark 25 ('our main theorem also holds for SGD training'); [derived] the "
            "exponent -1/2 for the trained networks"),
    closed_form=".theory:RATE_EXPONENT",
    symbols=RATE_SYMBOLS,
    predict=".theory:predict_exponent",
    measure=".rates:SGD_RATE",
    replicate=".rates:SGD_RATE.replicated",
    configurations=".configurations:rate_batches",
    assumptions=".configurations:rate_assumptions",
    agreement=inside_interval(RATE_REASON),
    max_examples={"dev": 6, "ci": 6, "thorough": 6},
    pooling=TWO_SIDED,
)


# --- claims 10, 11: finite-width networks along the trajectory (Remark 5) -----------------------------------

DEPARTURE_EXPONENT = -0.5
"""The network's distance to gradient descent in its own initial tangent kernel is O_p(n^{-1/2}) uniformly in t:
the bound on the distance between a wide network and its linearisation through training (the linearised model
behind Theorem 1, whose O_p(n^{-1/2}) is this claim's bound; Lee, Xiao, Schoenholz, Bahri, Novak, Sohl-Dickstein,
Pennington (2019), Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent, Thm 2.1, in
the NTK parametrisation) [derived for this parametrisation and the recorded steps]; the measured departure falls
faster, about n^{-2} (NOTES.md)."""


def _network_departure_error(predicted, measurement, config):
    """How far the lower end of the interval of the slope of log R_n on log n lies above -1/2 (0 when it reaches
    below), R_n = max_t ||f_t^(n)(X) - y + (I - K_n / (lambda(t) t))^t y||_2 / ||y||_2 per run, lambda(t) the
    predicted strength: a configuration contradicts the claim when the network's departure from the early-stopped
    spline of lambda(t) in its tangent kernel demonstrably falls more slowly than n^{-1/2} (or does not fall)."""
    from theorems.splines.constants import TRAJ_NET_WIDTHS, ci_level
    from theorems.splines.rates import fit_power_law
    from theorems.splines.trajectories import departures, network_of

    lam = np.asarray(predicted, dtype=np.float64)
    f, K0 = (np.asarray(measurement.value[k], dtype=np.float64) for k in ("f", "K0"))
    p = network_of(config)
    if f.ndim != 4 or lam.shape != p["times"].shape or not np.all(np.isfinite(lam) & (lam > 0)):
        return float("inf")
    stable = np.asarray(measurement.series["stable"], dtype=bool)
    R = departures(1.0 / (lam * p["times"]), f, K0, p["ys"], p["times"])
    if not np.all(np.isfinite(R[stable])):
        return float("inf")
    widths = TRAJ_NET_WIDTHS[config["scale"]]
    fit = fit_power_law(widths, np.where(stable, R, 1.0), level=ci_level(config["scale"]), mask=stable)
    lo = fit["interval"][0]
    return float(max(lo - DEPARTURE_EXPONENT, 0.0)) if np.isfinite(lo) else float("inf")


NETWORK_TRAJECTORY_REASON = (
    "Prediction: Remark 5 in the network's own tangent kernel K_n = J_0 J_0^T / n (all parameters, at its "
    "initialisation, on the data; numerics.shallow.ntk_gram, no training): after t steps the values on the data are "
    "the early-stopped counterpart of the smoothing spline of strength lambda(t), y - (I - K_n / (lambda(t) t))^t y "
    "(App. N.1's h_2 at c = lambda(t); with lambda(t) = M / (eta_bar t) this is gradient descent in K_n with step "
    "eta_bar / M, which the loss (1/M) sum_j (1/2) r_j^2 and the step eta_bar / n give a linearised network), computed "
    "by an eigendecomposition of K_n. Experiment: the network trained step by step (numerics.shallow.trajectory_run, "
    "hand-written gradients). R_n = max_t ||f_t^(n)(X) - prediction_t||_2 / ||y||_2 per run is the network's "
    "departure from its linearisation; it must fall at least as fast as n^{-1/2} (DEPARTURE_EXPONENT). The error is "
    "how far the lower end of the Student-t interval of the OLS slope of log R_n on log n (stable (width, seed) runs, "
    f"n - 2 degrees of freedom, level {LEVELS_TEXT}) lies above -1/2, tolerance 0. A wrong time scale (a wrong "
    "strength, a learning rate off in training) leaves R_n at the size of the mismatch at every width, a slope "
    "near 0. The distance to the smoothing spline itself, ||f_t^(n)(X) - h_lambda(t)(X)||, is within the App. N.1 "
    "gap of the early-stopped one in any kernel (trajectory_smoothing) and is reported, with the network's distance "
    "to the infinite-width trajectory (its n^{-1/2} fall is trajectory_width_rate).")

trajectory_network = Claim(
    id="splines.trajectory_network",
    statement=(
        "During training, the width-n network (standard parametrisation, ASI, full-batch GD on all parameters with "
        "learning rate eta_bar / n) follows the spatially adaptive smoothing spline of regularisation strength "
        "lambda(t) = M / (eta_bar t) (Remark 5, eq. (7); problem (166)) in its own tangent kernel K_n = J_0 J_0^T / n "
        "as App. N.1 pairs them: its values on the data after t steps are y - (I - K_n / (lambda(t) t))^t y, the "
        "early-stopped counterpart of that spline (within the App. N.1 gap of it), up to the network's departure "
        "from its linearisation, which falls at least as fast as n^{-1/2}."),
    source=(f"{SOURCE}: [paper] Remark 5 (Sec. 3.1, eq. (7)) and Appendix N.1 (eq. (162)-(168): h_1, h_2 and "
            "c = 1 / (eta tau)); [derived] the discrete per-mode form in the network's tangent kernel, the constant "
            "M for this loss and the n^{-1/2} bound on the departure along the trajectory"),
    closed_form=".theory:SMOOTHING_STRENGTH",
    symbols=STRENGTH_SYMBOLS,
    predict=".trajectories:predict_network_strength",
    measure=".trajectories:measure_network_trajectory",
    configurations=".configurations:network_trajectory_batches",
    assumptions=".configurations:trajectory_assumptions",
    agreement=Agreement(
        name="lower end of the CI of the slope of the departure R_n above -1/2",
        error=_network_departure_error, tolerance=lambda p, m, c: 0.0, reason=NETWORK_TRAJECTORY_REASON),
    max_examples=RATE_MAX_EXAMPLES,
    # the departure's slope over the configurations together, held to the bound -1/2 (the claim predicts
    # lambda(t), not the exponent)
    pooling=Pooling(fitted="departure_slope", sides="above", moderators=("init", "M", "frac"),
                    prediction=-0.5),  # Theorem 1's exponent, theory.RATE_EXPONENT (a test checks they agree)
)


trajectory_width_rate = Claim(
    id="splines.trajectory_width_rate",
    statement=(
        "Along the whole gradient-descent trajectory the width-n network stays within O_p(n^{-1/2}) of the "
        "infinite-width trajectory f_t^inf = K(., X) alpha_t uniformly on S: D_n = max_t sup_S |f_t^(n) - f_t^inf| "
        "falls at least as fast as n^{-1/2}."),
    source=(f"{SOURCE}: [paper] Theorem 1 and its proof through the linearised model (Appendix C; the "
            "O_p(n^{-1/2}) bound); [derived] that the bound holds uniformly over the recorded steps, off the data "
            "and for the trajectory rather than the limit"),
    closed_form=".theory:RATE_EXPONENT",
    symbols=RATE_SYMBOLS,
    predict=".theory:predict_exponent",
    measure=".trajectories:measure_width_rate",
    reuses="splines.trajectory_network",  # the same trained networks, shared through the store splines.network_runs
    configurations=".configurations:network_trajectory_batches",
    assumptions=".configurations:trajectory_assumptions",
    agreement=Agreement(
        name="lower end of the slope's CI above the exponent",
        error=_faster_error, tolerance=lambda p, m, c: 0.0,
        reason=("An upper bound O(n^rho) is contradicted by a configuration only when the whole "
                "Student-t interval of its log-log slope lies above rho (D_n demonstrably falls more slowly); a slope "
                "steeper than rho agrees with the bound. The slope is the OLS slope of log D_n on log n over the "
                "stable (width, seed) runs of a configuration (independent networks), its interval the Student-t "
                f"interval with n - 2 degrees of freedom at level {LEVELS_TEXT}. "
                "sup_S is taken on a grid of 81 points of S.")),
    max_examples=RATE_MAX_EXAMPLES,
    pooling=Pooling(fitted="slope", sides="above", moderators=("init", "M", "frac")),
)
