"""Claim-level estimates (theorems/_pooling.py): the random-effects pooling against a hand computation and an
independent implementation, the resolution against simulation, and a bias the per-configuration intervals miss
that the pooled interval catches."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

from theorems import _budget, _pooling

LEVEL = _budget.pooled_level("splines.spline_rate")


def _independent_pm_hksj(y, s):
    """Paule-Mandel tau^2 by root finding on the generalised Q, then the HKSJ variance with q at least 1, written
    from the formulas (not from statsmodels)."""
    y, v = np.asarray(y, float), np.asarray(s, float) ** 2
    k = y.size

    def q_minus(t2):
        w = 1 / (v + t2)
        m = np.sum(w * y) / np.sum(w)
        return np.sum(w * (y - m) ** 2) - (k - 1)

    tau2 = 0.0 if q_minus(0.0) <= 0 else optimize.brentq(q_minus, 0.0, 100.0 * np.var(y) + 1.0, xtol=1e-14)
    w = 1 / (v + tau2)
    m = np.sum(w * y) / np.sum(w)
    q = max(np.sum(w * (y - m) ** 2) / (k - 1), 1.0)
    return m, math.sqrt(q / np.sum(w)), tau2


def test_equal_standard_errors_by_hand():
    # With equal s_i = s the Paule-Mandel tau^2 is max(0, S^2 - s^2), S^2 the sample variance (k - 1 in the
    # denominator): sum (y_i - ybar)^2 / (s^2 + tau^2) = k - 1 there. The estimate is the plain mean and its HKSJ
    # standard error sqrt((s^2 + tau^2) / k); Q = sum (y_i - ybar)^2 / s^2, I^2 = (Q - (k - 1)) / Q.
    y = [-0.60, -0.40, -0.55, -0.45, -0.70, -0.35]
    s = 0.05
    S2 = np.var(y, ddof=1)          # 0.0177
    out = _pooling.random_effects(y, [s] * len(y))
    assert out["estimate"] == pytest.approx(np.mean(y), abs=1e-12)
    assert out["tau2"] == pytest.approx(S2 - s**2, rel=1e-3)      # statsmodels stops |Q - (k-1)| < 1e-5
    assert out["se"] == pytest.approx(math.sqrt(S2 / len(y)), rel=1e-3)
    Q = np.sum((np.asarray(y) - np.mean(y)) ** 2) / s**2
    assert out["q"] == pytest.approx(Q)
    assert out["i2"] == pytest.approx((Q - 5) / Q)


def test_homogeneous_estimates_keep_the_fixed_effect_width():
    # Estimates that agree better than their standard errors say: tau^2 = 0, and the HKSJ scale taken at least 1
    # leaves the fixed-effect standard error 1 / sqrt(sum 1 / s_i^2) (the unmodified one would be narrower).
    y = [-0.5, -0.501, -0.499, -0.5005]
    s = [0.05, 0.04, 0.06, 0.05]
    out = _pooling.random_effects(y, s)
    assert out["tau2"] == 0.0 and out["i2"] == 0.0 and out["hksj_scale"] == 1.0
    assert out["se"] == pytest.approx(np.sum(1 / np.asarray(s) ** 2) ** -0.5)


@pytest.mark.parametrize("seed", range(5))
def test_against_an_independent_implementation(seed):
    rng = np.random.default_rng(seed)
    k = 24
    s = rng.uniform(0.03, 0.08, k)
    y = -0.5 + rng.normal(0, 0.05 * (seed % 3), k) + rng.normal(0, s)
    m, se, tau2 = _independent_pm_hksj(y, s)
    out = _pooling.random_effects(y, s)
    assert out["tau2"] == pytest.approx(tau2, rel=1e-3, abs=1e-8)
    assert out["estimate"] == pytest.approx(m, rel=1e-4)
    assert out["se"] == pytest.approx(se, rel=1e-3)


def _records(slopes, ses, dof=22, level=None, predicted=-0.5):
    """Records of judged configurations as the runner stores them, with intervals at ``level``."""
    level = level if level is not None else _budget.replicated_level("splines.spline_rate", "dev")
    t = stats.t.isf((1 - level) / 2, dof)
    out = []
    for i, (v, s) in enumerate(zip(slopes, ses)):
        lo, hi = v - t * s, v + t * s
        status = "pass" if lo <= predicted <= hi else "fail"
        out.append({"config": {"init": ("gaussian", "uniform")[i % 2], "size": float(i)}, "status": status,
                    "predicted": predicted, "measured": v,
                    "fitted": {"slope": {"value": v, "interval": [lo, hi], "se": s, "dof": dof}}})
    return out


def test_pooled_record_fields():
    rng = np.random.default_rng(0)
    slopes = -0.5 + rng.normal(0, 0.05, 24)
    recs = _records(slopes, [0.05] * 24)
    recs.append({"config": {}, "status": "out_of_scope", "predicted": None, "fitted": {}})
    recs.append(dict(recs[0]))     # a configuration drawn twice counts once
    p = _pooling.pool_records(_pooling.Pooling(moderators=("size", "init")), recs, LEVEL, replicated=True)
    assert p["k"] == 24 and p["dof"] == 23 and p["level"] == LEVEL and p["predicted"] == -0.5
    lo, hi = p["interval"]
    assert lo < p["estimate"] < hi and hi - lo == pytest.approx(2 * stats.t.isf((1 - LEVEL) / 2, 23) * p["se"])
    assert not p["falsified"]
    assert len(p["drivers"]) == _pooling.DRIVERS
    assert p["moderators"]["size"]["kind"] == "regression" and p["moderators"]["init"]["kind"] == "subgroups"
    # the resolution is where the detection probability reaches 95%, and it grows with it
    at = _pooling.claim_detection(p["resolution"], p)["claim"]
    assert at == pytest.approx(_pooling.POWER, abs=1e-4)
    curve = [c["claim"] for c in p["curve"]]
    assert curve == sorted(curve) and curve[0] < 1e-3 and curve[-1] > 0.999
    assert _pooling.pool_records(_pooling.Pooling(), recs[:2], LEVEL, replicated=True) is None


def test_a_bias_the_configurations_miss_is_caught_by_the_pool():
    # Every configuration's slope is 0.06 above -1/2 (a rate n^-0.44) with the standard errors the splines rate
    # claims measure on ci (about 0.05): each interval at the per-configuration level (half-width about 0.17)
    # contains -1/2, so the search holds, while 24 of them together put the mean 0.06 / (0.05 / sqrt 24) = 5.9
    # standard errors away.
    rng = np.random.default_rng(1)
    slopes = -0.44 + rng.normal(0, 0.05, 24)
    recs = _records(slopes, [0.05] * 24)
    assert all(r["status"] == "pass" for r in recs)
    p = _pooling.pool_records(_pooling.Pooling(), recs, LEVEL, replicated=True)
    assert p["falsified"] and p["interval"][0] > -0.5
    assert not _pooling.search_falsifies(p)
    # a one-sided bound sees it too (the slopes lie above -1/2), and with the prediction moved 0.1 further down
    # (a bound n^-0.6, judged again from the same numbers) the pooled interval lies above it
    q = _pooling.pool_records(_pooling.Pooling(sides="above"), recs, LEVEL, replicated=True)
    assert q["falsified"] and q["interval"][1] == math.inf
    assert _pooling.falsifies(q, shift=0.1) and not _pooling.falsifies(q, shift=-0.1)


def test_the_resolution_against_simulation():
    # Runs of 24 configurations whose true slopes are the prediction plus the stated resolution: the pooled test
    # detects it in at least 95% of them up to Monte Carlo error (400 runs: 3 standard errors of a 95% rate are
    # 0.033) and the approximation of the HKSJ standard error by its value in one run.
    rng = np.random.default_rng(2)
    s = rng.uniform(0.04, 0.06, 24)
    base = _pooling.pool_records(_pooling.Pooling(), _records(-0.5 + rng.normal(0, s), s), LEVEL, replicated=True)
    delta = base["resolution"]
    assert 0.03 < delta < 0.1
    caught = 0
    for _ in range(400):
        p = _pooling.pool_records(_pooling.Pooling(), _records(-0.5 + delta + rng.normal(0, s), s), LEVEL,
                                  replicated=True)
        caught += p["falsified"] or _pooling.search_falsifies(p)
    assert caught / 400 >= 0.95 - 3 * math.sqrt(0.95 * 0.05 / 400) - 0.03
    # and far fewer at half of it
    caught_half = sum(_pooling.pool_records(_pooling.Pooling(), _records(-0.5 + delta / 2 + rng.normal(0, s), s),
                                            LEVEL, replicated=True)["falsified"] for _ in range(200))
    assert caught_half / 200 < 0.5


def test_meta_regression_against_weighted_least_squares():
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    k, tau2 = 24, 0.0004
    x = rng.uniform(0.3, 10.0, k)                   # the size of the adjusted targets, say
    s = rng.uniform(0.03, 0.08, k)
    y = -0.008 * x + rng.normal(0, np.sqrt(s**2 + tau2))
    out = _pooling.meta_regression(y, s, tau2, x)
    fit = sm.WLS(y, sm.add_constant(x), weights=1 / (s**2 + tau2)).fit()
    assert out["coefficient"] == pytest.approx(fit.params[1], rel=1e-10)
    assert out["se"] == pytest.approx(fit.bse[1] * math.sqrt(max(fit.scale, 1.0) / fit.scale), rel=1e-10)
    assert out["p"] == pytest.approx(2 * stats.t.sf(abs(fit.params[1]) / out["se"], k - 2), rel=1e-10)
    assert _pooling.meta_regression(y, s, tau2, np.full(k, 2.0)) is None


def test_a_pooling_held_to_its_own_value_ignores_the_records_prediction():
    # trajectory_network predicts the strength lambda(t) (an array) and bounds its departure's exponent by -1/2:
    # its pooling is held to -1/2 whatever the records predict
    rng = np.random.default_rng(2)
    recs = _records(-0.05 + rng.normal(0, 0.05, 20), [0.05] * 20)
    for r in recs:
        r["predicted"] = [1.0, 2.0]
        r["fitted"] = {"departure_slope": r["fitted"]["slope"]}
    assert _pooling.pool_records(_pooling.Pooling(fitted="departure_slope", sides="above"), recs, LEVEL,
                                 replicated=False) is None
    p = _pooling.pool_records(_pooling.Pooling(fitted="departure_slope", sides="above", prediction=-0.5), recs,
                              LEVEL, replicated=False)
    assert p["k"] == 20 and p["predicted"] == -0.5 and p["falsified"]


def test_trajectory_network_is_held_to_theorem_ones_exponent():
    from theorems.splines import claims
    from theorems.splines.theory import RATE_EXPONENT

    assert claims.trajectory_network.pooling.prediction == float(RATE_EXPONENT)
