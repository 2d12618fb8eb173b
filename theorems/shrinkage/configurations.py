"""Which configurations each claim is checked on: Hypothesis strategies, assumption predicates and ``KEYS``.

One Hypothesis example is a batch of configurations that share a *setting*, the part that fixes the array
shapes (the grid size n, and for most claims the Jacobian): see :func:`theorems._strategies.batches`.  A
learning rate is drawn as a fraction of a limit of the setting's spectrum, with the range reaching a little
past the limit, so that some configurations fall outside the theorem's assumption and exercise it (they are
judged out of scope, not failed).

Each ``*_assumptions(config)`` returns ``None`` inside the theorem's assumptions and the reason otherwise.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics import shrinkage as nx
from theorems._claim import Config, Profile
from theorems._keys import Key
from theorems._strategies import SEED_MAX, batches, derived, fraction_of, fractions, seeds
from theorems.shrinkage.network import stability_limit
from theorems.shrinkage.theory import sinc_tau

GRID_SIZES = {"dev": (16, 32, 48), "thorough": (16, 32, 48, 64, 96, 128)}
WIDTHS = (0.05, 0.1, 0.2)
NOISES = (0.0, 0.1, 0.5)
EPSILONS = (0.1, 0.01, 0.001)
BANDWIDTH_GRID_SIZES = {"dev": (64, 96, 128), "thorough": (64, 96, 128, 192, 256)}
BANDWIDTH_WIDTHS = (0.002, 0.005, 0.01, 0.02)
STEP_GRID_SIZES = {"dev": (8, 12, 16, 24, 32, 48, 64, 96, 128), "thorough": (8, 16, 32, 64, 128, 192, 256)}
SINC_GRID_SIZES = {"dev": (32, 48, 64), "thorough": (32, 48, 64, 96, 128)}
SINC_WIDTHS = (1 / 20, 1 / 16, 1 / 12, 1 / 10, 1 / 8, 1 / 6, 1 / 5, 1 / 4)
TOEPLITZ_PLACEMENTS = ("grid", "shifted")


def _s_max2(config: Config) -> float:
    """s_max^2 of the configuration's Jacobian (as 2 over the stability limit)."""
    return 2.0 / stability_limit(config)


def _alpha_from_fraction(setting: Config):
    """alpha = alpha_fraction / s_max^2 of the member's Jacobian (a member's map, see ``derived``)."""

    def alpha_of(member: Config) -> float:
        return float(member["alpha_fraction"] / _s_max2({**setting, **member}))

    return alpha_of


# --- gradient descent on a Jacobian (claims filter_exact, threshold_kappa, basis_monotonic_dst) ---------------

def settings(profile: Profile, activations=nx.ACTIVATIONS) -> st.SearchStrategy:
    """The part of a configuration that fixes the Jacobian (and so the array shapes)."""
    return st.fixed_dictionaries({
        "n": st.sampled_from(GRID_SIZES[profile.scale]),
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": seeds(),
        "activation": st.sampled_from(activations),
        "width": st.sampled_from(WIDTHS),
    })


def gd_runs(setting: Config) -> st.SearchStrategy:
    """Learning rate, step count and target of one run, for a given Jacobian.

    alpha is drawn as a fraction of the stability limit 2/s_max^2, up to 1.15 of it,
    so that some configurations fall outside the assumption and exercise it.
    """
    return st.fixed_dictionaries({
        "alpha": fraction_of(stability_limit(setting), 0.02, 1.15),
        "q": st.integers(1, 400),
        "frequency": st.integers(0, 8),
        "noise": st.sampled_from(NOISES),
        "target_seed": seeds(),
    })


def gd_assumptions(config: Config) -> str | None:
    """0 < alpha < 2 / s_max^2, and a positive integer step count."""
    if config["n"] < 2:
        return f"n = {config['n']} < 2 points"
    if config["q"] < 1:
        return f"q = {config['q']} < 1 step"
    limit = stability_limit(config)
    if not 0 < config["alpha"] < limit:
        return f"alpha = {config['alpha']:.4g} is outside (0, 2/s_max^2 = {limit:.4g})"
    return None


def filter_batches(profile: Profile) -> st.SearchStrategy:
    """Batches of up to 5 GD runs (alpha, q, target) on one Jacobian of any activation."""
    return batches(settings(profile), gd_runs, max_size=5)


# --- the sign-alternating regime (claim sign_alternation) ----------------------------------------------------

ALTERNATING_STEPS = (1, 40)
"""q of the sign-alternating claim: the overshoot |1 - alpha s^2|^q stays above GD's round-off (16 (q + 1) n eps_64,
7e-12 at q = 40, n = 48) for the top components only up to some tens of steps; beyond, no component is judged."""


def alternation_runs(setting: Config) -> st.SearchStrategy:
    """alpha s_max^2 in [0.95, 2.02] (past 1 into the alternating regime, a little past 2 to exercise the stability
    assumption, a little below 1 to exercise the regime's) and a step count of either parity."""
    return st.fixed_dictionaries({
        "alpha_fraction": fractions(0.95, 2.02),
        "q": st.integers(*ALTERNATING_STEPS),
    }).map(derived("alpha", _alpha_from_fraction(setting)))


def alternation_assumptions(config: Config) -> str | None:
    """GD's 0 < alpha < 2/s_max^2, and alpha s_max^2 > 1: the top component in the alternating regime."""
    reason = gd_assumptions(config)
    if reason:
        return reason
    x = config["alpha"] * _s_max2(config)
    if not x > 1:
        return f"alpha s_max^2 = {x:.3g} <= 1: no component in the alternating regime"
    return None


def alternation_batches(profile: Profile) -> st.SearchStrategy:
    """Batches of up to 5 GD runs (alpha s_max^2 near or past 1, q of either parity) on one Jacobian."""
    return batches(settings(profile), alternation_runs, max_size=5)


# --- the bandwidth (claims bandwidth_decay_law, bandwidth_sqrt_q) ---------------------------------------------

def bandwidth_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(BANDWIDTH_GRID_SIZES[profile.scale])})


def bandwidth_members(setting: Config) -> st.SearchStrategy:
    """One Jacobian (activation, bias placement, width) and a learning rate per configuration.

    alpha is drawn as a fraction of 1/s_max^2, up to 1.1 of it, so that some
    configurations fall outside the assumption alpha s_max^2 < 1.
    """
    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": seeds(),
        "activation": st.sampled_from(nx.MONOTONIC),
        "width": st.sampled_from(BANDWIDTH_WIDTHS),
        "alpha_fraction": fractions(0.01, 1.1),
    }).map(derived("alpha", _alpha_from_fraction(setting)))


def bandwidth_assumptions(config: Config) -> str | None:
    """A monotonic activation and 0 < alpha s_max^2 < 1.

    Below 1/s_max^2 every component has 0 <= 1 - alpha s_i^2 < 1, so its mask rises
    monotonically through 1/2 exactly once; the bandwidth is then the counting function
    of the crossing steps.  The paper states GD's regularisation for monotonic
    activations only (abstract: "GD regularization is shown to be effective only with
    monotonic activation functions").
    """
    if config["activation"] not in nx.MONOTONIC:
        return f"activation {config['activation']} is not monotonic"
    s_max2 = _s_max2(config)
    if not 0 < config["alpha"] * s_max2 < 1:
        return f"alpha s_max^2 = {config['alpha'] * s_max2:.3g} is outside (0, 1)"
    return None


def bandwidth_batches(profile: Profile) -> st.SearchStrategy:
    """Batches of up to 5 monotonic Jacobians on one grid, each with its learning rate."""
    return batches(bandwidth_settings(profile), bandwidth_members, max_size=5)


def step_bandwidth_batches(profile: Profile) -> st.SearchStrategy:
    """The bandwidth configurations restricted to the step activation (p = 1), where the paper's rho ~ sqrt(q)
    is the decay law; no claim draws these (a test and a planted version do)."""
    return batches(bandwidth_settings(profile),
                   lambda setting: bandwidth_members(setting).filter(lambda c: c["activation"] == "step"),
                   max_size=3)


# --- the threshold (claim threshold_kappa) --------------------------------------------------------------------

def threshold_runs(setting: Config) -> st.SearchStrategy:
    """A GD run (:func:`gd_runs`) and a residual level eps."""
    return st.builds(lambda run, e: {**run, "eps": e}, gd_runs(setting), st.sampled_from(EPSILONS))


def threshold_assumptions(config: Config) -> str | None:
    """GD's assumptions (0 < alpha < 2/s_max^2) and q > -log(eps), so that alpha kappa^2 < 1."""
    reason = gd_assumptions(config)
    if reason:
        return reason
    if not config["q"] > -np.log(config["eps"]):
        return f"q = {config['q']} <= -log(eps) = {-np.log(config['eps']):.3g}: alpha kappa^2 >= 1"
    return None


def threshold_batches(profile: Profile) -> st.SearchStrategy:
    return batches(settings(profile), threshold_runs, max_size=5)


# --- the basis (claims basis_step_exact, basis_monotonic_dst) -------------------------------------------------

def step_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(STEP_GRID_SIZES[profile.scale])})


def step_members(setting: Config) -> st.SearchStrategy:
    """A bias placement of the step activation (the width does not enter the step)."""
    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": seeds(),
        "activation": st.just("step"),
        "width": st.just(0.1),
    })


def step_assumptions(config: Config) -> str | None:
    """The step activation, with each bias b_j strictly between x_{j-1} and x_j (every placement)."""
    if config["activation"] != "step":
        return f"activation {config['activation']} is not the step"
    if config["n"] < 2:
        return f"n = {config['n']} < 2"
    return None


def step_batches(profile: Profile) -> st.SearchStrategy:
    return batches(step_settings(profile), step_members, max_size=5)


def dst_settings(profile: Profile) -> st.SearchStrategy:
    return settings(profile, activations=nx.MONOTONIC)


def dst_runs(setting: Config) -> st.SearchStrategy:
    """A learning rate (a fraction of 2/s_max^2 up to 1.15) and a step count."""
    return st.fixed_dictionaries({
        "alpha": fraction_of(stability_limit(setting), 0.02, 1.15),
        "q": st.integers(1, 400),
    })


def dst_assumptions(config: Config) -> str | None:
    """A monotonic activation, and GD's 0 < alpha < 2/s_max^2."""
    if config["activation"] not in nx.MONOTONIC:
        return f"activation {config['activation']} is not monotonic"
    return gd_assumptions(config)


def dst_batches(profile: Profile) -> st.SearchStrategy:
    return batches(dst_settings(profile), dst_runs, max_size=5)


# --- the Gaussian activation (claim gaussian_bandwidth) --------------------------------------------------------

GAUSSIAN_GRID_SIZES = {"dev": (32, 48, 64), "thorough": (32, 48, 64, 96, 128)}
GAUSSIAN_WIDTHS = (0.125, 0.2, 0.25)
GAUSSIAN_MAX_LOG10_STEPS = 6


def gaussian_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(GAUSSIAN_GRID_SIZES[profile.scale])})


def gaussian_members(setting: Config) -> st.SearchStrategy:
    """A Gaussian Jacobian (width, any placement), alpha s_max^2 up to 1.1 (past 1 to exercise the assumption)
    and q log-uniform in 1 .. 10^6 (the residual map's powers make large q cheap)."""
    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": seeds(),
        "activation": st.just("gaussian"),
        "width": st.sampled_from(GAUSSIAN_WIDTHS),
        "alpha_fraction": fractions(0.05, 1.1),
        "q_powered": st.integers(0, 50 * GAUSSIAN_MAX_LOG10_STEPS).map(lambda t: int(round(10 ** (t / 50)))),
    }).map(derived("alpha", _alpha_from_fraction(setting)))


def gaussian_assumptions(config: Config) -> str | None:
    """The Gaussian activation, inputs in [0, 1] (the grid), and 0 < alpha s_max^2 <= 1 (Bernoulli's bound
    m <= q alpha s^2 needs 0 <= alpha s^2 <= 1)."""
    if config["activation"] != "gaussian":
        return f"activation {config['activation']} is not the Gaussian"
    if config["q_powered"] < 1:
        return f"q_powered = {config['q_powered']} < 1 step"
    x = config["alpha"] * _s_max2(config)
    if not 0 < x <= 1:
        return f"alpha s_max^2 = {x:.3g} is outside (0, 1]"
    return None


def gaussian_batches(profile: Profile) -> st.SearchStrategy:
    return batches(gaussian_settings(profile), gaussian_members, max_size=5)


# --- non-monotonic activations (claim sinc_cliff) -------------------------------------------------------------

def sinc_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"n": st.sampled_from(SINC_GRID_SIZES[profile.scale])})


def sinc_members(setting: Config) -> st.SearchStrategy:
    """A sinc Jacobian (width, placement) and a GD run; alpha up to 1.1 / s_max^2, to exercise the assumption."""
    return st.fixed_dictionaries({
        "bias": st.sampled_from(nx.BIAS_PLACEMENTS),
        "bias_seed": seeds(),
        "activation": st.just("sinc"),
        "width": st.sampled_from(SINC_WIDTHS),
        "alpha_fraction": fractions(0.1, 1.1),
        "q": st.integers(1, 12),
    }).map(derived("alpha", _alpha_from_fraction(setting)))


def sinc_assumptions(config: Config) -> str | None:
    """sinc; equispaced biases (Toeplitz A); n w >= 1 (no aliasing); 0 < alpha s_max^2 <= 1 (the mask
    increases with s); tau(alpha, q) < 1 (GD has reached the flat level, so rho > 0 is possible)."""
    if config["activation"] != "sinc":
        return f"activation {config['activation']} is not sinc"
    if config["bias"] not in TOEPLITZ_PLACEMENTS:
        return f"bias placement {config['bias']} is not equispaced: A is not Toeplitz"
    if config["n"] * config["width"] < 1:
        return f"n w = {config['n'] * config['width']:.3g} < 1: the sinc is narrower than a grid cell and aliases"
    s_max2 = _s_max2(config)
    if not 0 < config["alpha"] * s_max2 <= 1:
        return f"alpha s_max^2 = {config['alpha'] * s_max2:.3g} is outside (0, 1]"
    if not sinc_tau(config) < 1:
        return f"tau = {sinc_tau(config):.3g} >= 1: after q = {config['q']} steps GD has not reached the flat level"
    return None


def sinc_batches(profile: Profile) -> st.SearchStrategy:
    return batches(sinc_settings(profile), sinc_members, max_size=5)


# --- the keys -------------------------------------------------------------------------------------------------

def _union(*groups) -> tuple:
    return tuple(sorted({v for group in groups for v in group}))


KEYS = {
    "n": Key(int, "grid size n, also the number of neurons",
             choices=_union(*GRID_SIZES.values(), *BANDWIDTH_GRID_SIZES.values(), *STEP_GRID_SIZES.values(),
                            *SINC_GRID_SIZES.values(), *GAUSSIAN_GRID_SIZES.values())),
    "bias": Key(str, "placement of the biases b_j (numerics.shrinkage.biases)", choices=nx.BIAS_PLACEMENTS),
    "bias_seed": Key(int, "seed of the jittered bias placement", low=0, high=SEED_MAX),
    "activation": Key(str, "activation phi (monotonic: step, relu, sigmoid, softplus)", choices=nx.ACTIVATIONS),
    "width": Key(float, "scale w of the smooth activations, phi(z / w)",
                 choices=_union(WIDTHS, BANDWIDTH_WIDTHS, SINC_WIDTHS, GAUSSIAN_WIDTHS, (0.1,))),
    "alpha": Key(float, "learning rate alpha: a fraction of the Jacobian's 2/s_max^2 (in [0.02, 1.15], not "
                        "stored) or alpha_fraction / s_max^2 where alpha_fraction is stored",
                 low=0.0, derived_from=("n", "bias", "bias_seed", "activation", "width", "alpha_fraction")),
    "alpha_fraction": Key(float, "alpha s_max^2, the learning rate relative to the spectrum (up to 1.1 for the "
                                 "bandwidth and sinc claims, up to 2.02 for sign_alternation)", low=0.01, high=2.02),
    "q": Key(int, "number q of gradient-descent steps", low=1, high=400),
    "q_powered": Key(int, "number q of gradient-descent steps of gaussian_bandwidth, which raises GD's one-step "
                          "residual map to the q-th power (so q may be large)", low=1,
                     high=10**GAUSSIAN_MAX_LOG10_STEPS),
    "eps": Key(float, "residual level eps of the threshold kappa(eps)", choices=EPSILONS),
    "frequency": Key(int, "frequency k of the target sin(2 pi k x)", low=0, high=8),
    "noise": Key(float, "standard deviation of the target's Gaussian noise", choices=NOISES),
    "target_seed": Key(int, "seed of the target's noise", low=0, high=SEED_MAX),
}
"""Every configuration key the family's claims draw, with its domain over the dev and thorough profiles."""
