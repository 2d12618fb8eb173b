"""Planted wrong versions of the splines claims: what each claim must catch (run by tests/test_claims.py on the
dev profile, seed 0, shrinking cut at 20 s).

The fixed batches below are in scope and cheap; an expensive claim's wrong version is pinned to one of them
(``theorems._planted.pinned``) so that its run is one evaluation.
"""

from __future__ import annotations

import dataclasses

from theorems._planted import (FALSIFIED, SURVIVES, Patch, Planted, pinned, scaled_output, with_argument,
                               with_output)
from theorems.splines import claims
from theorems.splines.planted_multid import PLANTED_MULTID

TRAJECTORY_BATCH = tuple({"init": init, "p1": 1.0, "p2": p2, "M": M, "data_seed": seed, "frac": frac}
                         for init, p2, M, seed, frac in (("gaussian", 1.0, 5, -1, 0.1), ("uniform", 2.0, 5, 7, 0.5),
                                                         ("binary", 2.0, 5, 11, 0.05), ("gaussian", 0.5, 5, 3, 0.8)))
"""Infinite-width trajectories of the three laws, small and large steps."""

OTHER_BATCH = tuple({"init": init, "p1": p1, "p2": p2, "M": 5, "data_seed": seed, "trend": 1.0, "offset": -2.0,
                     "curvature": 0.5}
                    for init, p1, p2, seed in (("uniform", 1.0, 2.0, -1), ("uniform", 1.0, 1.5, 4),
                                               ("binary", 1.0, 3.0, 9)))
"""Corollary 4 for uniform B: zeta_2 constant on S (a_b / a_w = 2, binary) and not (a_b / a_w = 1.5)."""

GAUSS_BATCH = tuple({"init": "gaussian", "p1": p1, "p2": p2, "M": 5, "data_seed": seed, "trend": 1.0,
                     "offset": -2.0, "curvature": 0.5}
                    for p1, p2, seed in ((2.0, 0.5, -1), (1.0, 1.0, 4), (0.5, 2.0, 9)))
"""Corollary 4 for the Gaussian law of Theorem 2 (a)."""

NETWORK_BATCH = tuple({"init": "uniform", "p1": 1.0, "p2": 2.0, "M": 5, "data_seed": seed, "frac": frac,
                       "scale": "dev", "init_seed": k}
                      for k, (seed, frac) in enumerate(((-1, 0.5), (7, 0.3), (11, 0.1), (3, 0.7))))
"""Trained networks along the trajectory, the paper's data and random data."""

POLYHARMONIC_BATCH = tuple({"init": "sphere", "p1": 1.0, "p2": 2.0, "M": 5, "scale": "dev", "data_seed": -1,
                            "trend": 2.0, "trend2": -1.0, "offset": 1.0, "frac": 0.8, "init_seed": k}
                           for k in range(4))
"""The paper's 2-D data plus the affine trend 2 x_1 - x_2 + 1."""


# --- checks beyond the verdict -------------------------------------------------------------------------------

def _misses(result):
    assert result["counterexample"], "a falsified claim shows its counterexample"
    assert result["worst"]["error"] > result["worst"]["tolerance"]


def _misses_by(factor):
    def check(result):
        _misses(result)
        assert result["worst"]["error"] > factor * result["worst"]["tolerance"], result["worst"]

    return check


def _fails_with_error(result):
    assert result["counterexample"]
    assert result["worst"]["status"] == "fail" and result["worst"]["error"] > 0


def _stops_falling(result):
    """The distance to a wrong limit stops falling: the measured slope is far above -1/2."""
    _fails_with_error(result)
    assert result["worst"]["measured"] > -0.2, "the distance to the wrong limit stops falling"


def _pooled_catches(result):
    """Caught by the configurations together: the pooled interval excludes the prediction (whether or not the
    per-configuration search also found a counterexample)."""
    assert result["pooled"]["falsified"], result["pooled"]
    assert "pooled" in result["falsified_by"]


def _check_above(result, exponent):
    assert result["worst"]["measured"] > exponent, result["worst"]


def _gaussian_misses(result):
    _misses_by(1e3)(result)
    assert {r["config"]["init"] for r in result["counterexample"]} == {"gaussian"}


# --- the wrong versions --------------------------------------------------------------------------------------

def _zeta_with(gaussian=None, binary=None, uniform=None):
    import sympy

    from theorems.splines import theory

    forms = (gaussian if gaussian is not None else theory.ZETA_GAUSSIAN,
             binary if binary is not None else theory.ZETA_BINARY,
             uniform if uniform is not None else theory.ZETA_UNIFORM)
    return sympy.Tuple(*forms)


def zeta_square_missing():
    import sympy

    from theorems.splines.theory import sigma_b, sigma_w, x

    wrong = 2 * sigma_w**3 * sigma_b**3 / (sympy.pi * (sigma_b**2 + x**2 * sigma_w**2))
    return claims.curvature_density_mc.with_closed_form(_zeta_with(gaussian=wrong))


def zeta_uniform_halved():
    from theorems.splines.theory import ZETA_UNIFORM

    return claims.curvature_density_mc.with_closed_form(_zeta_with(uniform=ZETA_UNIFORM / 2))


def spline_with_gaussian_zeta():
    from theorems.splines.theory import ZETA_GAUSSIAN, sigma_b, sigma_w

    g = ZETA_GAUSSIAN.subs({sigma_w: 1, sigma_b: 1})
    return claims.natural_spline.with_closed_form(_zeta_with(binary=g, uniform=g))


def rate_with(claim, experiment, configurations=None):
    """``claim`` with ``experiment`` (a RateExperiment) as its measurement and its replicate."""
    fields = {"measure": experiment, "replicate": experiment.replicated}
    if configurations is not None:
        fields["configurations"] = configurations
    return dataclasses.replace(claim, **fields)


def plain_spline_problem(config):
    """The unweighted natural spline through the same adjusted data in place of the zeta-weighted g*."""
    from theorems.splines.limits import problem_1d

    problem = problem_1d(config)
    return {**problem, "G": problem["G_plain"]}


def rate_against_plain_spline():
    from theorems.splines import configurations
    from theorems.splines.rates import RateExperiment

    return rate_with(claims.spline_rate, RateExperiment(problem=plain_spline_problem),
                     configurations.gaussian_rate_batches)


def rate_without_adjustment():
    from theorems.splines.limits import problem_1d_raw
    from theorems.splines.rates import RateExperiment

    return rate_with(claims.spline_rate, RateExperiment(problem=problem_1d_raw))


def polyharmonic_rate_without_adjustment():
    from theorems.splines.limits import problem_2d_raw
    from theorems.splines.rates import POLYHARMONIC_RATE

    return pinned(rate_with(claims.polyharmonic_rate, dataclasses.replace(POLYHARMONIC_RATE, problem=problem_2d_raw)),
                  POLYHARMONIC_BATCH)


def sgd_without_adjustment():
    from theorems.splines.limits import problem_1d_raw
    from theorems.splines.rates import SGD_RATE

    return rate_with(claims.sgd_rate, dataclasses.replace(SGD_RATE, problem=problem_1d_raw))


def _with_number(claim, value):
    def build():
        import sympy

        return claim.with_closed_form(sympy.sympify(value))

    return build


def _strength(claim, form: str, batch):
    def build():
        from theorems.splines.theory import M_sym as M
        from theorems.splines.theory import eta_bar as eta
        from theorems.splines.theory import t_steps as t

        wrong = {"M/(eta t)^2": M / (eta * t) ** 2, "M/(eta t^2)": M / (eta * t**2), "2M/(eta t)": 2 * M / (eta * t)}
        return pinned(claim.with_closed_form(wrong[form]), batch)

    return build


def thin_plate_spline():
    import sympy

    from theorems.splines.theory import r

    return claims.polyharmonic_limit.with_closed_form(r**2 * sympy.log(r))


def relu_penalty(batch):
    def build():
        from theorems.splines.theory import ACTIVATION_RELU

        return pinned(claims.other_activation.with_closed_form(ACTIVATION_RELU), batch)

    return build


def relu_zeta_prediction(closed_form, config):
    """Problem (6) with L = d^3 but Theorem 1's zeta (k = 1) in place of zeta_2."""
    import numpy as np
    import sympy

    from numerics import splines as nsp
    from theorems.splines.data import eval_grid, other_activation_dataset
    from theorems.splines.experiments import other_activation_breaks
    from theorems.splines.theory import curvature_density_power, law_values, x

    xs, ys = other_activation_dataset(config)
    z1 = sympy.lambdify(x, curvature_density_power(1, config["init"]).subs(law_values(config)), "numpy")
    return nsp.weighted_l_spline(lambda z: np.maximum(z, 0) ** 2 / 2, 3, z1, xs, ys, eval_grid(xs),
                                 breaks=other_activation_breaks(config))


def relu_zeta_for_gaussian():
    return pinned(dataclasses.replace(claims.other_activation, predict=relu_zeta_prediction), GAUSS_BATCH)


PLANTED = (
    Planted("splines.curvature_density", "square_missing",
            "Theorem 2 (a) with the square missing in the denominator: 2 sigma_w^3 sigma_b^3 / (pi (sigma_b^2 + "
            "x^2 sigma_w^2))", zeta_square_missing, check=_misses),
    Planted("splines.curvature_density", "uniform_halved",
            "the uniform law's zeta off by the factor 2 of a one-sided integral", zeta_uniform_halved, check=_misses),
    Planted("splines.natural_spline", "gaussian_zeta",
            "the Gaussian zeta (sigma_w = sigma_b = 1) planted for the uniform and binary laws: a weighted spline, "
            "not the natural cubic spline", spline_with_gaussian_zeta, cheap=True, check=_misses_by(1e3)),
    Planted("splines.spline_rate", "slope_minus_third", "the exponent -1/3 in place of -1/2",
            _with_number(claims.spline_rate, "-1/3"), check=_fails_with_error),
    Planted("splines.spline_rate", "plain_spline",
            "the unweighted natural spline through the adjusted data where the zeta-weighted g* is due (Gaussian "
            "law, where zeta is not constant)", rate_against_plain_spline, check=_stops_falling),
    Planted("splines.spline_rate", "no_adjustment",
            "no affine adjustment: trained on the raw data and compared with the weighted spline through them",
            rate_without_adjustment, check=_stops_falling),
    # Exponents near the claims' resolution (the shift the pooled estimate over a ci run's ~23 configurations
    # detects with probability 95%: 0.057 for spline_rate, 0.054 for the bound, with seed 0; theorems/_pooling.py).
    # The power curve of that run gives detection probabilities 0.82 (two-sided) and 0.88 (one-sided) at a shift of
    # 0.05, 0.04 and 0.07 at 0.025; with seed 0 the pooled slope is -0.5015 with a half-width of 0.042 (two-sided)
    # and 0.039 (one-sided), so the shifts of 0.05 are caught and 0.025 is not. The per-configuration intervals
    # (half-widths about 0.16) see none of them.
    Planted("splines.spline_rate", "exponent_minus_0_45", "the exponent -0.45 in place of -1/2 (n^-0.45)",
            _with_number(claims.spline_rate, "-9/20"), check=_pooled_catches),
    Planted("splines.spline_rate", "exponent_minus_0_55", "the exponent -0.55 in place of -1/2 (n^-0.55)",
            _with_number(claims.spline_rate, "-11/20"), check=_pooled_catches),
    Planted("splines.spline_rate", "exponent_5_percent", "the exponent 5 % off: -0.525 in place of -1/2",
            _with_number(claims.spline_rate, "-21/40"), expected=SURVIVES,
            reason="a shift of 0.025 is below the claim's resolution on ci (0.057): the power curve gives it a "
                   "detection probability of 0.04, and seed 0's pooled interval [-0.543, -0.460] contains -0.525"),
    Planted("splines.spline_rate_bound", "bound_n_minus_0_55", "a bound O(n^-0.55), 0.05 too strong",
            _with_number(claims.spline_rate_bound, "-11/20"), check=_pooled_catches),
    Planted("splines.spline_rate_bound", "bound_n_minus_one", "a bound O(n^-1), too strong",
            _with_number(claims.spline_rate_bound, -1), examples=1, check=_fails_with_error),
    Planted("splines.polyharmonic_limit", "thin_plate",
            "r^2 log r, the thin-plate spline of d = 2, in place of Theorem 8's r^3", thin_plate_spline,
            check=_misses_by(1e6)),
    Planted("splines.polyharmonic_rate", "no_adjustment",
            "two inputs without the affine adjustment: trained on the raw 2-D data plus 2 x_1 - x_2 + 1, compared "
            "with the polyharmonic spline through them (one fixed batch)", polyharmonic_rate_without_adjustment,
            examples=1, check=_stops_falling),
    Planted("splines.output_layer_only", "faster_than_n_minus_two",
            "'the difference falls faster than n^-2' (the measured exponent is about -1.1 to -1.4)",
            _with_number(claims.output_layer_only, -2), check=lambda result: _check_above(result, -2)),
    Planted("splines.sgd_rate", "no_adjustment",
            "SGD on the raw data compared with the weighted spline through them", sgd_without_adjustment,
            examples=1, check=_stops_falling),
    *(Planted("splines.trajectory_smoothing", f"strength_{name}", f"smoothing strength {form} in place of M/(eta t)",
              _strength(claims.trajectory_smoothing, form, TRAJECTORY_BATCH), cheap=True, examples=1, check=_misses)
      for name, form in (("squared", "M/(eta t)^2"), ("t_squared", "M/(eta t^2)"), ("doubled", "2M/(eta t)"))),
    Planted("splines.other_activation", "relu_penalty",
            "ReLU's penalty (L = d^2, zeta_1) for the activation z_+^2 / 2 (uniform and binary laws)",
            relu_penalty(OTHER_BATCH), cheap=True, examples=1, check=_misses_by(1e6)),
    Planted("splines.other_activation", "relu_penalty_gaussian",
            "ReLU's penalty for the activation z_+^2 / 2 (Gaussian law)", relu_penalty(GAUSS_BATCH), cheap=True,
            examples=1, check=_gaussian_misses),
    Planted("splines.other_activation", "relu_zeta_gaussian",
            "L = d^3 with Theorem 1's zeta (k = 1) in place of zeta_2 (Gaussian law)", relu_zeta_for_gaussian,
            cheap=True, examples=1, check=_gaussian_misses),
    *(Planted("splines.trajectory_network", f"strength_{name}",
              f"smoothing strength {form} in place of M/(eta t) for the trained networks",
              _strength(claims.trajectory_network, form, NETWORK_BATCH), examples=1, check=_misses)
      for name, form in (("squared", "M/(eta t)^2"), ("doubled", "2M/(eta t)"))),
    Planted("splines.trajectory_width_rate", "n_minus_one",
            "D_n = O(n^-1): the measured slopes are near -1/2",
            lambda: pinned(_with_number(claims.trajectory_width_rate, -1)(), NETWORK_BATCH), examples=1,
            expected=SURVIVES,
            reason=("at the claim's share of the run's false-alarm budget (theorems/_budget.py) each slope interval "
                    "is at level 1 - 2.3e-6, and a slope fitted to 12 runs (10 degrees of freedom) gets t = 9.6: the "
                    "ci batch's intervals have half-widths about 0.7 to 1.8 and all reach -1, and the pooled "
                    "interval over the batch's 4 configurations (t with 3 degrees of freedom) is as wide, so the claim "
                    "cannot tell n^-1 from n^-1/2 (it resolves a bound about n^-2; more seeds per width would "
                    "sharpen it)")),
    Planted("splines.trajectory_width_rate", "n_minus_two",
            "D_n = O(n^-2): the measured slopes are near -1/2, far above -2",
            lambda: pinned(_with_number(claims.trajectory_width_rate, -2)(), NETWORK_BATCH), examples=1,
            check=_fails_with_error),
)


# --- bugs in the experiment: numerics.splines and numerics.shallow patched, the registered claims pinned ----------

SPLINE_BATCH = ({"init": "binary", "p1": 1.0, "p2": 2.0, "M": 3, "offset": 3.0, "trend": 2.0, "data_seed": 1},
                {"init": "binary", "p1": 1.0, "p2": 2.0, "offset": 10.0, "data_seed": 7, "M": 4, "trend": 9.0})
"""natural_spline on the binary law, three and four data points with a trend."""

LIMIT_2D_BATCH = ({"a": 1.5, "M": 4, "data_seed": 0, "offset": 3.0, "trend2": 2.0, "trend": 1.0},)
"""polyharmonic_limit on four random points."""

ACTIVATION_BATCH = ({"init": "binary", "p1": 1.0, "p2": 2.0, "M": 4, "data_seed": 0, "curvature": 0.0,
                     "offset": 2.0, "trend": 1.0},
                    {"init": "binary", "p1": 1.0, "p2": 2.0, "M": 4, "curvature": -1.0, "trend": -5.0,
                     "data_seed": 7, "offset": -3.75})
"""other_activation on the binary law."""

SMOOTHING_BATCH = ({"init": "gaussian", "p1": 0.5, "p2": 0.5, "M": 4, "data_seed": 0, "frac": 0.02},
                   {"init": "gaussian", "p1": 0.5, "p2": 0.5, "M": 4, "data_seed": 6, "frac": 0.68})
"""trajectory_smoothing, a small and a large step."""

ZETA_BATCH = ({"init": "gaussian", "p1": 0.5, "p2": 0.3, "samples": 1048576, "mc_seed": 8,
               "points": [-3.0, -1.5, 0.0, 0.0, 1.0, 1.5, 2.0, 3.0]},)
"""One Monte Carlo estimate of zeta for the Gaussian law."""

NSP = "numerics.splines"


class _ScaledKernel:
    """A kernel whose values are ``factor`` times those of ``kernel``."""

    def __init__(self, kernel, factor):
        self.kernel, self.factor = kernel, factor

    def __call__(self, x, xp):
        return self.factor * self.kernel(x, xp)


def _kernel_scaled(factor):
    return lambda original: lambda *args, **kwargs: _ScaledKernel(original(*args, **kwargs), factor)


def _bias_one_sided(sample):
    """B drawn from |B|: the biases' law folded onto one side (sampling that is not symmetric)."""
    import jax.numpy as jnp

    w, b = sample
    return w, jnp.abs(b)


def _numerics(claim, name, what, batch, *patches, expected=FALSIFIED, reason="", cheap=True):
    """A bug planted in :mod:`numerics` (``patches``), the registered ``claim`` run on ``batch``."""
    return Planted(claim.id, name, what, lambda: pinned(claim, batch), expected=expected, reason=reason,
                   cheap=cheap, examples=1, patch=tuple(patches))


_KERNEL_SCALE_REASON = ("an equivalent mutant: the interpolant sum_j a_j K(., x_j) with K a = y - P c is the same "
                        "for c K as for K (a becomes a / c), so a constant factor in the kernel cannot show in the "
                        "limit function")

PLANTED_IN_NUMERICS = (
    _numerics(claims.natural_spline, "affine_columns_swapped",
              "the affine design's columns in the other order, [1, x], so that (u, v) are read swapped",
              SPLINE_BATCH, Patch(NSP, "affine_design", with_output(lambda P: P[:, ::-1]))),
    _numerics(claims.natural_spline, "kernel_2_percent", "the infinite-width kernel 2 % too large", SPLINE_BATCH,
              Patch(NSP, "BreakpointKernel", _kernel_scaled(1.02)), expected=SURVIVES, reason=_KERNEL_SCALE_REASON),
    _numerics(claims.polyharmonic_limit, "bias_moment_sign",
              "a sign in the bias moment: E_B[(s + B)_+ (-s' + B)_+] for E_B[(s + B)_+ (s' + B)_+]",
              LIMIT_2D_BATCH, Patch(NSP, "_uniform_bias_moment", with_argument(1, lambda sp: -sp))),
    _numerics(claims.polyharmonic_limit, "bias_density_halved",
              "B ~ U(-a, a) with density 1/a in place of 1/(2a): the circle kernel twice too large",
              LIMIT_2D_BATCH, Patch(NSP, "_uniform_bias_moment", scaled_output(2.0)), expected=SURVIVES,
              reason=_KERNEL_SCALE_REASON),
    _numerics(claims.other_activation, "relu_cubed", "phi(z) = z_+^3 / 3! in the network's kernel, not z_+^2 / 2",
              ACTIVATION_BATCH, Patch(NSP, "_power_bias_moment", with_argument(3, lambda k: k + 1))),
    _numerics(claims.other_activation, "factorial_forgotten", "phi(z) = z_+^2 in the kernel: the 1/2 forgotten",
              ACTIVATION_BATCH, Patch(NSP, "_power_bias_moment", scaled_output(4.0)), expected=SURVIVES,
              reason=_KERNEL_SCALE_REASON),
    _numerics(claims.trajectory_smoothing, "learning_rate_20_percent",
              "the function-space step eta_bar / M 20 % too large", SMOOTHING_BATCH,
              Patch(NSP, "kernel_gd_values", with_argument(2, lambda a: 1.2 * a))),
    _numerics(claims.trajectory_smoothing, "one_step_too_few", "every recorded time one step early (t - 1 steps)",
              SMOOTHING_BATCH, Patch(NSP, "kernel_gd_values", with_argument(3, lambda t: t - 1))),
    _numerics(claims.curvature_density_mc, "bias_one_sided", "the biases drawn from |B|: the law folded onto one side",
              ZETA_BATCH, Patch("numerics.shallow", "sample_hidden", with_output(_bias_one_sided)), expected=SURVIVES,
              reason="an equivalent mutant for the laws sampled here: W is symmetric and independent of B, so "
                     "(W, |B|) gives the kink C = -|B| / W the same law as -B / W, and W^2 is unchanged; the "
                     "estimate of zeta has the same distribution", cheap=False),
    _numerics(claims.curvature_density_mc, "weight_scale_3_percent", "the weights' scale 3 % too large (sigma_w)",
              ZETA_BATCH, Patch("numerics.shallow", "sample_hidden", with_argument(4, lambda s: 1.03 * s)), cheap=False),
)

PLANTED = PLANTED + PLANTED_IN_NUMERICS + PLANTED_MULTID


from theorems.splines.planted_experiment import PLANTED_IN_NUMERICS_2  # noqa: E402  (it reads the batches above)

PLANTED = PLANTED + PLANTED_IN_NUMERICS_2
