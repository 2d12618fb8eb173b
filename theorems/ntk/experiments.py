"""The spectrum experiments of the ntk family: eigenvalues by quadrature of the numerical kernel, the decay
exponent extrapolated from local log-log slopes, and the eigenvalues of NTK Gram matrices against the operator's.

The training experiments (gradient descent on the network) are in :mod:`theorems.ntk.dynamics`.
"""

from __future__ import annotations

import math
import warnings

import numerics  # noqa: F401  (float64 on before any array is made)
import jax
import numpy as np
from scipy import integrate

from numerics import ntk as nx
from numerics import sphere
from theorems import _budget
from theorems._claim import Config, Measurement
from theorems._stats import least_squares, line
from theorems.ntk.configurations import GRAM_GRID
from theorems.ntk.theory import eigenvalue

# --- Funk-Hecke by quadrature of the numerical kernel ----------------------------------------------------

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


# --- the decay exponent ---------------------------------------------------------------------------------

DECAY_DEGREES = (16, 20, 24, 32, 40, 48, 64, 80, 96, 128)


def local_exponents(config: Config):
    """s(k) = log(mu_k' / mu_k) / log(k' / k), k' = 2k for even k, 2k + 1 for odd k, over DECAY_DEGREES
    (shifted by ``shift``, made odd for ``parity = odd``), with mu_k by quadrature; also the bound on each
    s(k) that quad's own error estimates give, (e_k/mu_k + e_k'/mu_k') / log(k'/k)."""
    dim, b = int(config["d"]), int(config["bias"])
    ks, s, ds = [], [], []
    for k0 in DECAY_DEGREES:
        kk = k0 + int(config["shift"]) + (1 if config["parity"] == "odd" else 0)
        k2 = 2 * kk + (1 if config["parity"] == "odd" else 0)
        (m1, e1), (m2, e2) = quadrature_eigenvalue(dim, kk, b), quadrature_eigenvalue(dim, k2, b)
        ks.append(kk), s.append(math.log(m2 / m1) / math.log(k2 / kk))
        ds.append((e1 / abs(m1) + e2 / abs(m2)) / math.log(k2 / kk))
    return np.array(ks, float), np.array(s), np.array(ds)


def extrapolated_exponent(ks, s, terms: int, level: float = 0.95) -> tuple[float, float]:
    """Least-squares fit s(k) = sum_{j<terms} c_j k^{-j}; returns c_0 and its t-interval half-width."""
    fit = least_squares(np.stack([ks ** (-j) for j in range(terms)], 1), s)
    return float(fit.coef[0]), fit.half_width(0, level)


def measure_decay_exponent(configs, keys) -> list[Measurement]:
    """The asymptotic exponent: local log-log slopes s(k) between k and ~2k, extrapolated to k -> infinity
    by fitting s(k) = p + c_1/k + c_2/k^2 + c_3/k^3; interval = t-interval of p (95%) widened by |p - p'|,
    p' the fit without the 1/k^3 term (the truncation error of the expansion), and by the largest error of an
    s(k) that the quadrature's error estimates allow."""
    out = []
    for config in configs:
        ks, s, ds = local_exponents(config)
        if ds.max() > 0.1:
            out.append(Measurement(value=float("nan"),
                                   scope=f"quadrature error allows {ds.max():.2g} in a local exponent at high k"))
            continue
        p4, h4 = extrapolated_exponent(ks, s, 4)
        p3, _ = extrapolated_exponent(ks, s, 3)
        half = h4 + abs(p4 - p3) + float(ds.max())
        out.append(Measurement(value=p4, interval=(p4 - half, p4 + half),
                               fitted={"decay_exponent": {"value": p4, "interval": [p4 - half, p4 + half]}},
                               series={"k": ks.tolist(), "local_exponent": s.tolist()}))
    return out


# --- the Gram spectrum: eigenvalue error against n and against m ----------------------------------------

def population_top(dim: int, bias: int) -> np.ndarray:
    """The eigenvalues of T of degree <= 2, each repeated N(d, k) times, in decreasing order (from the
    spectrum closed form); every other eigenvalue is below mu_2 (checked in the tests for these d)."""
    vals = []
    for kk in range(3):
        vals += [eigenvalue(dim, kk, bias)] * sphere.multiplicity(dim, kk)
    return np.sort(vals)[::-1]


GRAM_LEVEL = {scale: _budget.level("ntk.gram_spectrum", scale) for scale in _budget.SCALES}
"""Confidence level of each slope interval: the claim's share of the run's false-alarm budget
(theorems/_budget.py), Bonferroni over the at most 47 configurations a dev/ci run judges (7 examples of at most
4, and 19 more when a second search is needed), 259 on thorough (60 of at most 4, and 19): 1 - 1.1e-4 and
1 - 1.9e-5."""


def measure_gram_rate(configs, keys) -> list[Measurement]:
    """For each size on the grid and each repetition: the root-mean-square gap between the top
    L = sum_{k<=2} N(d,k) eigenvalues of the Gram matrix divided by n and their targets. Axis n: H_ij = K(<x_i,x_j>)
    (infinite width) against the eigenvalues mu_k of T. Axis m: the empirical NTK Gram matrix at initialisation of
    width m against H on the same n = fixed_n points. The exponent is the least-squares slope of log(error) on
    log(size), with its t-interval at level GRAM_LEVEL."""
    return [gram_rate(config, key) for config, key in zip(configs, keys)]


def numpy_generator(key) -> np.random.Generator:
    """A NumPy generator seeded by 128 bits drawn from the JAX key: the random features of the m axis are drawn
    from the configuration's key like every other draw of the experiment (so from the run's seed, the whole
    configuration, the repetition and the width), never from the configuration's ``seed`` alone."""
    return np.random.default_rng(np.asarray(jax.random.bits(key, (4,), np.uint32)))


def gram_rate(config: Config, key) -> Measurement:
    """One configuration: for repetition r, kx, kw = split(fold_in(key, r)); axis n draws the points of size n from
    fold_in(kx, n), axis m draws its n = fixed_n points from kx and the random features of width m from
    fold_in(kw, m), so every repetition and every size is an independent draw and the four errors of a size are
    independent repetitions (the t-interval of the slope assumes it)."""
    g = GRAM_GRID[config["grid"]]
    dim, b = int(config["d"]), int(config["bias"])
    pop = population_top(dim, b)
    L = pop.size
    sizes, errs = [], []
    for rep in range(int(config["reps"])):
        kx, kw = jax.random.split(jax.random.fold_in(key, rep))
        if config["axis"] == "n":
            for n_ in g["n"]:
                X = np.asarray(sphere.uniform(jax.random.fold_in(kx, n_), n_, dim))
                ev = np.linalg.eigvalsh(nx.ntk_numpy(X @ X.T, b) / n_)[::-1][:L]
                sizes.append(n_), errs.append(np.sqrt(np.mean((ev - pop) ** 2)))
                shown = (ev, pop)
        else:
            n_ = int(config["fixed_n"])
            X = np.asarray(sphere.uniform(kx, n_, dim))
            ref = np.linalg.eigvalsh(nx.ntk_numpy(X @ X.T, b) / n_)[::-1][:L]
            for m_ in g["m"]:
                Hm = nx.empirical_ntk_gram_numpy(numpy_generator(jax.random.fold_in(kw, m_)), X, m_, b) / n_
                ev = np.linalg.eigvalsh(Hm)[::-1][:L]
                sizes.append(m_), errs.append(np.sqrt(np.mean((ev - ref) ** 2)))
                shown = (ev, pop)
    fit = line(np.log(sizes), np.log(errs))
    slope, (lo, hi) = float(fit.coef[1]), fit.interval(1, GRAM_LEVEL[config["grid"]])
    sizes, errs = np.array(sizes), np.array(errs)
    grid = sorted(set(sizes.tolist()))
    exponent = {"value": slope, "interval": [lo, hi], "se": float(fit.se[1]), "dof": fit.dof}
    return Measurement(value=slope, interval=(lo, hi), fitted={f"exponent_{config['axis']}": exponent},
                       series={"size": grid, "mean_error": [float(errs[sizes == s].mean()) for s in grid],
                               "L": L, "empirical_top": shown[0].tolist(), "mu_with_multiplicity": shown[1].tolist()})
