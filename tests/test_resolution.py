"""The deviation a run resolves for a claim judged configuration by configuration (theorems/_resolution.py): the
thresholds against their closed forms, every such statistical claim stating one, and a run whose prediction is
moved past its threshold reported falsified while one moved short of it holds."""

import dataclasses
import math

import numpy as np
import pytest

from theorems import _budget, _calibrate, _resolution
from theorems._agreement import inside_interval
from theorems._claim import Measurement, PROFILES
from theorems._registry import all_claims, get
from theorems._runner import run_claim
from reports import _summary


def test_an_interval_claims_thresholds_are_the_distances_to_its_ends():
    # inside_interval holds exactly when the prediction lies in [lo, hi]: moved by delta it leaves the interval at
    # delta = hi - p above and p - lo below.
    agreement = inside_interval("test")
    m = Measurement(value=-0.47, interval=(-0.61, -0.33))
    t = _resolution.EXPONENT.thresholds(agreement, -0.5, m, {})
    assert t["above"] == pytest.approx(0.17, rel=2 * _resolution.PRECISION)
    assert t["below"] == pytest.approx(0.11, rel=2 * _resolution.PRECISION)
    assert t["above"] >= 0.17 and t["below"] >= 0.11       # bracketed from the detecting side
    # a configuration that already disagrees has threshold 0; one whose interval is wider than `most`, none
    assert _resolution.EXPONENT.thresholds(agreement, -0.7, m, {}) == {"below": 0.0, "above": 0.0}
    wide = Measurement(value=-0.5, interval=(-3.0, 2.0))
    assert _resolution.EXPONENT.thresholds(agreement, -0.5, wide, {}) == {"below": None, "above": None}


def test_a_faster_filter_is_the_filter_of_the_scaled_rate():
    eta_mu, t = 0.3, np.arange(0, 40)
    p = (1 - eta_mu) ** t
    for delta in (-0.2, 0.05, 0.5):
        assert np.allclose(_resolution.faster(p, {}, delta), np.exp(-(1 + delta) * -math.log(1 - eta_mu) * t))
    flow = np.exp(-0.7 * t)
    assert np.allclose(_resolution.faster(flow, {}, 0.1), np.exp(-0.77 * t))
    # a filter past the stability of one step (eta mu in (1, 2)) alternates: the sign is kept
    alt = (1 - 1.5) ** t
    assert np.array_equal(np.sign(_resolution.faster(alt, {}, 0.1)), np.sign(alt))


def test_every_statistical_claim_states_a_resolution():
    # A claim judged by a random measurement or a fitted exponent either pools its configurations (a resolution
    # from its standard errors) or moves its prediction (a resolution from its thresholds).
    fitted = {"ntk.decay_law", "shrinkage.bandwidth_decay_law"}
    for claim_id in set(_budget.STATISTICAL_CLAIMS) | fitted:
        claim = get(claim_id)
        assert (claim.pooling is not None) != (claim.shift is not None), claim_id
        assert claim.replicate is None or claim.shift is None, claim_id   # a replicate's record is not re-judged
    for claim in all_claims():
        if claim.shift is not None:
            assert claim.id in set(_budget.STATISTICAL_CLAIMS) | fitted


@pytest.fixture(scope="module")
def bandwidth_run():
    return run_claim(get("shrinkage.bandwidth_decay_law"), PROFILES["ci"], seed=0)


def test_the_run_states_its_thresholds(bandwidth_run):
    s = bandwidth_run["shifted"]
    judged = [r for r in bandwidth_run["records"] if r["status"] == "pass"]
    assert s["k"] == len(judged) > 0 and s["unit"] == "in the exponent"
    for side in _resolution.SIDES:
        assert s[side] == min(r["thresholds"][side] for r in judged)
        assert 0 < s[side] < 0.1
    assert "detects shifts ≥" in _summary.pooled_cell(bandwidth_run)
    assert any("Resolution of this run" in line for line in _summary.pooled_text(bandwidth_run))


@pytest.mark.parametrize("side", _resolution.SIDES)
def test_a_prediction_moved_past_the_threshold_is_falsified_and_short_of_it_holds(bandwidth_run, side):
    # The same seed draws the same configurations and measurements, so the run with the prediction moved by 1.5
    # times its threshold must report a disagreement, and the run with it moved by half must not.
    claim = get("shrinkage.bandwidth_decay_law")
    sign = -1.0 if side == "below" else 1.0
    threshold = bandwidth_run["shifted"][side]
    verdicts = {}
    for factor in (0.5, 1.5):
        delta = sign * factor * threshold
        moved = dataclasses.replace(claim, predict=lambda cf, c, d=delta, f=claim.predict: f(cf, c) + d)
        verdicts[factor] = run_claim(moved, PROFILES["ci"], seed=0, examples=12)["verdict"]
    assert verdicts == {0.5: "holds", 1.5: "falsified"}


def test_the_calibrated_curve_and_resolution_from_thresholds():
    thresholds = [0.01 * (i + 1) for i in range(20)]          # seed i's run detects shifts of 0.01 (i + 1) and more
    runs = [{"seed": i, "verdict": "holds", "judged": {"thresholds": {"unit": "u", "most": 1.0, "k": 5,
                                                                          "below": t, "above": None}}}
            for i, t in enumerate(thresholds)]
    rows = {r["delta"]: float(r["detection_rate"]) for r in _calibrate.resolution_rows("c", "ci", "x", runs, 0)}
    assert rows["-0.05"] == 0.25 and rows["-0.20"] == 1.0 and rows["0.00"] == 0.0
    assert rows["0.30"] == 0.0 and rows["-1e-03"] == 0.0                   # nothing above; the fine shifts
    res = _calibrate.resolution_at(runs)
    assert res["below"] == pytest.approx(0.19) and res["above"] is None   # the 19th of 20 is the 95th percentile


def test_describe_says_how_a_claim_states_its_resolution():
    """The resolution's paragraph of ``describe``: in the text of one claim (its example, Hypothesis's shrunk
    draw, takes seconds a claim), and for a claim of each kind."""
    from theorems._describe import describe, resolution_texts

    (text,) = resolution_texts(get("ntk.gram_spectrum"))
    assert "judged again with the prediction moved (in the exponent)" in text
    assert text in " ".join(describe(get("ntk.gram_spectrum")).split())
    assert "pooled into one random-effects estimate" in " ".join(resolution_texts(get("splines.spline_rate")))
    assert resolution_texts(get("shrinkage.filter_exact")) == []
