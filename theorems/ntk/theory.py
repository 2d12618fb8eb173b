"""Closed forms of the ntk family: the NTK, its spectrum on the sphere, and the GD filters.

Kernel (numerics/ntk.py), u = <x, x'> for unit vectors in R^d:

    K(u) = (1/2) [kappa_1(u) + (u + beta) kappa_0(u)],   beta = bias in {0, 1},
    kappa_0(u) = (pi - arccos u)/pi,   kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2))/pi

(Cho & Saul's arc-cosine kernels; Bietti & Mairal 2019, Sec. 3).  By the Funk-Hecke formula the degree-k
spherical harmonics on S^{d-1} are eigenfunctions of T f(x) = E_{s ~ rho}[K(<x, s>) f(s)] with eigenvalue

    mu_k = (omega_{d-2}/omega_{d-1}) int_0^pi K(cos theta) P_k^{(d)}(cos theta) sin^{d-2} theta d theta,

P_k^{(d)} the Gegenbauer polynomial normalised to P_k^{(d)}(1) = 1 (e.g. Atkinson & Han, Spherical Harmonics
and Approximations on the Unit Sphere, Thm 2.22).  On S^1 this is the cosine series: mu_k is half the
cosine-series coefficient of K for k >= 1.  Gradient descent with step eta multiplies the degree-k component of
the residual by (1 - eta mu_k) per step in the kernel regime; Bowman & Montufar's damped deviations bound what
the finite width and the finite sample add.

Everything here is exact (SymPy); the spectrum closed forms are evaluated at a configuration by
:func:`exact_eigenvalue`, which integrates the Funk-Hecke integral term by term (:func:`integrate_trigonometric`).
"""

from __future__ import annotations

import sympy

from theorems._cache import cached
from theorems._claim import Config

# --- symbols and closed forms ---------------------------------------------------------------------

u = sympy.Symbol("u", real=True)
theta = sympy.Symbol("theta", real=True)
k = sympy.Symbol("k", integer=True, nonnegative=True)
d = sympy.Symbol("d", integer=True, positive=True)
beta = sympy.Symbol("beta", nonnegative=True)
eta, mu, t = sympy.symbols("eta mu t", nonnegative=True)
lam, tau = sympy.symbols("lambda tau", nonnegative=True)
pi = sympy.pi

KAPPA0 = (pi - sympy.acos(u)) / pi
"""kappa_0(u) = (pi - arccos u)/pi, the arc-cosine kernel of degree 0."""
KAPPA1 = (u * (pi - sympy.acos(u)) + sympy.sqrt(1 - u**2)) / pi
"""kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2))/pi, the arc-cosine kernel of degree 1."""
NTK = (KAPPA1 + (u + beta) * KAPPA0) / 2
"""K(u) = (kappa_1 + (u + beta) kappa_0)/2, the NTK of the network in the family's parametrisation."""
NTK_THETA = (sympy.sin(theta) + (pi - theta) * sympy.cos(theta) + (sympy.cos(theta) + beta) * (pi - theta)) / (2 * pi)
"""K(cos theta) for theta in [0, pi] (arccos(cos theta) = theta, sqrt(1 - cos^2) = sin theta)."""

FUNK_HECKE_CONSTANT = sympy.gamma(d / 2) / (sympy.sqrt(pi) * sympy.gamma((d - 1) / 2))
"""omega_{d-2} / omega_{d-1}, with omega_j the area of S^j."""
GEGENBAUER = sympy.gegenbauer(k, (d - 2) / 2, sympy.cos(theta)) / sympy.gegenbauer(k, (d - 2) / 2, 1)
"""P_k^{(d)}(cos theta), normalised to 1 at theta = 0."""
FUNK_HECKE_EIGENVALUE = FUNK_HECKE_CONSTANT * sympy.Integral(
    NTK_THETA * GEGENBAUER * sympy.sin(theta) ** (d - 2), (theta, 0, pi))
"""mu_k on S^{d-1}, d >= 3, by the Funk-Hecke formula."""

CIRCLE_EIGENVALUE = sympy.Piecewise(
    (3 / pi**2 + beta / 4, sympy.Eq(k, 0)),
    (sympy.Rational(1, 4) + beta / pi**2, sympy.Eq(k, 1)),
    ((k**2 + 3) / (pi**2 * (k**2 - 1) ** 2), sympy.Eq(sympy.Mod(k, 2), 0)),
    (beta / (pi**2 * k**2), True))
"""mu_k on S^1 for K = (kappa_1 + (u + beta) kappa_0)/2, all k: mu_0 = 3/pi^2 + beta/4,
mu_1 = 1/4 + beta/pi^2, mu_k = (k^2 + 3)/(pi^2 (k^2 - 1)^2) for even k >= 2, beta/(pi^2 k^2) for odd k >= 3.
(THEORY.md's 6/pi^2, 1/2, 2(k^2+3)/(pi^2(k^2-1)^2) is the same for u kappa_0 + kappa_1, twice this kernel.)"""

DECAY_EXPONENT = -d
"""The exponent of mu_k ~ C k^{-d} on S^{d-1} in R^d (Cao et al.'s k^{-d-1} on their S^d is the same law)."""

GD_FILTER = (1 - eta * mu) ** t
"""(1 - eta mu_k)^t: the factor by which t GD steps multiply the degree-k component of the residual."""

DAMPING = (1 - eta * lam) ** tau
"""(1 - eta lambda_i)^tau: GD's factor on the i-th eigendirection of H/n after tau steps."""

GRAM_RATE = sympy.Rational(-1, 2)
"""Exponent of the eigenvalue error: |lambda_i(H/n) - lambda_i(T)| ~ n^{-1/2}, |lambda_i(H_m/n) - lambda_i(H/n)| ~ m^{-1/2}."""


# --- exact evaluation of the spectrum ---------------------------------------------------------------

def exact_eigenvalue(closed_form: sympy.Expr, dim: int, degree: int, bias: int) -> sympy.Expr:
    """Evaluate a spectrum closed form exactly at (d, k, beta): the Piecewise on S^1 directly, the
    Funk-Hecke integral over theta in [0, pi] exactly (see :func:`integrate_trigonometric`)."""
    return _exact_eigenvalue(closed_form, int(dim), int(degree), int(bias))


@cached(maxsize=None)
def _exact_eigenvalue(closed_form: sympy.Expr, dim: int, degree: int, bias: int) -> sympy.Expr:
    expr = closed_form.subs({d: dim, k: degree, beta: bias})
    expr = expr.replace(lambda e: isinstance(e, sympy.Integral), integrate_trigonometric)
    return sympy.simplify(sympy.expand(expr))


def integrate_trigonometric(integral: sympy.Integral) -> sympy.Expr:
    """int_0^pi g(theta) d theta, exactly, for g polynomial in theta (degree <= 1), cos theta, sin theta.

    With z = e^{i theta}, g = A(z) + theta B(z) for Laurent polynomials A, B, and term by term
    int_0^pi z^j = pi [j = 0] or ((-1)^j - 1)/(i j);  int_0^pi theta z^j = pi^2/2 [j = 0] or
    pi (-1)^j/(i j) + ((-1)^j - 1)/j^2.  Other integrands go to sympy.integrate.
    """
    (var, lo, hi), = integral.limits
    g = integral.function
    if (lo, hi) != (0, pi):
        return sympy.integrate(g, (var, lo, hi))
    z = sympy.Symbol("z")
    gz = sympy.expand(g.subs({sympy.cos(var): (z + 1 / z) / 2, sympy.sin(var): (z - 1 / z) / (2 * sympy.I)}))
    if gz.has(sympy.cos, sympy.sin) or sympy.degree(gz, var) > 1:
        return sympy.integrate(sympy.expand(g), (var, lo, hi))
    total = sympy.Integer(0)
    for power_theta, part in ((0, gz.coeff(var, 0)), (1, gz.coeff(var, 1))):
        for term in sympy.Add.make_args(sympy.expand(part)):
            coeff, j = term.as_coeff_exponent(z)
            c = term / z**j if j != 0 else term
            j = int(j)
            sign = (-1) ** abs(j)
            if power_theta == 0:
                value = pi if j == 0 else sympy.Rational(sign - 1) / (sympy.I * j)
            else:
                value = pi**2 / 2 if j == 0 else pi * sign / (sympy.I * j) + sympy.Rational(sign - 1, j**2)
            total += c * value
    return sympy.re(sympy.expand(total)) if not total.free_symbols else sympy.expand(total)


def eigenvalue_float(closed_form: sympy.Expr, dim: int, degree: int, bias: int) -> float:
    return float(sympy.N(exact_eigenvalue(closed_form, dim, degree, bias), 30))


@cached(maxsize=1024)
def eigenvalue(dim: int, degree: int, bias: int) -> float:
    """mu_k of the family's kernel on S^{d-1} from the spectrum closed forms (S^1 formula for d = 2); cached,
    as every configuration of a training claim asks for the same few."""
    form = CIRCLE_EIGENVALUE if dim == 2 else FUNK_HECKE_EIGENVALUE
    return eigenvalue_float(form, dim, degree, bias)


# --- predictions ----------------------------------------------------------------------------------

def predict_eigenvalue(closed_form, config: Config) -> float:
    return eigenvalue_float(closed_form, config["d"], config["k"], config["bias"])


def predict_decay_exponent(closed_form, config: Config) -> float:
    """The decay exponent at the configuration's dimension (-d for the claim's closed form)."""
    return float(closed_form.subs(d, config["d"]))


def predict_constant(closed_form, config: Config) -> float:
    """A closed form without free symbols (the Gram error exponent -1/2)."""
    return float(closed_form)


def predict_filter(closed_form, config: Config):
    """(1 - eta mu_k)^t at the recorded steps, one column per target degree; mu_k from the spectrum, eta from
    the configuration's fraction of the stability limit of its training set."""
    import numpy as np

    from theorems.ntk.configurations import parse_degrees
    from theorems.ntk.dynamics import learning_rate, recorded_steps

    f = sympy.lambdify((eta, mu, t), closed_form, "numpy")
    idx = recorded_steps(config).astype(float)
    e = learning_rate(config)
    cols = [np.broadcast_to(f(e, eigenvalue(int(config["d"]), kk, int(config["bias"])), idx), idx.shape)
            for kk in parse_degrees(config)]
    return np.stack(cols, 1)


# --- Cao et al.'s network: its kernel, spectrum on their S^d, and Theorem 4.3's exponents -------------------

CAO_NTK = (u + beta) * KAPPA0 / 2 + KAPPA1
"""K_Cao(u) = u kappa_0(u)/2 + kappa_1(u) (+ beta kappa_0(u)/2 with a zero-initialised trained bias): the NTK of
Cao et al.'s f_W(x) = sqrt(m) W_2 sigma(W_1 x), W_1 ~ N(0, 2/m), W_2 ~ N(0, 1/m), in units of m (the gradient
inner product is m K_Cao).  The W_1 layer gives m W_2l^2 u 1 1 -> u kappa_0/2, the W_2 layer
m (2/m) relu relu -> kappa_1: the layers weigh 1:2, against 1:1 in :data:`NTK`. [derived, THEORY.md sec. 1]"""
CAO_NTK_THETA = (sympy.sin(theta) + (pi - theta) * sympy.cos(theta)
                 + (sympy.cos(theta) + beta) * (pi - theta) / 2) / pi
"""K_Cao(cos theta) for theta in [0, pi]."""
CAO_FUNK_HECKE_EIGENVALUE = FUNK_HECKE_CONSTANT * sympy.Integral(
    CAO_NTK_THETA * GEGENBAUER * sympy.sin(theta) ** (d - 2), (theta, 0, pi))
"""mu_k of Cao's kernel on S^{d-1} in R^d (the suite's d, ambient); Cao et al.'s S^d is d + 1 here."""

CAO_RATE = -sympy.log(1 - eta * CAO_FUNK_HECKE_EIGENVALUE)
"""r_k = -log(1 - eta mu_k): the per-step rate at which GD with step eta (eta m in the units of Cao's network,
whose tangent kernel is m K_Cao) shrinks the degree-k component of the residual, mu_k Cao's eigenvalue."""

Y = sympy.Symbol("Y", nonnegative=True)
"""n^{-1/2} ||V_{r_k}^T y||: the labels' projection on the sampled top-r_k eigenfunctions (Cao et al., Thm 4.2)."""
CAO_BLOCK_BOUND = 2 * (1 - CAO_FUNK_HECKE_EIGENVALUE) ** t * Y
"""Cao et al., Thm 4.2 (eps aside): n^{-1/2} ||V_{r_k}^T (y - yhat(t))|| <= 2 (1 - lambda_{r_k})^t n^{-1/2}
||V_{r_k}^T y||, lambda_{r_k} the smallest eigenvalue of the top block (here mu_k of the block's last degree), the
step absorbed in their normalisation (eta m theta^2 = 1)."""

d_S = sympy.Symbol("d_S", integer=True, positive=True)
"""Cao et al.'s sphere dimension: inputs on S^{d_S} in R^{d_S + 1} (their d)."""
CAO_DEGREE_EXPONENT = -(d_S + 1)
"""Cao et al., Thm 4.3, k >> d: mu_k = Omega(k^{-d-1}) on S^d: the exponent in k no steeper than -(d + 1)."""
CAO_DIMENSION_EXPONENT = -(k - 1)
"""Cao et al., Thm 4.3, d >> k: mu_k = Omega(d^{-k+1}) on S^d: the exponent in d no steeper than -(k - 1)."""


def cao_eigenvalue(sphere_dim: int, degree: int, bias: int) -> float:
    """mu_k of Cao's kernel on their S^{d_S} (ambient d_S + 1), exactly (SymPy), as a float."""
    return eigenvalue_float(CAO_FUNK_HECKE_EIGENVALUE, int(sphere_dim) + 1, degree, bias)


@cached(maxsize=None)
def _cao_integrand(bias: int):
    import mpmath

    kernel = sympy.lambdify(theta, CAO_NTK_THETA.subs(beta, bias), "mpmath")
    return mpmath, kernel


@cached(maxsize=4096)
def cao_eigenvalue_mp(sphere_dim: int, degree: int, bias: int, dps: int = 30) -> tuple[float, float]:
    """mu_k of Cao's kernel on S^{d_S} at high precision: the Funk-Hecke integral of :data:`CAO_NTK_THETA`
    (ambient D = d_S + 1: weight sin^{D-2} theta, Gegenbauer C_k^{(D-2)/2} normalised to 1 at theta = 0),
    by mpmath's tanh-sinh quadrature at ``dps`` digits on [0, pi] cut into max(2, k/4 + 2) pieces (each piece
    holds a few oscillations of P_k, on which the rule converges doubly exponentially: the integrand is
    analytic in theta). Returns (mu_k, bound) with bound = the quadrature's error estimate (the difference of
    its last two refinement levels) + 10^{-dps + 5} K(1), both scaled by the Funk-Hecke constant.

    Where exact SymPy (:func:`cao_eigenvalue`) is too slow (d_S near 50, k past 20) this is the reference
    value; the two agree at small d_S and k (tests/test_ntk.py)."""
    mp, kernel = _cao_integrand(int(bias))
    with mp.workdps(dps):
        D = int(sphere_dim) + 1
        a = mp.mpf(D - 2) / 2
        c = mp.gamma(mp.mpf(D) / 2) / (mp.sqrt(mp.pi) * mp.gamma(mp.mpf(D - 1) / 2))
        g1 = mp.gegenbauer(degree, a, 1)

        def f(th):
            return kernel(th) * mp.gegenbauer(degree, a, mp.cos(th)) / g1 * mp.sin(th) ** (D - 2)

        val, err = mp.quad(f, mp.linspace(0, mp.pi, max(2, degree // 4 + 2)), error=True)
        bound = abs(c) * (abs(err) + mp.mpf(10) ** (-dps + 5) * (mp.mpf(3) + bias) / 2)
        return float(c * val), float(bound)


def predict_cao_eigenvalue(closed_form, config: Config) -> float:
    """mu_k at Cao's S^{d_S}: the closed form at ambient dimension d_S + 1."""
    return eigenvalue_float(closed_form, int(config["sphere_dim"]) + 1, config["k"], config["bias"])


def predict_cao_exponent(closed_form, config: Config) -> float:
    """Theorem 4.3's exponent at the configuration (d_S or k substituted)."""
    return float(closed_form.subs({d_S: config.get("sphere_dim", 0), k: config.get("k", 0)}))
