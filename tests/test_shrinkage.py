"""The shrinkage family: each claim holds, and a planted wrong version of it is caught."""

import dataclasses

import numpy as np
import pytest
import sympy

import theorems
from theorems import shrinkage
from theorems._strategies import batches

alpha, q, s = shrinkage.alpha, shrinkage.q, shrinkage.s


def _config(**overrides):
    config = {"n": 16, "bias": "grid", "bias_seed": 0, "activation": "relu", "width": 0.1,
              "q": 50, "frequency": 2, "noise": 0.1, "target_seed": 1}
    config.update(overrides)
    config.setdefault("alpha", 0.5 * shrinkage.stability_limit(config))
    return config


def test_filter_closed_form_matches_gd_at_round_off():
    config = _config()
    (rec,) = theorems.evaluate_batch(shrinkage.filter_exact, [config], seed=0)
    assert rec["status"] == "pass", rec
    assert rec["error"] < 1e-12


def test_filter_assumption_rejects_learning_rate_past_stability_limit():
    config = _config(alpha=1.01 * shrinkage.stability_limit(_config()))
    reason = shrinkage.filter_exact.assumptions(config)
    assert reason is not None and "2/s_max^2" in reason
    (rec,) = theorems.evaluate_batch(shrinkage.filter_exact, [config], seed=0)
    assert rec["status"] == "out_of_scope"


@pytest.mark.slow
def test_filter_holds_on_dev_profile(dev):
    result = theorems.run_claim(shrinkage.filter_exact, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert result["examples"]["pass"] >= 20


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [
    1 - (1 - alpha * s) ** q,            # the singular value instead of its square
    1 - (1 - alpha * s**2) ** (q + 1),   # one step too many
    1 - sympy.exp(-alpha * s**2 * q),    # gradient flow's filter in place of GD's
])
def test_filter_wrong_closed_form_is_falsified_with_shrunk_counterexample(dev, wrong):
    result = theorems.run_claim(shrinkage.filter_exact.with_closed_form(wrong), dev, seed=0)
    assert result["verdict"] == theorems.FALSIFIED
    counterexample = result["counterexample"]
    assert len(counterexample) == 1, "Hypothesis shrinks the batch to one configuration"
    worst = result["worst"]
    assert worst["error"] > worst["tolerance"]
    assert np.all(np.isfinite(worst["predicted"]))


# --- helpers for the claims after the filter -----------------------------------------------------------

def _assert_falsified_with_shrunk_counterexample(result):
    assert result["verdict"] == theorems.FALSIFIED, result["verdict"]
    assert len(result["counterexample"]) == 1, "Hypothesis shrinks the batch to one configuration"
    worst = result["worst"]
    assert worst["status"] == "fail"
    assert worst["error"] > worst["tolerance"]
    return worst


def _in_scope(result):
    return result["examples"]["pass"] + result["examples"]["fail"]


def _bandwidth_config(activation, n=64, fraction=0.3, width=0.005, bias="grid"):
    config = {"n": n, "bias": bias, "bias_seed": 3, "activation": activation, "width": width,
              "alpha_fraction": fraction}
    config["alpha"] = fraction / (2.0 / shrinkage.stability_limit(config))
    return config


# --- claim 2: bandwidth ---------------------------------------------------------------------------------

def test_bandwidth_exponent_of_the_closed_forms():
    assert shrinkage.bandwidth_exponent(shrinkage.BANDWIDTH_DECAY_LAW, 2.0) == pytest.approx(0.25)
    assert shrinkage.bandwidth_exponent(shrinkage.BANDWIDTH_DECAY_LAW, 1.0) == pytest.approx(0.5)
    assert shrinkage.bandwidth_exponent(shrinkage.BANDWIDTH_PAPER_LAW, 2.0) == pytest.approx(0.5)


@pytest.mark.parametrize("activation, p_expected", [("step", 1.0), ("relu", 2.0)])
def test_decay_law_matches_gd_crossings(activation, p_expected):
    (rec,) = theorems.evaluate_batch(shrinkage.bandwidth_decay_law, [_bandwidth_config(activation)], seed=0)
    assert rec["status"] == "pass", rec
    p_fit = rec["fitted"]["decay_exponent_p"]["value"]
    assert p_fit == pytest.approx(p_expected, abs=0.02)
    assert rec["measured"] == pytest.approx(1 / (2 * p_expected), abs=0.01)


def test_paper_sqrt_q_law_holds_for_step_and_fails_for_relu():
    (step,) = theorems.evaluate_batch(shrinkage.bandwidth_sqrt_q, [_bandwidth_config("step")], seed=0)
    assert step["status"] == "pass", step
    (relu,) = theorems.evaluate_batch(shrinkage.bandwidth_sqrt_q, [_bandwidth_config("relu")], seed=0)
    assert relu["status"] == "fail"
    lo, hi = relu["interval"]
    assert hi < 0.3 and relu["measured"] == pytest.approx(0.25, abs=0.01)


def test_bandwidth_assumption_rejects_alpha_past_one_over_s_max_squared():
    config = _bandwidth_config("step", fraction=1.05)
    assert "alpha s_max^2" in shrinkage.bandwidth_decay_law.assumptions(config)


@pytest.mark.slow
def test_bandwidth_decay_law_holds_on_dev_profile(dev):
    result = theorems.run_claim(shrinkage.bandwidth_decay_law, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert _in_scope(result) >= 20
    activations = {r["config"]["activation"] for r in result["records"] if r["status"] == "pass"}
    assert {"step", "relu"} & activations


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [
    (shrinkage.alpha * shrinkage.q) ** (1 / shrinkage.p),        # 1/p instead of 1/(2p)
    (shrinkage.alpha * shrinkage.q) ** (1 / (2 * shrinkage.p**2)),
    sympy.sqrt(shrinkage.q),                                      # the exponent without the decay
])
def test_bandwidth_decay_law_wrong_exponent_is_falsified(dev, wrong):
    result = theorems.run_claim(shrinkage.bandwidth_decay_law.with_closed_form(wrong), dev, seed=0)
    _assert_falsified_with_shrunk_counterexample(result)


@pytest.mark.slow
def test_paper_sqrt_q_law_is_falsified_on_dev_profile_by_a_faster_decay(dev):
    """The finding: the paper's rho ~ sqrt(q) fails where the spectrum decays faster than 1/k (ReLU: p = 2)."""
    result = theorems.run_claim(shrinkage.bandwidth_sqrt_q, dev, seed=0)
    worst = _assert_falsified_with_shrunk_counterexample(result)
    assert worst["config"]["activation"] != "step"
    assert worst["measured"] < 0.5


def _step_only(claim):
    return dataclasses.replace(claim, configurations=lambda profile: batches(
        shrinkage.bandwidth_settings(profile),
        lambda setting: shrinkage.bandwidth_members(setting).filter(lambda c: c["activation"] == "step"),
        max_size=3))


@pytest.mark.slow
def test_paper_sqrt_q_law_holds_for_the_step_and_a_wrong_exponent_does_not(dev):
    step_claim = _step_only(shrinkage.bandwidth_sqrt_q)
    assert theorems.run_claim(step_claim, dev, seed=0)["verdict"] == theorems.HOLDS
    wrong = theorems.run_claim(step_claim.with_closed_form(shrinkage.q ** sympy.Rational(1, 3)), dev, seed=0)
    _assert_falsified_with_shrunk_counterexample(wrong)


# --- claim 3: threshold ---------------------------------------------------------------------------------

def test_threshold_bounds_hold_for_one_configuration():
    config = _config(eps=0.01, q=200)
    (rec,) = theorems.evaluate_batch(shrinkage.threshold_kappa, [config], seed=0)
    assert rec["status"] == "pass", rec
    kappa = rec["predicted"]["kappa"]
    s_i = np.asarray(rec["series"]["s"])
    assert (s_i >= kappa).any() and (s_i < kappa).any(), "the threshold falls inside the spectrum"


@pytest.mark.slow
def test_threshold_holds_on_dev_profile(dev):
    result = theorems.run_claim(shrinkage.threshold_kappa, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert _in_scope(result) >= 20


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [
    sympy.sqrt(-sympy.log(shrinkage.eps) / (2 * shrinkage.alpha * shrinkage.q)),   # threshold too low
    sympy.sqrt(-2 * sympy.log(shrinkage.eps) / (shrinkage.alpha * shrinkage.q)),   # threshold too high
    sympy.sqrt(-sympy.log(shrinkage.eps) / shrinkage.alpha) / shrinkage.q,         # wrong power of q
])
def test_threshold_wrong_kappa_is_falsified(dev, wrong):
    result = theorems.run_claim(shrinkage.threshold_kappa.with_closed_form(wrong), dev, seed=0)
    _assert_falsified_with_shrunk_counterexample(result)


# --- claim 4: basis -------------------------------------------------------------------------------------

COSINE_BASIS = 2 / sympy.sqrt(2 * shrinkage.n_ + 1) * sympy.cos(
    (2 * shrinkage.k_ - 1) * shrinkage.i_ * sympy.pi / (2 * shrinkage.n_ + 1))


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_step_closed_form_is_the_exact_svd_in_high_precision(n):
    """L L^T u_k = s_k^2 u_k and u_k orthonormal, to 40 digits: the derivation, checked in SymPy."""
    L = sympy.Matrix(n, n, lambda r, c: 1 if r >= c else 0)
    sigma, vector = shrinkage.STEP_SVD
    U = sympy.Matrix(n, n, lambda r, c: vector.subs({shrinkage.n_: n, shrinkage.k_: c + 1, shrinkage.i_: r + 1}))
    S2 = sympy.diag(*[(sigma.subs({shrinkage.n_: n, shrinkage.k_: k + 1})) ** 2 for k in range(n)])
    residual = (L * L.T * U - U * S2).evalf(50)
    orthogonality = (U.T * U - sympy.eye(n)).evalf(50)
    assert max(abs(x) for x in residual) < 1e-40
    assert max(abs(x) for x in orthogonality) < 1e-40


def test_step_svd_matches_closed_form_for_every_bias_placement():
    configs = [{"n": 32, "bias": b, "bias_seed": 7, "activation": "step", "width": 0.1}
               for b in ("grid", "shifted", "jittered")]
    for rec in theorems.evaluate_batch(shrinkage.basis_step_exact, configs, seed=0):
        assert rec["status"] == "pass", rec
        assert rec["error"] < 1e-13


@pytest.mark.slow
def test_basis_step_exact_holds_on_dev_profile(dev):
    result = theorems.run_claim(shrinkage.basis_step_exact, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert _in_scope(result) >= 20


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [
    sympy.Tuple(shrinkage.STEP_SINGULAR_VALUE, COSINE_BASIS),                       # cosine basis
    sympy.Tuple(1 / (2 * sympy.sin(shrinkage.k_ * sympy.pi / (2 * shrinkage.n_ + 1))),
                shrinkage.DST_VECTOR),                                              # wrong frequencies
])
def test_basis_step_exact_wrong_closed_form_is_falsified(dev, wrong):
    result = theorems.run_claim(shrinkage.basis_step_exact.with_closed_form(wrong), dev, seed=0)
    _assert_falsified_with_shrunk_counterexample(result)


def test_monotonic_components_follow_dst_frequencies_and_relu_overlap_is_partial():
    configs = [_config(activation="relu", n=32, q=400, alpha=0.9 * shrinkage.stability_limit(_config(n=32)))]
    (rec,) = theorems.evaluate_batch(shrinkage.basis_monotonic_dst, configs, seed=0)
    assert rec["status"] == "pass", rec
    overlap = np.asarray(rec["series"]["overlap"])
    assert overlap[0] > 0.9 and overlap.min() < 0.95, "ReLU's components are DST-like, not DST"


@pytest.mark.slow
def test_basis_monotonic_dst_holds_on_dev_profile(dev):
    result = theorems.run_claim(shrinkage.basis_monotonic_dst, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert _in_scope(result) >= 20


@pytest.mark.slow
def test_basis_monotonic_cosine_basis_is_falsified(dev):
    result = theorems.run_claim(shrinkage.basis_monotonic_dst.with_closed_form(COSINE_BASIS), dev, seed=0)
    _assert_falsified_with_shrunk_counterexample(result)


# --- claim 5: sinc ---------------------------------------------------------------------------------------

def _sinc_config(**overrides):
    config = {"n": 48, "bias": "grid", "bias_seed": 0, "activation": "sinc", "width": 0.1,
              "alpha_fraction": 0.8, "q": 4}
    config.update(overrides)
    config["alpha"] = config["alpha_fraction"] / (2.0 / shrinkage.stability_limit(config))
    return config


def test_sinc_bandwidth_is_one_over_width_for_any_number_of_steps():
    configs = [_sinc_config(q=q) for q in (2, 4, 8)]
    recs = theorems.evaluate_batch(shrinkage.sinc_cliff, configs, seed=0)
    assert all(r["status"] == "pass" for r in recs), recs
    assert {r["measured"] for r in recs} <= {9.0, 10.0, 11.0}
    assert all(abs(r["fitted"]["s_max_over_nw"]["value"] - 1) < 1e-6 for r in recs), "flat level n w"


def test_sinc_assumptions_reject_jittered_biases_and_aliasing():
    assert "Toeplitz" in shrinkage.sinc_cliff.assumptions(_sinc_config(bias="jittered"))
    assert "aliases" in shrinkage.sinc_cliff.assumptions(_sinc_config(n=16, width=0.05))


@pytest.mark.slow
def test_sinc_cliff_holds_on_dev_profile(dev):
    result = theorems.run_claim(shrinkage.sinc_cliff, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert _in_scope(result) >= 20


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [2 / shrinkage.w, 1 / (2 * shrinkage.w)])
def test_sinc_cliff_wrong_bandwidth_is_falsified(dev, wrong):
    result = theorems.run_claim(shrinkage.sinc_cliff.with_closed_form(wrong), dev, seed=0)
    _assert_falsified_with_shrunk_counterexample(result)
