"""Configurations of the splines family: the Hypothesis strategies that draw them, the theorems' assumptions as
predicates on them, and ``KEYS``, the declaration of every key they hold.

Configurations are flat dicts:
    init          gaussian (W ~ N(0, p1^2), B ~ N(0, p2^2)), binary (W in {-1, 1}, B ~ U(-p2, p2)),
                  uniform (W ~ U(-p1, p1), B ~ U(-p2, p2)); sphere (two inputs, W ~ U(S^1), B ~ U(-p2, p2))
    p1, p2        the parameters of the law (sigma_w, sigma_b or a_w, a_b)
    M             number of training points; data_seed, trend, offset: the data (see ``data.dataset``)
    frac          learning rate as a fraction of the stability limit of each network
    init_seed     folded into the configuration's PRNG key to draw the initial networks
    scale         the profile's scale (dev, thorough, xl), which sizes widths, seeds and step caps
    curvature     a multiple of x^2 added to the data (the null space of L = d^3 for z_+^2 / 2, Corollary 4)
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import strategies as st

from theorems._claim import Config, Profile
from theorems._keys import Key
from theorems._strategies import SEED_MAX, batches, merged, rounded, seeds, seeds_or_papers
from theorems.splines.claims_multid import DIMENSIONS, OFFSETS, U_MAX
from theorems.splines.claims_multid import SAMPLES as MULTID_SAMPLES
from theorems.splines.constants import (DATA_HALF_WIDTH, INITS, MC_SAMPLES, ZETA_BIN, ZETA_POINTS, support_half_width,
                                        zeta_breaks)
from theorems.splines.data import dataset_2d

# --- claim 1: zeta against Monte Carlo ---------------------------------------------------------------------


def zeta_laws(profile: Profile) -> st.SearchStrategy:
    gaussian = st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                      "p2": st.sampled_from((0.3, 0.5, 1.0, 2.0))})
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0),
                                    "p2": st.sampled_from((1.0, 2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                     "p2": st.sampled_from((1.0, 2.0, 3.0))})
    return st.one_of(gaussian, binary, uniform).map(lambda d: {**d, "samples": MC_SAMPLES[profile.scale]})


def zeta_points(setting: Config) -> st.SearchStrategy:
    """Evaluation points drawn in [-3, 3], away (by 2 bins) from the kinks of zeta, where a
    histogram estimate is biased by the jump or kink."""
    return st.fixed_dictionaries({
        "points": st.lists(rounded(-3.0, 3.0), min_size=ZETA_POINTS, max_size=ZETA_POINTS).map(sorted).map(tuple),
        "mc_seed": seeds(),
    })


def zeta_batches(profile: Profile) -> st.SearchStrategy:
    return batches(zeta_laws(profile), zeta_points, min_size=3, max_size=4)


def zeta_assumptions(config: Config) -> str | None:
    """P(W = 0) = 0 and a continuous density (the binary law has atoms in W but a density for C)."""
    if config["p1"] <= 0 or config["p2"] <= 0:
        return "the laws need positive scales"
    for k in zeta_breaks(config):
        if any(abs(p - k) < 2 * ZETA_BIN for p in config["points"]):
            return f"a point lies within two histogram bins of the kink of zeta at {k:g}"
    return None


# --- claim 2: g* for constant zeta is the natural cubic spline ----------------------------------------------

def spline_laws(profile: Profile) -> st.SearchStrategy:
    """Laws with zeta constant on the data's hull [-2, 2] (Thm. 2 (b), (c) with I = 2)."""
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0),
                                    "p2": st.sampled_from((2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0)),
                                     "p2": st.sampled_from((2.0, 3.0))})
    return st.one_of(binary, uniform)


def spline_data(setting: Config) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        "M": st.integers(3, 8),
        "data_seed": st.integers(-1, 2**16),
        "trend": rounded(-10, 10),
        "offset": rounded(-10, 10),
    })


def spline_batches(profile: Profile) -> st.SearchStrategy:
    return batches(spline_laws(profile), spline_data, min_size=3, max_size=4)


def spline_assumptions(config: Config) -> str | None:
    if support_half_width(config) < DATA_HALF_WIDTH:
        return (f"zeta is constant only on [-{support_half_width(config):g}, {support_half_width(config):g}], "
                f"not on the data's hull [-2, 2]")
    return None


# --- the rates ---------------------------------------------------------------------------------------------

def rate_laws(profile: Profile, inits=INITS) -> st.SearchStrategy:
    """The law, the data size and the widths: the part that fixes array shapes."""
    laws = {
        "gaussian": st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.just(1.0),
                                           "p2": st.sampled_from((0.5, 1.0))}),
        "binary": st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0), "p2": st.just(2.0)}),
        "uniform": st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.just(1.0), "p2": st.just(2.0)}),
    }
    sizes = (3,) if profile.scale == "dev" else (3, 4, 5)
    extra = st.fixed_dictionaries({"M": st.sampled_from(sizes), "scale": st.just(profile.scale)})
    return merged(st.one_of(*(laws[i] for i in inits)), extra)


def rate_members(setting: Config) -> st.SearchStrategy:
    """Data (a seed, and for M = 5 on the thorough profile also the paper's data), a linear trend
    the adjustment must remove, and the learning rate's fraction of the stability limit."""
    seed = seeds() if setting["M"] != 5 else seeds_or_papers()
    return st.fixed_dictionaries({
        "data_seed": seed,
        "trend": rounded(-3, 3),
        "offset": rounded(-3, 3),
        "frac": rounded(0.6, 0.95),
        "init_seed": seeds(),
    })


def rate_batches(profile: Profile, inits=INITS) -> st.SearchStrategy:
    return batches(rate_laws(profile, inits), rate_members, min_size=4, max_size=4)


def gaussian_rate_batches(profile: Profile) -> st.SearchStrategy:
    """:func:`rate_batches` of the Gaussian law alone."""
    return rate_batches(profile, inits=("gaussian",))


def rate_assumptions(config: Config) -> str | None:
    """0 < eta < 2 M / lambda_max(J J^T) (frac in (0, 1)), and zeta > 0 on the data's hull."""
    if not 0 < config["frac"] < 1:
        return f"frac = {config['frac']} puts the step outside (0, 2M/lambda_max(J J^T))"
    if not config.get("target_scale", 1.0) > 0:
        return f"target_scale = {config['target_scale']} must be positive (it divides the measured distance)"
    if support_half_width(config) < DATA_HALF_WIDTH and config["init"] == "binary":
        return "zeta vanishes on part of the data's hull"
    return None


# --- two inputs --------------------------------------------------------------------------------------------

def polyharmonic_settings(profile: Profile) -> st.SearchStrategy:
    return st.fixed_dictionaries({"a": st.sampled_from((1.5, 2.0, 3.0)), "M": st.integers(4, 7)})


def polyharmonic_members(setting: Config) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        "data_seed": st.integers(-1, 2**16),
        "trend": rounded(-3, 3),
        "trend2": rounded(-3, 3),
        "offset": rounded(-3, 3),
    })


def polyharmonic_batches(profile: Profile) -> st.SearchStrategy:
    return batches(polyharmonic_settings(profile), polyharmonic_members, min_size=3, max_size=4)


def polyharmonic_assumptions(config: Config) -> str | None:
    """Theorem 7: W uniform on S^{d-1}, B ~ U(-a_b, a_b) with a_b >= max_i |x_i|."""
    xs, _ = dataset_2d(config)
    R = float(np.max(np.linalg.norm(xs, axis=1)))
    if config["a"] < R:
        return f"a_b = {config['a']} < max |x_i| = {R:.3f}"
    return None


def rate_2d_settings(profile: Profile) -> st.SearchStrategy:
    return st.just({"init": "sphere", "p1": 1.0, "p2": 2.0, "M": 5, "scale": profile.scale})


def rate_2d_members(setting: Config) -> st.SearchStrategy:
    """The paper's data on the dev profile (random data in the disc are worse conditioned and need
    more steps than the dev budget allows), with random data as well on the thorough profile."""
    data = st.just(-1) if setting["scale"] == "dev" else seeds_or_papers()
    return st.fixed_dictionaries({
        "data_seed": data,
        "trend": rounded(-3, 3),
        "trend2": rounded(-3, 3),
        "offset": rounded(-3, 3),
        "frac": rounded(0.6, 0.95),
        "init_seed": seeds(),
    })


def rate_2d_batches(profile: Profile) -> st.SearchStrategy:
    return batches(rate_2d_settings(profile), rate_2d_members, min_size=4, max_size=4)


# --- the trajectory ----------------------------------------------------------------------------------------

def trajectory_law_choices() -> st.SearchStrategy:
    """The three laws of Theorem 2 with their scales drawn from small fixed sets (binary: a_b >= 2)."""
    gaussian = st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                      "p2": st.sampled_from((0.5, 1.0, 2.0))})
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0), "p2": st.sampled_from((2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0)),
                                     "p2": st.sampled_from((1.0, 2.0, 3.0))})
    return st.one_of(gaussian, binary, uniform)


def trajectory_laws(profile: Profile) -> st.SearchStrategy:
    return st.tuples(trajectory_law_choices(), st.sampled_from((4, 5, 6, 8))).map(lambda t: {**t[0], "M": t[1]})


def trajectory_members(setting: Config) -> st.SearchStrategy:
    seed = seeds() if setting["M"] != 5 else seeds_or_papers()
    return st.fixed_dictionaries({
        "data_seed": seed,
        "frac": rounded(0.02, 0.9),
    })


def trajectory_batches(profile: Profile) -> st.SearchStrategy:
    return batches(trajectory_laws(profile), trajectory_members, min_size=3, max_size=4)


def trajectory_assumptions(config: Config) -> str | None:
    """0 < eta_bar < 2 M / mu_max(K) (frac in (0, 1)), the stable range of the steps; zeta > 0 on S."""
    if not 0 < config["frac"] < 1:
        return f"frac = {config['frac']} puts the step outside (0, 2M/mu_max(K))"
    if config["init"] == "binary" and config["p2"] < DATA_HALF_WIDTH:
        return "zeta vanishes on part of the data's hull"
    return None


def network_trajectory_laws(profile: Profile) -> st.SearchStrategy:
    """The laws of ``trajectory_laws``; M = 5 on dev (one compilation), 4..8 on thorough."""
    sizes = (5,) if profile.scale == "dev" else (4, 5, 6, 8)
    return st.tuples(trajectory_law_choices(), st.sampled_from(sizes)).map(
        lambda t: {**t[0], "M": t[1], "scale": profile.scale})


def network_trajectory_members(setting: Config) -> st.SearchStrategy:
    """Data, the step's fraction of 2 M / mu_max(K) and the seed of the initialisations."""
    seed = seeds() if setting["M"] != 5 else seeds_or_papers()
    return st.fixed_dictionaries({
        "data_seed": seed,
        "frac": rounded(0.05, 0.95),
        "init_seed": seeds(),
    })


def network_trajectory_batches(profile: Profile) -> st.SearchStrategy:
    return batches(network_trajectory_laws(profile), network_trajectory_members, min_size=4, max_size=4)


# --- another activation ------------------------------------------------------------------------------------

def other_activation_laws(profile: Profile) -> st.SearchStrategy:
    """The three laws of Theorem 2: binary and uniform (a_b / a_w < 2 makes zeta_2 non-constant on the data's
    hull [-2, 2]) and gaussian (sigma_w, sigma_b in {0.5, 1, 2}: zeta_2 is smooth and nowhere constant)."""
    binary = st.fixed_dictionaries({"init": st.just("binary"), "p1": st.just(1.0), "p2": st.sampled_from((2.0, 3.0))})
    uniform = st.fixed_dictionaries({"init": st.just("uniform"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                     "p2": st.sampled_from((1.0, 1.5, 2.0, 3.0))})
    gaussian = st.fixed_dictionaries({"init": st.just("gaussian"), "p1": st.sampled_from((0.5, 1.0, 2.0)),
                                      "p2": st.sampled_from((0.5, 1.0, 2.0))})
    return st.tuples(st.one_of(binary, uniform, gaussian), st.integers(4, 7)).map(lambda t: {**t[0], "M": t[1]})


def other_activation_data(setting: Config) -> st.SearchStrategy:
    seed = seeds() if setting["M"] != 5 else seeds_or_papers()
    return st.fixed_dictionaries({
        "data_seed": seed,
        "trend": rounded(-5, 5),
        "offset": rounded(-5, 5),
        "curvature": rounded(-2, 2),
    })


def other_activation_batches(profile: Profile) -> st.SearchStrategy:
    return batches(other_activation_laws(profile), other_activation_data, min_size=3, max_size=4)


def other_activation_assumptions(config: Config) -> str | None:
    """zeta_k > 0 on the data's hull (binary: a_b >= 2), so that S = [min x_j, max x_j]."""
    if config["init"] == "binary" and config["p2"] < DATA_HALF_WIDTH:
        return "zeta vanishes on part of the data's hull"
    return None


# --- the keys ----------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Points(Key):
    """A key holding a sorted tuple of ``length`` numbers, each within [low, high] (``theorems._keys.Key``
    declares scalars only; this checks the tuple and then each entry as a scalar of ``kind``)."""

    length: int = 0

    def problem(self, name, value):
        if not isinstance(value, (tuple, list)) or len(value) != self.length:
            return f"{name!r} must be a sequence of {self.length} numbers, got {value!r}"
        if list(value) != sorted(value):
            return f"{name!r} must be sorted, got {value!r}"
        for v in value:
            problem = super().problem(name, v)
            if problem:
                return problem
        return None

    def describe(self) -> str:
        return f"{self.length} sorted values, each " + super().describe()


KEYS = {
    "init": Key(str, "the law of (W, B): gaussian, binary, uniform (Theorem 2 (a)-(c)); sphere: W ~ U(S^1) (two "
                     "inputs, Theorem 7)", choices=("gaussian", "binary", "uniform", "sphere")),
    "p1": Key(float, "sigma_w (gaussian) or a_w (uniform); 1 for binary and sphere", low=0.5, high=2.0),
    "p2": Key(float, "sigma_b (gaussian) or a_b (binary, uniform, sphere)", low=0.3, high=3.0),
    "samples": Key(int, "Monte Carlo draws of (W, B) for the estimate of zeta",
                   choices=tuple(sorted({*MC_SAMPLES.values(), *MULTID_SAMPLES.values()}))),
    "d": Key(int, "input dimension d of the hyperplanes' law (Theorems 6, 19)", choices=DIMENSIONS),
    "offsets": Points(float, "offsets c of the hyperplanes <V, x> = c where zeta(V, c) is estimated (in [-U_MAX, "
                             "U_MAX] sigma_b / sigma_w)", low=-U_MAX * 2.0 / 0.5, high=U_MAX * 2.0 / 0.5,
                      length=OFFSETS),
    "points": Points(float, "points x where zeta is estimated", low=-3.0, high=3.0, length=ZETA_POINTS),
    "mc_seed": Key(int, "distinguishes Monte Carlo estimates of one law (it enters the configuration's key)",
                   low=0, high=SEED_MAX),
    "M": Key(int, "number of training points", low=3, high=8),
    "data_seed": Key(int, "seed of random data; -1 for the paper's data (Figure 1, or Figure 2 for two inputs)",
                     low=-1, high=SEED_MAX),
    "trend": Key(float, "slope of the linear function trend x + offset added to the data (first coordinate for "
                        "two inputs); the affine adjustment removes it", low=-10.0, high=10.0),
    "trend2": Key(float, "second coordinate of the linear function added to two-input data", low=-3.0, high=3.0),
    "offset": Key(float, "constant added to the data (the affine adjustment removes it)", low=-10.0, high=10.0),
    "curvature": Key(float, "multiple of x^2 added to the data (Corollary 4's null space of L = d^3)",
                     low=-2.0, high=2.0),
    "frac": Key(float, "learning rate as a fraction of the stability limit (2M / lambda_max(J J^T), or 2M / "
                       "mu_max(K) for the trajectory claims)", low=0.02, high=0.95),
    "init_seed": Key(int, "seed of the initial networks (folded into the configuration's key)", low=0,
                     high=SEED_MAX),
    "scale": Key(str, "the profile's scale, which sizes widths, seeds and step caps", choices=("dev", "thorough", "xl")),
    "a": Key(float, "a_b of B ~ U(-a_b, a_b) for two inputs (the kernel limit (25))", choices=(1.5, 2.0, 3.0)),
    "target_scale": Key(float, "never drawn: a factor on the outputs for runs by hand (1 unless given; must be "
                               "positive, see NOTES.md)"),
}
"""Every key the family's configurations hold, with its domain over the dev and thorough profiles."""
