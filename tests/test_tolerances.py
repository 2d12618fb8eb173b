"""Each claim judged at float64 round-off (a ``max_abs_error`` agreement, or a relative one, with a derived
tolerance) tells an error of twice its tolerance from one of half of it.

For a fixed in-scope batch (the one its planted versions run on) the claim's own experiment is measured once;
then every entry of the measured value is moved by 0.5 x and by 2 x the configuration's tolerance (the same
sign throughout, so that the change cannot cancel against itself) and judged by the claim's agreement: the
2 x move must fail and the 0.5 x move must pass.  The second needs the real error to use at most half the
tolerance, which is asserted too: a claim whose real error came within a factor 2 of its tolerance would be a
finding about that tolerance, not a reason to widen it.  Cost: about 6 s on 2 cores for the seven fast claims
(ntk.damped_deviations_identity, about 9 s, is in the slow tier).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import theorems
from theorems import _runner
from theorems.ntk import planted as ntk_planted
from theorems.shrinkage import planted as shrinkage_planted
from theorems.splines import planted as splines_planted


def _shift_all(value, delta):
    return np.asarray(value, dtype=np.float64) + delta


def _shift_singular_values(value, delta):
    """basis_step_exact's error is relative to s_1: the singular values move by delta s_1."""
    sigma = np.asarray(value["sigma"], dtype=np.float64)
    return {**value, "sigma": sigma + delta * sigma[0]}


ROUND_OFF = {  # claim: (batch, how the measured value moves by a multiple of the tolerance)
    "shrinkage.filter_exact": (shrinkage_planted.FILTER_BATCH, _shift_all),
    "shrinkage.basis_step_exact": (shrinkage_planted.STEP_BASIS_BATCH, _shift_singular_values),
    "ntk.spectrum_circle": (ntk_planted.CIRCLE_BATCH, _shift_all),
    "ntk.spectrum_sphere": (ntk_planted.SPHERE_BATCH, _shift_all),
    "ntk.damped_deviations_identity": (ntk_planted.IDENTITY_BATCH[:1], _shift_all),
    "splines.natural_spline": (splines_planted.SPLINE_BATCH, _shift_all),
    "splines.polyharmonic_limit": (splines_planted.LIMIT_2D_BATCH, _shift_all),
    "splines.other_activation": (splines_planted.ACTIVATION_BATCH, _shift_all),
}


SLOW = {"ntk.damped_deviations_identity"}  # compiles a GD trajectory with its empirical NTKs: about 9 s


@pytest.fixture(scope="module", params=[pytest.param(c, id=c, marks=pytest.mark.slow if c in SLOW else ())
                                        for c in sorted(ROUND_OFF)])
def judged(request):
    """(claim, [(config, measurement, record of the real measurement)]) for the claim's batch."""
    claim = theorems.get(request.param)
    batch, _ = ROUND_OFF[request.param]
    keys = [_runner.config_key(0, c) for c in batch]
    measurements = list(claim.measure(list(batch), keys))
    records = [_runner._judge(claim, claim.closed_form, c, m) for c, m in zip(batch, measurements)]
    return claim, list(zip(batch, measurements, records))


def test_the_real_error_uses_at_most_half_the_tolerance(judged):
    claim, runs = judged
    for config, _, record in runs:
        assert record["status"] == "pass", (claim.id, config, record["reason"])
        assert record["error"] <= 0.5 * record["tolerance"], (claim.id, config, record["error"], record["tolerance"])


@pytest.mark.parametrize("factor, status", [(0.5, "pass"), (2.0, "fail")])
def test_an_error_of_a_multiple_of_the_tolerance_is_judged_by_it(judged, factor, status):
    claim, runs = judged
    _, shift = ROUND_OFF[claim.id]
    for config, measurement, record in runs:
        moved = dataclasses.replace(measurement, value=shift(measurement.value, factor * record["tolerance"]))
        judged_again = _runner._judge(claim, claim.closed_form, config, moved)
        assert judged_again["status"] == status, (claim.id, config, factor, judged_again["error"],
                                                  judged_again["tolerance"])
