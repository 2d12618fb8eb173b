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


def _arc_cosine_kernel(x, xp, s_w, s_b):
    """E[relu(<W, x> + B) relu(<W, x'> + B)] for W ~ N(0, s_w^2 I_d), B ~ N(0, s_b^2): the pair is a centred Gaussian
    vector with standard deviations s, s' and correlation cos(t), and E[relu relu] = s s' (sin t + (pi - t) cos t)
    / (2 pi) (the arc-cosine kernel of degree 1)."""
    s, sp = np.sqrt(s_w**2 * x @ x + s_b**2), np.sqrt(s_w**2 * xp @ xp + s_b**2)
    t = np.arccos(np.clip((s_w**2 * x @ xp + s_b**2) / (s * sp), -1.0, 1.0))
    return s * sp * (np.sin(t) + (np.pi - t) * np.cos(t)) / (2 * np.pi)


@pytest.mark.parametrize("s_w, s_b", [(1.0, 0.5), (0.5, 1.0)])
def test_zeta_weighted_ridge_kernel_is_the_networks_output_kernel_in_two_inputs(s_w, s_b):
    """int_{S^1} int_R zeta(V, c) (<V, x> - c)_+ (<V, x'> - c)_+ dc dV, the kernel of the representer of Theorem 6's
    penalty with Theorem 19's zeta, equals the infinite-width network's output-layer kernel from the law of (W, B)
    (Prop. 18's change of variables, relu(<W, x> + B) = U relu(<V, x> - C)), by nested adaptive quadrature."""
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
        assert total == pytest.approx(_arc_cosine_kernel(x, xp, s_w, s_b), rel=1e-8)
