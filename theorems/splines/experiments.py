"""Experiments of the splines family that are neither limits, rates nor trajectories: the Monte Carlo estimate of
zeta (Prop. 14), and the infinite-width network with another activation (Corollary 4)."""

from __future__ import annotations

import numpy as np
import sympy

from theorems._cache import cached
from theorems._claim import Config, Measurement
from theorems.splines.constants import DATA_HALF_WIDTH, ZETA_BIN, zeta_breaks
from theorems.splines.data import eval_grid, other_activation_dataset
from theorems.splines.theory import ACTIVATION_RELU2, curvature_density_power, law_values, x, z_act


def measure_zeta(configs, keys) -> list[Measurement]:
    """p_C(x) E[W^2 | C = x] estimated as E[W^2 1{|C - x| < h/2}] / h from draws of (W, B)."""
    from numerics import shallow as nx  # float64 on before any array

    import jax.numpy as jnp

    from numerics import splines as nsp

    out = []
    for config, key in zip(configs, keys):
        Wd, Bd = nx.sample_hidden(key, int(config["samples"]), 1, config["init"], config["p1"], config["p2"])
        est, se = map(np.asarray, nsp.breakpoint_histogram(Wd[:, 0], Bd, jnp.asarray(config["points"]), ZETA_BIN))
        out.append(Measurement(value=est, series={"points": list(config["points"]), "se": se.tolist()}))
    return out


# --- another activation (Corollary 4) ----------------------------------------------------------------------

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


@cached(maxsize=256)
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


def l_spline_quadrature_error(config: Config) -> float:
    """:func:`_l_spline_quadrature_error` of a configuration (cached)."""
    return _l_spline_quadrature_error(tuple(sorted(config.items())))


@cached(maxsize=128)
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
