"""The circle kernel of two inputs (numerics.splines.circle_kernel, Theorems 7-8's infinite-width limit): the
compiled form against the same quadrature written with NumPy arrays.

Both evaluate K(x, x') = E[relu(<V, x> + B) relu(<V, x'> + B)], V uniform on S^1, B ~ U(-a, a), on the 21 x 21
evaluation grid of ``splines.polyharmonic_limit`` against 12 data points: the angle split at each pair's kinks,
64 Gauss-Legendre nodes a piece, the moment over B in closed form.  ``nox -s bench`` prints them side by side in
the group ``circle-kernel``.
"""

import numpy as np
import pytest

from numerics import splines as nsp
from theorems.splines.data import grid_2d

A = 1.3


def numpy_circle_kernel(x, xp, a):
    """The quadrature of :func:`numerics.splines.circle_kernel` with NumPy arrays, 32 rows at a time."""
    def moment(s, sp):
        lo = np.clip(np.maximum(-s, -sp), -a, a)
        F = lambda b: s * sp * b + (s + sp) * b**2 / 2 + b**3 / 3
        return (F(a) - F(lo)) / (2 * a)

    def rows(x):
        two_pi = 2 * np.pi
        xi = np.broadcast_to(x[:, None, :], (x.shape[0], xp.shape[0], 2))
        xj = np.broadcast_to(xp[None, :, :], xi.shape)
        cuts = [np.zeros(xi.shape[:2]), np.full(xi.shape[:2], two_pi)]
        diff = xi - xj
        moved = np.linalg.norm(diff, axis=-1) > 0
        t = np.arctan2(diff[..., 1], diff[..., 0])
        cuts += [np.where(moved, (t + sgn * np.pi / 2) % two_pi, two_pi) for sgn in (1, -1)]
        for v in (xi, xj):
            r = np.linalg.norm(v, axis=-1)
            outside = r > a
            t, dphi = np.arctan2(v[..., 1], v[..., 0]), np.arccos(np.minimum(a / np.where(outside, r, a), 1.0))
            cuts += [np.where(outside, (t + sgn * dphi + k * np.pi) % two_pi, two_pi)
                     for sgn in (1, -1) for k in (0, 1)]
        cuts = np.sort(np.stack(cuts, axis=-1), axis=-1)
        lo, hi = cuts[..., :-1], cuts[..., 1:]
        ph = 0.5 * (hi - lo)[..., None] * nsp._NODES64 + 0.5 * (hi + lo)[..., None]
        c, s_ = np.cos(ph), np.sin(ph)
        s = c * xi[..., None, None, 0] + s_ * xi[..., None, None, 1]
        sp = c * xj[..., None, None, 0] + s_ * xj[..., None, None, 1]
        return np.sum(0.5 * (hi - lo) * (moment(s, sp) @ nsp._WEIGHTS64), axis=-1) / two_pi

    return np.concatenate([rows(x[i:i + 32]) for i in range(0, x.shape[0], 32)])


@pytest.fixture(scope="module")
def points():
    xs = np.random.default_rng(0).uniform(-1.0, 1.0, (12, 2))
    return grid_2d(xs), xs


@pytest.mark.benchmark(group="circle-kernel")
def test_compiled(benchmark, points):
    grid, xs = points
    nsp.circle_kernel(grid, xs, A)  # compile outside the timing
    K = benchmark(nsp.circle_kernel, grid, xs, A)
    np.testing.assert_allclose(K, numpy_circle_kernel(grid, xs, A), rtol=0, atol=1e-14)


@pytest.mark.benchmark(group="circle-kernel")
def test_numpy(benchmark, points):
    grid, xs = points
    benchmark(numpy_circle_kernel, grid, xs, A)
