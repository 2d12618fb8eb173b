"""Gradient descent as a shrinkage operator (Lucey 2025, arXiv 2504.18207).

Setting: a one-dimensional shallow network f(x) = sum_j w_j phi(x - b_j) with
fixed biases and learned weights, inputs on a grid of n points in [0, 1].  The
Jacobian A_ij = phi(x_i - b_j) = U S V^T (singular values s_i, left singular
vectors u_i).  Gradient descent on (1/2) ||A w - y||^2 from w = 0 with learning
rate alpha for q steps acts on y through the singular values of A only.

A configuration holds:
    n            grid size (also the number of neurons)
    bias         bias placement: grid, shifted or jittered (see numerics.shrinkage.biases)
    bias_seed    seed of the jittered placement
    activation   step, relu, sigmoid, softplus (monotonic); gaussian, sinc (not)
    width        scale of the smooth activations
    alpha        learning rate
    q            number of gradient-descent steps
    frequency, noise, target_seed
                 the target y_i = sin(2 pi k x_i) + noise * N(0, 1)
"""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import strategies as st

from numerics import shrinkage as nx
from theorems._agreement import FLOAT64_EPS, max_abs_error
from theorems._claim import Claim, Config, Measurement, Profile
from theorems._strategies import batches

SOURCE = "Lucey (2025), Gradient Descent as a Shrinkage Operator for Spectral Bias, arXiv 2504.18207"

# The paper's symbols.
s, alpha, q = sympy.symbols("s alpha q", positive=True)

SHRINKAGE_FILTER = 1 - (1 - alpha * s**2) ** q
"""m(s; alpha, q) = 1 - (1 - alpha s^2)^q, the mask GD puts on the singular value s."""


# --- configurations ----------------------------------------------------------------------------

GRID_SIZES = {"dev": (16, 32, 48), "thorough": (16, 32, 48, 64, 96, 128)}


def jacobian(config: Config) -> np.ndarray:
    return nx.network_jacobian(config["n"], config["bias"], config["activation"], config["width"],
                               config["bias_seed"])


def targets(config: Config) -> np.ndarray:
    return nx.target(nx.grid(config["n"]), config["frequency"], config["noise"], config["target_seed"])


def stability_limit(config: Config) -> float:
    """2 / s_max^2: gradient descent on the least-squares loss converges below it."""
    s_max = np.linalg.norm(jacobian(config), 2)
    return 2.0 / s_max**2


def settings(profile: Profile, activations=nx.ACTIVATIONS) -> st.SearchStrategy:
    """The part of a configuration that fixes the Jacobian (and so the array shapes)."""
    return st.fixed_dictionaries({
        "n": st.sampled_from(GRID_SIZES[profile.scale]),
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": st.integers(0, 2**16),
        "activation": st.sampled_from(activations),
        "width": st.sampled_from((0.05, 0.1, 0.2)),
    })


def gd_runs(setting: Config) -> st.SearchStrategy:
    """Learning rate, step count and target of one run, for a given Jacobian.

    alpha is drawn as a fraction of the stability limit 2/s_max^2, up to 1.15 of it,
    so that some configurations fall outside the assumption and exercise it.
    """
    limit = stability_limit({**setting, "n": setting["n"]})
    return st.fixed_dictionaries({
        "alpha": st.floats(0.02, 1.15).map(lambda f: float(f * limit)),
        "q": st.integers(1, 400),
        "frequency": st.integers(0, 8),
        "noise": st.sampled_from((0.0, 0.1, 0.5)),
        "target_seed": st.integers(0, 2**16),
    })


def gd_assumptions(config: Config) -> str | None:
    """0 < alpha < 2 / s_max^2, and a positive integer step count."""
    if config["n"] < 2:
        return f"n = {config['n']} < 2 points"
    if config["q"] < 1:
        return f"q = {config['q']} < 1 step"
    limit = stability_limit(config)
    if not 0 < config["alpha"] < limit:
        return f"alpha = {config['alpha']:.4g} is outside (0, 2/s_max^2 = {limit:.4g})"
    return None


# --- claim 1: the filter --------------------------------------------------------------------------

def predict_filtered_fit(closed_form: sympy.Expr, config: Config) -> np.ndarray:
    """sum_i m(s_i) (u_i^T y) u_i, with m the closed form evaluated through lambdify."""
    U, S, _ = np.linalg.svd(jacobian(config), full_matrices=False)
    m = sympy.lambdify((s, alpha, q), closed_form, "numpy")
    mask = np.broadcast_to(m(S, float(config["alpha"]), int(config["q"])), S.shape)
    return U @ (mask * (U.T @ targets(config)))


def measure_gd_fit(configs, keys) -> list[Measurement]:
    """Fitted values A w_q of real gradient descent in JAX, the batch vmapped over (y, alpha, q)."""
    A = jacobian(configs[0])
    y = np.stack([targets(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    steps = np.array([c["q"] for c in configs], dtype=np.int64)
    fits = np.asarray(nx.gradient_descent_fits(A, y, a, steps, int(steps.max())))
    return [Measurement(value=f) for f in fits]


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
    return 16.0 * (config["q"] + 1) * config["n"] * FLOAT64_EPS * max(1.0, float(np.linalg.norm(targets(config))))


def _plot_predicted_vs_measured(records, ax):
    from reports import plots

    plots.predicted_vs_measured(records, ax, xlabel="predicted fitted value  sum m(s_i)(u_i^T y) u_i",
                                ylabel="GD fitted value  A w_q")


filter_exact = Claim(
    id="shrinkage.filter_exact",
    statement=(
        "q steps of gradient descent from w = 0 on (1/2)||A w - y||^2 with learning rate alpha give the "
        "fitted values A w_q = sum_i m(s_i) (u_i^T y) u_i with m(s) = 1 - (1 - alpha s^2)^q: GD is a "
        "shrinkage operator that masks the singular values of the Jacobian."),
    source=f"{SOURCE}, the shrinkage view of GD; exact identity [derived] from the SVD of A",
    closed_form=SHRINKAGE_FILTER,
    symbols={"s": "singular value s_i of A", "alpha": "learning rate", "q": "number of GD steps"},
    predict=predict_filtered_fit,
    measure=measure_gd_fit,
    configurations=lambda profile: batches(settings(profile), gd_runs, max_size=5),
    assumptions=gd_assumptions,
    agreement=max_abs_error(filter_tolerance, reason=filter_tolerance.__doc__),
    plot=_plot_predicted_vs_measured,
)


CLAIMS = (filter_exact,)
