"""Spline proximity of wide shallow ReLU networks at rate n^{-1/2} (Jin & Montufar, JMLR 24, 2023).

Setting (paper, Sec. 2 and Thm. 1): f(x, theta) = sum_{i=1}^n W2_i relu(W1_i x + b1_i) + b2 in
the standard parametrisation, W1_i ~ W, b1_i ~ B, W2_i = n^{-1/2} W^(2), b2 = n^{-1/2} B^(2), with
the anti-symmetric initialisation (ASI, App. B.2) so that f(., theta_0) = 0.  Full-batch gradient
descent on L = (1/M) sum_j (1/2)(f(x_j) - y_j)^2 for every parameter, at a step inside the
stability limit 2 M / lambda_max(J J^T) of the empirical NTK Gram matrix, run to zero training
error.  Theorem 1: there are u, v such that on the adjusted data (x_j, y_j - u x_j - v) the
trained network satisfies sup_{x in S} |f(x, theta*) - g*(x)| = O_p(n^{-1/2}), where g* solves

    min_{g in C^2(S)} int_S (g''(x))^2 / zeta(x) dx   s.t.   g(x_j) = y_j - u x_j - v,

zeta(x) = int |W|^3 p_{W,B}(W, -W x) dW = p_C(x) E[W^2 | C = x] with C = -B/W (Prop. 14), and
S = supp(zeta) cap [min x_j, max x_j].  The pair (u, v) is the free affine part of problem (22)
(Thm. 13): the minimum-norm interpolant in the infinite-width output-layer kernel with an
unpenalised affine term; numerics.splines computes it and g* from zeta.

Configurations are flat dicts:
    init          gaussian (W ~ N(0, p1^2), B ~ N(0, p2^2)), binary (W in {-1, 1}, B ~ U(-p2, p2)),
                  uniform (W ~ U(-p1, p1), B ~ U(-p2, p2))
    p1, p2        the parameters of the law (sigma_w, sigma_b or a_w, a_b)
    M             number of training points; data_seed, trend, offset: the data (see ``dataset``)
    frac          learning rate as a fraction of the stability limit of each network
    seeds         initialisations per width
    curvature     a multiple of x^2 added to the data (the null space of L = d^3 for z_+^2 / 2, Corollary 4)
"""

from __future__ import annotations

import functools

import numpy as np
import sympy
from hypothesis import strategies as st
from scipy import stats

from theorems._agreement import FLOAT64_EPS, inside_interval, max_abs_error
from theorems._claim import Agreement, Claim, Config, Measurement, Profile
from theorems._strategies import batches

SOURCE = ("Jin & Montufar (2023), Implicit Bias of Gradient Descent for Mean Squared Error Regression "
          "with Two-Layer Wide Neural Networks, JMLR 24")

# --- symbols and the curvature-penalty density, derived in SymPy ------------------------------------

x = sympy.Symbol("x", real=True)
W, B = sympy.symbols("W B", real=True)
sigma_w, sigma_b, a_w, a_b = sympy.symbols("sigma_w sigma_b a_w a_b", positive=True)
_w = sympy.Symbol("w", positive=True)
_t = sympy.Symbol("t", positive=True)


def curvature_density(p_WB: sympy.Expr) -> sympy.Expr:
    """zeta(x) = int_R |W|^3 p_{W,B}(W, -W x) dW for a joint density p_{W,B}(W, B) (Prop. 14): the moment
    k = 1 of ``curvature_density_moment``.  This works for densities SymPy can integrate against w^3
    (Gaussian, Laplace and other exponential families, say)."""
    return curvature_density_moment(p_WB, 1)


def curvature_density_moment(p_WB: sympy.Expr, k: int) -> sympy.Expr:
    """zeta_k(x) = int_R |W|^{2k+1} p_{W,B}(W, -W x) dW for a joint density p_{W,B} (Corollary 4's zeta; k = 1 is
    Prop. 14's zeta): the integral split at W = 0 into
    int_0^inf w^{2k+1} [p(w, -w x) + p(-w, w x)] dw and handed to SymPy, separately for x = t > 0 and
    x = -t < 0 (SymPy's antiderivatives take square roots of x^2)."""
    def half(sign):
        xx = sign * _t
        integrand = _w ** (2 * k + 1) * (p_WB.subs({W: _w, B: -_w * xx}, simultaneous=True)
                                         + p_WB.subs({W: -_w, B: _w * xx}, simultaneous=True))
        return sympy.simplify(sympy.integrate(sympy.expand(integrand), (_w, 0, sympy.oo), conds="none"))

    pos, neg = half(1), half(-1)
    if sympy.simplify(pos - neg) == 0:
        return sympy.simplify(pos.subs(_t, sympy.Abs(x)).subs(sympy.Abs(x) ** 2, x**2))
    return sympy.Piecewise((neg.subs(_t, -x), x < 0), (pos.subs(_t, x), True))


def curvature_density_uniform_bias(p_W: sympy.Expr, w_max: sympy.Expr, b_half_width: sympy.Expr) -> sympy.Expr:
    """zeta(x) for W with density p_W on [-w_max, w_max], symmetric, and B ~ U(-a, a) independent.

    p_B(-W x) = 1/(2a) 1{|W| |x| <= a}, so the indicator becomes an upper limit:
    zeta(x) = 2 int_0^{min(w_max, a/|x|)} w^3 p_W(w) / (2a) dw.
    """
    upper = sympy.Min(w_max, b_half_width / _t)
    z = 2 * sympy.integrate(_w**3 * p_W.subs(W, _w) / (2 * b_half_width), (_w, 0, upper))
    return sympy.simplify(z).subs(_t, sympy.Abs(x))


def curvature_density_binary(b_density: sympy.Expr) -> sympy.Expr:
    """zeta(x) for W uniform on {-1, +1}: the W-integral is a sum over the two atoms,
    zeta(x) = sum_{w = +-1} P(W = w) |w|^3 p_B(-w x)."""
    return sympy.simplify(sum(sympy.Rational(1, 2) * abs(wv) ** 3 * b_density.subs(B, -wv * x) for wv in (1, -1)))


def _gauss(v, s):
    return sympy.exp(-v**2 / (2 * s**2)) / sympy.sqrt(2 * sympy.pi * s**2)


ZETA_GAUSSIAN = curvature_density(_gauss(W, sigma_w) * _gauss(B, sigma_b))
"""Theorem 2 (a): 2 sigma_w^3 sigma_b^3 / (pi (sigma_b^2 + x^2 sigma_w^2)^2), derived here."""
ZETA_BINARY = curvature_density_binary(sympy.Piecewise((1 / (2 * a_b), sympy.Abs(B) <= a_b), (0, True)))
"""Theorem 2 (b): 1/(2 a_b) on [-a_b, a_b], 0 outside."""
ZETA_UNIFORM = curvature_density_uniform_bias(1 / (2 * a_w), a_w, a_b)
"""Theorem 2 (c): min(a_w, a_b/|x|)^4 / (8 a_w a_b), constant a_w^3/(8 a_b) on |x| <= a_b/a_w."""

ZETA = sympy.Tuple(ZETA_GAUSSIAN, ZETA_BINARY, ZETA_UNIFORM)
"""The closed forms, in the order of INITS."""
INITS = ("gaussian", "binary", "uniform")
ZETA_SYMBOLS = {
    "x": "input (breakpoint location c = -B/W)",
    "sigma_w, sigma_b": "standard deviations of W and B (gaussian)",
    "a_w, a_b": "half-widths of the uniform laws of W and B (uniform, binary)",
}


def law_values(config: Config) -> dict:
    """Symbol values of a configuration's initialisation law."""
    p1, p2 = float(config["p1"]), float(config["p2"])
    return {sigma_w: p1, sigma_b: p2, a_w: p1, a_b: p2}


@functools.lru_cache(maxsize=64)
def _zeta_callable(expr: sympy.Expr, init: str, p1: float, p2: float):
    vals = {sigma_w: p1, sigma_b: p2, a_w: p1, a_b: p2}
    e = sympy.sympify(expr).subs(vals)
    f = sympy.lambdify(x, e, "numpy")

    def zeta(c):
        c = np.asarray(c, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.broadcast_to(np.asarray(f(c), dtype=np.float64), c.shape)
        return np.where(np.isfinite(out), out, 0.0)

    return zeta


def zeta_function(closed_form, config: Config):
    """The closed form of the configuration's law, as a vectorised callable c -> zeta(c)."""
    expr = closed_form[INITS.index(config["init"])] if isinstance(closed_form, sympy.Tuple) else closed_form
    return _zeta_callable(expr, config["init"], float(config["p1"]), float(config["p2"]))


def zeta_breaks(config: Config) -> tuple:
    """Points where zeta is not smooth: +-a_b (binary) and +-a_b/a_w (uniform)."""
    if config["init"] == "binary":
        return (-config["p2"], config["p2"])
    if config["init"] == "uniform":
        return (-config["p2"] / config["p1"], config["p2"] / config["p1"])
    return ()


def support_half_width(config: Config) -> float:
    """I with zeta constant on [-I, I] (binary, uniform: Thm. 2 (b), (c)); infinity for gaussian."""
    if config["init"] == "gaussian":
        return float("inf")
    if config["init"] == "binary":
        return float(config["p2"])
    return float(config["p2"] / config["p1"])


# --- claim 1: zeta against Monte Carlo ----------------------------------------------------------------

MC_SAMPLES = {"dev": 2**20, "thorough": 2**23}
ZETA_POINTS = 8
ZETA_BIN = 0.02


def zeta_laws(profile: Profile) -> st.SearchStrategy:
    gaussian = st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                      "p2": st.sampled_from((0.3, 0.5, 1.0, 2.0))})
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0),
                                    "p2": st.sampled_from((1.0, 2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                     "p2": st.sampled_from((1.0, 2.0, 3.0))})
    return st.one_of(gaussian, binary, uniform).map(lambda d: {**d, "samples": MC_SAMPLES[profile.scale]})


def zeta_points(setting: Config) -> st.SearchStrategy:
    """Evaluation points drawn in [-3, 3], away (by 2 bins) from the kinks of zeta, where a
    histogram estimate is biased by the jump or kink."""
    return st.fixed_dictionaries({
        "points": st.lists(st.floats(-3.0, 3.0).map(lambda v: round(v, 3)), min_size=ZETA_POINTS,
                           max_size=ZETA_POINTS).map(sorted).map(tuple),
        "mc_seed": st.integers(0, 2**16),
    })


def zeta_assumptions(config: Config) -> str | None:
    """P(W = 0) = 0 and a continuous density (the binary law has atoms in W but a density for C)."""
    if config["p1"] <= 0 or config["p2"] <= 0:
        return "the laws need positive scales"
    for k in zeta_breaks(config):
        if any(abs(p - k) < 2 * ZETA_BIN for p in config["points"]):
            return f"a point lies within two histogram bins of the kink of zeta at {k:g}"
    return None


def predict_zeta(closed_form, config: Config) -> np.ndarray:
    return zeta_function(closed_form, config)(np.asarray(config["points"], dtype=np.float64))


def measure_zeta(configs, keys) -> list[Measurement]:
    """p_C(x) E[W^2 | C = x] estimated as E[W^2 1{|C - x| < h/2}] / h from draws of (W, B)."""
    from numerics import shallow as nx
    import jax
    import jax.numpy as jnp

    out = []
    for config, key in zip(configs, keys):
        Wd, Bd = nx.sample_hidden(key, int(config["samples"]), 1, config["init"], config["p1"], config["p2"])
        Wd = Wd[:, 0]
        C = -Bd / Wd
        pts = jnp.asarray(config["points"])
        inside = (jnp.abs(C[None, :] - pts[:, None]) < ZETA_BIN / 2).astype(jnp.float64)
        terms = inside * (Wd**2)[None, :] / ZETA_BIN
        est = np.asarray(terms.mean(axis=1))
        se = np.asarray(terms.std(axis=1)) / np.sqrt(config["samples"])
        out.append(Measurement(value=est, series={"points": list(config["points"]), "se": se.tolist()}))
    return out


def zeta_allowance(measurement: Measurement, config: Config) -> np.ndarray:
    """Per point: 4.5 Monte Carlo standard errors plus the histogram bias h^2/24 max|zeta''|.

    The estimate at each point is a mean of N i.i.d. terms W^2 1{|C - x| < h/2} / h, so its error
    is asymptotically normal with the reported standard error; 4.5 sigma keeps the chance of a
    false alarm below 1e-5 per point (about 2e-3 over the ~200 points of a dev run).  The bin
    average differs from zeta(x) by at most h^2/24 max|zeta''| over the bin (midpoint rule), with
    zeta'' by central differences of Theorem 2's zeta on the bin.
    """
    se = np.asarray(measurement.series["se"], dtype=np.float64)
    z = zeta_function(ZETA, config)
    pts = np.asarray(config["points"], dtype=np.float64)
    grid = pts[:, None] + np.linspace(-ZETA_BIN / 2, ZETA_BIN / 2, 21)[None, :]
    hh = 1e-3
    d2 = np.abs(z(grid + hh) - 2 * z(grid) + z(grid - hh)) / hh**2
    return 4.5 * se + ZETA_BIN**2 / 24 * d2.max(axis=1) + 1e-15


def _zeta_error(predicted, measurement, config):
    p = np.asarray(predicted, dtype=np.float64)
    m = np.asarray(measurement.value, dtype=np.float64)
    if p.shape != m.shape or not np.all(np.isfinite(p)):
        return float("inf")
    return float(np.max(np.abs(p - m) / zeta_allowance(measurement, config)))


def _plot_zeta(records, ax):
    from reports import plots

    plots.predicted_vs_measured(records, ax, xlabel="zeta(x), Theorem 2 closed form (SymPy)",
                                ylabel="Monte Carlo p_C(x) E[W^2 | C = x]")


curvature_density_mc = Claim(
    id="splines.curvature_density",
    statement=(
        "The curvature-penalty density zeta(x) = int |W|^3 p_{W,B}(W, -W x) dW = p_C(x) E[W^2 | C = x] "
        "(C = -B/W) is, for W ~ N(0, sigma_w^2), B ~ N(0, sigma_b^2): 2 sigma_w^3 sigma_b^3 / (pi (sigma_b^2 + "
        "x^2 sigma_w^2)^2); for W in {-1, 1}, B ~ U(-a_b, a_b): 1/(2 a_b) on [-a_b, a_b]; for W ~ U(-a_w, a_w), "
        "B ~ U(-a_b, a_b): constant on [-a_b/a_w, a_b/a_w] (min(a_w, a_b/|x|)^4 / (8 a_w a_b) [derived])."),
    source=(f"{SOURCE}, Proposition 14 and Theorem 2 (a)-(c); zeta derived in SymPy from the densities; the "
            "uniform case's value and its form outside [-a_b/a_w, a_b/a_w] are [derived] (the paper states "
            "constancy only)"),
    closed_form=ZETA,
    symbols=ZETA_SYMBOLS,
    predict=predict_zeta,
    measure=measure_zeta,
    configurations=lambda profile: batches(zeta_laws(profile), zeta_points, min_size=3, max_size=4),
    assumptions=zeta_assumptions,
    agreement=Agreement(
        name="max_k |zeta(x_k) - estimate_k| / allowance_k",
        error=_zeta_error,
        tolerance=lambda p, m, c: 1.0,
        reason=("error = max over the points of |zeta - estimate| / allowance, tolerance 1. "
                + zeta_allowance.__doc__)),
    plot=_plot_zeta,
)


# --- data and the limit g* ---------------------------------------------------------------------------

PAPER_X = (-2.0, -1.0, 0.0, 1.0, 2.0)
PAPER_Y = (1.5, 0.5, 1.5, 0.5, 1.5)
"""The training data of the paper's Figure 1 (App. A: Figure 7 adds 10x + 10 to them and lists
{(-2, -8.5), (-1, 0.5), (0, 11.5), (1, 20.5), (2, 31.5)})."""
DATA_HALF_WIDTH = 2.0
EVAL_POINTS = 201


def dataset(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Training inputs and outputs of a configuration.

    data_seed < 0: the paper's Figure 1 data, plus trend x + offset.  Otherwise M inputs in
    [-2, 2] with both ends included and gaps of at least min(0.8, 2/(M - 1)) (half the even
    spacing), outputs U(-1.5, 1.5), plus the linear function trend x + offset (which the affine
    adjustment removes).  ``target_scale`` (never drawn, 1 unless a configuration gives it) multiplies the
    outputs: in the linearised regime the trained network and g* scale with it, so the distance divided by it
    does not depend on it, and where it does the network is not yet in that regime (see WIDTHS).
    """
    trend, offset = float(config.get("trend", 0.0)), float(config.get("offset", 0.0))
    scale = float(config.get("target_scale", 1.0))
    if config["data_seed"] < 0:
        xs, ys = np.array(PAPER_X), np.array(PAPER_Y)
    else:
        rng = np.random.default_rng(int(config["data_seed"]))
        M = int(config["M"])
        while True:
            inner = np.sort(rng.uniform(-DATA_HALF_WIDTH, DATA_HALF_WIDTH, M - 2))
            xs = np.concatenate([[-DATA_HALF_WIDTH], inner, [DATA_HALF_WIDTH]])
            if np.all(np.diff(xs) >= min(0.8, DATA_HALF_WIDTH / (M - 1))):
                break
        ys = rng.uniform(-1.5, 1.5, M)
    return xs, scale * (ys + trend * xs + offset)


def kernel_for(closed_form, config: Config):
    from numerics import splines as nsp

    return nsp.BreakpointKernel(zeta_function(closed_form, config), breaks=zeta_breaks(config))


def eval_grid(xs: np.ndarray) -> np.ndarray:
    """The grid on S = [min x_j, max x_j] where the sup distance is taken."""
    return np.linspace(xs.min(), xs.max(), EVAL_POINTS)


def limit_function(closed_form, config: Config, adjust: bool = True):
    """(x grid, g* on it, training targets) for a configuration.

    adjust=True: the targets are y_j - u x_j - v with (u, v) of problem (22) and g* is the
    zeta-weighted natural spline through them (Theorem 1).  adjust=False: the targets are the raw
    y_j and g* the weighted spline through them (the limit *without* the adjustment).
    """
    from numerics import splines as nsp

    xs, ys = dataset(config)
    ker = kernel_for(closed_form, config)
    grid = eval_grid(xs)
    g, (u, v) = nsp.weighted_spline(ker, xs, ys, grid)
    if adjust:
        return grid, g, ys - u * xs - v
    return grid, g + u * grid + v, ys


# --- claim 2: g* for constant zeta is SciPy's natural cubic spline ------------------------------------

def spline_laws(profile: Profile) -> st.SearchStrategy:
    """Laws with zeta constant on the data's hull [-2, 2] (Thm. 2 (b), (c) with I = 2)."""
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0),
                                    "p2": st.sampled_from((2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0)),
                                     "p2": st.sampled_from((2.0, 3.0))})
    return st.one_of(binary, uniform)


def spline_data(setting: Config) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        "M": st.integers(3, 8),
        "data_seed": st.integers(-1, 2**16),
        "trend": st.floats(-10, 10).map(lambda v: round(v, 3)),
        "offset": st.floats(-10, 10).map(lambda v: round(v, 3)),
    })


def spline_assumptions(config: Config) -> str | None:
    if support_half_width(config) < DATA_HALF_WIDTH:
        return (f"zeta is constant only on [-{support_half_width(config):g}, {support_half_width(config):g}], "
                f"not on the data's hull [-2, 2]")
    return None


def predict_spline(closed_form, config: Config) -> np.ndarray:
    """g* + u x + v on S: the zeta-weighted spline through the raw data, from zeta's closed form."""
    grid, g, _ = limit_function(closed_form, config, adjust=False)
    return g


def measure_natural_spline(configs, keys) -> list[Measurement]:
    """scipy.interpolate.CubicSpline with natural boundary conditions through the raw data."""
    from scipy.interpolate import CubicSpline

    out = []
    for config in configs:
        xs, ys = dataset(config)
        grid = eval_grid(xs)
        out.append(Measurement(value=CubicSpline(xs, ys, bc_type="natural")(grid),
                               series={"x": grid[::10].tolist(), "data_x": xs.tolist(), "data_y": ys.tolist()}))
    return out


def spline_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """256 kappa(A) eps max|y|, A the bordered kernel system [K P; P^T 0].

    A backward-stable solve of A s = b has forward error <= kappa(A) eps ||s|| up to a modest
    constant (Higham, ch. 7); the quadrature of K is exact for the polynomial pieces of a constant
    zeta (48-point Gauss-Legendre) up to rounding, and the evaluation sum and the spline's own
    tridiagonal solve add a few eps each; 256 covers the constants.
    """
    from numerics import splines as nsp

    xs, ys = dataset(config)
    ker = kernel_for(ZETA, config)
    P = nsp.affine_design(xs)
    M = xs.size
    A = np.zeros((M + 2, M + 2))
    A[:M, :M] = ker(xs, xs)
    A[:M, M:] = P
    A[M:, :M] = P.T
    return 256.0 * np.linalg.cond(A) * FLOAT64_EPS * max(1.0, float(np.max(np.abs(ys))))


def _plot_natural(records, ax):
    from reports import plots

    plots.predicted_vs_measured(records, ax, xlabel="g* + u x + v from zeta (kernel system (22))",
                                ylabel="SciPy natural CubicSpline")


natural_spline = Claim(
    id="splines.natural_spline",
    statement=(
        "Where zeta is constant on S (W in {-1, 1} with B ~ U(-a_b, a_b), a_b >= I; W ~ U(-a_w, a_w), "
        "B ~ U(-a_b, a_b), a_b/a_w >= I), the solution of the variational problem (5) is the natural cubic "
        "spline interpolant of the adjusted data; with (u, v) added back, the natural cubic spline of the data."),
    source=(f"{SOURCE}, Theorem 2 (b), (c) and Remark 3; solved through problem (22) and Theorem 13 "
            "(g = sum_j a_j K(., x_j) + u x + v with the infinite-width kernel K) [derived]"),
    closed_form=ZETA,
    symbols=ZETA_SYMBOLS,
    predict=predict_spline,
    measure=measure_natural_spline,
    configurations=lambda profile: batches(spline_laws(profile), spline_data, min_size=3, max_size=4),
    assumptions=spline_assumptions,
    agreement=max_abs_error(spline_tolerance, reason=spline_tolerance.__doc__),
    plot=_plot_natural,
)


# --- claim 3: the rate n^{-1/2} -------------------------------------------------------------------------

n = sympy.Symbol("n", positive=True)
RATE_EXPONENT = sympy.Rational(-1, 2)
"""sup_S |f(., theta*) - g*| = O_p(n^{rho}) with rho = -1/2 (Theorem 1)."""

WIDTHS = {"dev": (32, 128, 512, 2048, 8192, 32768),
          "thorough": (32, 100, 320, 1000, 3200, 10000, 32000)}
"""Three decades of widths from n = 32, where the distance is in its n^{-1/2} regime.  Measured with this
module's rate experiment (measure_rate_factory with 16 seeds, on 40 configurations of each law drawn as
rate_members draws them, M = 3): the mean over configurations of the local slope of the seed-averaged
log sup_S |f - g*| between consecutive widths (each record's series "local_slopes"), +- its standard error:

    widths              8-32    32-128  128-512  512-2048  2048-8192  8192-32768   fitted slope
    binary W, from 8  -0.607    -0.536   -0.493   -0.496    -0.483                  -0.519
    binary W, from 32           -0.502   -0.515   -0.474    -0.541     -0.462        -0.501
    uniform, from 8   -0.475    -0.500   -0.484   -0.520    -0.482                  -0.494
    uniform, from 32            -0.527   -0.436   -0.536    -0.487     -0.499        -0.495
    gaussian, from 8  -0.550    -0.494   -0.485   -0.486    -0.501                  -0.499
    gaussian, from 32           -0.485   -0.504   -0.486    -0.488     -0.530        -0.497
    (each +- about 0.02; "fitted slope": the mean over the 4-seed sweeps of the claim's OLS slope)

Between n = 8 and 32 the distance for binary W falls faster than n^{-1/2} (the n^{-1} term of the
random-feature error is not yet small), which biases a fit from n = 8 by -0.02, about 0.4 of the slope's
standard error with 4 seeds; from n = 32 on the local slopes of every law scatter about -1/2.

Where n^{-1/2} starts depends on the size of the adjusted targets y_j - u x_j - v, which can exceed the data's
own (problem (22) chooses u, v).  The thorough profile (seed 0) falsified the sharp exponent on one
configuration of 21, W and B uniform, M = 4, data_seed 10331, whose adjusted targets reach 10.26 (at most 4.4 in
the other 20): slope -0.597 [-0.692, -0.501] with 6 seeds (at the thorough level, 99.98%), -0.578
[-0.626, -0.529] with 24 (99.96%).  Since a disagreement must replicate (rate_claim's ``replicate``), that
configuration agrees: its replicate with 12 fresh seeds gives -0.558 [-0.625, -0.491]; the steeper slope is
real (24 seeds exclude -1/2) but smaller than what a 12-seed interval resolves.  With seed 1 all 31 in-scope
thorough configurations hold (slopes -0.559 to -0.442, mean -0.494).  Scaling its targets
by c (``target_scale``), the same 24 initial networks per width give, for the distance divided by c:

    c      slope, 99.96% interval     mean log(e/c) at n = 32    100     320    1000    3200   10000   32000
    0.1    -0.501 [-0.554, -0.449]                     -0.754  -1.077  -1.823  -2.120  -2.953  -3.712  -4.018
    0.3    -0.524 [-0.573, -0.474]                     -0.612  -0.954  -1.806  -2.120  -2.954  -3.711  -4.018
    1      -0.578 [-0.626, -0.529]                     -0.464  -0.595  -1.233  -2.057  -2.969  -3.707  -4.018
    3      -0.639 [-0.695, -0.584]                      0.177  -0.490  -0.714  -1.361  -2.702  -3.629  -4.018

From n = 3200 on (n = 32000 for c = 3) e/c does not depend on c: the network is in its linearised regime,
where the distance is linear in the targets and falls like n^{-1/2}.  Below, e/c grows with c: with large
targets a narrow network leaves that regime and is farther from g*, and the fitted slope over 32..32000
steepens.  This is the theorem's "n sufficiently large", reached later for larger targets; Theorem 1's upper
bound (spline_rate_bound) holds throughout."""
SEEDS = {"dev": 4, "thorough": 6}
MAX_STEPS = {"dev": 3_000, "thorough": 10_000}
"""Caps on the GD steps: a vmapped batch runs until its slowest run converges, so the cap bounds a batch's
cost; on the ci baseline the slowest of 24 configurations (M = 3) needed 1136 steps."""
RESIDUAL_TOL = 1e-5
"""Training stops when max_j |f(x_j) - y_j| <= RESIDUAL_TOL max_j |y_j|."""
FAMILY_LEVEL = 0.99
JUDGED_PER_RUN = {"dev": 25, "thorough": 50}
"""At most this many configurations does one search of a rate claim judge: 6 batches of 4 on dev and ci, at most
12 batches of 4 on thorough (a test checks every rate claim's max_examples against it).  A second search runs
only when the first judged fewer than Profile.min_in_scope (20), so a run judges fewer than K + 20 in all, and in
the runs that need it the family-wise error is below (1 - FAMILY_LEVEL) (K + 20) / K."""


def ci_level(scale: str) -> float:
    """The level of each configuration's slope interval: Bonferroni over the configurations a claim judges in
    a run, so that a true exponent falls outside some configuration's interval in at most 1 - FAMILY_LEVEL of
    runs (0.9996 on dev and ci, 0.9998 on thorough)."""
    return 1.0 - (1.0 - FAMILY_LEVEL) / JUDGED_PER_RUN[scale]


CI_LEVEL = ci_level("dev")
LEVELS_TEXT = (f"{100 * ci_level('dev'):.2f}% on dev and ci, {100 * ci_level('thorough'):.2f}% on thorough: "
               f"Bonferroni over the at most {JUDGED_PER_RUN['dev']} (dev, ci) or {JUDGED_PER_RUN['thorough']} "
               f"(thorough) configurations a claim judges in a run, so that a true exponent falls outside some "
               f"configuration's interval in at most {100 * (1 - FAMILY_LEVEL):.0f}% of runs")


def rate_laws(profile: Profile, inits=INITS) -> st.SearchStrategy:
    """The law, the data size and the widths: the part that fixes array shapes."""
    laws = {
        "gaussian": st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.just(1.0),
                                           "p2": st.sampled_from((0.5, 1.0))}),
        "binary": st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0), "p2": st.just(2.0)}),
        "uniform": st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.just(1.0), "p2": st.just(2.0)}),
    }
    sizes = (3,) if profile.scale == "dev" else (3, 4, 5)
    extra = st.fixed_dictionaries({"M": st.sampled_from(sizes), "scale": st.just(profile.scale)})
    return st.tuples(st.one_of(*(laws[i] for i in inits)), extra).map(lambda t: {**t[0], **t[1]})


def rate_members(setting: Config) -> st.SearchStrategy:
    """Data (a seed, and for M = 5 on the thorough profile also the paper's data), a linear trend
    the adjustment must remove, and the learning rate's fraction of the stability limit."""
    seed = st.integers(0, 2**16) if setting["M"] != 5 else st.one_of(st.just(-1), st.integers(0, 2**16))
    return st.fixed_dictionaries({
        "data_seed": seed,
        "trend": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "offset": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "frac": st.floats(0.6, 0.95).map(lambda v: round(v, 3)),
        "init_seed": st.integers(0, 2**16),
    })


def rate_assumptions(config: Config) -> str | None:
    """0 < eta < 2 M / lambda_max(J J^T) (frac in (0, 1)), and zeta > 0 on the data's hull."""
    if not 0 < config["frac"] < 1:
        return f"frac = {config['frac']} puts the step outside (0, 2M/lambda_max(J J^T))"
    if not config.get("target_scale", 1.0) > 0:
        return f"target_scale = {config['target_scale']} must be positive (it divides the measured distance)"
    if support_half_width(config) < DATA_HALF_WIDTH and config["init"] == "binary":
        return "zeta vanishes on part of the data's hull"
    return None


def fit_power_law(widths, errors, level: float = CI_LEVEL, mask=None):
    """OLS of log e on log n over the (width, seed) runs in ``mask``: slope, its t-interval, prefactor.
    With fewer than three runs or a single width there is no interval, and every entry is NaN (such a sweep
    is out of scope: see sweep_scope)."""
    mask = np.ones(errors.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    ln = np.log(np.repeat(np.asarray(widths, dtype=np.float64)[None, :], errors.shape[0], 0))[mask]
    le = np.log(np.where(mask, errors, 1.0))[mask]
    if le.size < 3 or np.unique(ln).size < 2:
        nan = float("nan")
        return {"slope": nan, "interval": (nan, nan), "prefactor": nan, "prefactor_interval": (nan, nan), "dof": 0}
    A = np.stack([ln, np.ones_like(ln)], axis=1)
    coef, *_ = np.linalg.lstsq(A, le, rcond=None)
    resid = le - A @ coef
    dof = le.size - 2
    s2 = resid @ resid / dof
    cov = s2 * np.linalg.inv(A.T @ A)
    t = stats.t.ppf(0.5 + level / 2, dof)
    se_slope, se_int = np.sqrt(cov[0, 0]), np.sqrt(cov[1, 1])
    slope, icpt = float(coef[0]), float(coef[1])
    return {"slope": slope, "interval": (slope - t * se_slope, slope + t * se_slope),
            "prefactor": float(np.exp(icpt)),
            "prefactor_interval": (float(np.exp(icpt - t * se_int)), float(np.exp(icpt + t * se_int))),
            "dof": dof}


def local_slopes(widths, errors, mask) -> np.ndarray:
    """d log e / d log n between consecutive widths, from the mean of log e over the runs in ``mask``."""
    le = np.where(mask, np.log(np.where(mask, errors, 1.0)), 0.0)
    mean = le.sum(axis=0) / np.maximum(mask.sum(axis=0), 1)
    return np.diff(mean) / np.diff(np.log(np.asarray(widths, dtype=np.float64)))


def run_seeds(key, config: Config, shape) -> np.ndarray:
    """Integer seeds of the initial networks, from the configuration's PRNG key and init_seed."""
    import jax

    k = jax.random.fold_in(key, int(config["init_seed"]))
    return np.asarray(jax.random.randint(k, shape, 0, 2**31 - 1))


def problem_1d(config: Config, zeta_form=ZETA, adjust: bool = True) -> dict:
    """Inputs (M, 1), training targets, evaluation grid on S (E, 1), g* on it, the Lebesgue constant
    of the kernel interpolant, and for plotting the grid's abscissa."""
    from numerics import splines as nsp

    grid, g, yt = limit_function(zeta_form, config, adjust=adjust)
    xs, _ = dataset(config)
    problem = {"X": xs[:, None], "Y": yt, "XE": grid[:, None], "G": g, "plot_x": grid[::4], "plot_idx": slice(None, None, 4),
               "lebesgue": nsp.lebesgue_constant(kernel_for(ZETA, config), xs, grid)}
    if config["init"] == "gaussian" and adjust:
        # the unweighted natural spline through the same adjusted data, for the report
        from scipy.interpolate import CubicSpline

        problem["G_plain"] = CubicSpline(xs, yt, bc_type="natural")(grid)
    return problem


_SWEEPS: dict = {}
"""Finished training sweeps by the digest of everything they depend on: spline_rate and spline_rate_bound
draw the same configurations from the same seed and train the same networks, so the second pays nothing."""


def _sweep_key(*parts) -> str:
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        digest.update(np.ascontiguousarray(part).tobytes() if isinstance(part, np.ndarray) else repr(part).encode())
    return digest.hexdigest()


def train_sweep(configs, keys, problems, output_only: bool = False, widths_by_scale=None, seeds_by_scale=None,
                residual_tol: float = None, max_steps=None, sgd: bool = False):
    """SEEDS runs at each width of WIDTHS for each configuration, trained to RESIDUAL_TOL; returns
    (sup errors, steps, final residuals, f on the grids, tolerances, converged mask)."""
    import jax.numpy as jnp

    from numerics import shallow as nx

    setting = configs[0]
    scale = setting["scale"]
    widths, S = (widths_by_scale or WIDTHS)[scale], (seeds_by_scale or SEEDS)[scale]
    tol = np.asarray([(residual_tol or RESIDUAL_TOL) * max(1.0, float(np.max(np.abs(p["Y"])))) for p in problems])
    seeds = np.stack([run_seeds(k, c, (S, len(widths))) for c, k in zip(configs, keys)])
    steps_cap = (max_steps or MAX_STEPS)[scale]
    inputs = [np.stack([np.asarray(p[k], dtype=np.float64) for p in problems]) for k in ("X", "Y", "G", "XE")]
    frac = np.asarray([c["frac"] for c in configs], dtype=np.float64)
    run_key = _sweep_key(seeds, *inputs, frac, tol, steps_cap, widths, setting, output_only, sgd)
    if run_key not in _SWEEPS:
        out = nx.spline_distance_runs(
            seeds, *map(jnp.asarray, inputs), jnp.asarray(frac), jnp.asarray(tol), steps_cap, widths=widths,
            init=setting["init"], p1=setting["p1"], p2=setting["p2"], output_only=output_only, sgd=sgd)
        _SWEEPS[run_key] = tuple(map(np.asarray, out))
        while len(_SWEEPS) > 32:
            _SWEEPS.pop(next(iter(_SWEEPS)))
    errs, steps, rmax, fs = _SWEEPS[run_key]
    converged = (rmax <= tol[:, None, None]) & np.isfinite(errs)
    return errs, steps, rmax, fs, tol, converged


def sweep_scope(widths, converged, rmax, errs, tol, lebesgue, scale, max_steps=None, min_runs: int = 2) -> str | None:
    """Out of scope when GD did not reach the training tolerance (Theorem 1 needs theta* with zero
    training error, for n large enough: only runs at widths below 100 may miss it, and each width
    keeps at least ``min_runs`` runs), or when the residual left could move the function by more than a tenth
    of the distance measured."""
    big = np.asarray(widths) >= 100
    if not np.all(converged.sum(axis=0) >= min_runs) or not np.all(converged[:, big]):
        bad = sorted({int(widths[j]) for j in np.nonzero(~converged)[1]})
        return (f"training did not reach max|r| <= {tol:.2e} within {(max_steps or MAX_STEPS)[scale]} steps for "
                f"{int((~converged).sum())} of {converged.size} runs (widths {bad}): theta* is not reached")
    if np.any(lebesgue * rmax[converged] > 0.1 * errs[converged]):
        return ("the residual left on the data, times the Lebesgue constant of the kernel interpolant "
                f"({lebesgue:.2f}), exceeds a tenth of the measured distance")
    return None


def measure_rate_factory(zeta_form=ZETA, adjust: bool = True, output_only: bool = False, problem=None,
                         widths_by_scale=None, sgd: bool = False, max_steps=None, seeds_by_scale=None):
    """The rate experiment: for each configuration, SEEDS initialisations at each width of WIDTHS,
    trained to RESIDUAL_TOL; the sup distance on S to g*; the log-log fit."""
    problem = problem or (lambda c: problem_1d(c, zeta_form, adjust))

    def measure(configs, keys) -> list[Measurement]:
        problems = [problem(c) for c in configs]
        errs, steps, rmax, fs, tol, converged = train_sweep(configs, keys, problems, output_only, widths_by_scale,
                                                            max_steps=max_steps, sgd=sgd,
                                                            seeds_by_scale=seeds_by_scale)
        scale = configs[0]["scale"]
        widths = (widths_by_scale or WIDTHS)[scale]
        out = []
        for i, (c, p) in enumerate(zip(configs, problems)):
            # runs that do not reach the tolerance are left out of the fit (see sweep_scope)
            fit = fit_power_law(widths, errs[i], level=ci_level(scale), mask=converged[i])
            idx = p["plot_idx"]
            series = {
                "widths": list(widths), "errors": errs[i].tolist(), "steps": steps[i].tolist(),
                "local_slopes": local_slopes(widths, errs[i], converged[i]).tolist(),
                "x": np.asarray(p["plot_x"]).tolist(), "g": np.asarray(p["G"])[idx].tolist(),
                "f": fs[i, 0, -1][idx].tolist(), "data_x": np.asarray(p["X"])[:, 0].tolist(),
                "data_y": np.asarray(p["Y"]).tolist(),
            }
            fitted = {"slope": {"value": fit["slope"], "interval": list(fit["interval"])},
                      "prefactor": {"value": fit["prefactor"], "interval": list(fit["prefactor_interval"])},
                      "largest_width_error": {"value": float(errs[i][:, -1].mean())}}
            if "G_plain" in p:
                fitted["largest_width_distance_to_plain_spline"] = {
                    "value": float(np.mean(np.max(np.abs(fs[i, :, -1] - p["G_plain"][None]), axis=1)))}
                fitted["weighted_to_plain_spline"] = {"value": float(np.max(np.abs(p["G"] - p["G_plain"])))}
            # with two runs per width a single missed run at a small width leaves one (see sweep_scope)
            min_runs = 2 if errs.shape[1] >= 4 else 1
            scope = sweep_scope(widths, converged[i], rmax[i], errs[i], float(tol[i]), p["lebesgue"], scale,
                                max_steps, min_runs=min_runs)
            out.append(Measurement(value=fit["slope"], interval=fit["interval"], fitted=fitted, series=series,
                                   scope=scope))
        return out

    return measure


def _plot_rate(records, ax):
    """Error against width (log-log) with each fit and the n^{-1/2} reference; inset: the widest
    network, g* and the adjusted data of the first record."""
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]
    for k, r in enumerate(judged):
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        color = "tab:blue" if r["status"] == "pass" else "tab:red"
        ax.scatter(np.repeat(w[None], e.shape[0], 0).ravel(), e.ravel(), s=4, color=color, alpha=0.3)
        slope = r["fitted"]["slope"]["value"]
        pref = r["fitted"]["prefactor"]["value"]
        ax.plot(w, pref * w**slope, color=color, lw=0.6, alpha=0.6)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 1.0 * w**-0.5, "k--", lw=1.2, label="n^{-1/2}")
        slopes = [r["fitted"]["slope"]["value"] for r in judged]
        ax.set_title(f"fitted slopes {min(slopes):.3f} .. {max(slopes):.3f}", fontsize=8)
        ins = ax.inset_axes([0.6, 0.6, 0.38, 0.38])
        s = judged[0]["series"]
        ins.plot(s["x"], s["g"], color="tab:orange", lw=1, label="g*")
        ins.plot(s["x"], s["f"], color="tab:blue", lw=0.8, ls="--", label=f"net n={int(w[-1])}")
        ins.scatter(s["data_x"], s["data_y"], s=8, color="black", zorder=3)
        ins.tick_params(labelsize=5)
        ins.legend(fontsize=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width n")
    ax.set_ylabel("sup_S |f(., theta*) - g*|")
    ax.legend(fontsize=7, loc="lower left")


RATE_REASON = (
    "The exponent is the OLS slope of log(sup error) on log(n) over every (width, seed) run of a configuration "
    "(widths 32..32768; the runs are independent networks and the log-errors' scatter is close to Gaussian with "
    "the same spread at every width, skewness about -0.1, excess kurtosis about -0.2). The interval is the "
    f"two-sided Student-t interval on that slope (n - 2 degrees of freedom) at level {LEVELS_TEXT}. Calibrated on 480 "
    "independent 4-seed sweeps over widths 32..32768 (40 configurations per law, 16 seeds each, split in four): "
    "none put -1/2 outside its interval, the mean slopes were -0.501 (binary W), -0.495 (uniform) and -0.497 "
    "(gaussian), and (slope + 1/2) / se had standard deviation 0.99 to 1.13 (1 for a calibrated interval). The "
    "claim holds for a configuration when the predicted exponent lies in its interval; a configuration whose "
    "interval misses it is measured again with independent initialisations and twice the seeds, and disagrees "
    "only when that replicate's interval misses it too.")


def replicate_seeds(seeds_by_scale):
    """Seeds per width of a replicate: twice the claim's own, so its interval is about 1/sqrt(2) as wide."""
    return {scale: 2 * count for scale, count in seeds_by_scale.items()}


def rate_claim(*, claim_id: str = "splines.spline_rate", exponent=RATE_EXPONENT, zeta_form=ZETA,
               adjust: bool = True, inits=INITS, statement: str | None = None, source: str | None = None,
               output_only: bool = False, problem=None, configurations=None, symbols=None,
               widths_by_scale=None, sgd: bool = False, max_steps=None, seeds_by_scale=None,
               agreement: Agreement | None = None, max_examples=None) -> Claim:
    """The rate claim; ``zeta_form`` and ``adjust`` choose the limit g* the network is compared with
    (the claim's own choices are Theorem 2's zeta and the adjustment of problem (22))."""
    return Claim(
        id=claim_id,
        statement=statement or (
            "A width-n shallow ReLU network in the standard parametrisation with ASI (f_0 = 0), trained by "
            "full-batch GD on all parameters with a step inside the stability limit until zero training error "
            "on the adjusted data (x_j, y_j - u x_j - v), is within O_p(n^{-1/2}) of g* uniformly on S: the sup "
            "distance falls like n^{-1/2}."),
        source=source or (f"{SOURCE}, Theorem 1 (O_p(n^{{-1/2}}) upper bound) with (u, v) of problem (22) "
                          "(Theorem 13); that the exponent -1/2 is attained is [derived] (random-feature "
                          "fluctuations of the kernel are of exact order n^{-1/2}) and matches Figures 1, 3-5"),
        closed_form=exponent,
        symbols=symbols or {"n": "width (hidden units per ASI copy)"},
        predict=lambda closed_form, config: float(closed_form),
        measure=measure_rate_factory(zeta_form, adjust, output_only, problem, widths_by_scale, sgd, max_steps,
                                     seeds_by_scale),
        replicate=measure_rate_factory(zeta_form, adjust, output_only, problem, widths_by_scale, sgd, max_steps,
                                       replicate_seeds(seeds_by_scale or SEEDS)),
        configurations=configurations or (
            lambda profile: batches(rate_laws(profile, inits), rate_members, min_size=4, max_size=4)),
        assumptions=rate_assumptions,
        agreement=agreement or inside_interval(RATE_REASON),
        plot=_plot_rate,
        max_examples=max_examples or {"dev": 6, "ci": 6, "thorough": 8},
    )


spline_rate = rate_claim()



# --- claim 4: two inputs, the polyharmonic spline of Theorem 8 -----------------------------------------

r = sympy.Symbol("r", nonnegative=True)
POLYHARMONIC_BASIS = r**3
"""h - f_0 = sum_j lambda_j |x - x_j|^3 + <u, x> + v (eq. (10)), d = 2."""

PAPER_X2 = ((-1.0, -1.0), (1.0, 1.0), (0.0, 0.0), (-1.0, 1.0), (1.0, -1.0))
PAPER_Y2 = (1.5, 1.5, 0.5, -0.5, -0.5)
"""The data of the paper's two-dimensional experiment (Figure 2: W ~ U(S^1), B ~ U(-2, 2)), as set in
the authors' public code (huijin12/Implicit_Bias_Wide_Neural_Networks, notebook
ASI_trick_differenct_neuron_all_case_2D_const_curvature.ipynb); the paper's text does not list them."""
GRID_2D = 21


def dataset_2d(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """data_seed < 0: the paper's 2-D data; otherwise M points uniform in the disc of radius 1.4 with
    gaps >= 0.5, outputs U(-1.5, 1.5).  Plus the affine function <trend, x> + offset."""
    if config["data_seed"] < 0:
        xs, ys = np.array(PAPER_X2), np.array(PAPER_Y2)
    else:
        rng = np.random.default_rng(int(config["data_seed"]))
        M = int(config["M"])
        while True:
            rad, ang = 1.4 * np.sqrt(rng.uniform(0, 1, M)), rng.uniform(0, 2 * np.pi, M)
            xs = np.stack([rad * np.cos(ang), rad * np.sin(ang)], axis=1)
            gaps = np.linalg.norm(xs[:, None] - xs[None], axis=-1) + 10 * np.eye(M)
            if gaps.min() >= 0.5:
                break
        ys = rng.uniform(-1.5, 1.5, M)
    trend = np.array([config.get("trend", 0.0), config.get("trend2", 0.0)])
    return xs, ys + xs @ trend + config.get("offset", 0.0)


def grid_2d(xs: np.ndarray, points: int = GRID_2D) -> np.ndarray:
    """[-R, R]^2 with R = max_j |x_j|_2, as in the paper's App. A."""
    R = float(np.max(np.linalg.norm(xs, axis=1)))
    g = np.linspace(-R, R, points)
    return np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)


def polyharmonic_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"a": st.sampled_from((1.5, 2.0, 3.0)), "M": st.integers(4, 7)})


def polyharmonic_members(setting: Config) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        "data_seed": st.integers(-1, 2**16),
        "trend": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "trend2": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "offset": st.floats(-3, 3).map(lambda v: round(v, 3)),
    })


def polyharmonic_assumptions(config: Config) -> str | None:
    """Theorem 7: W uniform on S^{d-1}, B ~ U(-a_b, a_b) with a_b >= max_i |x_i|."""
    xs, _ = dataset_2d(config)
    R = float(np.max(np.linalg.norm(xs, axis=1)))
    if config["a"] < R:
        return f"a_b = {config['a']} < max |x_i| = {R:.3f}"
    return None


def predict_polyharmonic(closed_form, config: Config) -> np.ndarray:
    from numerics import splines as nsp

    xs, ys = dataset_2d(config)
    basis = sympy.lambdify(r, closed_form, "numpy")
    f = lambda d: np.where(d > 0, basis(np.where(d > 0, d, 1.0)), 0.0)
    return nsp.radial_spline(xs, ys, grid_2d(xs), f)


def measure_kernel_limit_2d(configs, keys) -> list[Measurement]:
    """The infinite-width limit (problem (25)): minimum-norm interpolant in the kernel
    E[relu(<V, x> + B) relu(<V, x'> + B)], V ~ U(S^1), B ~ U(-a, a), plus a free affine part."""
    from numerics import splines as nsp

    out = []
    for c in configs:
        xs, ys = dataset_2d(c)
        g, _ = nsp.kernel_limit_2d(xs, ys, grid_2d(xs), c["a"])
        out.append(Measurement(value=g))
    return out


def polyharmonic_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """256 (kappa(A_K) + kappa(A_r)) eps max|y|, A the two bordered systems.

    Both interpolants come from backward-stable solves (forward error <= kappa eps ||s|| up to a
    modest constant, Higham ch. 7); the kernel's angle integral is split at every kink and each
    piece is a polynomial in cos and sin integrated by 64-point Gauss-Legendre, accurate to
    round-off; 256 covers the constants.
    """
    from numerics import splines as nsp

    xs, ys = dataset_2d(config)
    P = nsp.affine_design(xs)
    M = xs.shape[0]
    total = 0.0
    for K in (nsp.circle_kernel(xs, xs, config["a"]), np.linalg.norm(xs[:, None] - xs[None], axis=-1) ** 3):
        A = np.zeros((M + 3, M + 3))
        A[:M, :M], A[:M, M:], A[M:, :M] = K, P, P.T
        total += np.linalg.cond(A)
    return 256.0 * total * FLOAT64_EPS * max(1.0, float(np.max(np.abs(ys))))


def _plot_polyharmonic(records, ax):
    from reports import plots

    plots.predicted_vs_measured(records, ax, xlabel="polyharmonic spline sum lambda_j |x - x_j|^3 + <u, x> + v",
                                ylabel="infinite-width kernel limit (25)")


polyharmonic_limit = Claim(
    id="splines.polyharmonic_limit",
    statement=(
        "For two inputs with W uniform on the circle and B ~ U(-a_b, a_b), a_b >= max_i |x_i|, the solution of "
        "the variational problem is the polyharmonic spline h(x) - f_0(x) = sum_j lambda_j |x - x_j|^3 + <u, x> + v "
        "with sum_j lambda_j = 0 and sum_j lambda_j x_j = 0: the infinite-width network's minimum-norm interpolant "
        "with a free affine part equals it."),
    source=(f"{SOURCE}, Theorems 7 and 8 (eq. (10)-(11)) with problem (25); checked on the grid of App. A, "
            "[-max|x_i|, max|x_i|]^2, on the paper's 2-D data and on random data"),
    closed_form=POLYHARMONIC_BASIS,
    symbols={"r": "distance |x - x_j|"},
    predict=predict_polyharmonic,
    measure=measure_kernel_limit_2d,
    configurations=lambda profile: batches(polyharmonic_settings(profile), polyharmonic_members, min_size=3,
                                           max_size=4),
    assumptions=polyharmonic_assumptions,
    agreement=max_abs_error(polyharmonic_tolerance, reason=polyharmonic_tolerance.__doc__),
    plot=_plot_polyharmonic,
)



@functools.lru_cache(maxsize=32)
def _circle_kernels(xs_bytes: bytes, shape: tuple, a: float):
    """K(X, X) and K(X, grid) of the circle kernel for the inputs (cached: they do not depend on y)."""
    from numerics import splines as nsp

    xs = np.frombuffer(xs_bytes, dtype=np.float64).reshape(shape)
    return nsp.circle_kernel(xs, xs, a), nsp.circle_kernel(xs, grid_2d(xs), a)


def problem_2d(config: Config, adjust: bool = True) -> dict:
    """The 2-D counterpart of :func:`problem_1d`: targets y - <u, x> - v with (u, v) from the circle
    kernel's bordered system, g* the polyharmonic spline (10)-(11) through them on [-R, R]^2."""
    from numerics import splines as nsp

    xs, ys = dataset_2d(config)
    grid = grid_2d(xs)
    a = float(config["p2"])
    K, KE = _circle_kernels(xs.tobytes(), xs.shape, a)
    _, c = nsp.bordered_solve(K, nsp.affine_design(xs), ys)
    yt = ys - nsp.affine_design(xs) @ c if adjust else ys
    basis = sympy.lambdify(r, POLYHARMONIC_BASIS, "numpy")
    g = nsp.radial_spline(xs, yt, grid, basis)
    if not adjust:
        g = nsp.radial_spline(xs, ys, grid, basis)
    L = np.linalg.solve(K, KE)
    diag = np.arange(GRID_2D) * (GRID_2D + 1)
    return {"X": xs, "Y": yt, "XE": grid, "G": g, "plot_x": grid[diag, 0], "plot_idx": diag,
            "lebesgue": float(np.max(np.sum(np.abs(L), axis=0)))}


def rate_2d_settings(profile: Profile) -> st.SearchStrategy:
    return st.just({"init": "sphere", "p1": 1.0, "p2": 2.0, "M": 5, "scale": profile.scale})


def rate_2d_members(setting: Config) -> st.SearchStrategy:
    """The paper's data on the dev profile (random data in the disc are worse conditioned and need
    more steps than the dev budget allows), with random data as well on the thorough profile."""
    data = st.just(-1) if setting["scale"] == "dev" else st.one_of(st.just(-1), st.integers(0, 2**16))
    return st.fixed_dictionaries({
        "data_seed": data,
        "trend": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "trend2": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "offset": st.floats(-3, 3).map(lambda v: round(v, 3)),
        "frac": st.floats(0.6, 0.95).map(lambda v: round(v, 3)),
        "init_seed": st.integers(0, 2**16),
    })


WIDTHS_2D = {"dev": (32, 128, 512, 2048, 8192), "thorough": (32, 100, 316, 1000, 3162, 10000)}
"""Two inputs: from 32 up.  At n = 8 the distance sits about 25% below the n^{-1/2} line on every
configuration we measured (e sqrt(n) = 1.5-1.7 at n = 8 against 1.8-2.5 from n = 32 on the paper's
data), a pre-asymptotic saturation outside the theorem's 'n sufficiently large'."""


polyharmonic_rate = rate_claim(
    claim_id="splines.polyharmonic_rate",
    statement=(
        "Two inputs, W uniform on the circle, B ~ U(-2, 2), standard parametrisation with ASI, full-batch GD on all "
        "parameters inside the stability limit to zero training error on (x_j, y_j - <u, x_j> - v): the network is "
        "within O_p(n^{-1/2}) of the polyharmonic spline (10)-(11) uniformly on [-max|x_i|, max|x_i|]^2; the sup "
        "distance falls like n^{-1/2}."),
    source=(f"{SOURCE}, Theorem 6 with Theorems 7, 8 and the setting of Figure 2 (data from the authors' code, see "
            "PAPER_X2); that the exponent -1/2 is attained is [derived]"),
    problem=problem_2d,
    configurations=lambda profile: batches(rate_2d_settings(profile), rate_2d_members, min_size=4, max_size=4),
    widths_by_scale=WIDTHS_2D,
    seeds_by_scale={"dev": 3, "thorough": 4},
)



# --- claim 6: output layer only against all parameters ---------------------------------------------------

OUTPUT_ONLY_TOL = 1e-8
OUTPUT_ONLY_SEEDS = {"dev": 2, "thorough": 4}
OUTPUT_ONLY_STEPS = {"dev": 8_000, "thorough": 16_000}


def measure_output_only(configs, keys) -> list[Measurement]:
    """Both trainings from the same initialisation with the same step (frac of the full NTK's limit),
    each to max|r| <= 1e-8 max|y|; D_n = sup_S |f_all - f_output| per run; log-log fit of D_n on n."""
    problems = [problem_1d(c) for c in configs]
    kw = dict(seeds_by_scale=OUTPUT_ONLY_SEEDS, residual_tol=OUTPUT_ONLY_TOL, max_steps=OUTPUT_ONLY_STEPS)
    _, sa, ra, fa, tol, ca = train_sweep(configs, keys, problems, False, **kw)
    _, so, ro, fo, _, co = train_sweep(configs, keys, problems, True, **kw)
    scale = configs[0]["scale"]
    widths = WIDTHS[scale]
    D = np.max(np.abs(fa - fo), axis=-1)
    out = []
    for i, (c, p) in enumerate(zip(configs, problems)):
        both = ca[i] & co[i]
        fit = fit_power_law(widths, D[i], level=ci_level(scale), mask=both)
        scope = sweep_scope(widths, both, ra[i] + ro[i], D[i], float(tol[i]), p["lebesgue"], scale,
                            OUTPUT_ONLY_STEPS, min_runs=1)
        fitted = {"slope": {"value": fit["slope"], "interval": list(fit["interval"])},
                  "prefactor": {"value": fit["prefactor"], "interval": list(fit["prefactor_interval"])},
                  "interval_below_minus_half": {"value": float(fit["interval"][1] < float(RATE_EXPONENT))}}
        out.append(Measurement(value=fit["slope"], interval=fit["interval"], fitted=fitted, scope=scope,
                               series={"widths": list(widths), "errors": D[i].tolist(),
                                       "steps": np.maximum(sa[i], so[i]).tolist()}))
    return out


def _faster_error(predicted, measurement, config):
    """How far the interval's lower end lies above the exponent (0 when the interval reaches below it):
    a configuration contradicts 'faster than n^rho' only when the whole interval is at or above rho."""
    lo, hi = measurement.interval
    return float(max(lo - float(predicted), 0.0)) if np.isfinite(lo) else float("inf")


def _plot_output_only(records, ax):
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]
    for r in judged:
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        color = "tab:blue" if r["status"] == "pass" else "tab:red"
        ax.scatter(np.repeat(w[None], e.shape[0], 0).ravel(), e.ravel(), s=4, color=color, alpha=0.3)
        ax.plot(w, r["fitted"]["prefactor"]["value"] * w ** r["fitted"]["slope"]["value"], color=color, lw=0.6)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 0.3 * w**-0.5, "k--", label="n^{-1/2}")
        ax.plot(w, 3.0 * w**-1.5, "k:", label="n^{-3/2}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width n")
    ax.set_ylabel("sup_S |f_all - f_output only|")
    ax.legend(fontsize=7)


output_layer_only = Claim(
    id="splines.output_layer_only",
    statement=(
        "Training only the output weights and training all parameters, from the same initialisation with the same "
        "step, give functions whose sup distance on S shrinks faster than n^{-1/2} (Theorem 10: O_p(n^{-1}) for the "
        "linearised models; the paper's Figure 6 reports order n^{-3/2} for the networks)."),
    source=(f"{SOURCE}, Theorem 10, Corollary 11 and Appendix A (Figure 6: 'the error is of order n^-3/2'); the "
            "comparison of the trained networks' exponent with -1/2 is [derived]"),
    closed_form=RATE_EXPONENT,
    symbols={"n": "width (hidden units per ASI copy)"},
    predict=lambda closed_form, config: float(closed_form),
    measure=measure_output_only,
    configurations=lambda profile: batches(rate_laws(profile), rate_members, min_size=4, max_size=4),
    assumptions=rate_assumptions,
    agreement=Agreement(
        name="lower end of the slope's CI above the exponent",
        error=_faster_error, tolerance=lambda p, m, c: 0.0,
        reason=("A configuration contradicts 'D_n falls faster than n^rho' when the whole Student-t interval "
                "of the log-log slope of D_n lies at or above rho; the fitted 'below' records whether the whole "
                "interval lies below rho (the difference is shown to fall faster). " + RATE_REASON)),
    plot=_plot_output_only,
    max_examples={"dev": 6, "ci": 6, "thorough": 6},
)



spline_rate_bound = rate_claim(
    claim_id="splines.spline_rate_bound",
    statement=(
        "Theorem 1 as the paper states it: a width-n shallow ReLU network in the standard parametrisation with ASI "
        "(f_0 = 0), trained by full-batch GD on all parameters with a step inside the stability limit until zero "
        "training error on the adjusted data, satisfies sup_S |f(x, theta*) - g*(x)| = O_p(n^{-1/2}): the sup "
        "distance falls at least as fast as n^{-1/2}."),
    source=f"{SOURCE}, Theorem 1 (the O_p(n^{{-1/2}}) upper bound), with (u, v) of problem (22) (Theorem 13)",
    agreement=Agreement(
        name="lower end of the slope's CI above the exponent",
        error=_faster_error, tolerance=lambda p, m, c: 0.0,
        reason=("An upper bound O(n^rho) is contradicted by a configuration only when the whole Student-t "
                "interval of its log-log slope lies above rho (the distance demonstrably falls more slowly); a "
                "slope steeper than rho agrees with the bound. " + RATE_REASON)),
)


SGD_STEPS = {"dev": 12_000, "thorough": 40_000}

sgd_rate = rate_claim(
    claim_id="splines.sgd_rate",
    statement=(
        "Stochastic gradient descent (one training example drawn uniformly per step, loss (1/2)(f(x_r) - y_r)^2, "
        "constant step below 1 / max_j ||grad_theta f(x_j, theta_0)||^2) on all parameters reaches the same limit: "
        "the sup distance on S to g* falls like n^{-1/2}."),
    source=(f"{SOURCE}, Theorem 24 (SGD on the linearised model converges to the same minimum-distance solution, "
            "eq. (46)-(47)) and Remark 25 ('our main theorem also holds for SGD training'); the exponent -1/2 for "
            "the trained networks is [derived]"),
    sgd=True,
    max_steps=SGD_STEPS,
    seeds_by_scale={"dev": 2, "thorough": 4},
    max_examples={"dev": 6, "ci": 6, "thorough": 6},
)



# --- claim 8: the training trajectory tracks smoothing splines of strength M / (eta_bar t) ---------------

eta_bar, t_steps, M_sym = sympy.symbols("eta_bar t M", positive=True)
SMOOTHING_STRENGTH = M_sym / (eta_bar * t_steps)
"""lambda(t) = M / (eta_bar t): the smoothing-spline strength after t steps of size eta_bar / n on the
loss (1/M) sum_j (1/2) r_j^2 (the paper's eq. (7) and (168) write 1 / (eta_bar t) for the loss sum_j r_j^2,
from the early-stopping correspondence c = 1 / (eta tau) of App. N.1; the factor M is this loss's
normalisation) [derived]."""
TRAJECTORY_TIMES = 40
TRAJECTORY_MAX_STEPS = 200_000
TRAJECTORY_SLOWEST = 20.0
"""Steps are recorded up to the step where the slowest mode has a mu_min t = 20 (its residual below e^{-20}
of the start), at most TRAJECTORY_MAX_STEPS steps."""


def trajectory_law_choices() -> st.SearchStrategy:
    """The three laws of Theorem 2 with their scales drawn from small fixed sets (binary: a_b >= 2)."""
    gaussian = st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                      "p2": st.sampled_from((0.5, 1.0, 2.0))})
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0), "p2": st.sampled_from((2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0)),
                                     "p2": st.sampled_from((1.0, 2.0, 3.0))})
    return st.one_of(gaussian, binary, uniform)


def trajectory_laws(profile: Profile) -> st.SearchStrategy:
    return st.tuples(trajectory_law_choices(), st.sampled_from((4, 5, 6, 8))).map(lambda t: {**t[0], "M": t[1]})


def trajectory_members(setting: Config) -> st.SearchStrategy:
    seed = st.integers(0, 2**16) if setting["M"] != 5 else st.one_of(st.just(-1), st.integers(0, 2**16))
    return st.fixed_dictionaries({
        "data_seed": seed,
        "frac": st.floats(0.02, 0.9).map(lambda v: round(v, 3)),
    })


def trajectory_assumptions(config: Config) -> str | None:
    """0 < eta_bar < 2 M / mu_max(K) (frac in (0, 1)), the stable range of the steps; zeta > 0 on S."""
    if not 0 < config["frac"] < 1:
        return f"frac = {config['frac']} puts the step outside (0, 2M/mu_max(K))"
    if config["init"] == "binary" and config["p2"] < DATA_HALF_WIDTH:
        return "zeta vanishes on part of the data's hull"
    return None


@functools.lru_cache(maxsize=256)
def _trajectory_setup(init: str, p1: float, p2: float, M: int, data_seed: int, frac: float):
    """The kernel matrix K(X, X) of the infinite-width output layer, the data, its spectrum, the step
    eta_bar = frac 2 M / mu_max(K) and the recorded step counts."""
    config = {"init": init, "p1": p1, "p2": p2, "M": M, "data_seed": data_seed}
    xs, ys = dataset(config)
    K = kernel_for(ZETA, config)(xs, xs)
    mu = np.linalg.eigvalsh(K)
    eta = frac * 2.0 * M / mu[-1]
    a = eta / M
    t_end = int(min(TRAJECTORY_MAX_STEPS, np.ceil(TRAJECTORY_SLOWEST / (a * mu[0]))))
    times = np.unique(np.round(np.geomspace(1, t_end, TRAJECTORY_TIMES)).astype(np.int64))
    return xs, ys, K, mu, eta, times


def _trajectory_of(config: Config):
    return _trajectory_setup(config["init"], float(config["p1"]), float(config["p2"]), int(config["M"]),
                             int(config["data_seed"]), float(config["frac"]))


def predict_trajectory(closed_form, config: Config) -> np.ndarray:
    """The smoothing spline (166) on the data at the strength lambda(t) of the closed form, at each recorded t."""
    from numerics import splines as nsp

    xs, ys, K, mu, eta, times = _trajectory_of(config)
    lam_of = sympy.lambdify((M_sym, eta_bar, t_steps), closed_form, "numpy")
    lam = np.asarray(lam_of(float(config["M"]), eta, times.astype(np.float64)), dtype=np.float64)
    return nsp.kernel_ridge_values(K, ys, np.broadcast_to(lam, times.shape))


def trajectory_allowance(config: Config) -> np.ndarray:
    """At step t: max_k |1/(1 + a mu_k t) - (1 - a mu_k)^t| + 64 (kappa(K) + t) eps, with a = eta_bar / M.

    In the eigenbasis (mu_k, u_k) of K, GD after t steps has the data values
    sum_k (1 - (1 - a mu_k)^t) <y, u_k> u_k, and the smoothing spline at lambda = 1 / (a t) = M / (eta_bar t)
    has sum_k mu_k / (mu_k + lambda) <y, u_k> u_k = sum_k s_k / (1 + s_k) <y, u_k> u_k, s_k = a mu_k t.  The
    coefficients of the difference are 1/(1 + s_k) - (1 - a mu_k)^t, so by Parseval
    ||f_t(X) - h_lambda(X)||_2 <= max_k |1/(1 + s_k) - (1 - a mu_k)^t| ||y||_2: the paper's comparison of
    h_1 = lambda_j / (lambda_j + c) with h_2 = 1 - e^{-lambda_j / c} (App. N.1) made exact for discrete steps;
    for small steps it never exceeds max_s (1/(1 + s) - e^{-s}) = 0.2036.  The last term covers rounding: the
    ridge solve (kappa(K) eps) and t steps of the recursion (eps each).
    """
    xs, ys, K, mu, eta, times = _trajectory_of(config)
    t = times.astype(np.float64)[:, None]
    xk = (eta / config["M"]) * mu[None, :]
    gap = np.max(np.abs(1.0 / (1.0 + xk * t) - (1.0 - xk) ** t), axis=1)
    return gap + 64.0 * (mu[-1] / mu[0] + t[:, 0]) * FLOAT64_EPS


def measure_trajectory(configs, keys) -> list[Measurement]:
    """GD of the infinite-width output layer on the data, step by step (numerics.splines.kernel_gd_values),
    recorded at TRAJECTORY_TIMES log-spaced steps."""
    from numerics import splines as nsp

    out = []
    for c in configs:
        xs, ys, K, mu, eta, times = _trajectory_of(c)
        v = nsp.kernel_gd_values(K, ys, eta / c["M"], times)
        spline = predict_trajectory(SMOOTHING_STRENGTH, c)
        ny = float(np.linalg.norm(ys))
        to_spline = np.linalg.norm(v - spline, axis=1) / ny
        to_interp = np.linalg.norm(v - ys[None, :], axis=1) / ny
        mid = int(np.argmin(np.abs(to_interp - 0.5)))
        out.append(Measurement(
            value=v,
            fitted={"max_distance_to_spline": {"value": float(to_spline.max())},
                    "distance_ratio_at_half_fit": {"value": float(to_spline[mid] / to_interp[mid])},
                    "kappa_K": {"value": float(mu[-1] / mu[0])}},
            series={"a_mu_t": (eta / c["M"] * mu[-1] * times).tolist(), "to_spline": to_spline.tolist(),
                    "to_interp": to_interp.tolist(), "allowance": trajectory_allowance(c).tolist()}))
    return out


def _trajectory_error(predicted, measurement, config):
    p = np.asarray(predicted, dtype=np.float64)
    m = np.asarray(measurement.value, dtype=np.float64)
    if p.shape != m.shape or not np.all(np.isfinite(p)):
        return float("inf")
    _, ys, *_ = _trajectory_of(config)
    dist = np.linalg.norm(m - p, axis=1) / np.linalg.norm(ys)
    return float(np.max(dist / trajectory_allowance(config)))


def _plot_trajectory(records, ax):
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]
    for k, r in enumerate(judged):
        s = r["series"]
        color = "tab:blue" if r["status"] == "pass" else "tab:red"
        ax.plot(s["a_mu_t"], s["to_spline"], color=color, lw=0.6, alpha=0.5,
                label="GD to smoothing spline at M/(eta_bar t)" if k == 0 else None)
        ax.plot(s["a_mu_t"], s["to_interp"], color="tab:gray", lw=0.5, alpha=0.4,
                label="GD to interpolating spline" if k == 0 else None)
        if k == 0:
            ax.plot(s["a_mu_t"], s["allowance"], "k--", lw=0.8, label="allowance max_k |h1 - h2|")
    ax.axhline(0.2036, color="k", lw=0.5, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("eta_bar mu_max t / M")
    ax.set_ylabel("distance on the data / ||y||_2")
    ax.legend(fontsize=6)


trajectory_smoothing = Claim(
    id="splines.trajectory_smoothing",
    statement=(
        "The output function after t gradient-descent steps with learning rate eta_bar / n is approximated by the "
        "spatially adaptive smoothing spline, the minimiser of sum_j (g(x_j) - y_j)^2 + lambda ||g||^2 with lambda "
        "proportional to 1 / (eta_bar t) (Remark 5, eq. (7); problem (166) in the infinite-width kernel). Checked "
        "in the infinite-width limit of output-layer training at lambda = M / (eta_bar t) for the loss "
        "(1/M) sum_j (1/2) r_j^2: at every recorded t the data values differ by at most "
        "max_k |1/(1 + s_k) - (1 - a mu_k)^t| ||y||_2 (s_k = a mu_k t, a = eta_bar / M), the early-stopping / "
        "ridge gap of App. N.1, about 0.2 ||y||_2 at most for small steps."),
    source=(f"{SOURCE}, Remark 5 (Sec. 3.1, eq. (7)) and Appendix N.1 (eq. (162)-(168): the h_1 / h_2 comparison "
            "and c = 1 / (eta tau)); the constant M for this loss and the exact per-mode bound are [derived]"),
    closed_form=SMOOTHING_STRENGTH,
    symbols={"M": "number of training points", "eta_bar": "learning rate times width (eta = eta_bar / n)",
             "t": "gradient-descent steps"},
    predict=predict_trajectory,
    measure=measure_trajectory,
    configurations=lambda profile: batches(trajectory_laws(profile), trajectory_members, min_size=3, max_size=4),
    assumptions=trajectory_assumptions,
    agreement=Agreement(
        name="max_t ||f_t(X) - h_lambda(t)(X)||_2 / (||y||_2 allowance_t)",
        error=_trajectory_error, tolerance=lambda p, m, c: 1.0,
        reason=("error = max over the recorded steps of the distance on the data relative to ||y||_2, divided by "
                "the allowance; tolerance 1. " + trajectory_allowance.__doc__)),
    plot=_plot_trajectory,
)


# --- claims 10, 11: finite-width networks along the trajectory (Remark 5) -----------------------------------

TRAJ_NET_WIDTHS = {"dev": (128, 256, 512, 1024, 2048, 4096), "thorough": (256, 512, 1024, 2048, 4096, 8192, 16384)}
"""Widths n of the trained networks (hidden units per ASI copy): 1.5 decades on dev, 1.8 on thorough."""
TRAJ_NET_SEEDS = {"dev": 2, "thorough": 4}
TRAJ_NET_STEPS = {"dev": 2_000, "thorough": 5_000}
"""The networks are recorded at the steps of ``_trajectory_of`` up to this many steps."""
TRAJ_NET_GRID = 81
"""Points of the grid on S = [min x_j, max x_j] where sup_S is taken."""


def network_trajectory_laws(profile: Profile) -> st.SearchStrategy:
    """The laws of ``trajectory_laws``; M = 5 on dev (one compilation), 4..8 on thorough."""
    sizes = (5,) if profile.scale == "dev" else (4, 5, 6, 8)
    return st.tuples(trajectory_law_choices(), st.sampled_from(sizes)).map(
        lambda t: {**t[0], "M": t[1], "scale": profile.scale})


def network_trajectory_members(setting: Config) -> st.SearchStrategy:
    """Data, the step's fraction of 2 M / mu_max(K) and the seed of the initialisations."""
    seed = st.integers(0, 2**16) if setting["M"] != 5 else st.one_of(st.just(-1), st.integers(0, 2**16))
    return st.fixed_dictionaries({
        "data_seed": seed,
        "frac": st.floats(0.05, 0.95).map(lambda v: round(v, 3)),
        "init_seed": st.integers(0, 2**16),
    })


@functools.lru_cache(maxsize=256)
def _network_setup(init: str, p1: float, p2: float, M: int, data_seed: int, frac: float, scale: str):
    """The recorded steps t <= TRAJ_NET_STEPS of ``_trajectory_of`` (padded with repeats to TRAJECTORY_TIMES
    records), the grid on S, K(grid, X), the infinite-width trajectory v_t = f_t^inf(X) and its coefficients
    alpha_t (f_t^inf = K(., X) alpha_t), and the allowance of App. N.1 at those steps."""
    from numerics import splines as nsp

    config = {"init": init, "p1": p1, "p2": p2, "M": M, "data_seed": data_seed, "frac": frac}
    xs, ys, K, mu, eta, times = _trajectory_of(config)
    keep = times <= TRAJ_NET_STEPS[scale]
    times = times[keep]
    gaps = np.zeros(TRAJECTORY_TIMES, dtype=np.int32)
    gaps[:times.size] = np.diff(np.concatenate([[0], times]))
    grid = np.linspace(xs.min(), xs.max(), TRAJ_NET_GRID)
    KE = kernel_for(ZETA, config)(grid, xs)
    a = eta / M
    v = nsp.kernel_gd_values(K, ys, a, times)
    alpha = nsp.kernel_gd_coefficients(K, ys, a, times)
    allowance = trajectory_allowance(config)[keep]
    return {"xs": xs, "ys": ys, "K": K, "mu": mu, "eta": eta, "times": times, "gaps": gaps, "grid": grid,
            "f_inf": alpha @ KE.T, "v": v, "allowance": allowance}


def _network_of(config: Config) -> dict:
    return _network_setup(config["init"], float(config["p1"]), float(config["p2"]), int(config["M"]),
                          int(config["data_seed"]), float(config["frac"]), config["scale"])


_NETWORK_RUNS: dict = {}


def network_trajectories(configs, keys) -> list[dict]:
    """TRAJ_NET_SEEDS ASI networks of each width of TRAJ_NET_WIDTHS per configuration, trained by GD on all
    parameters at eta = eta_bar / n (eta_bar = frac 2 M / mu_max(K) of the infinite-width kernel), recorded at
    the steps of ``_network_of``.  Cached by configuration and initial seeds, so that
    ``trajectory_network`` and ``trajectory_width_rate`` pay for one training.

    A run is unstable (left out of every figure) when eta = eta_bar / n exceeds its own stability limit
    2 M / lambda_max(J J^T) at initialisation, or when its residual norm ever exceeds ||y||_2 (GD left the stable
    range during training), or when it is not finite.
    """
    import json

    from numerics import shallow as nx

    scale = configs[0]["scale"]
    widths, S = TRAJ_NET_WIDTHS[scale], TRAJ_NET_SEEDS[scale]
    seeds = np.stack([run_seeds(k, c, (S, len(widths))) for c, k in zip(configs, keys)])
    keys_ = [(json.dumps(dict(c), sort_keys=True), s.tobytes()) for c, s in zip(configs, seeds)]
    # one training per law and data size (the initial networks are drawn from the configuration's own law)
    groups: dict = {}
    for i, c in enumerate(configs):
        if keys_[i] not in _NETWORK_RUNS:
            groups.setdefault((c["init"], float(c["p1"]), float(c["p2"]), int(c["M"])), []).append(i)
    for (init, p1, p2, _), idx in groups.items():
        setups = [_network_of(configs[i]) for i in idx]
        stack = lambda f: np.stack([f(p) for p in setups])
        fx, fe, limits = nx.trajectory_runs(
            seeds[idx], stack(lambda p: p["xs"][:, None]), stack(lambda p: p["ys"]),
            stack(lambda p: p["grid"][:, None]), np.asarray([p["eta"] for p in setups]), stack(lambda p: p["gaps"]),
            widths=widths, init=init, p1=p1, p2=p2)
        fx, fe, limits = map(np.asarray, (fx, fe, limits))
        for i, (k, p) in enumerate(zip([keys_[j] for j in idx], setups)):
            L = p["times"].size
            eta_n = p["eta"] / np.asarray(widths, dtype=np.float64)
            residual = np.linalg.norm(fx[i, :, :, :L] - p["ys"], axis=-1)
            finite = np.all(np.isfinite(fx[i, :, :, :L]), axis=(-1, -2)) & np.all(np.isfinite(fe[i, :, :, :L]),
                                                                                   axis=(-1, -2))
            stable = (eta_n[None, :] < limits[i]) & finite & np.all(
                np.nan_to_num(residual, nan=np.inf) <= np.linalg.norm(p["ys"]), axis=-1)
            _NETWORK_RUNS[k] = {"fX": fx[i, :, :, :L], "fE": fe[i, :, :, :L], "stable": stable}
        while len(_NETWORK_RUNS) > 512:
            _NETWORK_RUNS.pop(next(iter(_NETWORK_RUNS)))
    return [_NETWORK_RUNS[k] for k in keys_]


def network_scope(stable: np.ndarray, widths) -> str | None:
    """Out of scope when some width has no stable run, or the widest network is unstable (the step is
    inside the infinite-width kernel's range but outside the networks')."""
    if not np.all(stable.any(axis=0)) or not np.all(stable[:, -1]):
        bad = sorted({int(widths[j]) for j in np.nonzero(~stable)[1]})
        return (f"{int((~stable).sum())} of {stable.size} runs unstable (eta_bar / n above 2M/lambda_max(J J^T) at "
                f"initialisation, or ||r_t|| > ||y||; widths {bad}), leaving a width without a stable run")
    return None


def predict_network_trajectory(closed_form, config: Config) -> np.ndarray:
    """The smoothing spline (166) on the data at lambda(t) of the closed form, at the networks' recorded steps."""
    from numerics import splines as nsp

    p = _network_of(config)
    lam_of = sympy.lambdify((M_sym, eta_bar, t_steps), closed_form, "numpy")
    lam = np.asarray(lam_of(float(config["M"]), p["eta"], p["times"].astype(np.float64)), dtype=np.float64)
    return nsp.kernel_ridge_values(p["K"], p["ys"], np.broadcast_to(lam, p["times"].shape))


def measure_network_trajectory(configs, keys) -> list[Measurement]:
    """f_t^{(n)}(X) of every run (runs, widths, recorded t, M), and the distances to the kernel trajectory v_t
    and to the smoothing spline at M / (eta_bar t)."""
    runs = network_trajectories(configs, keys)
    widths = TRAJ_NET_WIDTHS[configs[0]["scale"]]
    out = []
    for c, run in zip(configs, runs):
        p = _network_of(c)
        ny = float(np.linalg.norm(p["ys"]))
        stable = run["stable"]
        spline = predict_network_trajectory(SMOOTHING_STRENGTH, c)
        to_v = np.linalg.norm(run["fX"] - p["v"], axis=-1) / ny  # (runs, widths, t)
        to_h = np.linalg.norm(run["fX"] - spline, axis=-1) / ny
        worst_v = np.where(stable, np.max(to_v, axis=-1), np.nan)
        mean_over = lambda a: np.array([a[stable[:, j], j].mean(axis=0) if stable[:, j].any()
                                        else np.full(a.shape[2:], np.nan) for j in range(len(widths))])
        fitted = {"widest_max_distance_to_spline": {"value": float(np.max(to_h[stable[:, -1], -1]))
                                                    if stable[:, -1].any() else float("nan")},
                  "unstable_runs": {"value": int((~stable).sum())}}
        for j, n in enumerate(widths):
            fitted[f"max_distance_to_kernel_trajectory_n{n}"] = {"value": float(np.nanmean(worst_v[:, j]))
                                                                if stable[:, j].any() else float("nan")}
        scope = network_scope(stable, widths)
        if scope is None:
            fit = fit_power_law(widths, np.where(stable, worst_v, 1.0), level=ci_level(c["scale"]), mask=stable)
            fitted["distance_to_kernel_trajectory_slope"] = {"value": fit["slope"], "interval": list(fit["interval"])}
        out.append(Measurement(
            value=run["fX"], fitted=fitted, scope=scope,
            series={"eta_mu_t": (p["eta"] / c["M"] * p["mu"][-1] * p["times"]).tolist(), "widths": list(widths),
                    "to_spline": np.round(mean_over(to_h), 6).tolist(),
                    "allowance": p["allowance"].tolist(), "stable": stable.astype(int).tolist()}))
    return out


def _network_trajectory_error(predicted, measurement, config):
    """max over stable runs, widths and recorded t of ||f_t^{(n)}(X) - h_lambda(t)(X)||_2 divided by
    allowance_t ||y||_2 + ||f_t^{(n)}(X) - v_t||_2."""
    h = np.asarray(predicted, dtype=np.float64)
    f = np.asarray(measurement.value, dtype=np.float64)
    if f.ndim != 4 or h.shape != f.shape[2:] or not np.all(np.isfinite(h)):
        return float("inf")
    p = _network_of(config)
    stable = np.asarray(measurement.series["stable"], dtype=bool)
    ny = np.linalg.norm(p["ys"])
    to_h = np.linalg.norm(f - h, axis=-1) / ny
    to_v = np.linalg.norm(f - p["v"], axis=-1) / ny
    ratio = to_h / (p["allowance"] + to_v)
    return float(np.max(ratio[stable]))


def _plot_network_trajectory(records, ax):
    """Distance on the data to the smoothing spline at M / (eta_bar t) against eta_bar mu_max t / M, per width
    (first judged record; the others faint), with the allowance of the infinite-width trajectory."""
    import matplotlib

    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]
    cmap = matplotlib.colormaps["viridis"]
    for k, r in enumerate(judged):
        s = r["series"]
        d = np.asarray(s["to_spline"], dtype=float)
        for j, n in enumerate(s["widths"]):
            color = cmap(j / max(1, len(s["widths"]) - 1)) if r["status"] == "pass" else "tab:red"
            ax.plot(s["eta_mu_t"], d[j], color=color, lw=0.8 if k == 0 else 0.3, alpha=1.0 if k == 0 else 0.3,
                    label=f"n = {n}" if k == 0 else None)
        if k == 0:
            ax.plot(s["eta_mu_t"], s["allowance"], "k--", lw=0.8, label="allowance max_k |h1 - h2|")
    ax.set_xscale("log")
    ax.set_xlabel("eta_bar mu_max t / M")
    ax.set_ylabel("||f_t^(n)(X) - h_lambda(t)(X)||_2 / ||y||_2")
    ax.legend(fontsize=6)


NETWORK_TRAJECTORY_REASON = (
    "Triangle inequality: ||f_t^(n)(X) - h_lambda(t)(X)|| <= ||f_t^(n)(X) - v_t|| + ||v_t - h_lambda(t)(X)||, where "
    "v_t is GD of the infinite-width output-layer kernel K with a = eta_bar / M on the data (kernel_gd_values, "
    "independent of the closed form) and ||v_t - h_lambda(t)(X)|| <= allowance_t ||y||_2 is the App. N.1 per-mode "
    "gap of claim trajectory_smoothing. So error = max over stable runs, widths and recorded t of "
    "||f_t^(n)(X) - h_lambda(t)(X)||_2 / (allowance_t ||y||_2 + ||f_t^(n)(X) - v_t||_2), tolerance 1; the "
    "network's own distance to v_t is measured, not assumed (its fall with n is reported). "
    + trajectory_allowance.__doc__)

trajectory_network = Claim(
    id="splines.trajectory_network",
    statement=(
        "During training, the width-n network (standard parametrisation, ASI, full-batch GD on all parameters with "
        "learning rate eta_bar / n) tracks the spatially adaptive smoothing spline of regularisation strength "
        "lambda(t) = M / (eta_bar t) (Remark 5, eq. (7); problem (166)): at every recorded step its values on the "
        "data are within the App. N.1 gap of the infinite-width trajectory plus the network's own distance to "
        "that trajectory, which falls with n."),
    source=(f"{SOURCE}, Remark 5 (Sec. 3.1, eq. (7)) and Appendix N.1 (eq. (162)-(168)); the comparison for "
            "trained finite-width networks through the triangle inequality, the constant M for this loss and the "
            "per-mode bound are [derived]"),
    closed_form=SMOOTHING_STRENGTH,
    symbols={"M": "number of training points", "eta_bar": "learning rate times width (eta = eta_bar / n)",
             "t": "gradient-descent steps"},
    predict=predict_network_trajectory,
    measure=measure_network_trajectory,
    configurations=lambda profile: batches(network_trajectory_laws(profile), network_trajectory_members,
                                           min_size=4, max_size=4),
    assumptions=trajectory_assumptions,
    agreement=Agreement(
        name="max_t ||f_t^(n)(X) - h_lambda(t)(X)|| / (allowance_t ||y|| + ||f_t^(n)(X) - v_t||)",
        error=_network_trajectory_error, tolerance=lambda p, m, c: 1.0, reason=NETWORK_TRAJECTORY_REASON),
    plot=_plot_network_trajectory,
    max_examples={"dev": 6, "ci": 6, "thorough": 8},
)


def measure_width_rate(configs, keys) -> list[Measurement]:
    """D_n = max over recorded t of max over the grid on S of |f_t^{(n)} - f_t^inf| per run, f_t^inf = K(., X)
    alpha_t; the OLS slope of log D_n on log n over the stable (width, seed) runs, with its t-interval."""
    runs = network_trajectories(configs, keys)
    widths = TRAJ_NET_WIDTHS[configs[0]["scale"]]
    out = []
    for c, run in zip(configs, runs):
        p = _network_of(c)
        stable = run["stable"]
        D = np.max(np.abs(run["fE"] - p["f_inf"]), axis=(-1, -2))  # (runs, widths)
        scope = network_scope(stable, widths)
        fitted = {"unstable_runs": {"value": int((~stable).sum())}}
        for j, n in enumerate(widths):
            fitted[f"D_n{n}"] = {"value": float(D[stable[:, j], j].mean()) if stable[:, j].any() else float("nan")}
        if scope is not None:
            out.append(Measurement(value=float("nan"), interval=(float("nan"), float("nan")), fitted=fitted,
                                   scope=scope))
            continue
        fit = fit_power_law(widths, np.where(stable, D, 1.0), level=ci_level(c["scale"]), mask=stable)
        fitted["slope"] = {"value": fit["slope"], "interval": list(fit["interval"])}
        fitted["prefactor"] = {"value": fit["prefactor"], "interval": list(fit["prefactor_interval"])}
        out.append(Measurement(value=fit["slope"], interval=fit["interval"], fitted=fitted,
                               series={"widths": list(widths), "errors": np.where(stable, D, 0.0).tolist(),
                                       "stable": stable.astype(int).tolist()}))
    return out


def _plot_width_rate(records, ax):
    """D_n against n (log-log), each configuration's fit, and the n^{-1/2} line."""
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]
    for r in judged:
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        ok = np.asarray(r["series"]["stable"], dtype=bool)
        color = "tab:blue" if r["status"] == "pass" else "tab:red"
        ax.scatter(np.repeat(w[None], e.shape[0], 0)[ok], e[ok], s=4, color=color, alpha=0.3)
        ax.plot(w, r["fitted"]["prefactor"]["value"] * w ** r["fitted"]["slope"]["value"], color=color, lw=0.5,
                alpha=0.6)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 2.0 * w**-0.5, "k--", lw=1.2, label="n^{-1/2}")
        slopes = [r["fitted"]["slope"]["value"] for r in judged]
        ax.set_title(f"fitted slopes {min(slopes):.3f} .. {max(slopes):.3f}", fontsize=8)
        ax.legend(fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width n")
    ax.set_ylabel("max_t sup_S |f_t^(n) - f_t^inf|")


trajectory_width_rate = Claim(
    id="splines.trajectory_width_rate",
    statement=(
        "Along the whole gradient-descent trajectory the width-n network stays within O_p(n^{-1/2}) of the "
        "infinite-width trajectory f_t^inf = K(., X) alpha_t uniformly on S: D_n = max_t sup_S |f_t^(n) - f_t^inf| "
        "falls at least as fast as n^{-1/2}."),
    source=(f"{SOURCE}, Theorem 1 and its proof through the linearised model (the O_p(n^{{-1/2}}) bound); that the "
            "bound holds uniformly over the recorded steps, off the data and for the trajectory rather than the "
            "limit is [derived]"),
    closed_form=RATE_EXPONENT,
    symbols={"n": "width (hidden units per ASI copy)"},
    predict=lambda closed_form, config: float(closed_form),
    measure=measure_width_rate,
    configurations=lambda profile: batches(network_trajectory_laws(profile), network_trajectory_members,
                                           min_size=4, max_size=4),
    assumptions=trajectory_assumptions,
    agreement=Agreement(
        name="lower end of the slope's CI above the exponent",
        error=_faster_error, tolerance=lambda p, m, c: 0.0,
        reason=("An upper bound O(n^rho) is contradicted by a configuration only when the whole "
                "Student-t interval of its log-log slope lies above rho (D_n demonstrably falls more slowly); a slope "
                "steeper than rho agrees with the bound. The slope is the OLS slope of log D_n on log n over the "
                "stable (width, seed) runs of a configuration (independent networks), its interval the Student-t "
                f"interval with n - 2 degrees of freedom at level {LEVELS_TEXT}. "
                "sup_S is taken on a grid of 81 points of S.")),
    plot=_plot_width_rate,
    max_examples={"dev": 6, "ci": 6, "thorough": 8},
)


# --- claim 9: another activation (Corollary 4): z_+^2 / 2, L = d^3, penalty (L g)^2 / zeta_2 ---------------

z_act = sympy.Symbol("z", real=True)
ACTIVATION_RELU2 = sympy.Piecewise((z_act**2 / 2, z_act > 0), (0, True))
"""phi(z) = z_+^2 / 2: positively homogeneous of degree k = 2 and the Green's function of L = d^3/dz^3."""
ACTIVATION_RELU = sympy.Piecewise((z_act, z_act > 0), (0, True))
"""phi(z) = z_+: degree 1, the Green's function of d^2/dz^2 (Theorem 1's case)."""


def activation_degree(phi: sympy.Expr) -> int:
    """k with phi(a z) = a^k phi(z) for a > 0, after checking that phi is the Green's function of d^{k+1}:
    phi = 0 for z < 0 and phi = z^k / k! for z > 0 (so d^{k+1} phi = delta)."""
    zp = sympy.Symbol("zp", positive=True)
    pos, neg = phi.subs(z_act, zp), phi.subs(z_act, -zp)
    k = sympy.simplify(zp * sympy.diff(pos, zp) / pos)
    if not k.is_Integer or k < 1:
        raise ValueError(f"phi is not positively homogeneous of a positive integer degree: {k}")
    k = int(k)
    if sympy.simplify(neg) != 0 or sympy.simplify(pos - zp**k / sympy.factorial(k)) != 0:
        raise ValueError("phi is not the Green's function z_+^k / k! of d^{k+1}")
    return k


@functools.lru_cache(maxsize=16)
def curvature_density_power(k: int, init: str) -> sympy.Expr:
    """zeta_k(x) = p_C(x) E[W^{2k} | C = x] = int |W|^{2k+1} p_{W,B}(W, -W x) dW (Corollary 4's zeta; the
    change of variables b = -w c in P(C in dc) carries the factor |w|) for the three laws of Theorem 2:
    W ~ N(0, sigma_w^2), B ~ N(0, sigma_b^2) (gaussian: derived from the product density by
    ``curvature_density_moment``, k! 2^k sigma_w^{2k+1} sigma_b^{2k+1} / (pi (sigma_b^2 + x^2 sigma_w^2)^{k+1}),
    smooth and nowhere constant), and B ~ U(-a_b, a_b) independent of W ~ U(-a_w, a_w)
    (uniform: min(a_w, a_b/|x|)^{2k+2} / ((2k+2) 2 a_w a_b)) or W uniform on {-1, 1}
    (binary: 1/(2 a_b) on [-a_b, a_b])."""
    if init == "gaussian":
        return curvature_density_moment(_gauss(W, sigma_w) * _gauss(B, sigma_b), k)
    if init == "binary":
        return sympy.Piecewise((1 / (2 * a_b), sympy.Abs(x) <= a_b), (0, True))
    upper = sympy.Min(a_w, a_b / _t)
    zk = 2 * sympy.integrate(_w ** (2 * k + 1) / (2 * a_w) / (2 * a_b), (_w, 0, upper))
    return sympy.simplify(zk).subs(_t, sympy.Abs(x))


def other_activation_laws(profile: Profile) -> st.SearchStrategy:
    """The three laws of Theorem 2: binary and uniform (a_b / a_w < 2 makes zeta_2 non-constant on the data's
    hull [-2, 2]) and gaussian (sigma_w, sigma_b in {0.5, 1, 2}: zeta_2 is smooth and nowhere constant)."""
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0), "p2": st.sampled_from((2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                     "p2": st.sampled_from((1.0, 1.5, 2.0, 3.0))})
    gaussian = st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                      "p2": st.sampled_from((0.5, 1.0, 2.0))})
    return st.tuples(st.one_of(binary, uniform, gaussian), st.integers(4, 7)).map(lambda t: {**t[0], "M": t[1]})


def other_activation_data(setting: Config) -> st.SearchStrategy:
    seed = st.integers(0, 2**16) if setting["M"] != 5 else st.one_of(st.just(-1), st.integers(0, 2**16))
    return st.fixed_dictionaries({
        "data_seed": seed,
        "trend": st.floats(-5, 5).map(lambda v: round(v, 3)),
        "offset": st.floats(-5, 5).map(lambda v: round(v, 3)),
        "curvature": st.floats(-2, 2).map(lambda v: round(v, 3)),
    })


def other_activation_dataset(config: Config):
    """dataset() plus curvature x^2: a quadratic p (L p = 0) that Corollary 4's adjustment absorbs."""
    xs, ys = dataset(config)
    return xs, ys + float(config.get("curvature", 0.0)) * xs**2


def other_activation_assumptions(config: Config) -> str | None:
    """zeta_k > 0 on the data's hull (binary: a_b >= 2), so that S = [min x_j, max x_j]."""
    if config["init"] == "binary" and config["p2"] < DATA_HALF_WIDTH:
        return "zeta vanishes on part of the data's hull"
    return None


def predict_other_activation(closed_form, config: Config) -> np.ndarray:
    """The solution of problem (6), min int_S [L g]^2 / zeta_k s.t. g(x_j) = y_j - p(x_j), with p added back:
    k from phi's homogeneity, L = d^{k+1}, zeta_k from the law (SymPy), solved through the reproducing kernel
    of the penalty (numerics.splines.weighted_l_spline)."""
    from numerics import splines as nsp

    k = activation_degree(closed_form)
    zk = sympy.lambdify(x, curvature_density_power(k, config["init"]).subs(law_values(config)), "numpy")
    phi = sympy.lambdify(z_act, closed_form, "numpy")
    xs, ys = other_activation_dataset(config)
    zeta = lambda c: np.broadcast_to(np.asarray(zk(c), dtype=np.float64), np.shape(c))
    return nsp.weighted_l_spline(phi, k + 1, zeta, xs, ys, eval_grid(xs), breaks=other_activation_breaks(config))


def other_activation_breaks(config: Config, coarse: bool = False) -> tuple:
    """The pieces of the Gauss-Legendre rule for the penalty's kernel.  Binary, uniform: the kinks of zeta_k
    (zeta_breaks).  Gaussian: zeta_k is analytic with poles at x = +-i rho, rho = sigma_b / sigma_w, so the data's
    hull [-2, 2] is cut into 2 n equal pieces, n = ceil(2 / rho), of length at most rho (coarse: the n pieces of
    length at most 2 rho made of pairs of them); a piece of half-length h = rho / 2 has the
    poles outside the Bernstein ellipse of parameter 2 + sqrt5 (h = rho: 1 + sqrt2), where the 48-point rule's
    error is of order (2 + sqrt5)^-96 < 1e-60 (1e-36) times the integrand's size, far below round-off."""
    if config["init"] != "gaussian":
        return zeta_breaks(config)
    rho = float(config["p2"]) / float(config["p1"])
    n = int(np.ceil(DATA_HALF_WIDTH / rho)) * (1 if coarse else 2)
    return tuple(np.linspace(-DATA_HALF_WIDTH, DATA_HALF_WIDTH, n + 1)[1:-1])


@functools.lru_cache(maxsize=256)
def _l_spline_quadrature_error(config_items: tuple) -> float:
    """max |g_rho - g_2rho|: the solution of (6) with pieces of length rho and 2 rho (gaussian law)."""
    from numerics import splines as nsp

    config = dict(config_items)
    zk = sympy.lambdify(x, curvature_density_power(2, "gaussian").subs(law_values(config)), "numpy")
    phi = sympy.lambdify(z_act, ACTIVATION_RELU2, "numpy")
    xs, ys = other_activation_dataset(config)
    fine, coarse = (nsp.weighted_l_spline(phi, 3, zk, xs, ys, eval_grid(xs), breaks=other_activation_breaks(config, c))
                    for c in (False, True))
    return float(np.max(np.abs(fine - coarse)))


@functools.lru_cache(maxsize=128)
def _power_kernels(init: str, p1: float, p2: float, xs_bytes: bytes):
    from numerics import splines as nsp

    xs = np.frombuffer(xs_bytes, dtype=np.float64)
    grid = eval_grid(xs)
    if init == "gaussian":
        return (nsp.gaussian_power2_network_kernel(xs, xs, p1, p2), nsp.gaussian_power2_network_kernel(grid, xs, p1, p2))
    return (nsp.power_network_kernel(xs, xs, 2, init, p1, p2), nsp.power_network_kernel(grid, xs, 2, init, p1, p2))


def measure_other_activation(configs, keys) -> list[Measurement]:
    """The infinite-width network with phi(z) = z_+^2 / 2: the minimum-norm interpolant in its output-layer
    kernel E[phi(W x + B) phi(W x' + B)] (computed from the law of (W, B), not from zeta) with a free quadratic
    part (the p of Corollary 4, L p = 0), as problem (22) is for ReLU."""
    from numerics import splines as nsp

    out = []
    for c in configs:
        xs, ys = other_activation_dataset(c)
        K, KE = _power_kernels(c["init"], float(c["p1"]), float(c["p2"]), xs.tobytes())
        P = nsp.polynomial_design(xs, 3)
        a, coef = nsp.bordered_solve(K, P, ys)
        g = KE @ a + nsp.polynomial_design(eval_grid(xs), 3) @ coef
        A = np.block([[K, P], [P.T, np.zeros((3, 3))]])
        out.append(Measurement(value=g, fitted={"kappa": {"value": float(np.linalg.cond(A))}},
                               series={"x": eval_grid(xs)[::5].tolist(), "g": g[::5].tolist(),
                                       "data_x": xs.tolist(), "data_y": ys.tolist()}))
    return out


def other_activation_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """512 kappa(A) eps max(1, max|y|) + q, A the bordered network-kernel system [K P; P^T 0].

    Both sides are backward-stable solves of bordered systems (forward error <= kappa eps ||s|| up to a modest
    constant, Higham ch. 7); every integral is exact up to rounding (Gauss-Legendre on polynomial pieces for the
    network kernel; on the side of (6), polynomial pieces times zeta_k, constant or a multiple of |c|^{-(2k+2)}
    between its breaks, resolved by 48 nodes); the two kernels differ by terms in the null space of L that the
    free quadratic part absorbs exactly, so both systems are conditioned alike; 512 covers the constants of
    the two solves.  q = 0 for the binary and uniform laws.

    Gaussian law: the network kernel is the closed form E[U_+^2 V_+^2] / 4 of the bivariate Gaussian
    (U, V) = (W x + B, W x' + B) (numerics.splines.gaussian_power2_network_kernel), exact up to rounding; on the
    side of (6) zeta_2 = 8 sigma_w^5 sigma_b^5 / (pi (sigma_b^2 + x^2 sigma_w^2)^3) is rational, so Gauss-Legendre
    is no longer exact: the hull is cut into pieces of length rho = sigma_b / sigma_w (other_activation_breaks)
    and q = max |g_rho - g_2rho| over the grid, the change of the solution of (6) when the pieces are doubled.
    For a rule whose error at least halves under the refinement, |e_rho| <= |e_2rho - e_rho| = |g_2rho - g_rho|,
    so q bounds the quadrature error of the prediction (both rules are at round-off by the Bernstein-ellipse
    estimate, so q is of the order of round-off).
    """
    _, ys = other_activation_dataset(config)
    tol = 512.0 * measurement.fitted["kappa"]["value"] * FLOAT64_EPS * max(1.0, float(np.max(np.abs(ys))))
    if config["init"] == "gaussian":
        tol += _l_spline_quadrature_error(tuple(sorted(config.items())))
    return tol


def _plot_other_activation(records, ax):
    from reports import plots

    plots.predicted_vs_measured(records, ax, xlabel="solution of (6): L = d^3, penalty (g''')^2 / zeta_2",
                                ylabel="infinite-width z_+^2/2 network (kernel interpolant)")
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]
    if judged:
        s = judged[0]["series"]
        ins = ax.inset_axes([0.6, 0.08, 0.38, 0.38])
        ins.plot(s["x"], s["g"], color="tab:blue", lw=1)
        ins.scatter(s["data_x"], s["data_y"], s=8, color="black", zorder=3)
        ins.tick_params(labelsize=5)


other_activation = Claim(
    id="splines.other_activation",
    statement=(
        "With activation phi(z) = z_+^2 / 2, the Green's function of L = d^3/dz^3 and positively homogeneous of "
        "degree k = 2, the infinite-width network's limit solves min int_S [L(g - f_0)]^2 / zeta dx s.t. "
        "g(x_j) = y_j - p(x_j) with L p = 0 (p quadratic) and zeta(x) = p_C(x) E[W^{2k} | C = x]; for zeta "
        "constant on S this is the natural quintic spline. Checked for the three laws of Theorem 2: binary and "
        "uniform W with uniform B (zeta_2 piecewise, every integral exact), and Gaussian W, B (zeta_2 = "
        "8 sigma_w^5 sigma_b^5 / (pi (sigma_b^2 + x^2 sigma_w^2)^3), smooth and nowhere constant; the network "
        "kernel in closed form from the bivariate Gaussian (W x + B, W x' + B), the penalty's kernel by "
        "Gauss-Legendre on pieces of length sigma_b / sigma_w with the refinement difference in the tolerance)."),
    source=(f"{SOURCE}, Corollary 4 (Sec. 3.1, problem (6)) with its proof in Appendix J; the choice z_+^2 / 2, "
            "the explicit zeta_2 of the three laws of Theorem 2 (the Gaussian one derived in SymPy from the density), "
            "the closed-form Gaussian network kernel and the kernel form of the solution are [derived]"),
    closed_form=ACTIVATION_RELU2,
    symbols={"z": "pre-activation W x + B"},
    predict=predict_other_activation,
    measure=measure_other_activation,
    configurations=lambda profile: batches(other_activation_laws(profile), other_activation_data, min_size=3,
                                           max_size=4),
    assumptions=other_activation_assumptions,
    agreement=max_abs_error(other_activation_tolerance, reason=other_activation_tolerance.__doc__),
    plot=_plot_other_activation,
)


CLAIMS = (curvature_density_mc, natural_spline, spline_rate, spline_rate_bound, polyharmonic_limit,
          polyharmonic_rate, output_layer_only, sgd_rate, trajectory_smoothing, other_activation,
          trajectory_network, trajectory_width_rate)
