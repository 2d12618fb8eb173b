"""The false-alarm budget of a run: how often a run may report some true claim not holding.

A run of every claim reports a *false alarm* when a claim that is true (and expected to hold) comes out
otherwise.  Exact identities and rigorous bounds judged at round-off (filter_exact, spectrum_circle,
damped_deviations_identity, natural_spline, trajectory_smoothing, ...) cannot give one: their tolerances are
bounds, not probabilities.  Nor can the claims whose experiment is a deterministic function of the
configuration (``ntk.decay_law``: Gauss quadrature of the Funk-Hecke integral; ``shrinkage.bandwidth_decay_law``:
the SVD of a fixed Jacobian): their intervals are least-squares widths on deterministic residuals, and a
configuration agrees on every seed or on none, so whether one of their configurations fails is a question of
the domain, answered by ``calibrate`` (each seed draws other configurations), not by a level.  The claims
below are judged by a random measurement: their tolerances are confidence statements, and each gets a share
of the run's budget

    P(some true claim reported falsified in a run) <= sum_c P(claim c does) <= sum_c share_c = RUN_BUDGET

(the union bound, Bonferroni across claims).  Within a claim the share is split again, Bonferroni over the
random tests one run judges (a configuration's slope interval, a Monte Carlo estimate at a point): a test
gets level 1 - share_c / tests_c (:func:`interval_level`, :func:`z_quantile`).  A run judges at most
``max_examples x batch`` configurations in its first search, and searches again only while fewer than
``Profile.min_in_scope`` (20) have been judged, so at most ``max_examples x batch + 19`` in all
(:func:`judged_per_run`); a failure's shrinking comes after the alarm and adds none.

Why Bonferroni and not Holm across claims: Holm's step-down equals Bonferroni at its first step, so when every
claim is true (the event a false alarm bounds) it rejects exactly when Bonferroni does; it only gains power
once some other claim has already failed, and it would make a claim's verdict depend on which other claims the
run selected and how they came out (``verify CLAIM`` and a full run would judge the same measurement
differently).  Bonferroni keeps every verdict a function of the claim's own measurement.  Replication is
the third way, used where a claim has it: a rate claim with a ``replicate`` reports a disagreement only when an
independent replicate disagrees too (theorems/_runner.py, ``_replicate_failures``), so its false-alarm chance
per configuration is the square of an interval's miss rate and its intervals can be wider apart from the truth
(:func:`replicated_level`): the power of a single interval at Bonferroni's level is kept.

A claim that also pools its configurations (a random-effects estimate of its fitted exponent over every
configuration it judged, theorems/_pooling.py) splits its share once more, between the per-configuration
search and the pooled test (:data:`POOLED_FRACTION`): the search's intervals get 1 - share x (1 - f) / tests
(:func:`search_share`), and the pooled interval 1 - share x f (:func:`pooled_level`, f = 1/2), so the claim
still reports a true prediction falsified in at most ``share`` of its runs (the union bound over the two).  Why an
even split: the per-configuration quantile grows only like sqrt(2 log(tests / share)) (z 3.07 -> 3.17 for the
replicated splines rate claims on dev, Student-t with 22 degrees of freedom 3.48 -> 3.62), and so does the
pooled one (Student-t with 23 degrees of freedom, two-sided, 4.15 at 1 - 3.8e-4 and 4.43 at 1 - 1.9e-4):
neither gains much from a larger part.

This module imports nothing but the standard library (the command line's ``list`` reads its levels and must
stay fast); the families' sizes it counts with are checked against the families in tests/test_calibrate.py.
"""

from __future__ import annotations

from statistics import NormalDist

RUN_BUDGET = 0.01
"""At most this fraction of default runs (every claim, one seed) reports some true claim falsified."""

STATISTICAL_CLAIMS = (
    "ntk.learning_rates",          # Monte Carlo standard errors in the damped-deviations bound (ntk/dynamics.py)
    "ntk.gram_spectrum",           # Student-t interval of a fitted slope per configuration (ntk/experiments.py)
    "ntk.cao_experiment",          # t-intervals of fitted rates, Monte Carlo checks of a kernel (ntk/cao_training.py)
    "ntk.nonuniform_data",         # as learning_rates
    "ntk.flow_rates",              # Monte Carlo standard errors in the flow's damped-deviations allowance (ntk/flow_dynamics.py)
    "splines.curvature_density",   # Monte Carlo standard errors of the histogram estimate (claims_limits.py)
    "splines.spline_rate",         # Student-t interval of a fitted exponent (constants.ci_level)
    "splines.spline_rate_bound",
    "splines.polyharmonic_rate",
    "splines.output_layer_only",
    "splines.sgd_rate",
    "splines.trajectory_network",
    "splines.trajectory_width_rate",
    "splines.curvature_density_multid",  # Monte Carlo standard errors of the banded histogram (claims_multid.py)
)
"""The claims judged by a random measurement against a confidence statement."""

GRAM_SHARE = RUN_BUDGET / 2
"""``ntk.gram_spectrum`` fits each slope to 16 points (4 sizes x 4 repetitions, 14 degrees of freedom), so its
Student-t quantile grows fastest as its level tightens (t_{14} at 1 - 1.8e-5 is 6.3, at 1 - 1.1e-4 5.3): with an
equal twelfth of the budget its interval is wide enough to admit a 1/n rate, the planted wrong exponent -1, in
every configuration of its planted batch; half the budget keeps it caught.  Every other claim is judged by a
normal quantile or a t with 22 degrees of freedom, which grows only like sqrt(2 log(tests / share)): a smaller
share costs them little (z 5.30 -> 5.40 for the training claims on dev).  It does not pool its configurations
(POOLED_CLAIMS): with every draw from the configuration's key its pooled deviation from -1/2 over 20 ci seeds
scatters as its standard error says (sum of squared z 20.5 on 20 degrees of freedom), but about a finite-size bias
common to its configurations (-0.0096 at the ci sizes, -0.0081 at thorough's), about three pooled standard errors
of a thorough run (theorems/ntk/NOTES.md)."""

SHARES = {claim: (GRAM_SHARE if claim == "ntk.gram_spectrum" else (RUN_BUDGET - GRAM_SHARE) /
                  (len(STATISTICAL_CLAIMS) - 1)) for claim in STATISTICAL_CLAIMS}
"""Each statistical claim's share of RUN_BUDGET (weighted Bonferroni): half for ntk.gram_spectrum (GRAM_SHARE),
the other half in equal parts (0.038% each) for the other thirteen."""

MIN_IN_SCOPE = 20
"""``Profile.min_in_scope`` of every profile (theorems/_claim.py; a test checks they agree)."""


SCALES = ("dev", "thorough")
"""The profiles' scales: ``dev`` (the dev and ci profiles) and ``thorough``."""

EXAMPLES = {"dev": 8, "thorough": 60}
"""``Profile.max_examples`` of each scale: a claim's Hypothesis examples unless it sets its own."""

RECORDED = 41
"""Steps at which the ntk training claims compare the projections with their bound (ntk/dynamics.RECORDED)."""


POOLED_CLAIMS = (
    "splines.spline_rate", "splines.spline_rate_bound", "splines.polyharmonic_rate", "splines.output_layer_only",
    "splines.sgd_rate", "splines.trajectory_width_rate", "splines.trajectory_network",
)
"""The statistical claims that also pool their configurations' fitted exponents (``Claim.pooling``; a test checks
the two agree)."""

POOLED_FRACTION = 0.5
"""The part of a pooled claim's share spent on its pooled test; the rest goes to its per-configuration search."""

def pooled_fraction(claim_id: str) -> float:
    """The part of the claim's share spent on its pooled test (0 for a claim that does not pool)."""
    if claim_id not in POOLED_CLAIMS:
        return 0.0
    return POOLED_FRACTION


def share(claim_id: str) -> float:
    """The claim's share of the run's budget (0 for a claim that is not judged by a random measurement)."""
    return SHARES.get(claim_id, 0.0)


def search_share(claim_id: str) -> float:
    """The part of the claim's share its per-configuration search may spend: all of it, or 1 - POOLED_FRACTION
    of it for a claim that also pools its configurations."""
    return share(claim_id) * (1.0 - pooled_fraction(claim_id))


def pooled_share(claim_id: str) -> float:
    """The part of the claim's share its pooled test may spend (0 for a claim that does not pool)."""
    return share(claim_id) * pooled_fraction(claim_id)


def pooled_level(claim_id: str) -> float:
    """The level of the claim's pooled interval: 1 - share x its pooled fraction (one test per run)."""
    if claim_id not in POOLED_CLAIMS:
        raise ValueError(f"{claim_id} does not pool its configurations")
    return 1.0 - pooled_share(claim_id)


def judged_per_run(max_examples: int, batch: int) -> int:
    """The most configurations one run of a claim judges: a first search of ``max_examples`` batches of at most
    ``batch``, then more searches only while fewer than MIN_IN_SCOPE have been judged."""
    return max_examples * batch + MIN_IN_SCOPE - 1


REPLICATED = ("splines.spline_rate", "splines.spline_rate_bound", "splines.polyharmonic_rate", "splines.sgd_rate")
"""The statistical claims that replicate a disagreement (``Claim.replicate``): a configuration disagrees only
when its first interval and an independent replicate's (fresh initialisations, twice the seeds) both miss."""


def interval_level(claim_id: str, tests: int) -> float:
    """The confidence level of each of ``tests`` intervals a run of the claim judges: 1 - share / tests (the
    search's part of the share for a claim that pools, :func:`search_share`)."""
    return 1.0 - search_share(claim_id) / tests


def z_quantile(claim_id: str, tests: int) -> float:
    """The normal quantile z with P(|N(0, 1)| > z) = share / tests: the multiple of a standard error that each of
    ``tests`` asymptotically normal estimates a run judges may be off by."""
    return NormalDist().inv_cdf(1.0 - search_share(claim_id) / (2.0 * tests))


def _training(steps: dict[str, int]) -> dict[str, int]:
    """An ntk training claim (batches of 4, its own 5 examples on dev and ci): per configuration, the projection
    of the residual on each of its 3 target harmonics at each of the RECORDED steps (its Monte Carlo error
    enters the bound through 3 standard errors at t and at 0), and the norm of (T - T^n_{K_s}) r_s at every
    step s < T (its quadrature error enters through its standard errors)."""
    examples = {"dev": 5, "thorough": EXAMPLES["thorough"]}
    return {s: judged_per_run(examples[s], 4) * (3 * RECORDED + steps[s]) for s in SCALES}


_RATE = {"dev": 65, "thorough": 50}
"""A splines rate claim judges at most this many configurations in its first search (theorems/splines/
constants.JUDGED_PER_RUN: 16 batches of 4 for polyharmonic_rate on dev, 9 for spline_rate, 6 on ci and for the
others, at most 12 batches of 4 on thorough)."""

TESTS_PER_RUN: dict[str, dict[str, int]] = {
    # one slope interval per configuration; 7 examples of at most 4 on dev and ci
    "ntk.gram_spectrum": {"dev": judged_per_run(7, 4), "thorough": judged_per_run(EXAMPLES["thorough"], 4)},
    # T = 64 steps on dev; 400 (learning_rates, nonuniform_data) on thorough
    "ntk.learning_rates": _training({"dev": 64, "thorough": 400}),
    # per configuration 3 fitted rates (t-intervals) and 3 Rayleigh quotients of the initial tangent kernel (z)
    "ntk.cao_experiment": {"dev": judged_per_run(5, 4) * 6, "thorough": judged_per_run(EXAMPLES["thorough"], 4) * 6},
    "ntk.nonuniform_data": _training({"dev": 64, "thorough": 400}),
    # the flow: the 3 projections and the deviation's quadrature at each of the RECORDED times
    "ntk.flow_rates": {s: judged_per_run({"dev": 5, "thorough": EXAMPLES["thorough"]}[s], 4) * 4 * RECORDED
                       for s in SCALES},
    # ZETA_POINTS = 8 histogram estimates per configuration, batches of at most 4
    "splines.curvature_density": {s: judged_per_run(EXAMPLES[s], 4) * 8 for s in SCALES},
    # 4 bands x 8 offsets = 32 histogram estimates per configuration, batches of at most 4
    "splines.curvature_density_multid": {s: judged_per_run(EXAMPLES[s], 4) * 32 for s in SCALES},
    **{c: {s: _RATE[s] + MIN_IN_SCOPE - 1 for s in SCALES} for c in STATISTICAL_CLAIMS if c.startswith("splines.")
       and c not in ("splines.curvature_density", "splines.curvature_density_multid")},
}
"""The random tests one run of each statistical claim judges, at most, per scale."""


def level(claim_id: str, scale: str) -> float:
    """The level of each confidence interval the claim judges on the scale: 1 - share / tests."""
    return interval_level(claim_id, TESTS_PER_RUN[claim_id][scale])


def replicated_level(claim_id: str, scale: str) -> float:
    """The level of each interval of a claim that replicates a disagreement: 1 - sqrt(share / tests).

    The first measurement and its replicate are independent, each misses a true value with chance
    a = 1 - level, so a true configuration is reported to disagree with chance a^2, and a run's tests with at
    most tests x a^2 = share.  The level is looser than Bonferroni's 1 - share / tests, which keeps the power
    of a single interval (1 - 1.5e-3 against 1 - 2.3e-6 for a splines rate claim on dev)."""
    if claim_id not in REPLICATED:
        raise ValueError(f"{claim_id} does not replicate its disagreements")
    return 1.0 - (search_share(claim_id) / TESTS_PER_RUN[claim_id][scale]) ** 0.5


def z(claim_id: str, scale: str) -> float:
    """The multiple of a standard error each asymptotically normal estimate of the claim may be off by."""
    return z_quantile(claim_id, TESTS_PER_RUN[claim_id][scale])


def worst_z(claim_ids) -> float:
    """The largest :func:`z` over the claims and scales: for an allowance computed where neither is known."""
    return max(z(c, s) for c in claim_ids for s in SCALES)


def budget_spent() -> float:
    """The union bound on the false-alarm rate of a run of every claim: the sum of the shares."""
    return sum(SHARES.values())
