"""The shrinkage family's mathematics: closed forms, experiments and assumptions on chosen configurations.

Every claim's run on the ci profile and every planted wrong version (theorems/shrinkage/planted.py) are run by
tests/test_claims.py; here are the family's own checks.
"""

import dataclasses

import numpy as np
import pytest
import sympy

import theorems
from theorems.shrinkage import claims, configurations, theory
from theorems.shrinkage import planted as shrinkage_planted
from theorems.shrinkage.network import stability_limit


@pytest.fixture(scope="module")
def dev():
    """The dev profile with shrinking cut at 20 s."""
    return dataclasses.replace(theorems.PROFILES["dev"], shrink_seconds=20.0)


def _config(**overrides):
    config = {"n": 16, "bias": "grid", "bias_seed": 0, "activation": "relu", "width": 0.1,
              "q": 50, "frequency": 2, "noise": 0.1, "target_seed": 1}
    config.update(overrides)
    config.setdefault("alpha", 0.5 * stability_limit(config))
    return config


# --- claim 1: filter ------------------------------------------------------------------------------------

def test_filter_closed_form_matches_gd_at_round_off():
    config = _config()
    (rec,) = theorems.evaluate_batch(claims.filter_exact, [config], seed=0)
    assert rec["status"] == "pass", rec
    assert rec["error"] < 1e-12


def test_filter_assumption_rejects_learning_rate_past_stability_limit():
    config = _config(alpha=1.01 * stability_limit(_config()))
    reason = claims.filter_exact.assumptions(config)
    assert reason is not None and "2/s_max^2" in reason
    (rec,) = theorems.evaluate_batch(claims.filter_exact, [config], seed=0)
    assert rec["status"] == "out_of_scope"


# --- claim 2: bandwidth ---------------------------------------------------------------------------------

def _bandwidth_config(activation, n=64, fraction=0.3, width=0.005, bias="grid"):
    config = {"n": n, "bias": bias, "bias_seed": 3, "activation": activation, "width": width,
              "alpha_fraction": fraction}
    config["alpha"] = fraction / (2.0 / stability_limit(config))
    return config


def test_bandwidth_exponent_of_the_closed_forms():
    assert theory.bandwidth_exponent(theory.BANDWIDTH_DECAY_LAW, 2.0) == pytest.approx(0.25)
    assert theory.bandwidth_exponent(theory.BANDWIDTH_DECAY_LAW, 1.0) == pytest.approx(0.5)
    assert theory.bandwidth_exponent(theory.BANDWIDTH_PAPER_LAW, 2.0) == pytest.approx(0.5)


@pytest.mark.parametrize("activation, p_expected", [("step", 1.0), ("relu", 2.0)])
def test_decay_law_matches_gd_crossings(activation, p_expected):
    (rec,) = theorems.evaluate_batch(claims.bandwidth_decay_law, [_bandwidth_config(activation)], seed=0)
    assert rec["status"] == "pass", rec
    p_fit = rec["fitted"]["decay_exponent_p"]["value"]
    assert p_fit == pytest.approx(p_expected, abs=0.02)
    assert rec["measured"] == pytest.approx(1 / (2 * p_expected), abs=0.01)


def test_paper_sqrt_q_law_holds_for_step_and_fails_for_relu():
    (step,) = theorems.evaluate_batch(claims.bandwidth_sqrt_q, [_bandwidth_config("step")], seed=0)
    assert step["status"] == "pass", step
    (relu,) = theorems.evaluate_batch(claims.bandwidth_sqrt_q, [_bandwidth_config("relu")], seed=0)
    assert relu["status"] == "fail"
    lo, hi = relu["interval"]
    assert hi < 0.3 and relu["measured"] == pytest.approx(0.25, abs=0.01)


def test_bandwidth_assumption_rejects_alpha_past_one_over_s_max_squared():
    config = _bandwidth_config("step", fraction=1.05)
    assert "alpha s_max^2" in claims.bandwidth_decay_law.assumptions(config)


def test_paper_sqrt_q_law_is_falsified_on_dev_profile_by_a_faster_decay(dev):
    """The finding: the paper's rho ~ sqrt(q) fails where the spectrum decays faster than 1/k (ReLU: p = 2)."""
    result = theorems.run_claim(claims.bandwidth_sqrt_q, dev, seed=0)
    assert result["verdict"] == theorems.FALSIFIED
    assert len(result["counterexample"]) == 1, "Hypothesis shrinks the batch to one configuration"
    worst = result["worst"]
    assert worst["status"] == "fail" and worst["error"] > worst["tolerance"]
    assert worst["config"]["activation"] != "step"
    assert worst["measured"] < 0.5


def test_paper_sqrt_q_law_holds_for_the_step(dev):
    """On the step activation alone (p = 1) the paper's law is the decay law, and holds."""
    step_claim = dataclasses.replace(claims.bandwidth_sqrt_q,
                                     configurations=configurations.step_bandwidth_batches)
    assert theorems.run_claim(step_claim, dev, seed=0)["verdict"] == theorems.HOLDS


# --- claim 3: threshold ---------------------------------------------------------------------------------

def test_threshold_bounds_hold_for_one_configuration():
    config = _config(eps=0.01, q=200)
    (rec,) = theorems.evaluate_batch(claims.threshold_kappa, [config], seed=0)
    assert rec["status"] == "pass", rec
    kappa = rec["predicted"]["kappa"]
    s_i = np.asarray(rec["series"]["s"])
    assert (s_i >= kappa).any() and (s_i < kappa).any(), "the threshold falls inside the spectrum"


# --- claim 4: basis -------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_step_closed_form_is_the_exact_svd_in_high_precision(n):
    """L L^T u_k = s_k^2 u_k and u_k orthonormal, to 40 digits: the derivation, checked in SymPy."""
    L = sympy.Matrix(n, n, lambda r, c: 1 if r >= c else 0)
    sigma, vector = theory.STEP_SVD
    U = sympy.Matrix(n, n, lambda r, c: vector.subs({theory.n_: n, theory.k_: c + 1, theory.i_: r + 1}))
    S2 = sympy.diag(*[(sigma.subs({theory.n_: n, theory.k_: k + 1})) ** 2 for k in range(n)])
    residual = (L * L.T * U - U * S2).evalf(50)
    orthogonality = (U.T * U - sympy.eye(n)).evalf(50)
    assert max(abs(x) for x in residual) < 1e-40
    assert max(abs(x) for x in orthogonality) < 1e-40


def test_step_svd_matches_closed_form_for_every_bias_placement():
    configs = [{"n": 32, "bias": b, "bias_seed": 7, "activation": "step", "width": 0.1}
               for b in ("grid", "shifted", "jittered")]
    for rec in theorems.evaluate_batch(claims.basis_step_exact, configs, seed=0):
        assert rec["status"] == "pass", rec
        assert rec["error"] < 1e-13


def test_monotonic_components_follow_dst_frequencies_and_relu_overlap_is_partial():
    configs = [_config(activation="relu", n=32, q=400, alpha=0.9 * stability_limit(_config(n=32)))]
    (rec,) = theorems.evaluate_batch(claims.basis_monotonic_dst, configs, seed=0)
    assert rec["status"] == "pass", rec
    overlap = np.asarray(rec["series"]["overlap"])
    assert overlap[0] > 0.9 and overlap.min() < 0.95, "ReLU's components are DST-like, not DST"


# --- claim 5: sinc ---------------------------------------------------------------------------------------

def _sinc_config(**overrides):
    config = {"n": 48, "bias": "grid", "bias_seed": 0, "activation": "sinc", "width": 0.1,
              "alpha_fraction": 0.8, "q": 4}
    config.update(overrides)
    config["alpha"] = config["alpha_fraction"] / (2.0 / stability_limit(config))
    return config


def test_sinc_bandwidth_is_one_over_width_for_any_number_of_steps():
    configs = [_sinc_config(q=q) for q in (2, 4, 8)]
    recs = theorems.evaluate_batch(claims.sinc_cliff, configs, seed=0)
    assert all(r["status"] == "pass" for r in recs), recs
    assert {r["measured"] for r in recs} <= {9.0, 10.0, 11.0}
    assert all(abs(r["fitted"]["s_max_over_nw"]["value"] - 1) < 1e-6 for r in recs), "flat level n w"


def test_sinc_assumptions_reject_jittered_biases_and_aliasing():
    assert "Toeplitz" in claims.sinc_cliff.assumptions(_sinc_config(bias="jittered"))
    assert "aliases" in claims.sinc_cliff.assumptions(_sinc_config(n=16, width=0.05))


def test_sinc_band_is_the_configuration_s_and_matches_the_jacobian_s_traces():
    """The tolerance is the side of the band 1/w - E - P/(1 - tau) <= rho <= 1/w - E + P/tau that rho lies on,
    with E and P computed from the sinc's definition on the grid; they equal the traces of the experiment's
    Jacobian (an independent route to the same numbers) at round-off."""
    config = _sinc_config(q=4)
    (rec,) = theorems.evaluate_batch(claims.sinc_cliff, [config], seed=0)
    E, P = theory.sinc_edge_and_plunge(config)
    assert E == pytest.approx(rec["series"]["E"], abs=1e-12) and P == pytest.approx(rec["series"]["P"], abs=1e-12)
    tau = theory.sinc_tau(config)
    below, above = theory.sinc_count_band(config)
    assert below == pytest.approx(E + P / (1 - tau), rel=1e-15) and above == pytest.approx(P / tau - E, rel=1e-15)
    expected = max(above, 0.0) if rec["measured"] >= 10 else below
    assert rec["tolerance"] == pytest.approx(expected, rel=1e-15)



# --- the exact threshold, the sign-alternating regime, the Gaussian ---------------------------------------

def test_log_threshold_is_the_large_q_form_of_the_exact_one():
    """kappa_exact / kappa -> 1 as q grows, kappa_exact < kappa for every q, and alpha kappa_exact^2 =
    -log(eps)/q - log(eps)^2/(2 q^2) + O(q^-3) (SymPy)."""
    ratio = theory.KAPPA_EXACT / theory.KAPPA
    assert sympy.limit(ratio, theory.q, sympy.oo) == 1
    series = sympy.expand(theory.kappa_expansion(2))
    expected = -sympy.log(theory.eps) / theory.q - sympy.log(theory.eps) ** 2 / (2 * theory.q**2)
    assert sympy.simplify(series - expected) == 0
    f = sympy.lambdify((theory.eps, theory.alpha, theory.q), ratio)
    assert all(f(e, 0.3, k) < 1 for e in (0.1, 0.01, 0.001) for k in (1, 2, 5, 50, 400))


def test_exact_threshold_splits_gd_residuals_on_both_sides():
    config = _config(eps=0.01, q=20)
    (rec,) = theorems.evaluate_batch(claims.threshold_exact, [config], seed=0)
    assert rec["status"] == "pass", rec
    kappa = rec["predicted"]["kappa"]
    s_i, r = np.asarray(rec["series"]["s"]), np.asarray(rec["series"]["residual"])
    kept, shrunk = s_i >= kappa, s_i < kappa
    assert kept.any() and shrunk.any()
    assert r[kept].max() <= 0.01 < r[shrunk].min()


@pytest.mark.parametrize("q, overshoots", [(3, True), (4, False)])
def test_fitted_coefficient_overshoots_the_target_on_odd_steps_past_alpha_s2_one(q, overshoots):
    config = {"n": 32, "bias": "grid", "bias_seed": 0, "activation": "relu", "width": 0.1,
              "alpha_fraction": 1.5, "q": q}
    config["alpha"] = 1.5 / (2.0 / stability_limit(config))
    (rec,) = theorems.evaluate_batch(claims.sign_alternation, [config], seed=0)
    assert rec["status"] == "pass", rec
    gain = np.asarray(rec["series"]["gain"])
    assert bool(gain[0] > 1.0) == overshoots
    assert np.all(gain[np.asarray(rec["series"]["alpha_s2"]) <= 1] <= 1.0 + 1e-12)


def test_sign_alternation_assumes_alpha_s_max_squared_past_one():
    config = {"n": 16, "bias": "grid", "bias_seed": 0, "activation": "step", "width": 0.1, "q": 3}
    config["alpha"] = 0.9 * stability_limit(config) / 2
    assert "no component in the alternating regime" in claims.sign_alternation.assumptions(config)


def test_cramer_bound_on_hermite_functions():
    """|He_r(z)| e^(-z^2/4) <= K sqrt(r!) with K = 1.0865, on a fine grid, r = 0..30 (SciPy's Hermite polynomials)."""
    from scipy.special import eval_hermitenorm, gammaln

    z = np.linspace(-30, 30, 20001)
    K = float(theory.CRAMER_K)
    for r in range(31):
        log_he = np.log(np.abs(eval_hermitenorm(r, z)) + 1e-300) - z**2 / 4
        assert log_he.max() <= np.log(K) + 0.5 * gammaln(r + 1) + 1e-12, r


@pytest.mark.parametrize("width", [0.125, 0.2, 0.25])
def test_gaussian_singular_values_lie_below_the_derived_bound(width):
    """s_(r+1) <= B(r) for the Gaussian Jacobian, every r where s_(r+1) is above the SVD's round-off floor."""
    from theorems.shrinkage.network import jacobian_svd

    n = 48
    S = jacobian_svd({"n": n, "bias": "jittered", "bias_seed": 5, "activation": "gaussian", "width": width})[1]
    B = sympy.lambdify((theory.n_, theory.w, theory.r_), theory.GAUSSIAN_SINGULAR_BOUND, "mpmath")
    resolved = S > 1e3 * n * S[0] * np.finfo(float).eps
    bounds = np.array([float(B(n, sympy.nsimplify(width), r)) for r in range(n)])
    assert np.all(S[resolved] <= bounds[resolved])
    assert resolved.sum() >= 8


def test_gaussian_bandwidth_bound_grows_slower_than_a_power():
    """R(alpha q) less than doubles when log(alpha q) doubles (R(10^20) / R(10^10) = 32/24, ... 117/72 at 10^160),
    where a power law (alpha q)^beta would multiply by 10^(k beta)."""
    config = {"n": 10_000, "width": 0.2, "alpha": 1.0}
    R = [theory.predict_gaussian_bandwidth_bound(theory.GAUSSIAN_SINGULAR_BOUND, {**config, "q_powered": 10**k})
         for k in (10, 20, 40, 80, 160)]
    ratios = np.array(R[1:]) / np.array(R[:-1])
    assert np.all(ratios > 1) and np.all(ratios < 2)


# --- the batched JAX kernels against NumPy -----------------------------------------------------------------

@pytest.mark.parametrize("n", [32, 64, 96])
def test_one_step_residual_spectra_match_numpy_for_every_batch_size(n):
    """mu_i of R_1 = I - alpha A A^T (numerics.shrinkage.one_step_residual_spectra, vmapped) against NumPy's
    eigenvalues of the same matrix, for batch sizes 1 to 5 (the claims' batches).  With XLA's CPU backend handing
    its fusions to the YNNPACK library (jaxlib 0.10.2's default), most of these came out NaN or garbage: the
    product with the zero matrix inside the step; numerics/__init__.py turns the library's fusions off."""
    import jax.numpy as jnp

    from numerics import shrinkage as nx

    A = nx.network_jacobian(n, "grid", "step", 0.002)
    want = np.linalg.eigvalsh(np.eye(n) - 1e-4 * A @ A.T)
    for batch in range(1, 6):
        mu = np.asarray(nx.one_step_residual_spectra(jnp.asarray(np.stack([A] * batch)),
                                                     jnp.asarray([1e-4] * batch)))
        assert np.all(np.isfinite(mu)), (n, batch)
        # eigenvalues of a symmetric matrix of norm about 1: backward-stable, n ulps of the norm
        np.testing.assert_allclose(np.sort(mu, axis=1), np.broadcast_to(want, mu.shape), rtol=0,
                                   atol=n * np.finfo(np.float64).eps, err_msg=f"n={n}, batch={batch}")


@pytest.mark.parametrize("claim, batch", [
    (claims.bandwidth_decay_law, shrinkage_planted.BANDWIDTH_BATCH),
    (claims.gaussian_bandwidth, ({"n": 32, "q_powered": 1, "activation": "gaussian", "bias": "grid", "bias_seed": 1,
                                  "width": 0.25, "alpha_fraction": 0.575, "alpha": 0.0020669875142369756},)),
])
def test_a_nan_spectrum_is_an_error_not_a_configuration_out_of_scope(monkeypatch, claim, batch):
    """A NaN in the residual map's spectrum (as XLA's YNNPACK fusions produced) makes the configuration's status an
    error: the range test on mu_k would otherwise call it out of scope, and the count of active components would
    drop the NaN ones."""
    from numerics import shrinkage as nx

    original = nx.one_step_residual_spectra
    calls = []

    def with_a_nan(A, a):
        calls.append(1)
        return np.asarray(original(A, a)).copy() * np.where(np.arange(A.shape[1]) == 3, np.nan, 1.0)

    records = theorems.evaluate_batch(claim, batch, seed=0)
    assert [r["status"] for r in records] == ["pass"]
    monkeypatch.setattr(nx, "one_step_residual_spectra", with_a_nan)
    records = theorems.evaluate_batch(claim, batch, seed=0)
    assert calls and [r["status"] for r in records] == ["error"]
    assert "NaN or inf" in records[0]["reason"]
