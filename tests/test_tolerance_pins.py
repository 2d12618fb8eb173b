"""Every derived level, quantile and count the statistical claims are judged by, pinned to its derivation.

A tolerance helper made looser (a level closer to 1, a larger z, a smaller count of tests in a Bonferroni split)
changes no verdict on a true claim, so no other test would notice it: here each one is recomputed from the
derivation its docstring gives (the run's budget of 1%, the claims' shares, the tests a run judges, Bonferroni
or the replicated level), with SciPy's normal and Student-t quantiles in place of the standard library's, and
compared with what the suite uses at a relative 1e-9 (1e-6 for the normal quantiles, where the standard library's
inv_cdf(1 - p) loses digits to the rounding of 1 - p).  A helper loosened 10x (or moved at all) fails here.  The
round-off tolerances of the exact claims are pinned in tests/test_tolerances.py on the batches measured there.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from theorems import _budget

BUDGET = 0.01                  # a run of every claim reports a false alarm in at most 1% of runs
GRAM_SHARE = BUDGET / 2        # ntk.gram_spectrum's share: half the budget
OTHER_SHARE = BUDGET / 2 / 13  # each of the other thirteen statistical claims

# the tests a run judges at most: a first search of E examples of batches of at most 4, and 19 more
# configurations when fewer than 20 were judged
GRAM_TESTS = {"dev": 7 * 4 + 19, "thorough": 60 * 4 + 19}
TRAINING_TESTS = {  # per configuration: 3 projections at each of 41 recorded steps, and one norm per step
    "ntk.learning_rates": {"dev": (5 * 4 + 19) * (3 * 41 + 64), "thorough": (60 * 4 + 19) * (3 * 41 + 400)},
    "ntk.nonuniform_data": {"dev": (5 * 4 + 19) * (3 * 41 + 64), "thorough": (60 * 4 + 19) * (3 * 41 + 400)},
}
# ntk.cao_experiment, per configuration: 3 fitted rates (t-intervals) and 3 Monte Carlo checks of the initial kernel
TRAINING_TESTS["ntk.cao_experiment"] = {"dev": (5 * 4 + 19) * 6, "thorough": (60 * 4 + 19) * 6}
# ntk.flow_rates, per configuration: 3 projections and the deviation's quadrature at each of 41 recorded times
FLOW_TESTS = {"dev": (5 * 4 + 19) * 4 * 41, "thorough": (60 * 4 + 19) * 4 * 41}
ZETA_TESTS = {"dev": (8 * 4 + 19) * 8, "thorough": (60 * 4 + 19) * 8}   # 8 histogram points per configuration
MULTID_TESTS = {"dev": (8 * 4 + 19) * 32, "thorough": (60 * 4 + 19) * 32}   # 4 bands x 8 offsets
RATE_TESTS = {"dev": 65 + 19, "thorough": 50 + 19}                       # JUDGED_PER_RUN + 19
XL_RATE_TESTS = 16 + 12 - 1


def _two_sided_z(alpha: float) -> float:
    """z with P(|N(0, 1)| > z) = alpha, by SciPy's inverse of the normal CDF."""
    return float(-special.ndtri(alpha / 2))


def test_the_budget_and_the_shares():
    assert _budget.RUN_BUDGET == pytest.approx(BUDGET, rel=1e-12, abs=0)
    assert _budget.share("ntk.gram_spectrum") == pytest.approx(GRAM_SHARE, rel=1e-12, abs=0)
    for claim in _budget.STATISTICAL_CLAIMS:
        if claim != "ntk.gram_spectrum":
            assert _budget.share(claim) == pytest.approx(OTHER_SHARE, rel=1e-12, abs=0), claim
    assert _budget.budget_spent() == pytest.approx(BUDGET, rel=1e-12, abs=0)
    assert len(_budget.STATISTICAL_CLAIMS) == 14


def test_the_tests_a_run_judges():
    assert _budget.TESTS_PER_RUN["ntk.gram_spectrum"] == GRAM_TESTS
    for claim, tests in TRAINING_TESTS.items():
        assert _budget.TESTS_PER_RUN[claim] == tests, claim
    assert _budget.TESTS_PER_RUN["splines.curvature_density"] == ZETA_TESTS
    assert _budget.TESTS_PER_RUN["splines.curvature_density_multid"] == MULTID_TESTS
    for claim in ("splines.spline_rate", "splines.spline_rate_bound", "splines.polyharmonic_rate",
                  "splines.output_layer_only", "splines.sgd_rate", "splines.trajectory_network",
                  "splines.trajectory_width_rate"):
        assert _budget.TESTS_PER_RUN[claim] == RATE_TESTS, claim


def test_the_gram_spectrum_level():
    from theorems.ntk.experiments import GRAM_LEVEL

    for scale, tests in GRAM_TESTS.items():
        assert 1 - GRAM_LEVEL[scale] == pytest.approx(GRAM_SHARE / tests, rel=1e-9, abs=0), scale


def test_the_training_claims_z():
    from theorems.ntk.dynamics import Z_MC

    worst = max(_two_sided_z(OTHER_SHARE / t) for tests in TRAINING_TESTS.values() for t in tests.values())
    assert Z_MC == pytest.approx(worst, rel=1e-6, abs=0)   # 1 - p rounds in the standard library's form
    assert 5.9 < Z_MC < 6.05   # 5.94


def test_the_curvature_density_z():
    from theorems.splines.claims_limits import ZETA_Z

    assert ZETA_Z == pytest.approx(max(_two_sided_z(OTHER_SHARE / t) for t in ZETA_TESTS.values()), rel=1e-6, abs=0)
    assert 5.1 < ZETA_Z < 5.3   # 5.21


def test_the_multid_curvature_density_z():
    from theorems.splines.claims_multid import MULTID_Z

    assert MULTID_Z == pytest.approx(max(_two_sided_z(OTHER_SHARE / t) for t in MULTID_TESTS.values()), rel=1e-6,
                                     abs=0)


POOLED = 1 / 2   # a pooled claim spends half its share on its pooled test, half on its per-configuration search
SEARCH_SHARE = OTHER_SHARE * (1 - POOLED)


def test_the_rate_claims_levels():
    from theorems.splines import constants

    for scale, tests in RATE_TESTS.items():
        assert 1 - constants.ci_level(scale) == pytest.approx(SEARCH_SHARE / tests, rel=1e-9, abs=0), scale
        assert 1 - constants.replicated_ci_level(scale) == pytest.approx(np.sqrt(SEARCH_SHARE / tests), rel=1e-9,
                                                                         abs=0)
    assert 1 - constants.ci_level("xl") == pytest.approx(SEARCH_SHARE / XL_RATE_TESTS, rel=1e-9, abs=0)
    assert 1 - constants.replicated_ci_level("xl") == pytest.approx(np.sqrt(SEARCH_SHARE / XL_RATE_TESTS), rel=1e-9,
                                                                    abs=0)
    assert 1 - constants.FAMILY_LEVEL == pytest.approx(SEARCH_SHARE, rel=1e-9, abs=0)
    assert constants.CI_LEVEL == constants.ci_level("dev")


def test_the_pooled_levels():
    for claim in _budget.POOLED_CLAIMS:
        assert 1 - _budget.pooled_level(claim) == pytest.approx(OTHER_SHARE * POOLED, rel=1e-9, abs=0), claim
        assert _budget.search_share(claim) == pytest.approx(SEARCH_SHARE, rel=1e-9, abs=0), claim


def test_a_slope_interval_is_the_student_t_interval():
    """The interval every fitted exponent is judged by (theorems._stats.slope_interval), against the textbook
    OLS slope +- t_{n-2, (1 + level)/2} s / sqrt(Sxx), on fixed data."""
    from theorems._stats import slope_interval

    x = np.log(np.array([64.0, 128, 256, 512, 1024, 2048]))
    y = -0.5 * x + np.array([0.03, -0.02, 0.05, -0.04, 0.01, -0.03])
    level = 1 - 1e-3
    slope, (lo, hi) = slope_interval(x, y, level=level)
    sxx = np.sum((x - x.mean()) ** 2)
    b = np.sum((x - x.mean()) * (y - y.mean())) / sxx
    resid = y - y.mean() - b * (x - x.mean())
    half = stats.t.isf((1 - level) / 2, x.size - 2) * np.sqrt(np.sum(resid**2) / (x.size - 2) / sxx)
    assert slope == pytest.approx(b, rel=1e-12, abs=0)
    assert (lo, hi) == pytest.approx((b - half, b + half), rel=1e-9, abs=0)


def test_the_round_off_unit():
    from theorems._agreement import FLOAT64_EPS

    assert FLOAT64_EPS == 2.0**-52


def _measurement(**series):
    from theorems._claim import Measurement

    return Measurement(value=0.0, series=series)


def test_the_round_off_helpers_on_given_inputs():
    """The round-off tolerances the measured batches of tests/test_tolerances.py do not reach, each on an input
    made up here, against the formula its docstring derives."""
    import theorems

    eps = 2.0**-52
    tol = lambda claim: theorems.get(claim).agreement.tolerance  # noqa: E731
    config = {"n": 48, "q": 128}
    for claim in ("shrinkage.threshold_kappa", "shrinkage.threshold_exact"):
        assert tol(claim)(None, None, config) == pytest.approx(16.0 * 129 * 48 * eps, rel=1e-12, abs=0)
    for claim in ("shrinkage.sign_alternation", "shrinkage.basis_monotonic_dst"):   # counts: below one miss
        assert tol(claim)(None, None, config) == 0.5
    cao = {"sphere_dim": 4, "bias": 1, "k": 2}
    assert tol("ntk.cao_spectrum")(0.01, _measurement(error_bound=3e-14), cao) == pytest.approx(
        3e-14 + 64 * eps * 2.0, rel=1e-12, abs=0)
    identity = {"n": 32, "steps": 60, "eta_frac": 0.3}
    assert tol("ntk.damped_deviations_identity")(None, _measurement(max_residual_norm=2.5), identity) == (
        pytest.approx(64.0 * 61 * 32 * eps * 2.5 * 1.6, rel=1e-12, abs=0))


def test_the_trajectory_allowance():
    """max_k |1/(1 + a mu_k t) - (1 - a mu_k)^t| + 64 (kappa(K) + t) eps at each recorded step, a = eta_bar / M,
    from K's eigenvalues (App. N.1's gap in discrete time, and rounding)."""
    from theorems.splines.claims_limits import trajectory_allowance
    from theorems.splines.planted import SMOOTHING_BATCH
    from theorems.splines.trajectories import trajectory_of

    config = SMOOTHING_BATCH[0]
    _, _, K, _, eta_bar, times = trajectory_of(config)
    mu = np.linalg.eigvalsh(K)
    a = eta_bar / config["M"]
    t = np.asarray(times, dtype=np.float64)
    gap = np.array([np.max(np.abs(1 / (1 + a * mu * s) - (1 - a * mu) ** s)) for s in t])
    expected = gap + 64.0 * (mu.max() / mu.min() + t) * 2.0**-52
    assert trajectory_allowance(config) == pytest.approx(expected, rel=1e-6, abs=0)


def test_the_flow_claims_z():
    from theorems.ntk.flow_dynamics import Z_MC

    assert _budget.TESTS_PER_RUN["ntk.flow_rates"] == FLOW_TESTS
    assert Z_MC == pytest.approx(max(_two_sided_z(OTHER_SHARE / t) for t in FLOW_TESTS.values()), rel=1e-6, abs=0)
