"""The infinite-width limits: g* of Theorem 1 (the zeta-weighted natural spline through the adjusted data), the
natural cubic spline it reduces to for constant zeta, and the polyharmonic spline of Theorem 8 for two inputs;
the problems (training data, targets, grid, limit) the rate experiments train networks on."""

from __future__ import annotations

import numpy as np
import sympy

from theorems._cache import cached
from theorems._claim import Config, Measurement
from theorems.splines.constants import GRID_2D, zeta_breaks
from theorems.splines.data import dataset, dataset_2d, eval_grid, grid_2d
from theorems.splines.theory import POLYHARMONIC_BASIS, ZETA, r, zeta_function


def kernel_for(closed_form, config: Config):
    """The infinite-width output-layer kernel K(x, x') = int relu(x - c) relu(x' - c) zeta(c) dc (+ the affine
    part handled by the bordered systems) of the configuration's law, from the closed form of zeta."""
    from numerics import splines as nsp

    return nsp.BreakpointKernel(zeta_function(closed_form, config), breaks=zeta_breaks(config))


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


# --- the problems of the rate experiments ------------------------------------------------------------------

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


def problem_1d_raw(config: Config) -> dict:
    """:func:`problem_1d` without the affine adjustment: the raw targets and the weighted spline through them."""
    return problem_1d(config, adjust=False)


@cached(maxsize=32)
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


def problem_2d_raw(config: Config) -> dict:
    """:func:`problem_2d` without the affine adjustment."""
    return problem_2d(config, adjust=False)
