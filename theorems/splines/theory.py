"""Closed forms of the splines family, derived in SymPy, and the predictions computed from them.

- zeta, the curvature-penalty density (Prop. 14, Theorem 2 (a)-(c)), derived from the joint density of (W, B);
  zeta_k of Corollary 4 for an activation positively homogeneous of degree k;
- the exponent -1/2 of Theorem 1's O_p(n^{-1/2});
- the polyharmonic basis r^3 of Theorem 8 (d = 2);
- the smoothing-spline strength M / (eta_bar t) of Remark 5 and App. N.1;
- the activations z_+ and z_+^2 / 2 of Corollary 4.

Importing this module runs the SymPy derivations of Theorem 2's zeta (a few seconds); the claims import it only
when one of them is evaluated.
"""

from __future__ import annotations

import numpy as np
import sympy

from theorems._cache import cached
from theorems._claim import Config
from theorems.splines.constants import INITS
from theorems.splines.data import dataset_2d, eval_grid, grid_2d, other_activation_dataset

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


def law_values(config: Config) -> dict:
    """Symbol values of a configuration's initialisation law."""
    p1, p2 = float(config["p1"]), float(config["p2"])
    return {sigma_w: p1, sigma_b: p2, a_w: p1, a_b: p2}


@cached(maxsize=64)
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


# --- the rate, the polyharmonic basis, the smoothing strength ----------------------------------------------

n = sympy.Symbol("n", positive=True)
RATE_EXPONENT = sympy.Rational(-1, 2)
"""sup_S |f(., theta*) - g*| = O_p(n^{rho}) with rho = -1/2 (Theorem 1)."""

r = sympy.Symbol("r", nonnegative=True)
POLYHARMONIC_BASIS = r**3
"""h - f_0 = sum_j lambda_j |x - x_j|^3 + <u, x> + v (eq. (10)), d = 2."""

eta_bar, t_steps, M_sym = sympy.symbols("eta_bar t M", positive=True)
SMOOTHING_STRENGTH = M_sym / (eta_bar * t_steps)
"""lambda(t) = M / (eta_bar t): the smoothing-spline strength after t steps of size eta_bar / n on the
loss (1/M) sum_j (1/2) r_j^2 (the paper's eq. (7) and (168) write 1 / (eta_bar t) for the loss sum_j r_j^2,
from the early-stopping correspondence c = 1 / (eta tau) of App. N.1; the factor M is this loss's
normalisation) [derived]."""

# --- another activation (Corollary 4): z_+^2 / 2, L = d^3, penalty (L g)^2 / zeta_2 ---------------------------

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


@cached(maxsize=16)
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


# --- predictions -------------------------------------------------------------------------------------------

def predict_zeta(closed_form, config: Config) -> np.ndarray:
    return zeta_function(closed_form, config)(np.asarray(config["points"], dtype=np.float64))


def predict_spline(closed_form, config: Config) -> np.ndarray:
    """g* + u x + v on S: the zeta-weighted spline through the raw data, from zeta's closed form."""
    from theorems.splines.limits import limit_function

    grid, g, _ = limit_function(closed_form, config, adjust=False)
    return g


def predict_exponent(closed_form, config: Config) -> float:
    """The exponent of a rate, the same for every configuration."""
    return float(closed_form)


def predict_polyharmonic(closed_form, config: Config) -> np.ndarray:
    """The radial spline sum_j lambda_j phi(|x - x_j|) + <u, x> + v with the closed form's basis phi(r), through
    the data (side conditions sum_j lambda_j = 0, sum_j lambda_j x_j = 0), on the grid [-R, R]^2."""
    from numerics import splines as nsp

    xs, ys = dataset_2d(config)
    basis = sympy.lambdify(r, closed_form, "numpy")
    f = lambda d: np.where(d > 0, basis(np.where(d > 0, d, 1.0)), 0.0)
    return nsp.radial_spline(xs, ys, grid_2d(xs), f)


def smoothing_spline_values(closed_form, M: int, K: np.ndarray, ys: np.ndarray, eta: float,
                            times: np.ndarray) -> np.ndarray:
    """The smoothing spline (166) on the data, min sum_j (g(x_j) - y_j)^2 + lambda ||g||^2 in the kernel K, at
    the strength lambda(t) of the closed form, at each step t of ``times``."""
    from numerics import splines as nsp

    lam_of = sympy.lambdify((M_sym, eta_bar, t_steps), closed_form, "numpy")
    lam = np.asarray(lam_of(float(M), eta, times.astype(np.float64)), dtype=np.float64)
    return nsp.kernel_ridge_values(K, ys, np.broadcast_to(lam, times.shape))


def predict_trajectory(closed_form, config: Config) -> np.ndarray:
    """The smoothing spline (166) on the data at the strength lambda(t) of the closed form, at each recorded t."""
    from theorems.splines.trajectories import trajectory_of

    xs, ys, K, mu, eta, times = trajectory_of(config)
    return smoothing_spline_values(closed_form, config["M"], K, ys, eta, times)


def predict_network_trajectory(closed_form, config: Config) -> np.ndarray:
    """The smoothing spline (166) on the data at lambda(t) of the closed form, at the networks' recorded steps."""
    from theorems.splines.trajectories import network_of

    p = network_of(config)
    return smoothing_spline_values(closed_form, config["M"], p["K"], p["ys"], p["eta"], p["times"])


def predict_other_activation(closed_form, config: Config) -> np.ndarray:
    """The solution of problem (6), min int_S [L g]^2 / zeta_k s.t. g(x_j) = y_j - p(x_j), with p added back:
    k from phi's homogeneity, L = d^{k+1}, zeta_k from the law (SymPy), solved through the reproducing kernel
    of the penalty (numerics.splines.weighted_l_spline)."""
    from numerics import splines as nsp
    from theorems.splines.experiments import other_activation_breaks

    k = activation_degree(closed_form)
    zk = sympy.lambdify(x, curvature_density_power(k, config["init"]).subs(law_values(config)), "numpy")
    phi = sympy.lambdify(z_act, closed_form, "numpy")
    xs, ys = other_activation_dataset(config)
    zeta = lambda c: np.broadcast_to(np.asarray(zk(c), dtype=np.float64), np.shape(c))
    return nsp.weighted_l_spline(phi, k + 1, zeta, xs, ys, eval_grid(xs), breaks=other_activation_breaks(config))
