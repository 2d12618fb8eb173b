"""Configurations of the ntk family: the sizes each profile draws, the Hypothesis strategies, the assumption
predicates, and :data:`KEYS`, the declaration of every configuration key.

A configuration holds some of:
    d        ambient dimension (the sphere is S^{d-1})
    k        degree of a spherical harmonic
    bias     1 when the bias b is trained (kernel with beta = 1), else 0
    n, m     training-set size and width
    eta_frac learning rate as a fraction of the stability limit 2/lambda_max(H/n)
    degrees, amplitudes   the target f* = sum_j A_j phi_{k_j}
    seed     seed of the data, poles and fresh points
    block    Theorem 4.2's block: the first k distinct eigenvalues of Cao's kernel (degrees 0..k-1 on S^9)
    target   Theorem 4.2's labels: Cao's target scaled to max |y| = 1 (cao111, cao135), or random signs
"""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from theorems._claim import Config, Profile
from theorems._keys import Key
from theorems._strategies import batches, fractions, joined, seeds
from theorems.ntk.flow_configurations import FLOW_SIZES

# --- sizes ----------------------------------------------------------------------------------------------

CIRCLE_DEGREES = {"dev": 40, "thorough": 400}
SPHERE_DIMS = {"dev": (3, 4, 5, 6), "thorough": (3, 4, 5, 6, 7, 8, 10)}
SPHERE_DEGREES = {"dev": 6, "thorough": 8}
DECAY_DIMS = {"dev": (2, 3, 4, 5, 6), "thorough": (2, 3, 4, 5, 6, 7, 8)}

LR_SIZES = {"dev": {"n": (512,), "m": (512,), "M": (1024,), "d": (3, 4), "steps": (64,)},
            "thorough": {"n": (512, 2048), "m": (256, 1024, 4096), "M": (4096,), "d": (3, 4, 5),
                         "steps": (400,)}}
DEGREE_SETS = ("1,2,4", "0,1,2", "1,2,3")
BATCH = 4
"""Configurations per batch of the training claims (a batch is padded to it: one compilation per shape)."""

IDENTITY_SIZES = {"dev": {"n": (32, 64), "m": (64, 256), "d": (3, 5), "steps": (60,)},
                  "thorough": {"n": (32, 64, 128), "m": (64, 256, 1024), "d": (3, 5, 10), "steps": (200,)}}
IDENTITY_BATCH = 6
"""Largest batch of the identity claim (batches are padded to it: one compilation serves every batch)."""

GRAM_GRID = {"dev": {"n": (128, 256, 512, 1024), "m": (256, 1024, 4096, 16384), "fixed_n": 128, "reps": 4},
             "thorough": {"n": (128, 256, 512, 1024, 2048), "m": (256, 1024, 4096, 16384, 65536), "fixed_n": 512,
                          "reps": 8}}

CAO_SIZES = {"dev": {"n": (512,), "m": (512,), "steps": (200,)},
             "thorough": {"n": (1000,), "m": (4096,), "steps": (600,)}}
"""Cao et al.'s experiment on their network: dev and ci n = m = 512, 200 steps; thorough their n = 1000 and width
4096."""
CAO_ETA_FRACS = (0.25, 0.5, 0.75)
"""Their step is not known: the step as these fractions of the stability limit 2 / (m lambda_max(H_Cao/n))."""
BLOCK_SIZES = {"dev": {"n": (512,), "m": (512,), "steps": (300,)},
               "thorough": {"n": (1000,), "m": (4096,), "steps": (800,)}}
"""Theorem 4.2's block bound: T = 300 steps at eta m = 1 on dev (the slowest block, lambda = mu_2 = 0.0057, decays
by (1 - mu_2)^300 = 0.18), 800 on thorough."""
BLOCK_TARGETS = ("cao111", "cao135", "signs")

NONUNIFORM_CONCENTRATIONS = (0.0, 0.5, 1.0, 2.0)

LR_AMPLITUDES = (1.0, 2.0, 3.0, 5.0)
IDENTITY_AMPLITUDES = (1.0, 3.0, 5.0)


def parse_degrees(config: Config) -> tuple[int, ...]:
    return tuple(int(x) for x in str(config["degrees"]).split(","))


def parse_amplitudes(config: Config) -> tuple[float, ...]:
    return tuple(float(x) for x in str(config["amplitudes"]).split(","))


# --- the spectrum on S^1 ----------------------------------------------------------------------------

def circle_settings(profile: Profile):
    return st.fixed_dictionaries({"d": st.just(2), "bias": st.sampled_from((0, 1))})


def circle_members(profile: Profile):
    return lambda setting: st.fixed_dictionaries({"k": st.integers(0, CIRCLE_DEGREES[profile.scale])})


def circle_batches(profile: Profile):
    return batches(circle_settings(profile), circle_members(profile), min_size=1, max_size=8)


def circle_assumptions(config: Config) -> str | None:
    if config["d"] != 2:
        return f"d = {config['d']}: the closed form is for S^1 (d = 2)"
    if config["k"] < 0:
        return "negative degree"
    return None


# --- the spectrum on S^{d-1}, d >= 3 -------------------------------------------------------------------

def sphere_settings(profile: Profile):
    return st.fixed_dictionaries({"d": st.sampled_from(SPHERE_DIMS[profile.scale]),
                                  "bias": st.sampled_from((0, 1))})


def sphere_members(profile: Profile):
    return lambda setting: st.fixed_dictionaries({"k": st.integers(0, SPHERE_DEGREES[profile.scale])})


def sphere_batches(profile: Profile):
    return batches(sphere_settings(profile), sphere_members(profile), min_size=1, max_size=8)


def sphere_assumptions(config: Config) -> str | None:
    if config["d"] < 3:
        return f"d = {config['d']} < 3: S^1 has its own claim (ntk.spectrum_circle)"
    if config["k"] < 0:
        return "negative degree"
    return None


# --- the decay law ------------------------------------------------------------------------------------

def decay_settings(profile: Profile):
    return st.fixed_dictionaries({"d": st.sampled_from(DECAY_DIMS[profile.scale])})


def decay_members(setting):
    return st.fixed_dictionaries({"bias": st.sampled_from((0, 1)), "parity": st.sampled_from(("even", "odd")),
                                  "shift": st.sampled_from((0, 2, 4))})


def decay_batches(profile: Profile):
    return batches(decay_settings(profile), decay_members, min_size=1, max_size=4)


def decay_assumptions(config: Config) -> str | None:
    if config["parity"] == "odd" and config["bias"] == 0:
        return "odd degrees >= 3 have mu_k = 0 without a trained bias: no decay law to fit"
    return None


# --- per-degree learning rates -------------------------------------------------------------------------

def lr_settings(profile: Profile):
    s = LR_SIZES[profile.scale]
    return st.fixed_dictionaries({
        "d": st.sampled_from(s["d"]), "n": st.sampled_from(s["n"]), "m": st.sampled_from(s["m"]),
        "M": st.sampled_from(s["M"]), "steps": st.sampled_from(s["steps"])})


def lr_members(setting):
    amp = st.sampled_from(LR_AMPLITUDES)
    return st.fixed_dictionaries({
        "bias": st.sampled_from((0, 1)), "degrees": st.sampled_from(DEGREE_SETS),
        "eta_frac": fractions(0.05, 0.95),
        "amplitudes": joined(st.tuples(amp, amp, amp)),
        "seed": seeds()})


def lr_batches(profile: Profile):
    return batches(lr_settings(profile), lr_members, min_size=BATCH, max_size=BATCH)


def lr_assumptions(config: Config) -> str | None:
    """0 < eta < 2 / lambda_max(H/n); m even (antisymmetric init); three distinct degrees."""
    if config["m"] % 2:
        return f"m = {config['m']} is odd: the antisymmetric initialisation needs an even width"
    degs = parse_degrees(config)
    if len(set(degs)) != len(degs):
        return f"degrees {degs} repeat"
    if not 0 < config["eta_frac"] < 1:
        from theorems.ntk.dynamics import lambda_max

        return (f"eta = {config['eta_frac']:.3g} x 2/lambda_max(H/n) is at or past the stability limit "
                f"2/lambda_max = {2 / lambda_max(config):.4g}")
    return None


# --- the discrete damped-deviations identity ----------------------------------------------------------------

def identity_settings(profile: Profile):
    s = IDENTITY_SIZES[profile.scale]
    return st.fixed_dictionaries({k_: st.sampled_from(v) for k_, v in s.items()})


def identity_members(setting):
    return st.fixed_dictionaries({
        "bias": st.sampled_from((0, 1)), "degrees": st.sampled_from(DEGREE_SETS),
        "amplitudes": joined(st.tuples(*[st.sampled_from(IDENTITY_AMPLITUDES)] * 3)),
        "eta_frac": fractions(0.05, 1.1), "seed": seeds()})


def identity_batches(profile: Profile):
    return batches(identity_settings(profile), identity_members, min_size=1, max_size=IDENTITY_BATCH)


def identity_assumptions(config: Config) -> str | None:
    if not 0 < config["eta_frac"] < 1:
        return (f"eta = {config['eta_frac']:.3g} x 2/lambda_max(H/n) is at or past the stability limit "
                f"2/lambda_max(H/n)")
    if config["m"] % 2:
        return "odd width"
    return None


# --- the Gram spectrum -------------------------------------------------------------------------------------

def gram_settings(profile: Profile):
    g = GRAM_GRID[profile.scale]
    return st.fixed_dictionaries({"axis": st.sampled_from(("n", "m")), "grid": st.just(profile.scale),
                                  "fixed_n": st.just(g["fixed_n"]), "reps": st.just(g["reps"])})


def gram_members(setting):
    return st.fixed_dictionaries({"d": st.sampled_from((3, 4, 5)), "bias": st.sampled_from((0, 1)),
                                  "seed": seeds()})


def gram_batches(profile: Profile):
    return batches(gram_settings(profile), gram_members, min_size=3, max_size=4)


def gram_assumptions(config: Config) -> str | None:
    return None if config["d"] >= 3 else "d < 3"


# --- Cao et al.'s experiment ----------------------------------------------------------------------------------

def cao_settings(profile: Profile):
    s = CAO_SIZES[profile.scale]
    return st.fixed_dictionaries({k_: st.sampled_from(v) for k_, v in s.items()})


def cao_members(setting):
    return st.fixed_dictionaries({"amplitudes": st.sampled_from(("1,1,1", "1,3,5")),
                                  "eta_frac": st.sampled_from(CAO_ETA_FRACS), "seed": seeds()})


def cao_batches(profile: Profile):
    return batches(cao_settings(profile), cao_members, min_size=BATCH, max_size=BATCH)


def cao_assumptions(config: Config) -> str | None:
    """0 < eta m < 2 / lambda_max(H_Cao/n); m even (the antisymmetric pairing)."""
    if config["m"] % 2:
        return f"m = {config['m']} is odd: the antisymmetric initialisation needs an even width"
    if not 0 < config["eta_frac"] < 1:
        return f"eta = {config['eta_frac']:.3g} x the stability limit 2 / (m lambda_max(H/n)) is at or past it"
    return None


def block_batches(profile: Profile):
    s = BLOCK_SIZES[profile.scale]
    settings = st.fixed_dictionaries({k_: st.sampled_from(v) for k_, v in s.items()})
    members = lambda setting: st.fixed_dictionaries({"block": st.sampled_from((1, 2, 3)),
                                                     "target": st.sampled_from(BLOCK_TARGETS), "seed": seeds()})
    return batches(settings, members, min_size=BATCH, max_size=BATCH)


def block_assumptions(config: Config) -> str | None:
    """m even; the block's r_k below n (n samples cannot resolve more than n directions: Remark 4.8)."""
    from theorems.ntk.cao_block import block_rank

    if config["m"] % 2:
        return f"m = {config['m']} is odd: the antisymmetric initialisation needs an even width"
    if block_rank(int(config["block"])) >= config["n"]:
        return f"r_k = {block_rank(int(config['block']))} >= n = {config['n']}"
    return None


# --- non-uniform data ------------------------------------------------------------------------------------------

def nonuniform_settings(profile: Profile):
    s = LR_SIZES[profile.scale]
    return st.fixed_dictionaries({"d": st.just(3), "degrees": st.just("1,2,4"),
                                  **{k_: st.sampled_from(v) for k_, v in s.items() if k_ != "d"}})


def nonuniform_members(setting):
    return st.fixed_dictionaries({"concentration": st.sampled_from(NONUNIFORM_CONCENTRATIONS),
                                  "bias": st.sampled_from((0, 1)), "amplitudes": st.just("1,1,1"),
                                  "eta_frac": fractions(0.05, 0.95), "seed": seeds()})


def nonuniform_batches(profile: Profile):
    return batches(nonuniform_settings(profile), nonuniform_members, min_size=BATCH, max_size=BATCH)


# --- Cao et al.'s kernel on their S^d, and Theorem 4.3's two regimes -------------------------------------

CAO_SPHERE_DIMS = {"dev": tuple(range(2, 10)), "thorough": tuple(range(2, 21))}
CAO_SPHERE_DEGREES = {"dev": 9, "thorough": 12}
CAO_DEGREE_DIMS = {"dev": (2, 3, 4, 5), "thorough": (2, 3, 4, 5, 6, 7, 8)}
"""k >> d: Cao's sphere dimensions d_S whose decay in k is fitted (grid: cao_spectrum.DEGREE_FACTORS)."""
CAO_DIMENSION_DEGREES = {"dev": (2, 3, 4, 5, 6, 7), "thorough": (2, 3, 4, 5, 6, 7, 8, 9)}
"""d >> k: the degrees k whose decay in d_S is fitted (grid: cao_spectrum.DIMENSION_GRID, d_S up to 50 / 100)."""
CAO_STARTS = (0, 1, 2)


def cao_spectrum_batches(profile: Profile):
    settings = st.fixed_dictionaries({"sphere_dim": st.sampled_from(CAO_SPHERE_DIMS[profile.scale]),
                                      "bias": st.sampled_from((0, 1))})
    members = lambda setting: st.fixed_dictionaries({"k": st.integers(0, CAO_SPHERE_DEGREES[profile.scale])})
    return batches(settings, members, min_size=1, max_size=6)


def cao_spectrum_assumptions(config: Config) -> str | None:
    if config["sphere_dim"] < 2:
        return f"d_S = {config['sphere_dim']}: Gegenbauer weight (d_S - 1)/2 must be positive"
    return None


def cao_degree_batches(profile: Profile):
    settings = st.fixed_dictionaries({"grid": st.just(profile.scale)})
    members = lambda setting: st.fixed_dictionaries({
        "sphere_dim": st.sampled_from(CAO_DEGREE_DIMS[profile.scale]), "bias": st.sampled_from((0, 1)),
        "parity": st.sampled_from(("even", "odd")), "start": st.sampled_from((0, 1))})
    return batches(settings, members, min_size=1, max_size=4)


def cao_degree_assumptions(config: Config) -> str | None:
    if config["parity"] == "odd" and config["bias"] == 0:
        return "odd degrees >= 3 have mu_k = 0 for Cao's kernel without a bias: no decay to fit"
    return None


def cao_dimension_batches(profile: Profile):
    settings = st.fixed_dictionaries({"grid": st.just(profile.scale)})
    members = lambda setting: st.fixed_dictionaries({
        "k": st.sampled_from(CAO_DIMENSION_DEGREES[profile.scale]), "bias": st.sampled_from((0, 1)),
        "start": st.sampled_from(CAO_STARTS)})
    return batches(settings, members, min_size=1, max_size=4)


def cao_dimension_assumptions(config: Config) -> str | None:
    if config["k"] % 2 and config["bias"] == 0:
        return f"odd k = {config['k']} >= 3 has mu_k = 0 for Cao's kernel without a bias: no decay to fit"
    return None


# --- declared keys ---------------------------------------------------------------------------------------------

def _union(*parts) -> tuple:
    """The sorted distinct values of ``parts``, each a value or a tuple of values."""
    values = set()
    for part in parts:
        values.update(part if isinstance(part, tuple) else (part,))
    return tuple(sorted(values))


def _sizes(key: str) -> tuple:
    tables = (LR_SIZES, IDENTITY_SIZES, CAO_SIZES, BLOCK_SIZES, FLOW_SIZES)
    return _union(*[s[key] for table in tables for s in table.values() if key in s])


KEYS = {
    "d": Key(int, "ambient dimension d (inputs on the sphere S^{d-1} in R^d; Cao et al.'s S^9 is d = 10)",
             choices=_union((2, 10), *SPHERE_DIMS.values(), *DECAY_DIMS.values(),
                            *[s["d"] for table in (LR_SIZES, IDENTITY_SIZES) for s in table.values()], (3, 4, 5))),
    "k": Key(int, "degree k of a spherical harmonic (eigenvalue mu_k)", low=0,
             high=max(*CIRCLE_DEGREES.values(), *SPHERE_DEGREES.values(), *CAO_SPHERE_DEGREES.values(),
                      *[max(v) for v in CAO_DIMENSION_DEGREES.values()])),
    "sphere_dim": Key(int, "Cao et al.'s sphere dimension d (inputs on S^d in R^{d+1}: the suite's d is d + 1)",
                      choices=_union(*CAO_SPHERE_DIMS.values(), *CAO_DEGREE_DIMS.values())),
    "start": Key(int, "grid entries dropped from the start of Theorem 4.3's fit (to move the fitted window)",
                 choices=CAO_STARTS),
    "bias": Key(int, "1 when the bias b is trained (kernel with beta = 1), else 0", choices=(0, 1)),
    "parity": Key(str, "degrees k over which the decay exponent is fitted: even, or odd", choices=("even", "odd")),
    "shift": Key(int, "shift of the decay law's degree grid", choices=(0, 2, 4)),
    "n": Key(int, "training-set size n", choices=_sizes("n")),
    "m": Key(int, "width m (even: antisymmetric initialisation)", choices=_sizes("m")),
    "M": Key(int, "fresh uniform points M for the operator T and the L^2 norms", choices=_sizes("M")),
    "steps": Key(int, "number of GD steps T", choices=_sizes("steps")),
    "eta_frac": Key(float, "learning rate eta as a fraction of the stability limit 2/lambda_max(H/n)",
                    low=0.05, high=1.1),
    "block": Key(int, "Theorem 4.2's block k: the first k distinct eigenvalues (degrees 0..k-1 on Cao's S^9)",
                  choices=(1, 2, 3)),
    "target": Key(str, "labels of Theorem 4.2's run: Cao's target (amplitudes 1,1,1 or 1,3,5) scaled to max |y| = 1, "
                       "or random signs", choices=BLOCK_TARGETS),
    "degrees": Key(str, "degrees k_1,k_2,k_3 of the target f* = sum_j A_j phi_{k_j}", choices=DEGREE_SETS),
    "amplitudes": Key(str, "amplitudes A_1,A_2,A_3 of the target f* = sum_j A_j phi_{k_j}",
                      choices=tuple(",".join(f"{x:g}" for x in a)
                                    for a in itertools.product(LR_AMPLITUDES, repeat=3))),
    "concentration": Key(float, "concentration c of the training inputs, normalised N(c e_1, I_d) (0: uniform)",
                         choices=NONUNIFORM_CONCENTRATIONS),
    "seed": Key(int, "seed of the data, poles and fresh points", low=0, high=2**16),
    "horizon": Key(int, "gradient flow's horizon S: it runs to t_end = S / lambda_max(H/n)", choices=_sizes("horizon")),
    "axis": Key(str, "the size the Gram error is measured against: n (samples) or m (width)", choices=("n", "m")),
    "grid": Key(str, "the profile scale whose grid the Gram experiment and the Theorem 4.3 fits use", choices=tuple(GRAM_GRID)),
    "fixed_n": Key(int, "number of points n of the width sweep of the Gram experiment",
                   choices=_union(*[g["fixed_n"] for g in GRAM_GRID.values()])),
    "reps": Key(int, "independent repetitions of the Gram experiment's sweep",
                choices=_union(*[g["reps"] for g in GRAM_GRID.values()])),
}
"""Every key a claim of the family draws, with its domain over the dev (and ci) and thorough profiles."""
