"""Planted wrong versions of the shrinkage claims: realistic mistakes the suite must report as falsified.

Each entry swaps a claim's closed form for a wrong one (an exponent off, a filter from the wrong dynamics, a
cosine basis for a sine one) and keeps everything else: the configurations, the experiment and the tolerance.
``tests/test_claims.py`` runs every entry on the ci profile with seed 0 and asserts the expected verdict and,
where an entry has one, its ``check``.  Building an entry imports SymPy; listing them imports nothing heavy.
"""

from __future__ import annotations

import dataclasses
import math

from theorems._planted import Planted
from theorems.shrinkage import claims


def _wrong(claim, expression, configurations=None):
    """A build function: ``claim`` with the closed form ``expression(sympy, theory)`` (and, if given, its
    configurations replaced by ``configurations``, a name in :mod:`theorems.shrinkage.configurations`)."""

    def build():
        import sympy

        from theorems.shrinkage import configurations as configs
        from theorems.shrinkage import theory

        planted = claim.with_closed_form(expression(sympy, theory))
        if configurations is not None:
            planted = dataclasses.replace(planted, configurations=getattr(configs, configurations))
        return planted

    return build


def shrunk_to_one(result) -> None:
    """Hypothesis shrinks the failing batch to a single configuration."""
    assert len(result["counterexample"]) == 1, "Hypothesis shrinks the batch to one configuration"


def shrunk_to_one_with_finite_prediction(result) -> None:
    shrunk_to_one(result)
    assert all(math.isfinite(float(v)) for v in _flat(result["worst"]["predicted"]))


def _flat(x):
    if isinstance(x, (list, tuple)):
        for v in x:
            yield from _flat(v)
    else:
        yield x


def _cosine_basis(sp, t):
    """2 / sqrt(2n + 1) cos((2k - 1) i pi / (2n + 1)): the cosine transform in place of the sine one."""
    return 2 / sp.sqrt(2 * t.n_ + 1) * sp.cos((2 * t.k_ - 1) * t.i_ * sp.pi / (2 * t.n_ + 1))


PLANTED = (
    # filter_exact: the mask of q GD steps
    Planted(claims.filter_exact.id, "singular_value_not_squared", "m(s) = 1 - (1 - alpha s)^q: s for s^2",
            _wrong(claims.filter_exact, lambda sp, t: 1 - (1 - t.alpha * t.s) ** t.q),
            cheap=True, check=shrunk_to_one_with_finite_prediction),
    Planted(claims.filter_exact.id, "one_step_too_many", "m(s) = 1 - (1 - alpha s^2)^(q + 1)",
            _wrong(claims.filter_exact, lambda sp, t: 1 - (1 - t.alpha * t.s**2) ** (t.q + 1)),
            cheap=True, check=shrunk_to_one_with_finite_prediction),
    Planted(claims.filter_exact.id, "gradient_flow_filter",
            "m(s) = 1 - exp(-alpha s^2 q): gradient flow's filter in place of GD's",
            _wrong(claims.filter_exact, lambda sp, t: 1 - sp.exp(-t.alpha * t.s**2 * t.q)),
            cheap=True, check=shrunk_to_one_with_finite_prediction),
    # bandwidth_decay_law: rho ~ (alpha q)^(1/(2p))
    Planted(claims.bandwidth_decay_law.id, "exponent_one_over_p", "rho ~ (alpha q)^(1/p): 1/p for 1/(2p)",
            _wrong(claims.bandwidth_decay_law, lambda sp, t: (t.alpha * t.q) ** (1 / t.p)),
            cheap=True, check=shrunk_to_one),
    Planted(claims.bandwidth_decay_law.id, "exponent_one_over_two_p_squared", "rho ~ (alpha q)^(1/(2p^2))",
            _wrong(claims.bandwidth_decay_law, lambda sp, t: (t.alpha * t.q) ** (1 / (2 * t.p**2))),
            cheap=True, check=shrunk_to_one),
    Planted(claims.bandwidth_decay_law.id, "exponent_without_the_decay",
            "rho ~ sqrt(q): the exponent 1/2 whatever the spectrum's decay",
            _wrong(claims.bandwidth_decay_law, lambda sp, t: sp.sqrt(t.q)),
            cheap=True, check=shrunk_to_one),
    # bandwidth_sqrt_q is itself falsified (ReLU's p = 2); on the step alone, where it holds, a wrong exponent
    # must still be caught
    Planted(claims.bandwidth_sqrt_q.id, "cube_root_on_the_step",
            "rho ~ q^(1/3), on the step activation only (where the paper's sqrt(q) holds)",
            _wrong(claims.bandwidth_sqrt_q, lambda sp, t: t.q ** sp.Rational(1, 3), "step_bandwidth_batches"),
            cheap=True, check=shrunk_to_one),
    # threshold_kappa: kappa(eps) = sqrt(-log(eps) / (alpha q))
    Planted(claims.threshold_kappa.id, "threshold_too_low", "kappa = sqrt(-log(eps) / (2 alpha q))",
            _wrong(claims.threshold_kappa, lambda sp, t: sp.sqrt(-sp.log(t.eps) / (2 * t.alpha * t.q))),
            cheap=True, check=shrunk_to_one),
    Planted(claims.threshold_kappa.id, "threshold_too_high", "kappa = sqrt(-2 log(eps) / (alpha q))",
            _wrong(claims.threshold_kappa, lambda sp, t: sp.sqrt(-2 * sp.log(t.eps) / (t.alpha * t.q))),
            cheap=True, check=shrunk_to_one),
    Planted(claims.threshold_kappa.id, "wrong_power_of_q", "kappa = sqrt(-log(eps) / alpha) / q",
            _wrong(claims.threshold_kappa, lambda sp, t: sp.sqrt(-sp.log(t.eps) / t.alpha) / t.q),
            cheap=True, check=shrunk_to_one),
    # basis_step_exact: (s_k, u_k(i)) of the all-ones lower-triangular matrix
    Planted(claims.basis_step_exact.id, "cosine_basis", "the DST-VII vectors replaced by cosines",
            _wrong(claims.basis_step_exact, lambda sp, t: sp.Tuple(t.STEP_SINGULAR_VALUE, _cosine_basis(sp, t))),
            cheap=True, check=shrunk_to_one),
    Planted(claims.basis_step_exact.id, "wrong_frequencies", "s_k = 1 / (2 sin(k pi / (2n + 1))): k for k - 1/2",
            _wrong(claims.basis_step_exact, lambda sp, t: sp.Tuple(
                1 / (2 * sp.sin(t.k_ * sp.pi / (2 * t.n_ + 1))), t.DST_VECTOR)),
            cheap=True, check=shrunk_to_one),
    # basis_monotonic_dst: the active components at their own DST-VII frequency
    Planted(claims.basis_monotonic_dst.id, "cosine_basis", "the DST-VII basis replaced by cosines",
            _wrong(claims.basis_monotonic_dst, _cosine_basis), cheap=True, check=shrunk_to_one),
    # sinc_cliff: rho = 1/w
    Planted(claims.sinc_cliff.id, "twice_the_bandwidth", "rho = 2/w",
            _wrong(claims.sinc_cliff, lambda sp, t: 2 / t.w), cheap=True, check=shrunk_to_one),
    Planted(claims.sinc_cliff.id, "half_the_bandwidth", "rho = 1/(2w)",
            _wrong(claims.sinc_cliff, lambda sp, t: 1 / (2 * t.w)), cheap=True, check=shrunk_to_one),
)
