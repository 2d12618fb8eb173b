"""The shrinkage family: each claim holds, and a planted wrong version of it is caught."""

import numpy as np
import pytest
import sympy

import theorems
from theorems import shrinkage

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
