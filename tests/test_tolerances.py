"""Each claim judged at float64 round-off (a ``max_abs_error`` agreement, or a relative one, with a derived
tolerance) tells an error of twice its tolerance from one of half of it.

For a fixed in-scope batch (the one its planted versions run on) the claim's own experiment is measured once;
then every entry of the measured value is moved by 0.5 x and by 2 x the configuration's tolerance (the same
sign throughout, so that the change cannot cancel against itself) and judged by the claim's agreement: the
2 x move must fail and the 0.5 x move must pass.  The second needs the real error to use at most half the
tolerance, which is asserted too: a claim whose real error came within a factor 2 of its tolerance would be a
finding about that tolerance, not a reason to widen it.  Each tolerance is also pinned to the value its
derivation gives, recomputed here from the configuration and the measurement (the round-off unit 2^-52, the
constants of each docstring, the condition numbers of the systems solved), so that a tolerance helper made
looser (say 10x) fails a test even though the 0.5x / 2x moves, which scale with it, would not see it.  Cost: about 6 s on 2 cores for the seven fast claims
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


EPS = 2.0**-52


def _filter_pin(config, measurement, record):
    """16 (q + 1) n eps max(1, ||y||), y_i = sin(2 pi k i / n) + noise N(0, 1) (filter_tolerance)."""
    x = np.arange(1, config["n"] + 1) / config["n"]
    y = np.sin(2 * np.pi * config["frequency"] * x)
    y = y + config["noise"] * np.random.default_rng(config["target_seed"]).standard_normal(x.size)
    return 16.0 * (config["q"] + 1) * config["n"] * EPS * max(1.0, float(np.linalg.norm(y)))


def _quadrature_pin(config, measurement, record):
    """10 x quad's error estimate + 64 eps max(|mu_k|, K(1)), K(1) = (2 + beta) / 2 (quadrature_tolerance)."""
    k1 = (2 + config["bias"]) / 2
    return 10.0 * measurement.series["quad_error_estimate"] + 64 * EPS * max(abs(float(record["predicted"])), k1)


def _identity_pin(config, measurement, record):
    """64 (T + 1) n eps max_t ||r_t|| (1 + 2 eta_frac) (identity_tolerance)."""
    return (64.0 * (config["steps"] + 1) * config["n"] * EPS * measurement.series["max_residual_norm"]
            * (1 + 2 * config["eta_frac"]))


def _bordered_condition(K, P):
    M, q = P.shape
    A = np.zeros((M + q, M + q))
    A[:M, :M], A[:M, M:], A[M:, :M] = K, P, P.T
    return np.linalg.cond(A)


def _spline_pin(config, measurement, record):
    """256 kappa([K P; P^T 0]) eps max(1, max|y|) (spline_tolerance)."""
    from theorems.splines.data import dataset
    from theorems.splines.limits import kernel_for
    from theorems.splines.theory import ZETA

    xs, ys = dataset(config)
    P = np.stack([xs, np.ones_like(xs)], axis=1)
    return 256.0 * _bordered_condition(kernel_for(ZETA, config)(xs, xs), P) * EPS * max(1.0, float(np.abs(ys).max()))


def _polyharmonic_pin(config, measurement, record):
    """256 (kappa(A_K) + kappa(A_r)) eps max(1, max|y|), the circle kernel's and r^3's systems."""
    from numerics import splines as nsp
    from theorems.splines.data import dataset_2d

    xs, ys = dataset_2d(config)
    P = np.concatenate([xs, np.ones((xs.shape[0], 1))], axis=1)
    r3 = np.linalg.norm(xs[:, None] - xs[None], axis=-1) ** 3
    total = _bordered_condition(nsp.circle_kernel(xs, xs, config["a"]), P) + _bordered_condition(r3, P)
    return 256.0 * total * EPS * max(1.0, float(np.abs(ys).max()))


def _activation_pin(config, measurement, record):
    """512 kappa(A) eps max(1, max|y|) (+ 0 for the binary law), A the network kernel's bordered system."""
    from theorems.splines.data import other_activation_dataset

    _, ys = other_activation_dataset(config)
    assert config["init"] == "binary"
    return 512.0 * measurement.fitted["kappa"]["value"] * EPS * max(1.0, float(np.abs(ys).max()))


PINS = {  # claim: its tolerance from the derivation, (config, measurement, record) -> value
    "shrinkage.filter_exact": _filter_pin,
    "shrinkage.basis_step_exact": lambda config, measurement, record: 8.0 * config["n"] * EPS,
    "ntk.spectrum_circle": _quadrature_pin,
    "ntk.spectrum_sphere": _quadrature_pin,
    "ntk.damped_deviations_identity": _identity_pin,
    "splines.natural_spline": _spline_pin,
    "splines.polyharmonic_limit": _polyharmonic_pin,
    "splines.other_activation": _activation_pin,
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


def test_the_tolerance_is_its_derived_value(judged):
    """A tolerance helper loosened (10x, or by any factor) no longer gives the value of its derivation."""
    claim, runs = judged
    for config, measurement, record in runs:
        assert record["tolerance"] == pytest.approx(PINS[claim.id](config, measurement, record), rel=1e-6, abs=0), (
            claim.id, config)
