"""The pinned batches and builders that the ntk planted tables (``planted.py``, ``planted_flow.py``) may share: each
training batch is a set of configurations known to be in scope, run with one Hypothesis example."""

from __future__ import annotations

from theorems import _planted
from theorems._planted import Planted, pinned

LR_BATCH = (
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 0, "degrees": "1,2,4", "amplitudes": "1,1,1",
     "eta_frac": 0.3, "seed": 0},
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 1, "degrees": "0,1,2", "amplitudes": "1,3,5",
     "eta_frac": 0.5, "seed": 1},
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 0, "degrees": "1,2,3", "amplitudes": "5,3,1",
     "eta_frac": 0.1, "seed": 2},
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 1, "degrees": "1,2,4", "amplitudes": "1,3,5",
     "eta_frac": 0.7, "seed": 3},
)
"""A batch of ntk.learning_rates on the dev sizes, both kernels, three degree sets, small to large steps."""

IDENTITY_BATCH = tuple(
    {"n": 32, "m": 64, "d": 3, "steps": 60, "bias": b, "degrees": "1,2,4", "amplitudes": "1,3,5",
     "eta_frac": f, "seed": s} for b, f, s in ((0, 0.3, 0), (1, 0.6, 1), (0, 0.9, 2)))
"""A batch of ntk.damped_deviations_identity, up to 0.9 of the stability limit."""

GRAM_BATCH = tuple({"axis": a, "grid": "dev", "fixed_n": 128, "reps": 4, "d": d_, "bias": b, "seed": s}
                   for a, d_, b, s in (("n", 3, 0, 0), ("m", 4, 1, 1)))
"""One configuration of ntk.gram_spectrum on each axis (samples n, width m)."""

DECAY_BATCH = ({"d": 3, "bias": 0, "parity": "even", "shift": 0}, {"d": 5, "bias": 1, "parity": "odd", "shift": 2})
"""Even degrees on S^2 without bias, odd degrees on S^4 with bias."""

CAO_BATCH = tuple({"n": 512, "m": 512, "steps": 200, "amplitudes": a, "eta_frac": f, "seed": s}
                  for a, f, s in (("1,1,1", 0.25, 0), ("1,1,1", 0.5, 2), ("1,1,1", 0.75, 4), ("1,3,5", 0.25, 7)))
"""Cao et al.'s experiment on their network at the three step fractions, both amplitude vectors, dev sizes."""

BLOCK_BATCH = tuple({"n": 512, "m": 512, "steps": 300, "block": b, "target": t_, "seed": s}
                    for b, t_, s in ((2, "cao111", 0), (3, "cao135", 1), (2, "signs", 2), (3, "signs", 3)))
"""Theorem 4.2's blocks 2 and 3 (r_k = 11, 65) with Cao's targets and random signs, dev sizes."""

CAO_SPECTRUM_BATCH = tuple({"sphere_dim": 4, "bias": 1, "k": k_} for k_ in (0, 2, 3, 5))
"""Cao's kernel with a trained bias on S^4: mu_0, an even and two odd degrees."""

CAO_DEGREE_BATCH = ({"grid": "dev", "sphere_dim": 2, "bias": 0, "parity": "even", "start": 0},
                    {"grid": "dev", "sphere_dim": 4, "bias": 1, "parity": "odd", "start": 1})
"""Theorem 4.3, k >> d: even degrees on S^2 without bias, odd degrees on S^4 with bias."""

CAO_DIMENSION_BATCH = ({"grid": "dev", "k": 4, "bias": 0, "start": 0}, {"grid": "dev", "k": 3, "bias": 1, "start": 1})
"""Theorem 4.3, d >> k: k = 4 without bias, k = 3 with bias, d_S from 10 (15) to 50."""

NONUNIFORM_BATCH = tuple({**LR_BATCH[0], "concentration": c, "seed": i} for i, c in enumerate((0.0, 0.5, 1.0, 2.0)))
"""Every concentration of ntk.nonuniform_data, on the first learning-rate configuration."""


def _claim(name: str):
    from theorems.ntk import claims

    return getattr(claims, name)


def _wrong(name: str, wrong, batch=None):
    """A builder of claim ``name`` with the closed form ``wrong(theory)``, on ``batch`` when one is given."""

    def build():
        from theorems.ntk import theory

        claim = _claim(name)
        if batch is not None:
            claim = pinned(claim, batch)
        return claim.with_closed_form(wrong(theory))

    return build


def _one_configuration_beyond_tolerance(result) -> None:
    """The shrinker reaches a single configuration, and it misses by more than the tolerance."""
    assert len(result["counterexample"]) == 1, result["counterexample"]
    assert result["worst"]["error"] > result["worst"]["tolerance"]


def _spectrum(name, label, what, wrong):
    return Planted(claim=f"ntk.{name}", name=label, what=what, build=_wrong(name, wrong), cheap=True,
                   check=_one_configuration_beyond_tolerance)


def _pinned(name, label, what, wrong, batch, cheap=False):
    return Planted(claim=f"ntk.{name}", name=label, what=what, build=_wrong(name, wrong, batch), cheap=cheap,
                   examples=1)


def _rational(p, q):
    import sympy

    return sympy.Rational(p, q)

CIRCLE_BATCH = tuple({"d": 2, "bias": b, "k": k} for b, k in ((0, 0), (1, 1), (0, 2), (1, 3)))
"""Degrees 0..3 on S^1, with and without the trained bias."""

SPHERE_BATCH = tuple({"d": d_, "bias": b, "k": k} for d_, b, k in ((3, 0, 0), (3, 1, 1), (4, 0, 2), (5, 1, 3)))
"""Degrees 0..3 on S^2..S^4, with and without the trained bias."""


def _numerics(name, label, what, batch, *patches, expected=_planted.FALSIFIED, reason="", cheap=True):
    return Planted(claim=f"ntk.{name}", name=label, what=what, build=lambda: pinned(_claim(name), batch),
                   expected=expected, reason=reason, cheap=cheap, examples=1, patch=tuple(patches))
