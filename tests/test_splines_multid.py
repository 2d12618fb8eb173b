"""d inputs with Gaussian initialisation (theorems/splines/multid.py): the closed form of zeta(V, c) against
Theorem 19's printed form, the one-input density and its normalisation; the sphere's bands; the banded histogram
against a direct NumPy count; a record of the claim on a fixed batch.  The claim on the ci profile and its planted
wrong versions run in tests/test_claims.py."""

import numerics  # noqa: F401  (float64 on)

import numpy as np
import pytest
import sympy
from scipy import integrate

from numerics import splines as nsp
from theorems.splines import claims_multid, multid, theory
from theorems.splines.planted_multid import MULTID_BATCH

d, c, sigma_w, sigma_b = multid.d, multid.c, multid.sigma_w, multid.sigma_b


def test_the_derivation_from_proposition_18_is_theorem_19_for_every_d():
    ratio = sympy.powsimp(sympy.powdenest(multid.ZETA_MULTID / multid.THEOREM_19, force=True), force=True)
    assert sympy.simplify(ratio) == 1
    for dim in range(1, 7):
        assert sympy.simplify((multid.ZETA_MULTID - multid.THEOREM_19).subs(d, dim)) == 0


def test_one_input_is_theorem_2_summed_over_the_two_directions():
    """S^0 = {-1, 1}: Theorem 2's zeta(x) = zeta(1, x) + zeta(-1, x) = 2 zeta(V, x) at d = 1."""
    one = 2 * multid.ZETA_MULTID.subs(d, 1).subs(c, theory.x)
    assert sympy.simplify(one - theory.ZETA_GAUSSIAN.subs({theory.sigma_w: sigma_w, theory.sigma_b: sigma_b})) == 0


@pytest.mark.parametrize("dim", [2, 3, 5])
def test_zeta_integrates_to_the_second_moment_of_the_weights(dim):
    """int_{S^{d-1}} int_R zeta dc dV = E[U^2] = d sigma_w^2 (zeta = p_{V,C} E[U^2 | V, C]), by quadrature."""
    s_w, s_b = 0.7, 1.3
    f = sympy.lambdify(c, multid.ZETA_MULTID.subs({d: dim, sigma_w: s_w, sigma_b: s_b}), "numpy")
    total, _ = integrate.quad(f, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12)
    assert nsp.sphere_area(dim) * total == pytest.approx(dim * s_w**2, rel=1e-9)


def test_the_bands_have_equal_area():
    assert np.allclose(nsp.sphere_band_edges(3, 4), [-1, -0.5, 0, 0.5, 1], atol=1e-12)  # Archimedes
    h = np.sqrt(0.5)
    assert np.allclose(nsp.sphere_band_edges(2, 4), [-1, -h, 0, h, 1], atol=1e-12)  # the circle: cos of quarter turns
    rng = np.random.default_rng(0)
    for dim in (4, 5):
        edges = nsp.sphere_band_edges(dim, 4)
        v = rng.standard_normal((200_000, dim))
        t = v[:, 0] / np.linalg.norm(v, axis=1)
        counts = np.histogram(t, edges)[0] / t.size
        assert np.all(np.abs(counts - 0.25) < 5 * np.sqrt(0.25 * 0.75 / t.size))


def test_hyperplane_histogram_is_the_direct_count():
    rng = np.random.default_rng(1)
    W, B = rng.standard_normal((5000, 3)) * 1.5, rng.standard_normal(5000) * 0.4
    axis = np.array([0.6, 0.0, 0.8])
    edges = nsp.sphere_band_edges(3, 4)
    points, h = np.array([-0.2, 0.0, 0.15]), 0.1
    est, se = map(np.asarray, nsp.hyperplane_histogram(W, B, axis, edges, points, h))
    U = np.sqrt((W**2).sum(axis=1))
    C, t = -B / U, (W @ axis) / U
    for k in range(4):
        for j, p in enumerate(points):
            terms = U**2 * ((t >= edges[k]) & (t < edges[k + 1]) & (np.abs(C - p) < h / 2)) / (h * 4 * np.pi / 4)
            assert est[k, j] == pytest.approx(terms.mean(), rel=1e-12)
            assert se[k, j] == pytest.approx(terms.std() / np.sqrt(U.size), rel=1e-9)


def test_a_record_of_the_claim_agrees_and_sees_the_one_input_density():
    from theorems._keys import problems
    from theorems.splines.configurations import KEYS

    import jax

    batch = MULTID_BATCH[:2]
    assert all(not problems(KEYS, cf) and multid.assumptions(cf) is None for cf in batch)
    keys = [jax.random.PRNGKey(i) for i in range(len(batch))]
    measured = multid.measure(batch, keys)
    for cf, m in zip(batch, measured):
        predicted = multid.predict(multid.ZETA_MULTID, cf)
        assert predicted.shape == m.value.shape == (claims_multid.TESTS_PER_CONFIG,)
        assert claims_multid._error(predicted, m, cf) <= 1.0
        wrong = multid.predict(multid.ZETA_MULTID.subs(d, 1), cf)
        assert claims_multid._error(wrong, m, cf) > 1.0


def test_arc_cosine_kernel_is_the_output_kernel_of_gaussian_units():
    """numerics.splines.arc_cosine_kernel = (1/n) sum_i relu(<W_i, x> + B_i) relu(<W_i, x'> + B_i) over n = 2^20
    draws, within 5 Monte Carlo standard errors, in two and three inputs."""
    rng = np.random.default_rng(2)
    for dim, s_w, s_b in ((2, 1.0, 0.3162), (3, 0.5, 2.0)):
        x = rng.uniform(-1.4, 1.4, (4, dim))
        W, B = s_w * rng.standard_normal((2**20, dim)), s_b * rng.standard_normal(2**20)
        F = np.maximum(W @ x.T + B[:, None], 0.0)
        terms = F[:, :, None] * F[:, None, :]
        se = terms.std(axis=0) / np.sqrt(B.size)
        assert np.all(np.abs(nsp.arc_cosine_kernel(x, x, s_w, s_b) - terms.mean(axis=0)) < 5 * se + 1e-12)


@pytest.mark.parametrize("s_w, s_b", [(1.0, 0.5), (0.5, 1.0)])
def test_ridge_kernel_quadrature_matches_nested_adaptive_quadrature(s_w, s_b):
    """numerics.splines.ridge_kernel_2d, int_{S^1} int_R zeta(c) (<V, x> - c)_+ (<V, x'> - c)_+ dc dV with Theorem
    19's zeta, against SciPy's adaptive quad over c inside quad over the angle (cut where <V, x> = <V, x'>); and
    both equal the arc-cosine kernel of the law (Prop. 18's change of variables relu(<W, x> + B) = U relu(<V, x> -
    C)), which the claim gaussian_limit_2d rests on."""
    f = sympy.lambdify(c, multid.ZETA_MULTID.subs({d: 2, sigma_w: s_w, sigma_b: s_b}), "numpy")

    def inner(theta, x, xp):
        v = np.array([np.cos(theta), np.sin(theta)])
        s, sp = v @ x, v @ xp
        val, _ = integrate.quad(lambda cc: (s - cc) * (sp - cc) * f(cc), -np.inf, min(s, sp), epsabs=1e-14,
                                epsrel=1e-12, limit=200)
        return val

    for x, xp in ((np.array([0.3, -0.8]), np.array([1.1, 0.4])), (np.array([-0.5, 0.2]), np.array([-0.5, 0.2]))):
        diff = x - xp
        cuts = sorted((np.arctan2(diff[1], diff[0]) + sgn * np.pi / 2) % (2 * np.pi) for sgn in (1, -1))
        total, _ = integrate.quad(inner, 0.0, 2 * np.pi, args=(x, xp), points=cuts if diff.any() else None,
                                  epsabs=1e-12, epsrel=1e-10, limit=200)
        ridge = nsp.ridge_kernel_2d(x[None], xp[None], f, s_b / s_w, 12)[0, 0]
        assert ridge == pytest.approx(total, rel=1e-9)
        assert ridge == pytest.approx(nsp.arc_cosine_kernel(x, xp, s_w, s_b)[0, 0], rel=1e-12)


def test_a_record_of_the_limit_claim_agrees_and_sees_the_one_input_density():
    from theorems.splines.planted_multid import LIMIT_BATCH

    batch = LIMIT_BATCH[:2]
    for cf, m in zip(batch, multid.measure_limit_2d(batch, [None] * len(batch))):
        tol = claims_multid.limit_tolerance(None, m, cf)
        assert claims_multid._limit_error(multid.predict_limit_2d(multid.ZETA_MULTID, cf), m, cf) <= tol < 1e-6
        wrong = multid.predict_limit_2d(multid.ZETA_MULTID.subs(d, 1), cf)
        assert claims_multid._limit_error(wrong, m, cf) > 1e3 * tol


def test_sphere_kernel_3d_is_the_output_kernel_of_units_on_the_sphere():
    """numerics.splines.sphere_kernel_3d = (1/n) sum_i relu(<V_i, x> + B_i) relu(<V_i, x'> + B_i) over n = 2^20
    draws V uniform on S^2, B ~ U(-a, a), within 5 Monte Carlo standard errors (points with |x| <= a)."""
    rng = np.random.default_rng(3)
    for a in (1.5, 3.0):
        x = rng.uniform(-0.8, 0.8, (4, 3))
        V = rng.standard_normal((2**20, 3))
        V /= np.linalg.norm(V, axis=1, keepdims=True)
        B = rng.uniform(-a, a, 2**20)
        F = np.maximum(V @ x.T + B[:, None], 0.0)
        terms = F[:, :, None] * F[:, None, :]
        se = terms.std(axis=0) / np.sqrt(B.size)
        assert np.all(np.abs(nsp.sphere_kernel_3d(x, x, a) - terms.mean(axis=0)) < 5 * se + 1e-12)


def test_a_record_of_the_3d_claim_agrees_and_sees_a_wrong_basis():
    from theorems.splines.planted_multid import POLY3D_BATCH
    from theorems.splines.theory import POLYHARMONIC_BASIS, r

    for cf, m in zip(POLY3D_BATCH, multid.measure_kernel_limit_3d(POLY3D_BATCH, [None] * len(POLY3D_BATCH))):
        tol = claims_multid.polyharmonic_3d_tolerance(None, m, cf)
        assert np.max(np.abs(multid.predict_polyharmonic_3d(POLYHARMONIC_BASIS, cf) - m.value)) <= tol < 1e-8
        assert np.max(np.abs(multid.predict_polyharmonic_3d(r**5, cf) - m.value)) > 1e3 * tol
