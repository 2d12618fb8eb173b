"""Independent oracles for the code a claim's prediction and its experiment share.

Where a claim's prediction and its experiment both run one piece of code, the claim cannot see a bug in that
piece: the families' NOTES.md tables ("Independence") name the piece for every claim and the check that sees it.
The checks that no claim makes are here, each against something that shares no code with the suite's version:

- the JAX infinite-width NTK (``numerics.ntk``: kappa_0, kappa_1, K, the Gram matrix) against the SymPy closed
  form evaluated at 30 digits, and against the empirical tangent kernel of the family's own network by automatic
  differentiation (``jax.jacrev``) at a large width, within its Monte Carlo standard error; the hand-written
  empirical NTK (the H_s of ``ntk.damped_deviations_identity``) against the same autodiff Jacobians; the
  harmonics the training claims project on against SciPy's Gegenbauer polynomials;
- the shrinkage Jacobian A (``numerics.shrinkage``) against its definition, the derivative of the network's
  output with respect to its weights (central differences of a forward pass written from the definitions of the
  activations in NumPy and SciPy);
- the splines output-layer kernel K (``numerics.splines.BreakpointKernel`` from Theorem 2's zeta), which sets
  the time scale of the trajectory claims, against the empirical output kernel of the trained network's own
  initialisation, for the three laws;
- the trained network of ``splines.trajectory_network`` against a learning rate 5% off in its training loop.

Every check comes with wrong versions of the shared piece, planted by monkeypatching the suite's code (a kernel
scaled by 1.02, kappa_0's term dropped, a transposed or scaled Jacobian, a learning rate 5% off): each must
fail the check, so that the check is shown to see what it exists for.
"""

from __future__ import annotations

import functools
import math

import numerics  # noqa: F401  (float64 on)

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import special, stats

from theorems import _cache
from theorems._agreement import FLOAT64_EPS

EPS = FLOAT64_EPS


def _z(level_alpha: float, comparisons: int) -> float:
    """The two-sided normal quantile of a Bonferroni level: a false alarm in at most ``level_alpha`` of runs."""
    return float(stats.norm.ppf(1.0 - level_alpha / (2 * comparisons)))


# === the NTK family: the JAX infinite-width kernel ================================================================

def _wrong_kernels():
    """Wrong versions of numerics.ntk.ntk, each a realistic slip in the formula K = (kappa_1 + (u + beta) kappa_0)/2."""
    from numerics import ntk as nx

    return {
        "scaled_by_1.02": lambda u, bias=0.0: 1.02 * 0.5 * (nx.kappa1(u) + (u + bias) * nx.kappa0(u)),
        "kappa0_term_dropped": lambda u, bias=0.0: 0.5 * nx.kappa1(u),
        "bias_outside_the_gate": lambda u, bias=0.0: 0.5 * (nx.kappa1(u) + u * nx.kappa0(u) + bias),
    }


def _plant_kernel(monkeypatch, name):
    """Replace numerics.ntk.ntk by a wrong version (``name``), or leave it (``None``); every caller in the suite
    (ntk_gram, the dynamics) reads it through the module, so the patch reaches them."""
    from numerics import ntk as nx

    _cache.clear()
    if name is not None:
        monkeypatch.setattr(nx, "ntk", _wrong_kernels()[name])
    return nx


def _unit_points(seed: int, count: int, d: int) -> np.ndarray:
    g = np.random.default_rng(seed).standard_normal((count, d))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def _sympy_kernel_values(u_values: np.ndarray, bias: int, which: str = "NTK") -> np.ndarray:
    """K(u) (or kappa_0, kappa_1) from the SymPy closed form of theorems.ntk.theory, at 30 digits (mpmath)."""
    import mpmath
    import sympy

    from theorems.ntk import theory

    expr = getattr(theory, which).subs(theory.beta, bias)
    f = sympy.lambdify(theory.u, expr, "mpmath")
    with mpmath.workdps(30):
        return np.array([float(f(mpmath.mpf(float(v)))) for v in u_values])


def kernel_roundoff(u: np.ndarray) -> np.ndarray:
    """Float64 rounding bound of the JAX kernel at u: 16 eps for the few operations on terms of size <= 2
    (arccos to an ulp of pi), plus eps / sqrt(1 - u^2) for sqrt(1 - u u), whose argument carries an absolute
    rounding error of at most eps (1 - u u is exact by Sterbenz's lemma when u^2 >= 1/2) and whose derivative is
    1 / (2 sqrt(1 - u^2)); 1 - u^2 is floored at eps, where the bound is sqrt(eps) and the values are exact."""
    return 16 * EPS + EPS / np.sqrt(np.maximum(1.0 - u * u, EPS))


def jax_kernel_against_sympy(nx) -> float:
    """max |K_jax(u) - K_sympy(u)| / kernel_roundoff(u) over a grid of u in [-1, 1] (ends and near-ends included)
    and the inner products of random unit vectors, for beta = 0 and 1, through ``ntk_gram`` (the function the
    dynamics call) and ``kappa0``, ``kappa1``; at most 1 when the JAX kernel is the closed form."""
    grid = np.concatenate([np.linspace(-1.0, 1.0, 41), [-1 + 2.0**-30, 1 - 2.0**-30, 1 - 1e-6, -0.5 + 1e-9]])
    X = _unit_points(0, 12, 4)
    u_gram = np.clip(X @ X.T, -1.0, 1.0)
    worst = 0.0
    for bias in (0, 1):
        jax_gram = np.asarray(nx.ntk_gram(jnp.asarray(X), bias=float(bias)))
        ref = _sympy_kernel_values(u_gram.ravel(), bias).reshape(u_gram.shape)
        worst = max(worst, float(np.max(np.abs(jax_gram - ref) / kernel_roundoff(u_gram))))
        direct = np.asarray(nx.ntk(jnp.asarray(grid), float(bias)))
        worst = max(worst, float(np.max(np.abs(direct - _sympy_kernel_values(grid, bias)) / kernel_roundoff(grid))))
    for name, fn in (("KAPPA0", nx.kappa0), ("KAPPA1", nx.kappa1)):
        vals = np.asarray(fn(jnp.asarray(grid)))
        worst = max(worst, float(np.max(np.abs(vals - _sympy_kernel_values(grid, 0, name)) / kernel_roundoff(grid))))
    return worst


@pytest.mark.parametrize("wrong", [None, *_wrong_kernels()], ids=lambda w: w or "right")
def test_jax_ntk_is_the_sympy_closed_form(monkeypatch, wrong):
    """The JAX kernel every training claim uses (the T of the damped-deviations bound, lambda_max for the step,
    the H of the identity) equals the SymPy closed form at round-off; a kernel scaled by 1.02 or missing a term
    misses by orders of magnitude more."""
    nx = _plant_kernel(monkeypatch, wrong)
    ratio = jax_kernel_against_sympy(nx)
    if wrong is None:
        assert ratio <= 1.0
    else:
        assert ratio > 1e6, f"{wrong} passed the closed-form check ({ratio:.3g})"


# --- the JAX kernel against the network's own tangent kernel, by autodiff --------------------------------------

NTK_WIDTH = 2**17
NTK_SEEDS = 8
NTK_POINTS = 5
NTK_FALSE_ALARM = 1e-6


@jax.jit
def _tangent_jacobian(key, X):
    """d f(x_i) / d theta for the m = NTK_WIDTH parameters of numerics.ntk's network at an antisymmetric
    initialisation, by ``jax.jacrev`` of ``forward`` (no hand formula)."""
    from numerics import ntk as nx

    params = nx.init(key, NTK_WIDTH, X.shape[1])
    return jax.jacrev(lambda p: nx.forward(p, X))(params)


def empirical_tangent_kernels():
    """For beta = 0, 1: the mean and the standard error of the network's empirical tangent kernel at width
    NTK_WIDTH over NTK_SEEDS initialisations, on NTK_POINTS unit vectors of R^3, entrywise (upper triangle) and for
    the sum of the upper triangle (a statistic a scale error moves coherently).

    xi_l(x_i, x_j) = m <d f(x_i)/d theta_l, d f(x_j)/d theta_l>, theta_l = (a_l, w_l, and b_l if beta = 1): the
    empirical NTK is the mean of xi_l over the m neurons, and the pairs (l, l + m/2) of the antisymmetric
    initialisation are equal, so it is the mean over m/2 independent neurons per seed."""
    X = jnp.asarray(_unit_points(1, NTK_POINTS, 3))
    iu = np.triu_indices(NTK_POINTS)
    half = NTK_WIDTH // 2
    terms = {0: [], 1: []}
    for s in range(NTK_SEEDS):
        J = _tangent_jacobian(jax.random.PRNGKey(100 + s), X)
        ja, jw, jb = (np.asarray(J[k])[:, :half] for k in ("a", "W", "b"))
        base = ja[iu[0]] * ja[iu[1]] + np.sum(jw[iu[0]] * jw[iu[1]], axis=-1)
        terms[0].append(NTK_WIDTH * base)
        terms[1].append(NTK_WIDTH * (base + jb[iu[0]] * jb[iu[1]]))
    out = {}
    for bias, parts in terms.items():
        entries = np.concatenate(parts, axis=1)          # (pairs, independent neurons)
        total = entries.sum(axis=0)
        N = entries.shape[1]
        out[bias] = (np.asarray(X), entries.mean(1), entries.std(1, ddof=1) / math.sqrt(N), float(total.mean()),
                     float(total.std(ddof=1) / math.sqrt(N)))
    return out


@pytest.fixture(scope="module")
def tangent_kernels():
    return empirical_tangent_kernels()


def kernel_against_tangent_kernel(nx, tangent_kernels) -> float:
    """max over the entries and the upper-triangle sum, for beta = 0, 1, of |K - Theta_m| / (z SE): at most 1 when
    the kernel is the network's infinite-width NTK, except with probability NTK_FALSE_ALARM (the central limit
    theorem for the mean of the independent xi_l; z at the Bonferroni level over the 2 (15 + 1) comparisons)."""
    iu = np.triu_indices(NTK_POINTS)
    z = _z(NTK_FALSE_ALARM, 2 * (iu[0].size + 1))
    worst = 0.0
    for bias, (X, mean, se, total, total_se) in tangent_kernels.items():
        K = np.asarray(nx.ntk_gram(jnp.asarray(X), bias=float(bias)))[iu]
        worst = max(worst, float(np.max(np.abs(K - mean) / (z * se))), abs(float(K.sum()) - total) / (z * total_se))
    return worst


@pytest.mark.parametrize("wrong", [None, *_wrong_kernels()], ids=lambda w: w or "right")
def test_jax_ntk_is_the_networks_tangent_kernel_at_large_width(monkeypatch, tangent_kernels, wrong):
    """K(<x, x'>) of numerics.ntk is the limit of the empirical NTK of the network the claims train (gradients by
    autodiff, no hand formula): within z Monte Carlo standard errors (~ 1 / sqrt(width x seeds)); the wrong kernels
    are several tolerances away (the 1.02 scale moves the upper-triangle sum by 2%, about 3 tolerances)."""
    nx = _plant_kernel(monkeypatch, wrong)
    ratio = kernel_against_tangent_kernel(nx, tangent_kernels)
    if wrong is None:
        assert ratio <= 1.0
    else:
        assert ratio > 1.5, f"{wrong} passed the tangent-kernel check ({ratio:.3g})"


def test_hand_written_empirical_ntk_is_the_autodiff_tangent_kernel():
    """numerics.ntk.empirical_ntk_gram (the H_s of ntk.damped_deviations_identity, a hand formula) is J J^T of
    ``jax.jacrev``, at round-off, for beta = 0, 1 (b's gradient counted iff beta = 1), at parameters away from the
    initialisation (b != 0, the antisymmetric pairs broken, as after GD steps)."""
    from numerics import ntk as nx

    X = jnp.asarray(_unit_points(2, 6, 4))
    rng = np.random.default_rng(3)
    params = {k: v + 0.3 * jnp.asarray(rng.standard_normal(v.shape))
              for k, v in nx.init(jax.random.PRNGKey(5), 64, 4).items()}

    @jax.jit
    def both(params, bias):
        J = jax.jacrev(lambda p: nx.forward(p, X))(params)
        flat = jnp.concatenate([J["a"], J["W"].reshape(6, -1), bias * J["b"]], axis=1)
        return nx.empirical_ntk_gram(params, X, bias=bias), flat @ flat.T

    for bias in (0.0, 1.0):
        H, JJ = both(params, bias)
        np.testing.assert_allclose(np.asarray(H), np.asarray(JJ), rtol=1e-13, atol=1e-14)


def test_harmonics_are_scipys_gegenbauer_polynomials_with_unit_norm():
    """numerics.sphere.gegenbauer_jax (targets and projections of the training claims) is SciPy's normalised
    Gegenbauer polynomial, and sqrt(N(d, k)) P_k^{(d)}(<., pole>) has unit norm in L^2 of the uniform measure:
    (omega_{d-2}/omega_{d-1}) int_{-1}^1 N P_k(t)^2 (1 - t^2)^{(d-3)/2} dt = 1 (Gauss-Jacobi with k + 2 nodes,
    exact for the polynomial P_k^2), for the dimensions and degrees the training claims use."""
    from numerics import sphere

    grid = np.linspace(-1.0, 1.0, 9)
    for d in (3, 4, 10):
        for k in range(5):
            nodes, weights = special.roots_jacobi(k + 2, (d - 3) / 2, (d - 3) / 2)
            t = np.zeros(16)
            t[:9], t[9:9 + nodes.size] = grid, nodes        # one shape for every call: one compilation
            P = np.asarray(sphere.gegenbauer_jax(k, d, jnp.asarray(t)))
            np.testing.assert_allclose(P[:9], sphere.gegenbauer(k, d, grid), rtol=1e-12, atol=1e-13)
            squares = weights * P[9:9 + nodes.size] ** 2
            norm = sphere.funk_hecke_constant(d) * sphere.multiplicity(d, k) * np.sum(squares)
            assert abs(norm - 1.0) < 1e-12, (d, k, norm)


# === the shrinkage family: the Jacobian A ==========================================================================

def _reference_activation(name: str, w: float):
    """phi from its definition (Lucey 2025's activations, the scale w on the smooth ones), in NumPy and SciPy."""
    def sinc(z):
        t = np.pi * z / w
        return np.where(t == 0, 1.0, np.sin(t) / np.where(t == 0, 1.0, t))

    return {"step": lambda z: (z > 0).astype(np.float64),
            "relu": lambda z: np.maximum(z, 0.0),
            "sigmoid": lambda z: special.expit(z / w),
            "softplus": lambda z: w * np.logaddexp(0.0, z / w),
            "gaussian": lambda z: np.exp(-0.5 * (z / w) ** 2),
            "sinc": sinc}[name]


def _reference_biases(n: int, placement: str, seed: int) -> np.ndarray:
    """b_j from the configuration's definition: x_j - h/2 (grid), x_j - h/4 (shifted), x_j - h U(0.05, 0.95)
    drawn from ``bias_seed`` (jittered), x_j = j / n, h = 1 / n."""
    x, h = np.arange(1, n + 1) / n, 1.0 / n
    return {"grid": lambda: x - h / 2, "shifted": lambda: x - h / 4,
            "jittered": lambda: x - h * np.random.default_rng(seed).uniform(0.05, 0.95, size=n)}[placement]()


def jacobian_definition(config, rng) -> tuple[np.ndarray, np.ndarray]:
    """(D, tol): the central difference D_ij = (f(x_i; w + e_j) - f(x_i; w - e_j)) / 2 of the network's fitted
    values f(x_i; w) = sum_k w_k phi(x_i - b_k) at a random w, phi and b_k from their definitions, and the
    rounding bound tol_ij of |A_ij - D_ij| for A the Jacobian.  f is linear in w, so D is the derivative up to
    rounding: two sums of n + 1 terms (Higham sec. 3.1: (n + 1) eps sum |terms| each) and the activation's own
    rounding in either implementation, 16 eps (1 + |z/w|) |phi| (the argument z / w carries a relative error
    eps, amplified by |z/w| in exp and sin)."""
    n, w = int(config["n"]), float(config["width"])
    x = np.arange(1, n + 1) / n
    Z = x[:, None] - _reference_biases(n, config["bias"], int(config["bias_seed"]))[None, :]
    Phi = _reference_activation(config["activation"], w)(Z)
    weights = rng.uniform(-1.0, 1.0, n)
    eye = np.eye(n)
    D = 0.5 * (Phi @ (weights[:, None] + eye) - Phi @ (weights[:, None] - eye))
    S = np.abs(Phi) @ np.abs(weights)
    scale = np.abs(Z) / (w if config["activation"] not in ("step", "relu") else 1.0)
    return D, 2 * (n + 1) * EPS * (S[:, None] + np.abs(Phi)) + 16 * EPS * (1 + scale) * np.abs(Phi) + 1e-300


def discrepancy(A, D, tol) -> float:
    """max_ij |A_ij - D_ij| / tol_ij (infinite for a wrong shape): at most 1 when A is the Jacobian."""
    A = np.asarray(A)
    return float(np.max(np.abs(A - D) / tol)) if A.shape == D.shape else math.inf


def _jacobian_configurations():
    """Configurations over every key of the Jacobian: each activation twice, the three bias placements, the
    widths the family's strategies draw (theorems.shrinkage.configurations.KEYS) and two grid sizes (A is built
    eagerly in JAX, compiled once per shape), from a fixed seed."""
    from theorems.shrinkage import configurations

    keys = configurations.KEYS
    rng = np.random.default_rng(13)
    return [{"n": (3, 48)[i % 2], "bias": keys["bias"].choices[i % 3], "bias_seed": int(rng.integers(0, 2**16)),
             "activation": keys["activation"].choices[i % 6], "width": float(rng.choice(keys["width"].choices))}
            for i in range(12)]


def _wrong_jacobians():
    """Wrong versions of numerics.shrinkage.jacobian, each a realistic slip in A_ij = phi(x_i - b_j)."""
    def right(x, b, phi):
        return phi(jnp.asarray(x)[:, None] - jnp.asarray(b)[None, :])

    return {"transposed": lambda x, b, phi: right(x, b, phi).T,
            "scaled_by_1.02": lambda x, b, phi: 1.02 * right(x, b, phi),
            "b_minus_x": lambda x, b, phi: phi(jnp.asarray(b)[None, :] - jnp.asarray(x)[:, None]),
            "biases_half_a_cell_off": lambda x, b, phi: right(x, np.asarray(b) - 0.5 / len(b), phi)}



@pytest.mark.parametrize("wrong", [None, *_wrong_jacobians()], ids=lambda w: w or "right")
def test_shrinkage_jacobian_is_the_derivative_of_the_network_output(monkeypatch, wrong):
    """The Jacobian that shrinkage.filter_exact's prediction (its SVD) and experiment (GD on it) share, and every
    other shrinkage claim reads, is d f(x_i) / d w_j of the network f(x) = sum_j w_j phi(x - b_j), to rounding, on
    configurations over all activations, placements, widths and grid sizes; a transposed, scaled, sign-flipped or
    shifted Jacobian is caught on every configuration where it differs from A (phi(b - x) is phi(x - b) for the
    even activations; a narrow Gaussian on a coarse grid is diagonal to rounding, its own transpose)."""
    from numerics import shrinkage as nsh

    from theorems.shrinkage import network

    configs = _jacobian_configurations()
    rng = np.random.default_rng(0)
    definitions = [jacobian_definition(c, rng) for c in configs]
    _cache.clear()
    right = [network.jacobian(c) for c in configs]
    assert max(discrepancy(A, D, tol) for A, (D, tol) in zip(right, definitions)) <= 1.0
    if wrong is None:
        return
    monkeypatch.setattr(nsh, "jacobian", _wrong_jacobians()[wrong])
    _cache.clear()
    planted = [network.jacobian(c) for c in configs]
    _cache.clear()
    visible = 0
    for config, A, B, (D, tol) in zip(configs, right, planted, definitions):
        if discrepancy(B, A, tol) <= 1.0:
            continue          # the wrong version is A itself here, to rounding (see the docstring)
        visible += 1
        assert discrepancy(B, D, tol) > 1e3, f"{wrong} passed the Jacobian check on {config}"
    assert visible >= len(configs) // 2, f"{wrong} differs from A on only {visible} configurations"


# === the splines family: the output-layer kernel K and the trained networks' time scale ===========================

SPLINE_LAWS = ({"init": "gaussian", "p1": 1.0, "p2": 0.5}, {"init": "binary", "p1": 1.0, "p2": 2.0},
               {"init": "uniform", "p1": 0.5, "p2": 1.0})
KERNEL_WIDTH = 2**20


@functools.lru_cache(maxsize=None)
def _output_kernel_sample(law_index: int):
    """K(X, X) of the law from zeta (upper triangle), and the mean and standard error of the network's output
    kernel terms phi(W_i x + B_i) phi(W_i x' + B_i) over n = KERNEL_WIDTH units drawn as the training draws them,
    entrywise and for the sum of the upper triangle."""
    from numerics import shallow as nx

    from theorems.splines import data, limits, theory

    law = SPLINE_LAWS[law_index]
    xs, _ = data.dataset({**law, "M": 4, "data_seed": 5})
    iu = np.triu_indices(xs.size)
    K = limits.kernel_for(theory.ZETA, law)(xs, xs)[iu]
    params = nx.sample_asi_numpy(11, KERNEL_WIDTH, 1, law["init"], law["p1"], law["p2"])
    h = np.maximum(params["W1"][0][:, 0][:, None] * xs[None, :] + params["b1"][0][:, None], 0.0)   # (n, M)
    terms = h[:, iu[0]] * h[:, iu[1]]
    total = terms.sum(axis=1)
    root = math.sqrt(KERNEL_WIDTH)
    return K, terms.mean(axis=0), terms.std(axis=0, ddof=1) / root, float(total.mean()), float(total.std(ddof=1) / root)


@pytest.mark.parametrize("scale", [1.0, 1.02], ids=["right", "scaled_by_1.02"])
@pytest.mark.parametrize("law_index", range(len(SPLINE_LAWS)), ids=[law["init"] for law in SPLINE_LAWS])
def test_spline_kernel_is_the_output_kernel_of_the_networks_initialisation(law_index, scale):
    """K(x, x') from Theorem 2's zeta (numerics.splines.BreakpointKernel, the kernel of every trajectory claim and
    of g*) is the limit of the trained network's own output-layer kernel at initialisation,
    (1/n) sum_i phi(W_i x + B_i) phi(W_i x' + B_i) with (W_i, B_i) drawn by numerics.shallow.sample_asi_numpy as the
    training draws them: within z Monte Carlo standard errors of the mean of n = 2^20 independent terms (z at a
    Bonferroni level 1e-6 over the 10 entries and the sum; plus the quadrature's rounding, for the entries a
    law makes 0 with no variance), for each law of Theorem 2 (the tests of tests/test_splines.py cover the
    Gaussian law only); K scaled by 1.02 is several tolerances off in the sum."""
    K, mean, se, total, total_se = _output_kernel_sample(law_index)
    K = scale * K
    z = _z(1e-6, K.size + 1)
    rounding = 64 * EPS * float(np.max(np.abs(K)))   # the quadrature's sums (an entry can be 0 with no variance)
    ratio = max(float(np.max(np.abs(K - mean) / (z * se + rounding))),
                abs(float(K.sum()) - total) / (z * total_se + rounding))
    if scale == 1.0:
        assert ratio <= 1.0
    else:
        assert ratio > 1.5, ratio


def test_early_stopped_spline_is_step_by_step_kernel_gradient_descent():
    """trajectories.kernel_gd_filter (the prediction of splines.trajectory_network, by an eigendecomposition) is
    gradient descent r <- r - a K r taken step by step (numerics.splines.kernel_gd_values) for a random kernel,
    at round-off (t steps of the recursion: 64 (kappa(K) + t) eps ||y||, as in trajectory_allowance); with the step
    of a strength off by a factor 2 it is not."""
    from numerics import splines as nsp

    from theorems.splines import trajectories

    rng = np.random.default_rng(4)
    G = rng.standard_normal((5, 5))
    K = G @ G.T + 0.1 * np.eye(5)
    y = rng.standard_normal(5)
    a = 1.5 / np.linalg.eigvalsh(K)[-1]
    times = np.array([1, 2, 5, 17, 60, 200])
    steps = nsp.kernel_gd_values(K, y, a, times)
    tol = 64 * (np.linalg.cond(K) + times.max()) * EPS * np.linalg.norm(y)
    assert np.max(np.abs(trajectories.kernel_gd_filter(K, y, a, times) - steps)) <= tol
    assert np.max(np.abs(trajectories.kernel_gd_filter(K, y, a / 2, times) - steps)) > 1e6 * tol


@pytest.mark.slow
@pytest.mark.parametrize("factor", [1.0, 1.05, 0.95], ids=["right", "learning_rate_5%_high", "learning_rate_5%_low"])
def test_trajectory_network_catches_a_learning_rate_off_in_training(monkeypatch, factor):
    """splines.trajectory_network compares the trained network with the early-stopped spline of lambda(t) in its
    own tangent kernel; a learning rate 5% off in the training loop (numerics.shallow.trajectory_run, planted by
    monkeypatching, every cache and compilation cleared) leaves the network's departure at ~0.015 to 0.05 ||y||
    at every width, a slope near 0, and falsifies every configuration of the fixed batch; the right loop holds
    with slopes near -2 (ci-profile sizes, about 20 s a run on two cores)."""
    import theorems
    from numerics import shallow as nx

    from theorems.splines import claims
    from theorems.splines.planted import NETWORK_BATCH

    calls = []
    if factor != 1.0:
        right = nx.trajectory_run

        def planted(nets, X, Y, XE, eta_bar, gaps, act="relu"):
            calls.append(factor)
            return right(nets, X, Y, XE, factor * eta_bar, gaps, act)

        monkeypatch.setattr(nx, "trajectory_run", planted)
    nx._compiled_trajectories.cache_clear()
    _cache.clear()
    try:
        records = theorems.evaluate_batch(claims.trajectory_network, list(NETWORK_BATCH), seed=0)
    finally:
        nx._compiled_trajectories.cache_clear()
        _cache.clear()
    if factor == 1.0:
        assert [r["status"] for r in records] == ["pass"] * len(records)
        # slopes near -2 (the departure falls like n^-2), every interval well below the bound -1/2 (at the
        # level 1 - 2.3e-6, t_10 = 9.6, the widest of the batch ends at -0.895)
        assert all(r["fitted"]["departure_slope"]["value"] < -1.5 for r in records)
        assert all(r["fitted"]["departure_slope"]["interval"][1] < -0.8 for r in records)
    else:
        assert calls, "the planted training loop was not traced"
        assert [r["status"] for r in records] == ["fail"] * len(records)
        assert all(abs(r["fitted"]["departure_slope"]["value"]) < 0.1 for r in records)
