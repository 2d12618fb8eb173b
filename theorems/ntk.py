"""NTK eigenfunctions and per-degree learning rates (Bowman & Montufar 2022; Cao, Fang, Wu, Zhou, Gu 2019).

Network, for every claim of this family (numerics/ntk.py): the two-layer ReLU network in the NTK
parametrisation

    f(x) = m^{-1/2} sum_{l=1}^m a_l relu(<w_l, x> + b_l),   a_l ~ N(0,1), w_l ~ N(0, I_d), b_l = 0,

a and W trained, b trained when ``bias = 1``; antisymmetric initialisation (f_0 = 0).  Inputs x on
S^{d-1} in R^d (``d`` is the ambient dimension; Cao et al.'s S^d is our d + 1).  Its NTK, u = <x, x'>:

    K(u) = (1/2) [kappa_1(u) + (u + beta) kappa_0(u)],   beta = bias in {0, 1},
    kappa_0(u) = (pi - arccos u)/pi,   kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2))/pi.

Spectrum: T f(x) = E_{s ~ rho}[K(<x, s>) f(s)] with rho uniform on S^{d-1}; by Funk-Hecke the degree-k
spherical harmonics are eigenfunctions with eigenvalue

    mu_k = (omega_{d-2}/omega_{d-1}) int_0^pi K(cos theta) P_k^{(d)}(cos theta) sin^{d-2} theta d theta,

P_k^{(d)} the Gegenbauer polynomial normalised to P_k^{(d)}(1) = 1, multiplicity N(d, k).  mu_k is the
operator eigenvalue; the cosine-series coefficient of K on S^1 is 2 mu_k for k >= 1.

Dynamics: GD with step eta on (1/2n) sum_i (f(x_i) - y_i)^2.  The residual r_t = f_t - f* obeys
r_{t+1} = (I - eta T) r_t + eta (T - T^n_{K_t}) r_t + rho_t (rho_t the second-order remainder), so its
projection on a unit harmonic phi_k of degree k satisfies the damped-deviations bound

    |<r_t, phi_k> - (1 - eta mu_k)^t <r_0, phi_k>|
        <= sum_{s<t} |1 - eta mu_k|^{t-1-s} (eta ||(T - T^n_{K_s}) r_s|| + ||rho_s||).

A configuration holds some of:
    d        ambient dimension (the sphere is S^{d-1})
    k        degree of a spherical harmonic
    bias     1 when the bias b is trained (kernel with beta = 1), else 0
    n, m     training-set size and width
    eta_frac learning rate as a fraction of the stability limit 2/lambda_max(H/n)
    degrees, amplitudes   the target f* = sum_j A_j phi_{k_j}
    seed     seed of the data, poles and fresh points
"""

from __future__ import annotations

import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import sympy
from hypothesis import strategies as st
from scipy import integrate

from numerics import ntk as nx
from numerics import sphere
from theorems._agreement import FLOAT64_EPS, max_abs_error
from theorems._claim import Agreement, Claim, Config, Measurement, Profile
from theorems._strategies import batches

BOWMAN = ("Bowman & Montufar (2022), Implicit Bias of MSE Gradient Optimization in Underparameterized "
          "Neural Networks, ICLR 2022, arXiv 2201.04738")
CAO = ("Cao, Fang, Wu, Zhou, Gu, Towards Understanding the Spectral Bias of Deep Learning, IJCAI 2021, "
       "arXiv 1912.01198")
BIETTI = "Bietti & Mairal (2019), On the Inductive Bias of Neural Tangent Kernels, NeurIPS 2019"
PARAMETRISATION = (
    "Network: f(x) = m^{-1/2} sum_l a_l relu(<w_l,x> + b_l), NTK parametrisation, a_l, w_l standard normal, "
    "b = 0 at init (trained iff bias = 1), antisymmetric init; kernel K(u) = (kappa_1(u) + (u + beta) "
    "kappa_0(u))/2 on S^{d-1} in R^d.")

# --- symbols and closed forms ---------------------------------------------------------------------

u = sympy.Symbol("u", real=True)
theta = sympy.Symbol("theta", real=True)
k = sympy.Symbol("k", integer=True, nonnegative=True)
d = sympy.Symbol("d", integer=True, positive=True)
beta = sympy.Symbol("beta", nonnegative=True)
eta, mu, t = sympy.symbols("eta mu t", nonnegative=True)
pi = sympy.pi

KAPPA0 = (pi - sympy.acos(u)) / pi
"""kappa_0(u) = (pi - arccos u)/pi, the arc-cosine kernel of degree 0."""
KAPPA1 = (u * (pi - sympy.acos(u)) + sympy.sqrt(1 - u**2)) / pi
"""kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2))/pi, the arc-cosine kernel of degree 1."""
NTK = (KAPPA1 + (u + beta) * KAPPA0) / 2
"""K(u) = (kappa_1 + (u + beta) kappa_0)/2, the NTK of the network in PARAMETRISATION."""
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

GD_FILTER = (1 - eta * mu) ** t
"""(1 - eta mu_k)^t: the factor by which t GD steps multiply the degree-k component of the residual."""


def exact_eigenvalue(closed_form: sympy.Expr, dim: int, degree: int, bias: int) -> sympy.Expr:
    """Evaluate a spectrum closed form exactly at (d, k, beta): the Piecewise on S^1 directly, the
    Funk-Hecke integral over theta in [0, pi] exactly (see :func:`integrate_trigonometric`)."""
    return _exact_eigenvalue(closed_form, int(dim), int(degree), int(bias))


@functools.lru_cache(maxsize=None)
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


# --- measurement: Funk-Hecke by quadrature of the numerical kernel --------------------------------

def quadrature_eigenvalue(dim: int, degree: int, bias: int) -> tuple[float, float]:
    """mu_k by adaptive Gauss-Kronrod quadrature (scipy.integrate.quad) of the numerical kernel
    (numerics.ntk.ntk_numpy) against SciPy's Gegenbauer / Chebyshev polynomial, in theta in [0, pi]:
    returns the value and the quadrature's own error estimate, both scaled by the Funk-Hecke constant."""
    c = sphere.funk_hecke_constant(dim)

    def integrand(th):
        return float(nx.ntk_numpy(np.cos(th), bias) * sphere.gegenbauer(degree, dim, np.cos(th))
                     * np.sin(th) ** (dim - 2))

    with warnings.catch_warnings():  # quad warns when it cannot reach epsabs; its estimate is still returned
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, err = integrate.quad(integrand, 0.0, np.pi, epsabs=1e-15, epsrel=1e-13, limit=400)
    return c * val, c * err


def measure_quadrature(configs, keys) -> list[Measurement]:
    out = []
    for config in configs:
        val, err = quadrature_eigenvalue(config["d"], config["k"], config["bias"])
        out.append(Measurement(value=val, series={"quad_error_estimate": err}))
    return out


def quadrature_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """10 x the quadrature's error estimate + 64 eps max(|mu_k|, K(1)).

    quad's estimate is the difference between the 21-point Kronrod and 10-point Gauss rules on each
    subinterval, which overestimates the error of the smooth integrand here (the kernel is
    C^1 with a sqrt-type singularity only at theta = 0, where sin^{d-2} or the integrand's weight is
    smooth in theta); the factor 10 makes it a safe bound; 64 eps K(1) covers the rounding of the
    integrand's evaluation (|integrand| <= K(1) = (2 + beta)/2) and of the exact value's float conversion.
    """
    k1 = (2 + config["bias"]) / 2
    return 10.0 * float(measurement.series["quad_error_estimate"]) + 64 * FLOAT64_EPS * max(abs(float(predicted)), k1)


def _plot_spectrum(records, ax):
    """Closed-form mu_k against quadrature, log-log in k, per (d, bias)."""
    groups = {}
    for r in records:
        if r["status"] not in ("pass", "fail") or r.get("predicted") is None:
            continue
        key = (r["config"]["d"], r["config"]["bias"])
        groups.setdefault(key, []).append((r["config"]["k"], float(r["predicted"]), float(r["measured"])))
    for (dim, b), rows in sorted(groups.items()):
        rows.sort()
        ks = np.array([x[0] for x in rows], dtype=float)
        p = np.array([x[1] for x in rows])
        mvals = np.array([x[2] for x in rows])
        ok = (ks > 0) & (p > 1e-14)
        line, = ax.plot(ks[ok], p[ok], "-", lw=0.8, label=f"closed form d={dim} bias={b}")
        ok2 = (ks > 0) & (mvals > 1e-14)
        ax.plot(ks[ok2], mvals[ok2], "o", ms=3, color=line.get_color())
        if ok.sum() >= 2:
            kk = ks[ok][-1]
            ax.plot(ks[ok], p[ok][-1] * (ks[ok] / kk) ** (-float(dim)), ":", color=line.get_color(), lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("degree k")
    ax.set_ylabel("mu_k (line: closed form; dots: quadrature; dotted: k^-d)")
    ax.legend(fontsize=6)


# --- claim: the spectrum on S^1 -------------------------------------------------------------------

CIRCLE_DEGREES = {"dev": 40, "thorough": 400}


def circle_settings(profile: Profile):
    return st.fixed_dictionaries({"d": st.just(2), "bias": st.sampled_from((0, 1))})


def circle_members(profile: Profile):
    return lambda setting: st.fixed_dictionaries({"k": st.integers(0, CIRCLE_DEGREES[profile.scale])})


def circle_assumptions(config: Config) -> str | None:
    if config["d"] != 2:
        return f"d = {config['d']}: the closed form is for S^1 (d = 2)"
    if config["k"] < 0:
        return "negative degree"
    return None


def predict_eigenvalue(closed_form, config: Config) -> float:
    return eigenvalue_float(closed_form, config["d"], config["k"], config["bias"])


spectrum_circle = Claim(
    id="ntk.spectrum_circle",
    statement=(
        "On S^1 (d = 2) the NTK K(u) = (kappa_1(u) + (u + beta) kappa_0(u))/2 of the two-layer ReLU network "
        "has Fourier modes cos(k theta), sin(k theta) as eigenfunctions of T (multiplicity N(2,k) = 2, k >= 1) "
        "with eigenvalues mu_0 = 3/pi^2 + beta/4, mu_1 = 1/4 + beta/pi^2, mu_k = (k^2+3)/(pi^2 (k^2-1)^2) for "
        "even k >= 2, and mu_k = beta/(pi^2 k^2) for odd k >= 3: odd degrees >= 3 vanish without a trained "
        "bias and return with one. " + PARAMETRISATION),
    source=(f"[derived] by Funk-Hecke on S^1 for the kernel of {BIETTI} (Sec. 3, the two-layer ReLU NTK); "
            "THEORY.md sec. 1 lists the same values for u kappa_0 + kappa_1 (twice this kernel)"),
    closed_form=CIRCLE_EIGENVALUE,
    symbols={"k": "degree (frequency) on S^1", "beta": "1 if the bias is trained, else 0"},
    predict=predict_eigenvalue,
    measure=measure_quadrature,
    configurations=lambda profile: batches(circle_settings(profile), circle_members(profile),
                                           min_size=1, max_size=8),
    assumptions=circle_assumptions,
    agreement=max_abs_error(quadrature_tolerance, reason=quadrature_tolerance.__doc__,
                            name="|mu_k closed form - mu_k quadrature|"),
    plot=_plot_spectrum,
    max_examples={"dev": 12, "ci": 12},
)


# --- claim: the spectrum on S^{d-1}, d >= 3 -------------------------------------------------------

SPHERE_DIMS = {"dev": (3, 4, 5, 6), "thorough": (3, 4, 5, 6, 7, 8, 10)}
SPHERE_DEGREES = {"dev": 6, "thorough": 8}


def sphere_settings(profile: Profile):
    return st.fixed_dictionaries({"d": st.sampled_from(SPHERE_DIMS[profile.scale]),
                                  "bias": st.sampled_from((0, 1))})


def sphere_members(profile: Profile):
    return lambda setting: st.fixed_dictionaries({"k": st.integers(0, SPHERE_DEGREES[profile.scale])})


def sphere_assumptions(config: Config) -> str | None:
    if config["d"] < 3:
        return f"d = {config['d']} < 3: S^1 has its own claim (ntk.spectrum_circle)"
    if config["k"] < 0:
        return "negative degree"
    return None


spectrum_sphere = Claim(
    id="ntk.spectrum_sphere",
    statement=(
        "For rho uniform on S^{d-1}, d >= 3, the degree-k spherical harmonics are eigenfunctions of T_K with "
        "eigenvalue mu_k = (omega_{d-2}/omega_{d-1}) int_0^pi K(cos theta) P_k^{(d)}(cos theta) sin^{d-2}(theta) "
        "d theta (Funk-Hecke), evaluated exactly by SymPy; for the two-layer ReLU NTK, mu_k = 0 for odd k >= 3 "
        "without a trained bias and mu_k > 0 with one. " + PARAMETRISATION),
    source=(f"Funk-Hecke formula; vanishing odd degrees and their return with a bias: {BIETTI}, Sec. 3.2 "
            f"[paper: Bietti & Mairal, as recorded in THEORY.md]; the eigenfunction statement as in {BOWMAN}, "
            "abstract ('for uniformly distributed data on the sphere S^{d-1} ... the eigenfunctions of T_{K^infty} "
            "are the spherical harmonics'); exact values [derived]"),
    closed_form=FUNK_HECKE_EIGENVALUE,
    symbols={"d": "ambient dimension (sphere S^{d-1})", "k": "degree", "beta": "1 if the bias is trained",
             "theta": "angle, u = cos theta"},
    predict=predict_eigenvalue,
    measure=measure_quadrature,
    configurations=lambda profile: batches(sphere_settings(profile), sphere_members(profile),
                                           min_size=1, max_size=8),
    assumptions=sphere_assumptions,
    agreement=max_abs_error(quadrature_tolerance, reason=quadrature_tolerance.__doc__,
                            name="|mu_k closed form - mu_k quadrature|"),
    plot=_plot_spectrum,
    max_examples={"dev": 12, "ci": 12},
)


CLAIMS = (spectrum_circle, spectrum_sphere)
