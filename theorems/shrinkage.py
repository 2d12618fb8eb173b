"""Gradient descent as a shrinkage operator (Lucey 2025, arXiv 2504.18207).

Setting: a one-dimensional shallow network f(x) = sum_j w_j phi(x - b_j) with
fixed biases and learned weights, inputs on a grid of n points in [0, 1].  The
Jacobian A_ij = phi(x_i - b_j) = U S V^T (singular values s_i, left singular
vectors u_i).  Gradient descent on (1/2) ||A w - y||^2 from w = 0 with learning
rate alpha for q steps acts on y through the singular values of A only.

GD's mask on the singular value s is m(s) = 1 - (1 - alpha s^2)^q.  The claims:

1. filter_exact: the fitted values of q GD steps are sum_i m(s_i) (u_i^T y) u_i.
2. bandwidth_decay_law / bandwidth_sqrt_q: the bandwidth rho = #{i : m(s_i) >= 1/2}
   grows as (alpha q)^(1/(2p)) when s_k ~ k^(-p) (derived), against the paper's
   rho ~ sqrt(q).
3. threshold_kappa: kappa(eps) = sqrt(-log(eps)/(alpha q)) splits the components
   into those with 1 - m <= eps and those with 1 - m > eps^(1/(1 - alpha kappa^2)).
4. basis_step_exact / basis_monotonic_dst: for the step activation the SVD is a
   discrete sine transform in closed form; for monotonic activations the active
   principal components sit at their own DST frequency.
5. sinc_cliff: for a sinc of width w the spectrum is flat then falls off a cliff,
   and GD's bandwidth is 1/w whatever alpha and q.

A configuration holds (each claim uses the keys it needs):
    n            grid size (also the number of neurons)
    bias         bias placement: grid, shifted or jittered (see numerics.shrinkage.biases)
    bias_seed    seed of the jittered placement
    activation   step, relu, sigmoid, softplus (monotonic); gaussian, sinc (not)
    width        scale of the smooth activations
    alpha        learning rate
    alpha_fraction
                 alpha s_max^2, where alpha was drawn relative to the spectrum
    q            number of gradient-descent steps
    eps          residual level of the threshold kappa(eps)
    frequency, noise, target_seed
                 the target y_i = sin(2 pi k x_i) + noise * N(0, 1)
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.stats
import sympy
from hypothesis import strategies as st

from numerics import shrinkage as nx
from theorems._agreement import FLOAT64_EPS, inside_interval, max_abs_error
from theorems._claim import Agreement, Claim, Config, Measurement, Profile
from theorems._strategies import batches

SOURCE = "Lucey (2025), Gradient Descent as a Shrinkage Operator for Spectral Bias, arXiv 2504.18207"

# The paper's symbols.
s, alpha, q = sympy.symbols("s alpha q", positive=True)
p, eps, w = sympy.symbols("p epsilon w", positive=True)
n_, k_, i_ = sympy.symbols("n k i", positive=True, integer=True)

SHRINKAGE_FILTER = 1 - (1 - alpha * s**2) ** q
"""m(s; alpha, q) = 1 - (1 - alpha s^2)^q, the mask GD puts on the singular value s."""


# --- configurations ----------------------------------------------------------------------------

GRID_SIZES = {"dev": (16, 32, 48), "thorough": (16, 32, 48, 64, 96, 128)}


@functools.lru_cache(maxsize=512)
def _jacobian_svd(n: int, bias: str, activation: str, width: float, bias_seed: int):
    A = nx.network_jacobian(n, bias, activation, width, bias_seed)
    U, S, Vt = np.linalg.svd(A)
    for arr in (A, U, S, Vt):
        arr.setflags(write=False)
    return A, U, S, Vt


def _jacobian_key(config: Config) -> tuple:
    return (int(config["n"]), str(config["bias"]), str(config["activation"]), float(config["width"]),
            int(config["bias_seed"]))


def jacobian(config: Config) -> np.ndarray:
    """A_ij = phi(x_i - b_j) of the configuration (read-only; computed once per Jacobian)."""
    return _jacobian_svd(*_jacobian_key(config))[0]


def jacobian_svd(config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(U, s, V^T) of the configuration's Jacobian, s descending (read-only; computed once per Jacobian)."""
    return _jacobian_svd(*_jacobian_key(config))[1:]


def targets(config: Config) -> np.ndarray:
    return nx.target(nx.grid(config["n"]), config["frequency"], config["noise"], config["target_seed"])


def stability_limit(config: Config) -> float:
    """2 / s_max^2: gradient descent on the least-squares loss converges below it."""
    s_max = jacobian_svd(config)[1][0]
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
    U, S, _ = jacobian_svd(config)
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
    source=(f"{SOURCE}: abstract ('GD can be reinterpreted as a shrinkage operator that masks the singular "
            "values of a neural network's Jacobian'); the mask m_gd(s; alpha, q) = 1 - (1 - alpha s^2)^q "
            "[summary] (sciencestack.ai TL;DR of 2504.18207); exact identity [derived] from the SVD of A"),
    closed_form=SHRINKAGE_FILTER,
    symbols={"s": "singular value s_i of A", "alpha": "learning rate", "q": "number of GD steps"},
    predict=predict_filtered_fit,
    measure=measure_gd_fit,
    configurations=lambda profile: batches(settings(profile), gd_runs, max_size=5),
    assumptions=gd_assumptions,
    agreement=max_abs_error(filter_tolerance, reason=filter_tolerance.__doc__),
    plot=_plot_predicted_vs_measured,
    max_examples={"dev": 12, "ci": 12},
)


# --- claim 2: the bandwidth ------------------------------------------------------------------------

# The active components of GD after q steps are those with m(s_i) >= 1/2; their number rho(alpha, q) is
# the bandwidth.  For 0 < alpha s^2 < 1 the mask increases with s and with q, so component i becomes
# active at the crossing step q_i, the smallest q with (1 - alpha s_i^2)^q <= 1/2, and
# rho(alpha, q) = #{i : q_i <= q}.  If s_k = C (k - 1/2)^(-p) then the k-th crossing sits at
# alpha q_k ~ ln 2 / s_k^2 = (ln 2 / C^2) (k - 1/2)^(2p): rho grows as (alpha q)^(1/(2p)).

BANDWIDTH_DECAY_LAW = (alpha * q) ** (1 / (2 * p))
"""rho ~ (alpha q)^(1/(2p)), the bandwidth law derived from a singular-value decay s_k ~ k^(-p)."""

BANDWIDTH_PAPER_LAW = sympy.sqrt(q)
"""rho ~ sqrt(q), the bandwidth law as the paper's summary states it."""

BANDWIDTH_GRID_SIZES = {"dev": (64, 96, 128), "thorough": (64, 96, 128, 192, 256)}
BANDWIDTH_WIDTHS = (0.002, 0.005, 0.01, 0.02)


def fitted_components(n: int) -> np.ndarray:
    """Indices k = 2 .. n/8 of the components whose crossings the exponents are fitted on.

    k = 1 is left out (its crossing step is a handful of steps, where (1 - x)^q and
    e^(-x q) still differ); k <= n/8 keeps to the continuum regime of the grid: for the
    step activation s_k = 1 / (2 sin((k - 1/2) pi / (2n + 1))) (claim basis_step_exact)
    and the local exponent y cot y of the factor y / sin y stays within 1% of 1 for
    y = (k - 1/2) pi / (2n + 1) <= pi / 16.
    """
    return np.arange(2, n // 8 + 1)


def _linear_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """Least-squares slope of y on x, its standard error and the residual degrees of freedom."""
    X = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    dof = len(x) - 2
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.inv(X.T @ X)
    return float(coef[1]), float(np.sqrt(cov[1, 1])), dof


def _t95(dof: int) -> float:
    return float(scipy.stats.t.ppf(0.975, dof))


def decay_fit(config: Config) -> dict:
    """The decay exponent p of s_k ~ (k - 1/2)^(-p), fitted on the components of
    :func:`fitted_components` from the SVD of the configuration's Jacobian."""
    S = jacobian_svd(config)[1]
    ks = fitted_components(config["n"])
    slope, se, dof = _linear_fit(np.log(ks - 0.5), np.log(S[ks - 1]))
    return {"p": -slope, "se": se, "dof": dof}


def bandwidth_exponent(closed_form: sympy.Expr, decay_p: float) -> float:
    """d log rho / d log q of a bandwidth law rho(alpha, q), evaluated at the decay exponent p."""
    exponent = sympy.simplify(q * sympy.diff(sympy.log(closed_form), q))
    return float(exponent.subs(p, decay_p))


def predict_bandwidth_exponent(closed_form: sympy.Expr, config: Config) -> float:
    return bandwidth_exponent(closed_form, decay_fit(config)["p"])


def bandwidth_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(BANDWIDTH_GRID_SIZES[profile.scale])})


def bandwidth_members(setting: Config) -> st.SearchStrategy:
    """One Jacobian (activation, bias placement, width) and a learning rate per configuration.

    alpha is drawn as a fraction of 1/s_max^2, up to 1.1 of it, so that some
    configurations fall outside the assumption alpha s_max^2 < 1.
    """

    def with_alpha(member):
        config = {**setting, **member}
        s_max2 = 2.0 / stability_limit(config)
        return {**member, "alpha": float(member["alpha_fraction"] / s_max2)}

    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": st.integers(0, 2**16),
        "activation": st.sampled_from(nx.MONOTONIC),
        "width": st.sampled_from(BANDWIDTH_WIDTHS),
        "alpha_fraction": st.floats(0.01, 1.1),
    }).map(with_alpha)


def bandwidth_assumptions(config: Config) -> str | None:
    """A monotonic activation and 0 < alpha s_max^2 < 1.

    Below 1/s_max^2 every component has 0 <= 1 - alpha s_i^2 < 1, so its mask rises
    monotonically through 1/2 exactly once; the bandwidth is then the counting function
    of the crossing steps.  The paper states GD's regularisation for monotonic
    activations only (abstract: "GD regularization is shown to be effective only with
    monotonic activation functions").
    """
    if config["activation"] not in nx.MONOTONIC:
        return f"activation {config['activation']} is not monotonic"
    s_max2 = 2.0 / stability_limit(config)
    if not 0 < config["alpha"] * s_max2 < 1:
        return f"alpha s_max^2 = {config['alpha'] * s_max2:.3g} is outside (0, 1)"
    return None


def finite_step_bias(x: np.ndarray, x_alpha: np.ndarray, gamma: float) -> float:
    """Bound on how far the finite step size and the integer step count move beta = 1/gamma.

    With x_k = alpha s_k^2, the crossing step q_k = ceil(ln 2 / -log(1 - x_k)) satisfies
    ln 2 (1 - x_k) / x_k <= q_k < ln 2 / x_k + 1, since x <= -log(1 - x) <= x / (1 - x):
    log(alpha q_k) = log(ln 2 / s_k^2) + delta_k with
    |delta_k| <= Delta_k = max(-log(1 - x_k), log(1 + x_k / ln 2)).  The least-squares
    slope is linear in the responses with weights c_k = (X_k - mean X) / S_XX, so gamma
    moves by at most sum |c_k| Delta_k, and beta = 1/gamma by that over gamma (gamma - it).
    """
    c = (x - x.mean()) / float(((x - x.mean()) ** 2).sum())
    delta = np.maximum(-np.log1p(-x_alpha), np.log1p(x_alpha / np.log(2.0)))
    shift = float(np.abs(c) @ delta)
    return shift / (gamma * max(gamma - shift, 1e-300))


def grid_allowance(n: int) -> float:
    """How far above 1/2 the grid alone can push the bandwidth exponent on the fitted components.

    The laws are continuum laws.  On an n-point grid the step activation's exact spectrum
    s_k = 1 / (2 sin(y_k)), y_k = (k - 1/2) pi / (2n + 1) (claim basis_step_exact), has the local
    exponent -d log s / d log(k - 1/2) = y cot y < 1, so its exponent 1/(2p) exceeds the continuum 1/2 by
    at most 1 / (2 y cot y) - 1/2 at the largest fitted k.
    """
    y = (fitted_components(n)[-1] - 0.5) * np.pi / (2 * n + 1)
    return float(0.5 / (y / np.tan(y)) - 0.5)


def _bandwidth_measurements(configs, keys, *, with_decay_interval: bool) -> list[Measurement]:
    """GD's crossing steps and the bandwidth exponent fitted on them.

    One GD step from W = 0 on the identity targets gives the residual map R_1 (JAX,
    vmapped over the batch); the residual after q steps is R_1^q, so the k-th largest
    mask crosses 1/2 at q_k = ceil(log(1/2) / log mu_k), mu_k the k-th smallest
    eigenvalue of R_1.  rho(alpha, q) jumps from k - 1 to k at q_k; with the count
    taken at the midpoint k - 1/2 of the jump, the slope gamma of log(alpha q_k) on
    log(k - 1/2) is the inverse of the bandwidth exponent: beta = 1 / gamma.
    """
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    mu = np.asarray(nx.one_step_residual_spectra(A, a))
    out = []
    for config, mu_c, a_c in zip(configs, mu, a):
        ks = fitted_components(config["n"])
        mu_k = mu_c[ks - 1]
        if not np.all((mu_k > 0) & (mu_k < 1)):
            out.append(Measurement(value=float("nan"), scope="a fitted component has 1 - alpha s^2 outside (0, 1)"))
            continue
        q_k = np.ceil(np.log(0.5) / np.log(mu_k))
        x = np.log(ks - 0.5)
        gamma, se_gamma, dof = _linear_fit(x, np.log(a_c * q_k))
        beta, se_beta = 1.0 / gamma, se_gamma / gamma**2
        decay = decay_fit(config)
        t = _t95(dof)
        half = t * se_beta
        if with_decay_interval:
            se_pred = decay["se"] / (2.0 * decay["p"] ** 2)
            half = t * float(np.hypot(se_beta, se_pred))
        half += finite_step_bias(x, 1.0 - mu_k, gamma)
        below = 0.0 if with_decay_interval else grid_allowance(config["n"])
        out.append(Measurement(
            value=beta,
            interval=(beta - half - below, beta + half),
            fitted={
                "bandwidth_exponent": {"value": beta, "interval": [beta - t * se_beta, beta + t * se_beta],
                                       "activation": config["activation"]},
                "decay_exponent_p": {"value": decay["p"],
                                     "interval": [decay["p"] - t * decay["se"], decay["p"] + t * decay["se"]],
                                     "activation": config["activation"]},
            },
            series={"log_k_half": np.log(ks - 0.5), "log_alpha_q": np.log(a_c * q_k)},
        ))
    return out


def measure_bandwidth_with_decay(configs, keys):
    return _bandwidth_measurements(configs, keys, with_decay_interval=True)


def measure_bandwidth(configs, keys):
    return _bandwidth_measurements(configs, keys, with_decay_interval=False)


_ACTIVATION_COLORS = {"step": "tab:blue", "relu": "tab:orange", "sigmoid": "tab:green", "softplus": "tab:purple",
                      "gaussian": "tab:brown", "sinc": "tab:gray"}


def _plot_bandwidth(records, ax, *, paper: bool):
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("interval")]
    seen = set()
    for r in judged:
        act = r["config"]["activation"]
        decay = r["fitted"]["decay_exponent_p"]["value"]
        beta = float(r["measured"])
        lo, hi = r["interval"]
        ax.errorbar([decay], [beta], yerr=[[beta - lo], [hi - beta]], fmt="o" if r["status"] == "pass" else "x",
                    color=_ACTIVATION_COLORS.get(act, "black"), ms=4, capsize=2,
                    label=None if act in seen else act)
        seen.add(act)
        ax.plot([decay], [float(r["predicted"])], marker="_", ms=12, color="black")
    ps = np.linspace(0.8, 3.5, 100)
    ax.plot(ps, 1 / (2 * ps), color="black", lw=0.8, ls=":", label="1/(2p)")
    if paper:
        ax.axhline(0.5, color="tab:red", lw=0.8, label="paper: rho ~ sqrt(q)")
    ax.set_xlabel("decay exponent p of s_k ~ (k - 1/2)^(-p)")
    ax.set_ylabel("bandwidth exponent  d log rho / d log(alpha q)  (95% CI)")
    ax.legend(fontsize=7)


bandwidth_decay_law = Claim(
    id="shrinkage.bandwidth_decay_law",
    statement=(
        "The bandwidth rho(alpha, q) = #{i : m(s_i) >= 1/2} of q GD steps grows as (alpha q)^(1/(2p)) when the "
        "Jacobian's singular values decay as s_k ~ k^(-p): the exponent of rho in alpha q is 1/(2p), with p "
        "measured from the spectrum (step: p = 1, ReLU: p = 2, smooth monotonic: the local p of the fitted range)."),
    source=(f"{SOURCE}; bandwidth as the number of active components (abstract); the law in terms of p is "
            "[derived] from the mask m(s) = 1 - (1 - alpha s^2)^q"),
    closed_form=BANDWIDTH_DECAY_LAW,
    symbols={"alpha": "learning rate", "q": "number of GD steps",
             "p": "decay exponent of the singular values, s_k ~ (k - 1/2)^(-p), fitted on k = 2..n/8"},
    predict=predict_bandwidth_exponent,
    measure=measure_bandwidth_with_decay,
    configurations=lambda profile: batches(bandwidth_settings(profile), bandwidth_members, max_size=5),
    assumptions=bandwidth_assumptions,
    agreement=inside_interval(
        "The claim holds when the exponent d log rho / d log(alpha q) of the law (1/(2p), p fitted by least "
        "squares of log s_k on log(k - 1/2), k = 2..n/8) lies in the 95% confidence interval of the exponent "
        "measured from GD's crossing steps: t-distribution quantile (n_k - 2 degrees of freedom) times the "
        "combined standard error sqrt(se_beta^2 + se_pred^2) of the difference of the two fitted quantities, "
        "se_beta = se_gamma / gamma^2 and se_pred = se_p / (2 p^2) by the delta method, widened by the bound of "
        "finite_step_bias on the finite-step-size and integer-step-count offsets of the crossings from the "
        "asymptotic alpha q_k = ln 2 / s_k^2."),
    plot=lambda records, ax: _plot_bandwidth(records, ax, paper=False),
    max_examples={"dev": 12, "ci": 12},
)


bandwidth_sqrt_q = Claim(
    id="shrinkage.bandwidth_sqrt_q",
    statement=(
        "The bandwidth (number of active components) of GD grows as rho ~ sqrt(q) in the number of iterations "
        "q, for the monotonic activations on which GD's regularisation is effective."),
    source=(f"{SOURCE}: abstract ('an explicit relationship is proposed between the choice of GD "
            "hyperparameters (learning rate & number of iterations) and bandwidth (the number of active "
            "components)'); the form rho ~ sqrt(q) [summary] (sciencestack.ai TL;DR of 2504.18207; the "
            "paper's own text and the activation it states it for could not be read)"),
    closed_form=BANDWIDTH_PAPER_LAW,
    symbols={"q": "number of GD steps (at a fixed learning rate alpha)"},
    predict=predict_bandwidth_exponent,
    measure=measure_bandwidth,
    configurations=lambda profile: batches(bandwidth_settings(profile), bandwidth_members, max_size=5),
    assumptions=bandwidth_assumptions,
    agreement=inside_interval(
        "The claim holds when the law's exponent d log rho / d log q lies in the 95% confidence interval of the "
        "exponent measured from GD's crossing steps: t-distribution quantile (n_k - 2 degrees of freedom) "
        "times the standard error of beta = 1/gamma, se_gamma / gamma^2 (delta method), gamma the "
        "least-squares slope of log(alpha q_k) on log(k - 1/2), widened by the bound of finite_step_bias on the "
        "finite-step-size and integer-step-count offsets of the crossings from the asymptotic "
        "alpha q_k = ln 2 / s_k^2, and on its lower side by grid_allowance(n), the most the n-point grid "
        "raises the step activation's exponent above the continuum 1/2 on the fitted components."),
    plot=lambda records, ax: _plot_bandwidth(records, ax, paper=True),
)


# --- claim 3: the threshold -------------------------------------------------------------------------

KAPPA = sympy.sqrt(-sympy.log(eps) / (alpha * q))
"""kappa(eps) = sqrt(-log(eps) / (alpha q)), the singular value that separates kept from shrunk components."""

EPSILONS = (0.1, 0.01, 0.001)


def threshold_runs(setting: Config) -> st.SearchStrategy:
    return st.builds(lambda run, e: {**run, "eps": e}, gd_runs(setting), st.sampled_from(EPSILONS))


def threshold_assumptions(config: Config) -> str | None:
    """GD's assumptions (0 < alpha < 2/s_max^2) and q > -log(eps), so that alpha kappa^2 < 1."""
    reason = gd_assumptions(config)
    if reason:
        return reason
    if not config["q"] > -np.log(config["eps"]):
        return f"q = {config['q']} <= -log(eps) = {-np.log(config['eps']):.3g}: alpha kappa^2 >= 1"
    return None


def predict_threshold_bounds(closed_form: sympy.Expr, config: Config) -> dict:
    """Per component, the bound on the residual 1 - m(s_i) that the threshold kappa implies.

    kept (s_i >= kappa, alpha s_i^2 <= 1):  1 - m(s_i) <= eps
    shrunk (s_i < kappa):                  1 - m(s_i) >  eps^(1 / (1 - alpha kappa^2))
    Components with alpha s_i^2 > 1 (possible between 1/s_max^2 and 2/s_max^2) get no bound (NaN).
    """
    kappa = float(sympy.lambdify((eps, alpha, q), closed_form, "numpy")(
        float(config["eps"]), float(config["alpha"]), int(config["q"])))
    S = jacobian_svd(config)[1]
    a, e = float(config["alpha"]), float(config["eps"])
    kept = (S >= kappa) & (a * S**2 <= 1)
    shrunk = S < kappa
    ak2 = a * kappa**2
    lower = e ** (1.0 / (1.0 - ak2)) if ak2 < 1 else 0.0
    return {"kappa": kappa,
            "upper": np.where(kept, e, np.nan),
            "lower": np.where(shrunk, lower, np.nan)}


def measure_component_residuals(configs, keys) -> list[Measurement]:
    """1 - m_i of each component from real JAX GD: the hat matrix H_q of q steps on the identity
    targets (vmapped over the batch), read in the singular basis, r_i = 1 - u_i^T H_q u_i."""
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    steps = np.array([c["q"] for c in configs], dtype=np.int64)
    H = np.asarray(nx.gradient_descent_hat_matrices(A, a, steps, int(steps.max())))
    out = []
    for config, H_c in zip(configs, H):
        U, S, _ = jacobian_svd(config)
        r = 1.0 - np.einsum("ik,ij,jk->k", U, H_c, U)
        out.append(Measurement(value=r, series={"s": S, "residual": r}))
    return out


def _threshold_error(predicted, measurement, config):
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


def _plot_threshold(records, ax):
    for status, (color, marker) in (("pass", ("tab:blue", "o")), ("fail", ("tab:red", "x"))):
        xs, ys = [], []
        for r in records:
            if r["status"] != status or not r.get("predicted"):
                continue
            kappa = r["predicted"]["kappa"]
            s_i = np.asarray(r["series"]["s"], dtype=float)
            res = np.asarray(r["series"]["residual"], dtype=float)
            xs.append(s_i / kappa)
            ys.append(np.clip(res, 1e-18, None) ** (1.0 / -np.log(r["config"]["eps"])))
        if xs:
            ax.scatter(np.concatenate(xs), np.concatenate(ys), s=6, c=color, marker=marker, alpha=0.5,
                       label=f"{status}: components")
    z = np.linspace(0.0, 3.0, 200)
    ax.plot(z, np.exp(-z**2), color="black", lw=0.8, label="exp(-(s/kappa)^2)  (gradient-flow limit)")
    ax.axvline(1.0, color="black", ls="--", lw=0.8)
    ax.axhline(np.exp(-1.0), color="tab:red", ls=":", lw=0.8, label="(1 - m)^(1/log(1/eps)) = 1/e  <=>  1 - m = eps")
    ax.set_xlim(0, 3)
    ax.set_xlabel("s_i / kappa(eps)")
    ax.set_ylabel("(1 - m_i)^(1 / log(1/eps))  from GD")
    ax.legend(fontsize=7)


threshold_kappa = Claim(
    id="shrinkage.threshold_kappa",
    statement=(
        "The singular value kappa(eps) = sqrt(-log(eps) / (alpha q)) separates the components GD keeps from "
        "those it shrinks: every component with s_i >= kappa (and alpha s_i^2 <= 1) has residual "
        "1 - m(s_i) <= eps, and every component with s_i < kappa has 1 - m(s_i) > eps^(1/(1 - alpha kappa^2))."),
    source=(f"{SOURCE}: kappa ~ sqrt(-log(eps)/(alpha q)) [summary] (sciencestack.ai TL;DR of 2504.18207); "
            "the two-sided inequality is [derived] from (1 - x)^q <= e^(-x q) and "
            "log(1 - x) >= -x / (1 - x) for 0 <= x < 1"),
    closed_form=KAPPA,
    symbols={"epsilon": "residual level eps", "alpha": "learning rate", "q": "number of GD steps"},
    predict=predict_threshold_bounds,
    measure=measure_component_residuals,
    configurations=lambda profile: batches(settings(profile), threshold_runs, max_size=5),
    assumptions=threshold_assumptions,
    agreement=Agreement(
        error=_threshold_error,
        tolerance=_threshold_tolerance,
        reason=("Largest violation of the two bounds by GD's measured residuals, against the round-off of GD's "
                "fitted values for a unit target, 16 (q + 1) n eps_64 (Higham sec. 3.5 for the matrix-vector "
                "products, errors adding up over q steps below the stability limit; as for filter_exact). The "
                "bounds themselves are exact inequalities, so no statistical allowance is needed."),
        name="max violation of the kappa bounds by 1 - m_i"),
    plot=_plot_threshold,
)


# --- claim 4: the basis -----------------------------------------------------------------------------
# For the step activation with biases between grid points (any of the placements: x_j - h < b_j < x_j),
# A_ij = [i >= j] is the all-ones lower-triangular matrix L.  Its inverse is the bidiagonal difference
# D = I - (shift), so (L L^T)^(-1) = D^T D = tridiag(-1, 2, -1) with its last diagonal entry 1.  With
# u(0) = 0 and u(n + 1) = u(n), the vectors u_k(i) = sin(i theta_k) solve D^T D u = (2 - 2 cos theta_k) u
# exactly when theta_k = (2k - 1) pi / (2n + 1); sum_i sin^2(i theta_k) = (2n + 1)/4.  Hence
#   s_k = 1 / (2 sin((2k - 1) pi / (2 (2n + 1)))),  u_k(i) = 2 / sqrt(2n + 1) sin((2k - 1) i pi / (2n + 1)),
# a discrete sine transform (type VII) basis for the fitted values; V = L^T U S^(-1) holds cosines.

STEP_SINGULAR_VALUE = 1 / (2 * sympy.sin((2 * k_ - 1) * sympy.pi / (2 * (2 * n_ + 1))))
DST_VECTOR = 2 / sympy.sqrt(2 * n_ + 1) * sympy.sin((2 * k_ - 1) * i_ * sympy.pi / (2 * n_ + 1))
STEP_SVD = sympy.Tuple(STEP_SINGULAR_VALUE, DST_VECTOR)
"""(s_k, u_k(i)) of the step activation's Jacobian on a grid, k, i = 1..n."""

STEP_GRID_SIZES = {"dev": (8, 12, 16, 24, 32, 48, 64, 96, 128), "thorough": (8, 16, 32, 64, 128, 192, 256)}


def evaluate_basis(expr: sympy.Expr, n: int) -> np.ndarray:
    """The n x n matrix [expr(i, k)] (rows i, columns k) of a closed form in n, k, i, by lambdify."""
    f = sympy.lambdify((n_, k_, i_), expr, "numpy")
    ii, kk = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
    return np.broadcast_to(np.asarray(f(n, kk, ii), dtype=np.float64), (n, n))


def predict_step_svd(closed_form: sympy.Tuple, config: Config) -> dict:
    n = int(config["n"])
    sigma_expr, vector_expr = closed_form
    sigma = np.broadcast_to(np.asarray(sympy.lambdify((n_, k_), sigma_expr, "numpy")(n, np.arange(1, n + 1)),
                                       dtype=np.float64), (n,))
    return {"sigma": sigma, "U": evaluate_basis(vector_expr, n)}


def step_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(STEP_GRID_SIZES[profile.scale])})


def step_members(setting: Config) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": st.integers(0, 2**16),
        "activation": st.just("step"),
        "width": st.just(0.1),
    })


def step_assumptions(config: Config) -> str | None:
    """The step activation, with each bias b_j strictly between x_{j-1} and x_j (every placement)."""
    if config["activation"] != "step":
        return f"activation {config['activation']} is not the step"
    if config["n"] < 2:
        return f"n = {config['n']} < 2"
    return None


def measure_jacobian_svd(configs, keys) -> list[Measurement]:
    """Singular values and left singular vectors of the Jacobians, JAX SVD vmapped over the batch."""
    A = np.stack([jacobian(c) for c in configs])
    U, S, _ = (np.asarray(x) for x in nx.batched_svd(A))
    return [Measurement(value={"sigma": s_c, "U": U_c}, series={"sigma": s_c})
            for U_c, s_c in zip(U, S)]


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
    d_sigma, wedin, s1 = _svd_errors(predicted, measurement)
    err = max(float(d_sigma.max()), float(wedin.max())) / s1
    return err if np.isfinite(err) else float("inf")


def _step_svd_tolerance(predicted, measurement, config):
    """8 n eps_64, a bound on the backward error ||E|| / ||A|| of a LAPACK SVD."""
    return 8.0 * config["n"] * FLOAT64_EPS


def _plot_step_svd(records, ax):
    for status, (color, marker) in (("pass", ("tab:blue", "o")), ("fail", ("tab:red", "x"))):
        ps, ms = [], []
        for r in records:
            if r["status"] != status or not r.get("predicted"):
                continue
            sm = np.asarray(r["series"]["sigma"], dtype=float)
            sp_ = np.asarray(r["predicted"]["sigma"], dtype=float)
            if sm.shape == sp_.shape:
                ps.append(sp_)
                ms.append(sm)
        if ps:
            ps, ms = np.concatenate(ps), np.concatenate(ms)
            ax.scatter(ps, ms, s=6, c=color, marker=marker, alpha=0.5, label=f"{status}: {ps.size} singular values")
    lim = ax.get_xlim()
    ax.plot(lim, lim, color="black", lw=0.8, label="y = x")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("closed form s_k = 1 / (2 sin((2k-1) pi / (2(2n+1))))")
    ax.set_ylabel("s_k of the step Jacobian (JAX SVD)")
    ax.legend(fontsize=7)


basis_step_exact = Claim(
    id="shrinkage.basis_step_exact",
    statement=(
        "For the step activation on a grid (biases between grid points) the Jacobian is the all-ones "
        "lower-triangular matrix; its singular values are s_k = 1/(2 sin((2k-1) pi/(2(2n+1)))) and its left "
        "singular vectors (the principal components of the fitted values) are the discrete sine transform "
        "vectors u_k(i) = 2/sqrt(2n+1) sin((2k-1) i pi/(2n+1)), exactly."),
    source=(f"{SOURCE}: monotonic activations' principal components follow a DST basis [summary]; the closed "
            "form for the step is [derived] from (L L^T)^(-1) = tridiag(-1, 2, -1) with last entry 1"),
    closed_form=STEP_SVD,
    symbols={"n": "grid size", "k": "component index, 1..n", "i": "grid point index, 1..n"},
    predict=predict_step_svd,
    measure=measure_jacobian_svd,
    configurations=lambda profile: batches(step_settings(profile), step_members, max_size=5),
    assumptions=step_assumptions,
    agreement=Agreement(
        name="max(|s_k - s_k^pred|, gap_k sin theta_k) / s_1",
        error=_step_svd_error,
        tolerance=_step_svd_tolerance,
        reason=("Exact identity, so round-off only: a LAPACK SVD is the exact SVD of A + E with "
                "||E|| <= p(n) eps_64 ||A||; Weyl gives |s_k - s_k^pred| <= ||E|| and Wedin gives "
                "gap_k sin(theta_k) <= ||E||, so both, over s_1 = ||A||, are at most p(n) eps_64; p(n) = 8 n "
                "covers the LAPACK constant and the round-off of evaluating the sines."),
    ),
    plot=_plot_step_svd,
    max_examples={"dev": 12, "ci": 12},
)


def dst_settings(profile: Profile) -> st.SearchStrategy:
    return settings(profile, activations=nx.MONOTONIC)


def dst_runs(setting: Config) -> st.SearchStrategy:
    limit = stability_limit(setting)
    return st.fixed_dictionaries({
        "alpha": st.floats(0.02, 1.15).map(lambda f: float(f * limit)),
        "q": st.integers(1, 400),
    })


def dst_assumptions(config: Config) -> str | None:
    """A monotonic activation, and GD's 0 < alpha < 2/s_max^2."""
    if config["activation"] not in nx.MONOTONIC:
        return f"activation {config['activation']} is not monotonic"
    return gd_assumptions(config)


def predict_dst_basis(closed_form: sympy.Expr, config: Config) -> np.ndarray:
    """The n x n basis [d_j(i)] of the closed form (columns j = 1..n)."""
    return evaluate_basis(closed_form, int(config["n"]))


def measure_active_components(configs, keys) -> list[Measurement]:
    """The active principal components: left singular vectors u_k whose GD gain u_k^T H_q u_k (real JAX
    GD on the identity targets, vmapped over the batch) is at least 1/2."""
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    steps = np.array([c["q"] for c in configs], dtype=np.int64)
    H = np.asarray(nx.gradient_descent_hat_matrices(A, a, steps, int(steps.max())))
    out = []
    for config, H_c in zip(configs, H):
        U, S, _ = jacobian_svd(config)
        gains = np.einsum("ik,ij,jk->k", U, H_c, U)
        active = np.flatnonzero(gains >= 0.5)
        if active.size == 0:
            out.append(Measurement(value=None, scope=f"no active component after q = {config['q']} steps"))
            continue
        out.append(Measurement(value={"k": active + 1, "U": U[:, active]}, series={"gain": gains[active]}))
    return out


def _dst_coefficients(predicted, measurement) -> tuple[np.ndarray, np.ndarray]:
    D = np.asarray(predicted, dtype=np.float64)
    ks = np.asarray(measurement.value["k"], dtype=int)
    C = np.abs(D.T @ np.asarray(measurement.value["U"], dtype=np.float64))
    return ks, C


def _dst_error(predicted, measurement, config):
    ks, C = _dst_coefficients(predicted, measurement)
    return float(np.sum(C.argmax(axis=0) + 1 != ks))


def _with_overlaps(measurements, configs):
    """Adds the overlap |<d_k, u_k>| with the DST-VII vector of the same index to each measurement's series."""
    out = []
    for m, config in zip(measurements, configs):
        if m.scope:
            out.append(m)
            continue
        D = evaluate_basis(DST_VECTOR, int(config["n"]))
        ks = np.asarray(m.value["k"])
        overlap = np.abs(np.einsum("ik,ik->k", D[:, ks - 1], m.value["U"]))
        out.append(Measurement(value=m.value, series={**m.series, "overlap": overlap},
                               fitted={"min_overlap": {"value": float(overlap.min()),
                                                       "activation": config["activation"]}}))
    return out


def measure_active_dst_components(configs, keys) -> list[Measurement]:
    """:func:`measure_active_components`, with the overlaps |<d_k, u_k>| added for the report."""
    return _with_overlaps(measure_active_components(configs, keys), configs)


def _plot_dst(records, ax):
    seen = set()
    for r in records:
        if r["status"] not in ("pass", "fail") or "overlap" not in r["series"]:
            continue
        act = r["config"]["activation"]
        ov = np.asarray(r["series"]["overlap"], dtype=float)
        ax.plot(np.arange(1, ov.size + 1), ov, "o-" if r["status"] == "pass" else "x-", ms=3, lw=0.5,
                color=_ACTIVATION_COLORS.get(act, "black"), alpha=0.6, label=None if act in seen else act)
        seen.add(act)
    ax.set_xlabel("active component k")
    ax.set_ylabel("overlap |<d_k, u_k>| with the DST-VII vector")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)


basis_monotonic_dst = Claim(
    id="shrinkage.basis_monotonic_dst",
    statement=(
        "For monotonic activations the principal components follow a discrete sine transform basis: every "
        "component GD keeps (gain m(s_k) >= 1/2) has its largest DST-VII coefficient "
        "|<d_j, u_k>|, d_j(i) = 2/sqrt(2n+1) sin((2j-1) i pi/(2n+1)), at its own frequency j = k; the overlap "
        "|<d_k, u_k>| is reported per component (1 for the step; below 1 for ReLU and softplus)."),
    source=(f"{SOURCE}: 'monotonic activations' principal components adhere to a discrete sine transform (DST) "
            "frequency basis' [summary]; the frequency-matching reading and the DST type VII (exact for the "
            "step, claim basis_step_exact) are [derived]"),
    closed_form=DST_VECTOR,
    symbols={"n": "grid size", "k": "frequency index j of the basis vector", "i": "grid point index"},
    predict=predict_dst_basis,
    measure=measure_active_dst_components,
    configurations=lambda profile: batches(dst_settings(profile), dst_runs, max_size=5),
    assumptions=dst_assumptions,
    agreement=Agreement(
        name="number of active components whose largest DST coefficient is not at their own index",
        error=_dst_error,
        tolerance=lambda predicted, measurement, config: 0.5,
        reason=("An index identity (argmax_j |<d_j, u_k>| = k) and the error counts mismatches, an integer, so "
                "any tolerance below 1 demands that there be none (0.5 is used so that the error/tolerance "
                "ratio can be drawn); round-off (~n eps_64) could only flip an argmax between two coefficients "
                "equal to within ~1e-13."),
    ),
    plot=_plot_dst,
    max_examples={"dev": 12, "ci": 12},
)


# --- claim 5: non-monotonic activations ----------------------------------------------------------
# For phi = sinc of width w (jnp.sinc(z / w) = sin(pi z / w) / (pi z / w)) and equispaced biases
# (b_j = x_j - c h, c fixed), A_ij = sinc((i - j + c) / (n w)) is a section of a Toeplitz operator whose
# symbol is n w e^(i c theta) on |theta| < pi / (n w) and 0 elsewhere (Poisson summation; no aliasing when
# n w >= 1).  So s_max <= n w, the flat level, and lambda_i = (s_i / (n w))^2 lie in [0, 1].  Parseval
# gives each row of the operator squared norm n w, hence
#   T_1 = sum lambda_i = ||A||_F^2 / (n w)^2 = 1/w - E,   E >= 0 the row mass beyond the n columns,
# and P = sum lambda_i (1 - lambda_i) = T_1 - ||A^T A||_F^2 / (n w)^4 is the mass of the plunge.  The count
# N_tau = #{lambda_i >= tau} obeys |N_tau - T_1| <= P / min(tau, 1 - tau), because
# 1 - lambda <= lambda (1 - lambda) / tau above tau and lambda <= lambda (1 - lambda) / (1 - tau) below it.
# For alpha s_max^2 <= 1, m(s) >= 1/2 exactly when lambda >= tau(alpha, q) = (1 - 2^(-1/q)) / (alpha (n w)^2),
# so GD's bandwidth rho = N_tau is 1/w, whatever alpha and q, within E + P / min(tau, 1 - tau).

SINC_BANDWIDTH = 1 / w
"""rho = 1/w: the number of components above the cliff of a sinc activation of width w on [0, 1]."""

SINC_GRID_SIZES = {"dev": (32, 48, 64), "thorough": (32, 48, 64, 96, 128)}
SINC_WIDTHS = (1 / 20, 1 / 16, 1 / 12, 1 / 10, 1 / 8, 1 / 6, 1 / 5, 1 / 4)
TOEPLITZ_PLACEMENTS = ("grid", "shifted")


def sinc_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(SINC_GRID_SIZES[profile.scale])})


def sinc_members(setting: Config) -> st.SearchStrategy:
    """A sinc Jacobian (width, placement) and a GD run; alpha up to 1.1 / s_max^2, to exercise the assumption."""

    def with_alpha(member):
        config = {**setting, **member}
        s_max2 = 2.0 / stability_limit(config)
        return {**member, "alpha": float(member["alpha_fraction"] / s_max2)}

    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": st.integers(0, 2**16),
        "activation": st.just("sinc"),
        "width": st.sampled_from(SINC_WIDTHS),
        "alpha_fraction": st.floats(0.1, 1.1),
        "q": st.integers(1, 12),
    }).map(with_alpha)


def sinc_tau(config: Config) -> float:
    """tau(alpha, q) = (1 - 2^(-1/q)) / (alpha (n w)^2): GD's mask reaches 1/2 where (s / (n w))^2 = tau."""
    nw = config["n"] * config["width"]
    return float(-np.expm1(-np.log(2.0) / config["q"]) / (config["alpha"] * nw**2))


def sinc_assumptions(config: Config) -> str | None:
    """sinc; equispaced biases (Toeplitz A); n w >= 1 (no aliasing); 0 < alpha s_max^2 <= 1 (the mask
    increases with s); tau(alpha, q) < 1 (GD has reached the flat level, so rho > 0 is possible)."""
    if config["activation"] != "sinc":
        return f"activation {config['activation']} is not sinc"
    if config["bias"] not in TOEPLITZ_PLACEMENTS:
        return f"bias placement {config['bias']} is not equispaced: A is not Toeplitz"
    if config["n"] * config["width"] < 1:
        return f"n w = {config['n'] * config['width']:.3g} < 1: the sinc is narrower than a grid cell and aliases"
    s_max2 = 2.0 / stability_limit(config)
    if not 0 < config["alpha"] * s_max2 <= 1:
        return f"alpha s_max^2 = {config['alpha'] * s_max2:.3g} is outside (0, 1]"
    if not sinc_tau(config) < 1:
        return f"tau = {sinc_tau(config):.3g} >= 1: after q = {config['q']} steps GD has not reached the flat level"
    return None


def measure_sinc_bandwidth(configs, keys) -> list[Measurement]:
    """GD's bandwidth rho = #{eigenvalues of H_q >= 1/2}, H_q the hat matrix of q real JAX GD steps on the
    identity targets (vmapped over the batch), with the trace quantities E and P of the tolerance."""
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    steps = np.array([c["q"] for c in configs], dtype=np.int64)
    H = np.asarray(nx.gradient_descent_hat_matrices(A, a, steps, int(steps.max())))
    eig = np.asarray(nx.batched_eigvalsh(H))
    out = []
    for config, A_c, eig_c in zip(configs, A, eig):
        nw = config["n"] * config["width"]
        S = jacobian_svd(config)[1]
        gram = A_c.T @ A_c
        T1 = float(np.sum(A_c**2)) / nw**2
        P = T1 - float(np.sum(gram**2)) / nw**4
        lam = (S / nw) ** 2
        shown = min(S.size, int(np.ceil(1.5 / config["width"])) + 4)
        out.append(Measurement(
            value=float(np.sum(eig_c >= 0.5)),
            fitted={"s_max_over_nw": {"value": float(S[0] / nw)},
                    "edge_loss_E": {"value": 1.0 / config["width"] - T1},
                    "plunge_mass_P": {"value": P}},
            series={"lambda": lam[:shown], "tau": sinc_tau(config), "E": 1.0 / config["width"] - T1, "P": P,
                    "s_max_over_nw": float(S[0] / nw)},
        ))
    return out


def predict_sinc_bandwidth(closed_form: sympy.Expr, config: Config) -> float:
    return float(closed_form.subs(w, sympy.nsimplify(config["width"])))


def _sinc_tolerance(predicted, measurement, config):
    """E + P / min(tau, 1 - tau), the bound derived above (exact for lambda_i in [0, 1])."""
    tau = sinc_tau(config)
    return float(measurement.series["E"] + measurement.series["P"] / min(tau, 1.0 - tau))


def _plot_sinc(records, ax):
    for r in records:
        if r["status"] not in ("pass", "fail"):
            continue
        wd = r["config"]["width"]
        tau = r["series"]["tau"]
        ax.errorbar([tau], [float(r["measured"]) * wd], yerr=[[r["tolerance"] * wd], [r["tolerance"] * wd]],
                    fmt="o" if r["status"] == "pass" else "x", ms=4, capsize=2, alpha=0.6,
                    color="tab:blue" if r["status"] == "pass" else "tab:red")
    ax.axhline(1.0, color="black", lw=0.8, label="closed form rho = 1/w")
    ax.set_xscale("log")
    ax.set_xlabel("tau(alpha, q) = (1 - 2^(-1/q)) / (alpha (n w)^2)   (smaller = more GD)")
    ax.set_ylabel("GD bandwidth rho x w   (bar: tolerance)")
    ax.legend(fontsize=7)


sinc_cliff = Claim(
    id="shrinkage.sinc_cliff",
    statement=(
        "For the sinc activation of width w the Jacobian's spectrum is flat (s_i <= n w) and then falls off a "
        "cliff, so GD's bandwidth rho = #{i : m(s_i) >= 1/2} is set by the width, rho = 1/w, not by alpha q: "
        "within E + P / min(tau, 1 - tau) for every alpha, q with tau(alpha, q) < 1, E the edge loss and P the "
        "plunge mass of the spectrum."),
    source=(f"{SOURCE}: abstract ('GD regularization is shown to be effective only with monotonic activation "
            "functions ... non-monotonic activation functions (sinc, Gaussian) as iteration-efficient "
            "surrogates for spectral bias'); 'non-monotonic activations rely more on scaling (e.g., sinc) for "
            "implicit regularization' [summary] (sciencestack.ai TL;DR); flat spectrum then cliff [summary] "
            "(project notes; not found in the text that could be read); rho = 1/w and its bound are [derived] "
            "(Toeplitz symbol, Parseval, a trace bound in the manner of Landau's count 2WT)"),
    closed_form=SINC_BANDWIDTH,
    symbols={"w": "width of the sinc activation, phi(z) = sinc(z / w), on inputs in [0, 1]"},
    predict=predict_sinc_bandwidth,
    measure=measure_sinc_bandwidth,
    configurations=lambda profile: batches(sinc_settings(profile), sinc_members, max_size=5),
    assumptions=sinc_assumptions,
    max_examples={"dev": 12, "ci": 12},
    agreement=max_abs_error(
        _sinc_tolerance,
        reason=("|rho - 1/w| <= E + P / min(tau, 1 - tau) is exact (see the derivation in the module): "
                "E = 1/w - ||A||_F^2 / (n w)^2 >= 0 is the squared mass of the band-limited rows beyond the n "
                "columns (Parseval), P = sum lambda (1 - lambda) the mass in the plunge, both measured from "
                "A by traces; the count of eigenvalues of H_q >= 1/2 itself is exact up to ties at 1/2."),
        name="|rho - 1/w|"),
    plot=_plot_sinc,
)


CLAIMS = (filter_exact, bandwidth_decay_law, bandwidth_sqrt_q, threshold_kappa, basis_step_exact,
          basis_monotonic_dst, sinc_cliff)
