"""Configurations of the gradient-flow claims (ntk.flow_rates, ntk.gd_to_flow): sizes per profile, the Hypothesis
strategy both claims draw from (the same configurations from the same seed: the second reads the first's flows),
and the assumption predicate.  Standalone (``configurations.KEYS`` reads its sizes), so it imports nothing of the
family.

A configuration holds: d, n, m, M (as in the family), ``horizon`` S (the flow runs to t_end = S / lambda_max(H/n),
the time S GD steps at half the stability limit cover), bias, degrees, amplitudes and seed."""

from __future__ import annotations

from hypothesis import strategies as st

from theorems._claim import Config, Profile
from theorems._strategies import batches, joined, seeds

FLOW_SIZES = {"dev": {"n": (128,), "m": (128,), "M": (256,), "d": (3, 4), "horizon": (8,)},
              "thorough": {"n": (128, 512), "m": (256, 1024), "M": (1024,), "d": (3, 4, 5), "horizon": (8, 16)}}
FLOW_DEGREE_SETS = ("1,2,4", "0,1,2", "1,2,3")
FLOW_AMPLITUDES = (1.0, 2.0, 3.0, 5.0)
FLOW_BATCH = 4
"""Configurations per batch (padded to it: one compilation per shape)."""

GD_STEPS = (2, 4, 8, 16, 32)
"""GD is compared with the flow at half the horizon, t_c = (S/2) / lambda_max(H/n), after N = c S steps for c in
GD_STEPS: steps eta = t_c / N with eta lambda_max(H/n) = 1/(2c), from 1/4 down to 1/64."""


def flow_batches(profile: Profile):
    s = FLOW_SIZES[profile.scale]
    settings = st.fixed_dictionaries({k_: st.sampled_from(v) for k_, v in s.items()})
    amp = st.sampled_from(FLOW_AMPLITUDES)
    members = lambda setting: st.fixed_dictionaries({
        "bias": st.sampled_from((0, 1)), "degrees": st.sampled_from(FLOW_DEGREE_SETS),
        "amplitudes": joined(st.tuples(amp, amp, amp)), "seed": seeds()})
    return batches(settings, members, min_size=FLOW_BATCH, max_size=FLOW_BATCH)


def flow_assumptions(config: Config) -> str | None:
    """m even (antisymmetric initialisation), three distinct degrees, a positive horizon."""
    if config["m"] % 2:
        return f"m = {config['m']} is odd: the antisymmetric initialisation needs an even width"
    degs = str(config["degrees"]).split(",")
    if len(set(degs)) != len(degs):
        return f"degrees {config['degrees']} repeat"
    if config["horizon"] <= 0:
        return "the horizon must be positive"
    return None
