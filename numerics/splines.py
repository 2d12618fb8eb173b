"""The infinite-width limit of a shallow ReLU network and its spline (Jin & Montufar 2023).

For a hidden unit with input weight W and bias B, the breakpoint is C = -B / W and
relu(W x + B) = |W| relu(sign(W) (x - C)).  When (W, B) and (-W, -B) have the same law,
the output-layer kernel of the infinite-width network is

    K(x, x') = E[relu(W x + B) relu(W x' + B)]
             = (1/2) int zeta(c) [(x - c)_+ (x' - c)_+ + (c - x)_+ (c - x')_+] dc,

with zeta(c) = p_C(c) E[W^2 | C = c], the curvature-penalty density.  Writing
A_k(m) = int_{-inf}^m c^k zeta(c) dc and B_k(m) = int_m^inf c^k zeta(c) dc,

    2 K(x, x') = x x' A_0(l) - (x + x') A_1(l) + A_2(l) + x x' B_0(h) - (x + x') B_1(h) + B_2(h)

with l = min(x, x'), h = max(x, x').  Since d^2/dx^2 K(x, x_j) = zeta(x) |x - x_j| / 2, the
minimiser of int zeta^-1 (g'')^2 subject to g(x_j) = y_j (problem (24)) is
g = sum_j a_j K(., x_j) + u x + v with sum_j a_j = 0 and sum_j a_j x_j = 0 (the bordered
system below); the same (u, v) solve problem (22), so the network trained on the adjusted
data y_j - u x_j - v tends to g - u x - v.

Every integral here is a one-dimensional integral of zeta against a polynomial, evaluated
with Gauss-Legendre rules on the pieces between the breakpoints of zeta and of the
evaluation points (exact for polynomial pieces of zeta, spectrally accurate for smooth
ones), and on the half-lines with the map c = m -+ s / (1 - s).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)


def _gauss(f: Callable, a: float, b: float) -> np.ndarray:
    """int_a^b f(c) dc with the 48-point Gauss-Legendre rule (f returns (..., nodes))."""
    c = 0.5 * (b - a) * _NODES + 0.5 * (b + a)
    return 0.5 * (b - a) * (f(c) @ _WEIGHTS)


def _moments(zeta: Callable, a: float, b: float) -> np.ndarray:
    """(int c^k zeta(c) dc over [a, b]) for k = 0, 1, 2."""
    if b <= a:
        return np.zeros(3)
    return _gauss(lambda c: np.stack([zeta(c), c * zeta(c), c * c * zeta(c)]), a, b)


def _tail(zeta: Callable, m: float, side: int, breaks: Sequence[float]) -> np.ndarray:
    """Moments over (-inf, m] (side = -1) or [m, inf) (side = +1), split at ``breaks``."""
    pts = sorted(p for p in breaks if (p - m) * side > 0)
    if side < 0:
        pts = pts[::-1]
    total = np.zeros(3)
    lo = m
    for p in pts:
        a, b = (p, lo) if side < 0 else (lo, p)
        total += _moments(zeta, a, b)
        lo = p
    # the remaining half-line [lo, inf) or (-inf, lo]: c = lo + side * s / (1 - s), s in [0, 1)
    def f(s):
        c = lo + side * s / (1.0 - s)
        jac = 1.0 / (1.0 - s) ** 2
        z = zeta(c) * jac
        return np.stack([z, c * z, c * c * z])

    # the map concentrates the far tail near s = 1; split [0, 1) to resolve it
    for a, b in ((0.0, 0.5), (0.5, 0.9), (0.9, 0.99), (0.99, 0.999), (0.999, 1.0)):
        total += _gauss(f, a, b)
    return total


class BreakpointKernel:
    """K(x, x') for a curvature-penalty density ``zeta`` (a vectorised callable).

    ``breaks`` are the points where zeta is not smooth (ends of its support, kinks).
    ``support`` is (lo, hi) when zeta vanishes outside a bounded interval.
    """

    def __init__(self, zeta: Callable, breaks: Sequence[float] = (), support=None):
        self.zeta = zeta
        self.support = support
        self.breaks = tuple(float(b) for b in breaks)

    def _cumulative(self, points: np.ndarray):
        """A_k and B_k at the sorted distinct ``points``."""
        pts = np.unique(points)
        all_breaks = sorted(set(self.breaks))
        A = np.zeros((pts.size, 3))
        A[0] = _tail(self.zeta, pts[0], -1, all_breaks)
        for i in range(1, pts.size):
            a, b = pts[i - 1], pts[i]
            inner = [p for p in all_breaks if a < p < b]
            acc = np.zeros(3)
            lo = a
            for p in inner + [b]:
                acc += _moments(self.zeta, lo, p)
                lo = p
            A[i] = A[i - 1] + acc
        Btop = _tail(self.zeta, pts[-1], +1, all_breaks)
        total = A[-1] + Btop
        B = total[None, :] - A
        return pts, A, B

    def __call__(self, x, xp) -> np.ndarray:
        """The matrix K(x_i, x'_j)."""
        x = np.atleast_1d(np.asarray(x, dtype=np.float64))
        xp = np.atleast_1d(np.asarray(xp, dtype=np.float64))
        pts, A, B = self._cumulative(np.concatenate([x, xp]))
        X, XP = np.meshgrid(x, xp, indexing="ij")
        lo = np.searchsorted(pts, np.minimum(X, XP))
        hi = np.searchsorted(pts, np.maximum(X, XP))
        s, p = X + XP, X * XP
        val = (p * A[lo, 0] - s * A[lo, 1] + A[lo, 2]) + (p * B[hi, 0] - s * B[hi, 1] + B[hi, 2])
        return 0.5 * val


def bordered_solve(K: np.ndarray, P: np.ndarray, y: np.ndarray):
    """Solve [K P; P^T 0] [a; c] = [y; 0]: the minimum-norm interpolant with a free polynomial part.

    Returns (a, c).  This is problem (22) of the paper in the coefficients a of the kernel
    expansion and c = (u, v) (or (u_1, ..., u_d, v)) of the unpenalised affine part.
    """
    M, q = P.shape
    A = np.zeros((M + q, M + q))
    A[:M, :M] = K
    A[:M, M:] = P
    A[M:, :M] = P.T
    rhs = np.concatenate([y, np.zeros(q)])
    sol = np.linalg.solve(A, rhs)
    return sol[:M], sol[M:]


def affine_design(x: np.ndarray) -> np.ndarray:
    """P = [x, 1] for inputs x of shape (M,) or (M, d)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    return np.concatenate([x, np.ones((x.shape[0], 1))], axis=1)


def weighted_spline(kernel: BreakpointKernel, x_data, y_data, x_eval):
    """The limit function g* on ``x_eval`` and the affine adjustment (u, v).

    g* solves min int_S (g'')^2 / zeta s.t. g(x_j) = y_j - u x_j - v, with (u, v) of problem
    (22): g*(x) = sum_j a_j K(x, x_j).
    """
    x_data = np.asarray(x_data, dtype=np.float64)
    K = kernel(x_data, x_data)
    a, c = bordered_solve(K, affine_design(x_data), np.asarray(y_data, dtype=np.float64))
    g = kernel(x_eval, x_data) @ a
    return g, c


def min_norm_interpolant(kernel: BreakpointKernel, x_data, y_data, x_eval):
    """The kernel minimum-norm interpolant of (x_j, y_j) without a free affine part.

    This is the limit of the network trained on the unadjusted data (problem (21)).
    """
    x_data = np.asarray(x_data, dtype=np.float64)
    K = kernel(x_data, x_data)
    return kernel(x_eval, x_data) @ np.linalg.solve(K, np.asarray(y_data, dtype=np.float64))


def lebesgue_constant(kernel: BreakpointKernel, x_data, x_eval) -> float:
    """sup_x sum_j |(K(x, X) K(X, X)^-1)_j|: how much a residual r on the data can move the
    kernel interpolant, sup |K(x, X) K^-1 r| <= Lambda max |r_j|."""
    x_data = np.asarray(x_data, dtype=np.float64)
    L = np.linalg.solve(kernel(x_data, x_data), kernel(x_data, x_eval))
    return float(np.max(np.sum(np.abs(L), axis=0)))


def _breakpoint_histogram(W, B, points, h):
    import jax.numpy as jnp

    C = -B / W
    terms = (jnp.abs(C[None, :] - points[:, None]) < h / 2).astype(W.dtype) * (W**2)[None, :] / h
    return terms.mean(axis=1), terms.std(axis=1) / jnp.sqrt(W.shape[0])


_BREAKPOINT_HISTOGRAM = None


def breakpoint_histogram(W, B, points, h: float):
    """E[W^2 1{|C - x| < h/2}] / h at each x of ``points``, C = -B/W the breakpoints of draws (W, B), with its
    Monte Carlo standard error: the estimate of p_C(x) E[W^2 | C = x] (Prop. 14), in one compiled pass (the
    (points, draws) array is never written)."""
    global _BREAKPOINT_HISTOGRAM
    if _BREAKPOINT_HISTOGRAM is None:
        import jax

        _BREAKPOINT_HISTOGRAM = jax.jit(_breakpoint_histogram)
    return _BREAKPOINT_HISTOGRAM(W, B, points, h)


# --- two inputs: W uniform on the circle, B ~ U(-a, a) (Theorems 7, 8) --------------------------------

_NODES64, _WEIGHTS64 = np.polynomial.legendre.leggauss(64)

_ROWS = 32
"""Rows of x per compiled block of :func:`circle_kernel` (the last block is padded with copies of its last row)."""
_CIRCLE_BLOCK = None


def _uniform_bias_moment(s, sp, a):
    """E_B[(s + B)_+ (s' + B)_+] for B ~ U(-a, a), in closed form (|s|, |s'| <= a or not)."""
    import jax.numpy as jnp

    lo = jnp.clip(jnp.maximum(-s, -sp), -a, a)
    F = lambda b: s * sp * b + (s + sp) * b**2 / 2 + b**3 / 3
    return (F(a) - F(lo)) / (2 * a)


def circle_kernel(x, xp, a: float) -> np.ndarray:
    """K(x, x') = E[relu(<V, x> + B) relu(<V, x'> + B)], V uniform on S^1, B ~ U(-a, a).

    The inner expectation over B is a polynomial (above); the angle integral is split where the
    integrand has kinks (<V, x - x'> = 0, and |<V, x>| = a or |<V, x'>| = a) and each piece gets a
    64-point Gauss-Legendre rule.  All pairs at once, a block of ``_ROWS`` rows of x at a time in one compiled
    function (one compilation per number of columns): a pair has at most twelve cuts, and the cuts it lacks are
    put at 2 pi, where they make pieces of length zero.
    """
    global _CIRCLE_BLOCK
    import jax
    import jax.numpy as jnp

    if _CIRCLE_BLOCK is None:
        _CIRCLE_BLOCK = jax.jit(_circle_kernel_rows)
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    xp = jnp.asarray(np.atleast_2d(np.asarray(xp, dtype=np.float64)))
    out = []
    for i in range(0, x.shape[0], _ROWS):
        block = x[i:i + _ROWS]
        n = block.shape[0]
        if n < _ROWS:
            block = np.concatenate([block, np.repeat(block[-1:], _ROWS - n, axis=0)])
        out.append(np.asarray(_CIRCLE_BLOCK(jnp.asarray(block), xp, a))[:n])
    return np.concatenate(out)


def _circle_kernel_rows(x, xp, a):
    import jax.numpy as jnp

    two_pi = 2 * jnp.pi
    xi = jnp.broadcast_to(x[:, None, :], (x.shape[0], xp.shape[0], 2))
    xj = jnp.broadcast_to(xp[None, :, :], xi.shape)
    cuts = [jnp.zeros(xi.shape[:2]), jnp.full(xi.shape[:2], two_pi)]
    diff = xi - xj
    moved = jnp.linalg.norm(diff, axis=-1) > 0
    t = jnp.arctan2(diff[..., 1], diff[..., 0])
    cuts += [jnp.where(moved, (t + sgn * jnp.pi / 2) % two_pi, two_pi) for sgn in (1, -1)]
    for v in (xi, xj):
        r = jnp.linalg.norm(v, axis=-1)
        outside = r > a
        t, dphi = jnp.arctan2(v[..., 1], v[..., 0]), jnp.arccos(jnp.minimum(a / jnp.where(outside, r, a), 1.0))
        cuts += [jnp.where(outside, (t + sgn * dphi + k * jnp.pi) % two_pi, two_pi) for sgn in (1, -1) for k in (0, 1)]
    cuts = jnp.sort(jnp.stack(cuts, axis=-1), axis=-1)
    lo, hi = cuts[..., :-1], cuts[..., 1:]                                               # (U, V, pieces)
    ph = 0.5 * (hi - lo)[..., None] * _NODES64 + 0.5 * (hi + lo)[..., None]               # (U, V, pieces, 64)
    c, s_ = jnp.cos(ph), jnp.sin(ph)
    s = c * xi[..., None, None, 0] + s_ * xi[..., None, None, 1]
    sp = c * xj[..., None, None, 0] + s_ * xj[..., None, None, 1]
    return jnp.sum(0.5 * (hi - lo) * (_uniform_bias_moment(s, sp, a) @ _WEIGHTS64), axis=-1) / two_pi


def kernel_limit_2d(x_data, y_data, x_eval, a: float):
    """(g on x_eval, (u_1, u_2, v)): the minimum-norm interpolant of problem (25) in the circle
    kernel with a free affine part."""
    K = circle_kernel(x_data, x_data, a)
    coef, c = bordered_solve(K, affine_design(x_data), np.asarray(y_data, dtype=np.float64))
    return circle_kernel(x_eval, x_data, a) @ coef + affine_design(x_eval) @ c, c


def radial_spline(x_data, y_data, x_eval, basis):
    """sum_j lambda_j basis(|x - x_j|) + <u, x> + v with sum lambda_j = 0, sum lambda_j x_j = 0,
    interpolating y (eq. (10)-(11) for basis(r) = r^3)."""
    xd = np.asarray(x_data, dtype=np.float64)
    xe = np.asarray(x_eval, dtype=np.float64)
    R = basis(np.linalg.norm(xd[:, None] - xd[None], axis=-1))
    lam, c = bordered_solve(R, affine_design(xd), np.asarray(y_data, dtype=np.float64))
    return basis(np.linalg.norm(xe[:, None] - xd[None], axis=-1)) @ lam + affine_design(xe) @ c


# --- the trajectory of the infinite-width output-layer gradient descent (Remark 5, Appendix N) ------------

def _gd_segments(K, y, a, gaps):
    import jax
    import jax.numpy as jnp

    def segment(r, gap):
        r = jax.lax.fori_loop(0, gap, lambda _, rr: rr - a * (K @ rr), r)
        return r, r

    _, rs = jax.lax.scan(segment, jnp.asarray(y), gaps)
    return y[None, :] - rs


_GD_SEGMENTS = None


def kernel_gd_values(K: np.ndarray, y: np.ndarray, a: float, times: Sequence[int]) -> np.ndarray:
    """f_t(X) at the given step counts for gradient descent in function space on the data,
    r_{t+1} = r_t - a K r_t, r_0 = y (f_0 = 0), f_t(X) = y - r_t.

    This is full-batch GD on the output layer of the infinite-width network: with loss
    (1/M) sum_j (1/2) r_j^2 and step eta = eta_bar / n the residual moves by (eta_bar / M) K_n r,
    and the empirical kernel K_n tends to K; so a = eta_bar / M.  The steps are taken one by one
    (a compiled JAX loop between consecutive recorded times).
    """
    import jax
    import jax.numpy as jnp

    global _GD_SEGMENTS
    if _GD_SEGMENTS is None:
        _GD_SEGMENTS = jax.jit(_gd_segments)
    times = np.asarray(times, dtype=np.int64)
    gaps = np.diff(np.concatenate([[0], times])).astype(np.int32)
    out = _GD_SEGMENTS(jnp.asarray(K), jnp.asarray(y, dtype=jnp.float64), jnp.asarray(a, dtype=jnp.float64),
                       jnp.asarray(gaps))
    return np.asarray(out)


def kernel_ridge_values(K: np.ndarray, y: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """h_lam(X) = K (K + lam I)^{-1} y for each lam: the minimiser of
    sum_j (h(x_j) - y_j)^2 + lam ||h||_K^2 on the data (problem (166) in the kernel K)."""
    M = K.shape[0]
    return np.stack([K @ np.linalg.solve(K + float(l) * np.eye(M), y) for l in np.atleast_1d(lam)])


# --- activations z_+^k / k!: the infinite-width kernel and the L-spline of Corollary 4 --------------------

@functools.lru_cache(maxsize=None)
def _gauss_legendre(points: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (computed once per number of points)."""
    return np.polynomial.legendre.leggauss(points)


def _power_bias_moment(s, sp, a, k: int):
    """E_B[phi(s + B) phi(s' + B)] for phi(z) = z_+^k / k! and B ~ U(-a, a): an integral of a
    polynomial of degree 2k in B over [max(-s, -s', -a), a], by (k + 2)-point Gauss-Legendre (exact)."""
    import math

    lo = np.clip(np.maximum(-s, -sp), -a, a)
    nodes, weights = _gauss_legendre(k + 2)
    b = 0.5 * (a - lo)[..., None] * nodes + 0.5 * (a + lo)[..., None]
    f = (np.maximum(s[..., None] + b, 0.0) ** k) * (np.maximum(sp[..., None] + b, 0.0) ** k)
    return 0.5 * (a - lo) * (f @ weights) / (math.factorial(k) ** 2 * 2 * a)


def power_network_kernel(x, xp, k: int, init: str, a_w: float, a_b: float) -> np.ndarray:
    """K(x, x') = E[phi(W x + B) phi(W x' + B)] for phi(z) = z_+^k / k!, B ~ U(-a_b, a_b) and
    W uniform on {-1, 1} (init 'binary') or W ~ U(-a_w, a_w) (init 'uniform'), computed from the
    law of (W, B) directly (not through zeta): the B-integral exactly, and for uniform W the
    W-integral on the pieces between its kinks (W = 0, W = +-a_b/|x|, +-a_b/|x'|), where the
    integrand is a polynomial in W, by 48-point Gauss-Legendre."""
    x = np.atleast_1d(np.asarray(x, dtype=np.float64))
    xp = np.atleast_1d(np.asarray(xp, dtype=np.float64))
    X, XP = np.meshgrid(x, xp, indexing="ij")
    if init == "binary":
        return 0.5 * sum(_power_bias_moment(w * X, w * XP, a_b, k) for w in (1.0, -1.0))
    out = np.zeros(X.shape)
    for idx in np.ndindex(X.shape):
        u, v = X[idx], XP[idx]
        cuts = {-a_w, 0.0, a_w}
        for z in (u, v):
            if z != 0:
                cuts |= {s * a_b / abs(z) for s in (1, -1) if a_b / abs(z) < a_w}
        cuts = np.array(sorted(cuts))
        total = 0.0
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            w = 0.5 * (hi - lo) * _NODES + 0.5 * (hi + lo)
            total += 0.5 * (hi - lo) * (_power_bias_moment(w * u, w * v, a_b, k) @ _WEIGHTS)
        out[idx] = total / (2 * a_w)
    return out


def weighted_l_spline(phi: Callable, m: int, zeta: Callable, x_data, y_data, x_eval, breaks: Sequence[float] = ()):
    """The solution of min int_S [g^(m)]^2 / zeta s.t. g(x_j) = y_j, S = [min x_j, max x_j],
    with the polynomials of degree < m (the null space of L = d^m) unpenalised:
    g = sum_j a_j R(., x_j) + q, deg q < m, sum_j a_j x_j^l = 0 (l < m), with the reproducing
    kernel R(x, x') = int_S zeta(c) phi(x - c) phi(x' - c) dc of the penalty, phi the Green's
    function of d^m (phi(z) = z_+^{m-1} / (m-1)!).  Integrals by 48-point Gauss-Legendre on the
    pieces of [min x_j, min(x, x')] between the breaks of zeta."""
    xd = np.asarray(x_data, dtype=np.float64)
    xe = np.asarray(x_eval, dtype=np.float64)
    lo = xd.min()

    top = max(xd.max(), xe.max())
    edges = np.array([lo] + sorted(b for b in breaks if lo < b < top) + [top])

    def R(u, v):
        # every pair (u_i, v_j) at once: the pieces [e_k, e_{k+1}] of [lo, max] clipped at min(u_i, v_j) (a piece
        # above it has length 0), 48 Gauss-Legendre nodes on each
        hi = np.minimum(u[:, None], v[None, :])[..., None]                       # (U, V, 1)
        p = edges[:-1]
        q = np.clip(np.minimum(edges[1:], hi), p, None)                          # (U, V, K)
        c = 0.5 * (q - p)[..., None] * _NODES + 0.5 * (q + p)[..., None]        # (U, V, K, nodes)
        f = zeta(c) * phi(u[:, None, None, None] - c) * phi(v[None, :, None, None] - c)
        return np.sum(0.5 * (q - p) * (f @ _WEIGHTS), axis=-1)

    P = np.stack([xd**l for l in range(m)], axis=1)
    a, c = bordered_solve(R(xd, xd), P, np.asarray(y_data, dtype=np.float64))
    return R(xe, xd) @ a + np.stack([xe**l for l in range(m)], axis=1) @ c


def polynomial_design(x: np.ndarray, m: int) -> np.ndarray:
    """[1, x, ..., x^{m-1}]: the null space of d^m at the inputs."""
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x**l for l in range(m)], axis=1)


def _gd_coefficient_segments(K, y, a, gaps):
    import jax
    import jax.numpy as jnp

    def step(_, state):
        r, alpha = state
        return r - a * (K @ r), alpha + a * r

    def segment(state, gap):
        state = jax.lax.fori_loop(0, gap, step, state)
        return state, state[1]

    _, alphas = jax.lax.scan(segment, (jnp.asarray(y), jnp.zeros_like(y)), gaps)
    return alphas


_GD_COEFFICIENTS = None


def kernel_gd_coefficients(K: np.ndarray, y: np.ndarray, a: float, times: Sequence[int]) -> np.ndarray:
    """alpha_t at the given step counts, f_t = K(., X) alpha_t the function-space gradient descent of
    :func:`kernel_gd_values` extended off the data: alpha_{t+1} = alpha_t + a r_t, r_{t+1} = r_t - a K r_t,
    alpha_0 = 0, r_0 = y (so f_t(X) = K alpha_t = y - r_t), accumulated step by step without solving with K."""
    import jax
    import jax.numpy as jnp

    global _GD_COEFFICIENTS
    if _GD_COEFFICIENTS is None:
        _GD_COEFFICIENTS = jax.jit(_gd_coefficient_segments)
    times = np.asarray(times, dtype=np.int64)
    gaps = np.diff(np.concatenate([[0], times])).astype(np.int32)
    out = _GD_COEFFICIENTS(jnp.asarray(K), jnp.asarray(y, dtype=jnp.float64), jnp.asarray(a, dtype=jnp.float64),
                           jnp.asarray(gaps))
    return np.asarray(out)


def gaussian_power2_network_kernel(x, xp, s_w: float, s_b: float) -> np.ndarray:
    """K(x, x') = E[phi(W x + B) phi(W x' + B)] for phi(z) = z_+^2 / 2, W ~ N(0, s_w^2), B ~ N(0, s_b^2)
    independent, in closed form from the law of (W, B).

    U = W x + B and V = W x' + B are jointly Gaussian with mean 0, variances s_u^2 = s_w^2 x^2 + s_b^2,
    s_v^2 = s_w^2 x'^2 + s_b^2 and correlation cos(theta) = (s_w^2 x x' + s_b^2) / (s_u s_v).  Writing
    (U, V) = s_u (G_1), s_v (cos(theta) G_1 + sin(theta) G_2) with G standard Gaussian in the plane and
    integrating over the sector where both are positive (polar coordinates: the radial integral
    int_0^inf r^5 e^{-r^2/2} dr = 8, the angular one
    int_{theta - pi/2}^{pi/2} cos^2(a) cos^2(a - theta) da = J_2(theta) / 8),

        E[U_+^2 V_+^2] = s_u^2 s_v^2 J_2(theta) / (2 pi),
        J_2(theta) = 3 sin(theta) cos(theta) + (pi - theta)(1 + 2 cos^2(theta)),

    and K = E[U_+^2 V_+^2] / 4.  Every term is evaluated to round-off (theta = arccos of a clipped
    correlation; J_2 is flat to third order at theta = 0, so the arccos round-off near correlation 1 does not
    propagate)."""
    x = np.atleast_1d(np.asarray(x, dtype=np.float64))
    xp = np.atleast_1d(np.asarray(xp, dtype=np.float64))
    X, XP = np.meshgrid(x, xp, indexing="ij")
    su2 = s_w**2 * X**2 + s_b**2
    sv2 = s_w**2 * XP**2 + s_b**2
    cos_t = np.clip((s_w**2 * X * XP + s_b**2) / np.sqrt(su2 * sv2), -1.0, 1.0)
    theta = np.arccos(cos_t)
    j2 = 3.0 * np.sin(theta) * cos_t + (np.pi - theta) * (1.0 + 2.0 * cos_t**2)
    return su2 * sv2 * j2 / (8.0 * np.pi)


# --- d inputs: the hyperplanes of the hidden units (Theorem 6, Prop. 18) ------------------------------------

def hyperplane_parameters(W, B):
    """(U, V, C) = (||W||, W / ||W||, -B / ||W||) of draws W (n, d) and B (n,): unit k's kink is the hyperplane
    {x : <V_k, x> = C_k}, and relu(<W_k, x> + B_k) = U_k relu(<V_k, x> - C_k)."""
    import jax.numpy as jnp

    U = jnp.linalg.norm(W, axis=1)
    return U, W / U[:, None], -B / U


def sphere_band_edges(d: int, bands: int) -> np.ndarray:
    """Edges t_0 = -1 < t_1 < ... < t_bands = 1 that cut S^{d-1} into ``bands`` bands {t_{k-1} <= <V, e> < t_k}
    of equal area, for any unit vector e: under the uniform law on S^{d-1}, (1 + <V, e>) / 2 ~ Beta((d-1)/2,
    (d-1)/2) (the density of <V, e> is proportional to (1 - t^2)^{(d-3)/2}), so t_k is 2 q_k - 1 with q_k that
    law's quantile at k / bands."""
    from scipy.special import betaincinv

    a = (d - 1) / 2.0
    q = betaincinv(a, a, np.arange(1, bands) / bands)
    return np.concatenate([[-1.0], 2.0 * q - 1.0, [1.0]])


def sphere_area(d: int) -> float:
    """|S^{d-1}| = 2 pi^{d/2} / Gamma(d/2), the surface area of the unit sphere in R^d."""
    from math import gamma, pi

    return 2.0 * pi ** (d / 2.0) / gamma(d / 2.0)


def _hyperplane_histogram(W, B, axis, edges, points, h, area):
    import jax.numpy as jnp

    U, V, C = hyperplane_parameters(W, B)
    t = V @ axis
    band = ((t[:, None] >= edges[None, :-1]) & (t[:, None] < edges[None, 1:])).astype(W.dtype)   # (n, K)
    near = (jnp.abs(C[:, None] - points[None, :]) < h / 2).astype(W.dtype)                        # (n, P)
    scale = h * area / (edges.shape[0] - 1)
    m1 = (band * (U**2 / scale)[:, None]).T @ near / W.shape[0]
    m2 = (band * (U**4 / scale**2)[:, None]).T @ near / W.shape[0]
    return m1, jnp.sqrt(jnp.maximum(m2 - m1**2, 0.0) / W.shape[0])


@functools.lru_cache(maxsize=1)
def _compiled_hyperplane_histogram():
    import jax

    return jax.jit(_hyperplane_histogram)


def hyperplane_histogram(W, B, axis, edges, points, h: float):
    """The estimate of zeta(V, c) = p_{V,C}(V, c) E[U^2 | V, C = c] (Theorem 6, Prop. 18) from draws (W, B) of
    the hidden units, averaged over a band A_k = {V : edges[k] <= <V, axis> < edges[k+1]} of the sphere and the
    bin |C - c| < h/2 of each offset c in ``points``:

        E[U^2 1{V in A_k} 1{|C - c| < h/2}] / (h |A_k|),   |A_k| = |S^{d-1}| / K

    (the bands of ``sphere_band_edges`` have equal area), with its Monte Carlo standard error.  Returns two
    (K, P) arrays, in one compiled pass per shape."""
    import jax.numpy as jnp

    W = jnp.asarray(W)
    area = sphere_area(int(W.shape[1]))
    return _compiled_hyperplane_histogram()(W, jnp.asarray(B), jnp.asarray(axis, dtype=W.dtype),
                                            jnp.asarray(edges, dtype=W.dtype), jnp.asarray(points, dtype=W.dtype),
                                            h, area)


def arc_cosine_kernel(x, xp, s_w: float, s_b: float) -> np.ndarray:
    """K(x, x') = E[relu(<W, x> + B) relu(<W, x'> + B)] for W ~ N(0, s_w^2 I_d), B ~ N(0, s_b^2) independent, in
    closed form from the law: (<W, x> + B, <W, x'> + B) is a centred Gaussian pair with standard deviations
    s = sqrt(s_w^2 |x|^2 + s_b^2), s' and correlation cos(t) = (s_w^2 <x, x'> + s_b^2) / (s s'), and
    E[relu(G) relu(G')] = s s' (sin t + (pi - t) cos t) / (2 pi) (the arc-cosine kernel of degree 1; the
    expression is flat to second order in t at t = 0, so the arccos round-off near correlation 1 does not
    propagate).  All pairs of rows of x (n, d) and xp (m, d)."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    xp = np.atleast_2d(np.asarray(xp, dtype=np.float64))
    s = np.sqrt(s_w**2 * np.sum(x**2, axis=1) + s_b**2)[:, None]
    sp = np.sqrt(s_w**2 * np.sum(xp**2, axis=1) + s_b**2)[None, :]
    cos_t = np.clip((s_w**2 * x @ xp.T + s_b**2) / (s * sp), -1.0, 1.0)
    t = np.arccos(cos_t)
    return s * sp * (np.sin(t) + (np.pi - t) * cos_t) / (2 * np.pi)


_NODES16, _WEIGHTS16 = np.polynomial.legendre.leggauss(16)
_NODES12, _WEIGHTS12 = np.polynomial.legendre.leggauss(12)


def ridge_kernel_2d(x, xp, zeta: Callable, rho: float, pieces: int) -> np.ndarray:
    """K(x, x') = int_{S^1} int_R zeta(c) (<V, x> - c)_+ (<V, x'> - c)_+ dc dV for a density zeta(V, c) = zeta(c)
    that does not depend on the direction: the kernel of the representer of Theorem 6's penalty
    int (R{(-Delta)^{3/2} g})^2 / zeta (two inputs).

    The c-integral is s s' A_0(m) - (s + s') A_1(m) + A_2(m), s = <V, x>, s' = <V, x'>, m = min(s, s'),
    A_k(m) = int_{-inf}^m c^k zeta(c) dc, taken in the variable phi of c = rho tan(phi) over (-pi/2, arctan(m/rho))
    by 12-point Gauss-Legendre (for zeta proportional to (rho^2 + c^2)^{-5/2}, Theorem 19 in d = 2, the integrand
    is sin^k(phi) cos^{3-k}(phi), an entire function).  The angle integral is cut where s = s' (the kink of m) and
    into ``pieces`` equal parts, each with 16-point Gauss-Legendre (A_k(m(theta)) is analytic off the complex
    angles where m = +-i rho, about rho / |x| away: the pieces should be no longer than that).  All pairs."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    xp = np.atleast_2d(np.asarray(xp, dtype=np.float64))
    X = np.repeat(x, xp.shape[0], axis=0)
    XP = np.tile(xp, (x.shape[0], 1))
    chunk = max(1, 2_000_000 // ((pieces + 2) * 16 * 12))
    out = np.concatenate([_ridge_pairs(X[i:i + chunk], XP[i:i + chunk], zeta, rho, pieces)
                          for i in range(0, X.shape[0], chunk)])
    return out.reshape(x.shape[0], xp.shape[0])


def _ridge_pairs(X, XP, zeta, rho, pieces):
    two_pi = 2 * np.pi
    diff = X - XP
    t0 = np.arctan2(diff[:, 1], diff[:, 0])
    cuts = np.stack([(t0 + sgn * np.pi / 2) % two_pi for sgn in (1, -1)], axis=1)
    edges = np.sort(np.concatenate([np.broadcast_to(np.linspace(0.0, two_pi, pieces + 1), (X.shape[0], pieces + 1)),
                                    cuts], axis=1), axis=1)
    lo, hi = edges[:, :-1, None], edges[:, 1:, None]
    theta = 0.5 * (hi - lo) * _NODES16 + 0.5 * (hi + lo)                                  # (pairs, I, 16)
    wt = 0.5 * (hi - lo) * _WEIGHTS16
    s = X[:, 0, None, None] * np.cos(theta) + X[:, 1, None, None] * np.sin(theta)
    sp = XP[:, 0, None, None] * np.cos(theta) + XP[:, 1, None, None] * np.sin(theta)
    m = np.minimum(s, sp)
    top = np.arctan(m / rho)[..., None]
    phi = 0.5 * (top + np.pi / 2) * _NODES12 + 0.5 * (top - np.pi / 2)                      # (pairs, I, 16, 12)
    c = rho * np.tan(phi)
    g = zeta(c) * rho / np.cos(phi) ** 2 * (0.5 * (top + np.pi / 2) * _WEIGHTS12)
    A0, A1, A2 = g.sum(axis=-1), (g * c).sum(axis=-1), (g * c**2).sum(axis=-1)
    return np.sum((s * sp * A0 - (s + sp) * A1 + A2) * wt, axis=(1, 2))


# --- three inputs: W uniform on S^2, B ~ U(-a, a) (Theorems 7, 8 in d = 3) ---------------------------------------

def sphere_radial_moments() -> tuple[float, float, float, float]:
    """E[rho^k], k = 0..3, for rho = sqrt(1 - t^2), t = <V, n> of V uniform on S^2 and a fixed unit n: t is uniform
    on [-1, 1] (Archimedes), so E[rho^k] = int_0^1 (1 - t^2)^{k/2} dt = 1, pi/4, 2/3, 3 pi/16."""
    return 1.0, np.pi / 4, 2.0 / 3.0, 3.0 * np.pi / 16


def _uniform_bias_cubic(s, sp):
    """G(s, s') = -s s' m + (s + s') m^2 / 2 - m^3 / 3, m = min(s, s'): the part of degree 3 of
    2 a E_B[(s + B)_+ (s' + B)_+] for B ~ U(-a, a) and |s|, |s'| <= a, with the sign it enters with flipped."""
    m = np.minimum(s, sp)
    return -s * sp * m + (s + sp) * m**2 / 2 - m**3 / 3


def sphere_kernel_3d(x, xp, a: float) -> np.ndarray:
    """K(x, x') = E[relu(<V, x> + B) relu(<V, x'> + B)], V uniform on S^2, B ~ U(-a, a), for |x|, |x'| <= a.

    For |s|, |s'| <= a, E_B[(s + B)_+ (s' + B)_+] = (F(a) - F(-m)) / (2 a) with m = min(s, s') and
    F(b) = s s' b + (s + s') b^2 / 2 + b^3 / 3.  V's component in the plane of x and x' is rho u, u uniform on the
    circle and rho = sqrt(1 - t^2) independent of it (t = V's normal component, uniform on [-1, 1]), and the
    terms of F are homogeneous of degree 0..3 in (s, s'), so
    K = (a^3/3 + E[rho] a^2 E_u[s + s'] / 2 + E[rho^2] a E_u[s s'] - E[rho^3] E_u[G]) / (2 a), s = <u, x>,
    G = -s s' m + (s + s') m^2 / 2 - m^3 / 3, E_u[s + s'] = 0, E_u[s s'] = <x, x'> / 2, and E_u[G] is taken over
    the circle cut where s = s' (G is a cubic trigonometric polynomial on each arc: 16-point Gauss-Legendre is
    exact to round-off).  All pairs."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    xp = np.atleast_2d(np.asarray(xp, dtype=np.float64))
    X = np.repeat(x, xp.shape[0], axis=0)
    XP = np.tile(xp, (x.shape[0], 1))
    r = np.linalg.norm(X, axis=1)
    e1 = np.where(r[:, None] > 0, X / np.where(r > 0, r, 1.0)[:, None], np.array([1.0, 0.0, 0.0]))
    q1 = np.sum(XP * e1, axis=1)
    q2 = np.linalg.norm(XP - q1[:, None] * e1, axis=1)            # x = (r, 0), x' = (q1, q2) in their plane
    t0 = np.arctan2(-q2, r - q1)
    cuts = np.sort(np.stack([(t0 + np.pi / 2) % (2 * np.pi), (t0 - np.pi / 2) % (2 * np.pi)], axis=1), axis=1)
    edges = np.concatenate([np.zeros((X.shape[0], 1)), cuts, np.full((X.shape[0], 1), 2 * np.pi)], axis=1)
    lo, hi = edges[:, :-1, None], edges[:, 1:, None]
    th = 0.5 * (hi - lo) * _NODES16 + 0.5 * (hi + lo)
    w = 0.5 * (hi - lo) * _WEIGHTS16
    s = r[:, None, None] * np.cos(th)
    sp = q1[:, None, None] * np.cos(th) + q2[:, None, None] * np.sin(th)
    G = np.sum(_uniform_bias_cubic(s, sp) * w, axis=(1, 2)) / (2 * np.pi)
    _, _, rho2, rho3 = sphere_radial_moments()
    K = (a**3 / 3 + rho2 * a * np.sum(X * XP, axis=1) / 2 - rho3 * G) / (2 * a)
    return K.reshape(x.shape[0], xp.shape[0])
