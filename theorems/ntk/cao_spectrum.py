"""Cao et al.'s Theorem 4.3 on their S^d: the eigenvalues of their network's NTK by quadrature, and the
exponents of their decay in the degree k (k >> d) and in the dimension d (d >> k).

Cao, Fang, Wu, Zhou, Gu (2021), Thm 4.3 [summary, THEORY.md sec. 1]: for x uniform on S^d in R^{d+1},
mu_0, mu_1 = Omega(1), mu_k = 0 for odd k >= 3, and for even k, mu_k = Omega(k^{-d-1}) when k >> d and
mu_k = Omega(d^{-k+1}) when d >> k.  Here d is written d_S (the key ``sphere_dim``); the suite's ambient
dimension is d_S + 1.

The eigenvalues are measured by adaptive Gauss-Kronrod quadrature (scipy.integrate.quad) of the NumPy kernel
numerics.ntk.cao_ntk_numpy against SciPy's Gegenbauer polynomials, with quad's error estimate (the SymPy closed
form theory.CAO_FUNK_HECKE_EIGENVALUE is checked against it by ntk.cao_spectrum, and against mpmath at 30
digits for d_S up to 50 in the tests). The exponent is the least-squares slope of log mu on log k (or log d_S)
over a grid in the regime; its error from the quadrature is bounded by propagating each eigenvalue's relative
error bound through the slope's linear weights.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import integrate

from numerics import ntk as nx
from numerics import sphere
from theorems._claim import Config, Measurement

DEGREE_FACTORS = {"dev": (4, 6, 8, 12, 16), "thorough": (4, 6, 8, 12, 16, 24, 32)}
"""k >> d: the degrees fitted are k = c (d_S + 1) for these c (made even, or odd for parity = odd)."""

DIMENSION_GRID = {"dev": (10, 15, 20, 30, 40, 50), "thorough": (10, 15, 20, 30, 40, 50, 70, 100)}
"""d >> k: the sphere dimensions d_S fitted (the grid's first ``start`` entries dropped)."""


def quadrature_eigenvalue(sphere_dim: int, degree: int, bias: int) -> tuple[float, float]:
    """mu_k of Cao's kernel on S^{d_S} (ambient D = d_S + 1), by scipy.integrate.quad in theta over [0, pi] of
    K_Cao(cos theta) P_k^{(D)}(cos theta) sin^{D-2} theta times omega_{D-2}/omega_{D-1}; returns the value and
    a bound on its error: 10 x quad's estimate (the Kronrod-Gauss difference overestimates the error of this
    analytic integrand; the factor makes it a safe bound) + 64 eps K(1) (rounding of the integrand,
    |integrand| <= K(1) = (3 + beta)/2)."""
    D = int(sphere_dim) + 1
    c = sphere.funk_hecke_constant(D)

    def integrand(th):
        x = np.cos(th)
        return float(nx.cao_ntk_numpy(x, bias) * sphere.gegenbauer(degree, D, x) * np.sin(th) ** (D - 2))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, err = integrate.quad(integrand, 0.0, np.pi, epsabs=1e-17, epsrel=1e-13, limit=500)
    eps = float(np.finfo(np.float64).eps)
    return c * val, c * (10.0 * err + 64 * eps * (3 + bias) / 2)


def measure_cao_spectrum(configs, keys) -> list[Measurement]:
    out = []
    for config in configs:
        val, bound = quadrature_eigenvalue(config["sphere_dim"], config["k"], config["bias"])
        out.append(Measurement(value=val, series={"error_bound": bound}))
    return out


def degree_grid(config: Config) -> np.ndarray:
    """k = c (d_S + 1) over DEGREE_FACTORS[grid], rounded to the configuration's parity."""
    odd = config["parity"] == "odd"
    ks = [int(c * (int(config["sphere_dim"]) + 1)) for c in DEGREE_FACTORS[config["grid"]]]
    return np.array([kk + ((kk % 2 == 0) if odd else (kk % 2)) for kk in ks], float)


def dimension_grid(config: Config) -> np.ndarray:
    return np.array(DIMENSION_GRID[config["grid"]][int(config["start"]):], float)


def fitted_exponent(x: np.ndarray, mus: np.ndarray, bounds: np.ndarray) -> dict:
    """Least-squares fit log mu = log C + p log x. The slope is p = sum_i w_i log mu_i with
    w = (e_2 of (A^T A)^{-1} A^T), A = [1, log x]; an error |delta mu_i| <= b_i moves log mu_i by at most
    b_i/(mu_i - b_i), so p by at most sum_i |w_i| b_i/(mu_i - b_i) (returned as quadrature_error; infinite if
    some mu_i is not resolved above its bound)."""
    A = np.stack([np.ones_like(x), np.log(x)], 1)
    W = np.linalg.solve(A.T @ A, A.T)
    logmu = np.log(np.abs(mus))
    coef = W @ logmu
    resolved = np.all(np.abs(mus) > bounds)
    qerr = float(np.sum(np.abs(W[1]) * bounds / (np.abs(mus) - bounds))) if resolved else float("inf")
    local = np.diff(logmu) / np.diff(np.log(x))
    return {"exponent": float(coef[1]), "constant": float(np.exp(coef[0])), "quadrature_error": qerr,
            "local": local.tolist(), "resolved": bool(resolved)}


def _exponent_measurement(x, config, which):
    vals = [quadrature_eigenvalue(*args) for args in which]
    mus, bounds = np.array([v for v, _ in vals]), np.array([b for _, b in vals])
    if not np.all(mus > bounds):
        return Measurement(value=float("nan"), scope="an eigenvalue of the grid is not resolved above its "
                                                        "quadrature error bound (it vanishes)",
                           series={"x": x.tolist(), "mu": mus.tolist(), "error_bound": bounds.tolist()})
    fit = fitted_exponent(x, mus, bounds)
    p, q = fit["exponent"], fit["quadrature_error"]
    return Measurement(value=p, interval=(p - q, p + q),
                       fitted={"exponent": {"value": p, "interval": [p - q, p + q]},
                               "constant": {"value": fit["constant"]},
                               "last_local_exponent": {"value": fit["local"][-1]}},
                       series={"x": x.tolist(), "mu": mus.tolist(), "error_bound": bounds.tolist(),
                               "local_exponent": fit["local"]})


def measure_degree_exponent(configs, keys) -> list[Measurement]:
    """k >> d: the exponent p of mu_k ~ C k^p fitted over k = c (d_S + 1), c in DEGREE_FACTORS."""
    out = []
    for config in configs:
        ks = degree_grid(config)
        out.append(_exponent_measurement(ks, config, [(config["sphere_dim"], int(kk), config["bias"]) for kk in ks]))
    return out


def measure_dimension_exponent(configs, keys) -> list[Measurement]:
    """d >> k: the exponent p of mu_k ~ C d_S^p fitted over d_S in DIMENSION_GRID (from ``start``)."""
    out = []
    for config in configs:
        ds = dimension_grid(config)
        out.append(_exponent_measurement(ds, config, [(int(dd), config["k"], config["bias"]) for dd in ds]))
    return out
