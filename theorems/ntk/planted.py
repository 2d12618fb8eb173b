"""Planted wrong versions of the ntk claims: each is a realistic mistake (a convention read the wrong way, a
constant off by a few percent, a rate that ignores the eigenvalue) and is expected to be falsified.

The spectrum claims run their whole search (quadratures take milliseconds); the training claims run one
pinned batch known to be in scope (``theorems._planted.pinned``, one Hypothesis example), since their search
costs minutes.
"""

from __future__ import annotations

from theorems import _planted
from theorems._planted import Patch, Planted, scaled_output, with_argument
from theorems.ntk.planted_common import (BLOCK_BATCH, CAO_BATCH, CAO_DEGREE_BATCH, CAO_DIMENSION_BATCH,
                                         CAO_SPECTRUM_BATCH, CIRCLE_BATCH, DECAY_BATCH, GRAM_BATCH, IDENTITY_BATCH,
                                         LR_BATCH, NONUNIFORM_BATCH, SPHERE_BATCH, _numerics, _pinned, _rational,
                                         _spectrum, _wrong)

PLANTED = (
    _spectrum("spectrum_circle", "off_by_3_percent", "every eigenvalue 3 % too large: 1.03 mu_k",
              lambda th: 1.03 * th.CIRCLE_EIGENVALUE),
    _spectrum("spectrum_circle", "cosine_coefficient", "the cosine-series coefficient 2 mu_k in place of mu_k",
              lambda th: 2 * th.CIRCLE_EIGENVALUE),
    _spectrum("spectrum_circle", "bias_swapped",
              "the kernels with and without bias swapped (beta -> 1 - beta): odd degrees >= 3 wrongly non-zero "
              "without a trained bias",
              lambda th: th.CIRCLE_EIGENVALUE.subs(th.beta, 1 - th.beta)),
    _spectrum("spectrum_sphere", "off_by_3_percent", "every eigenvalue 3 % too large: 1.03 mu_k",
              lambda th: 1.03 * th.FUNK_HECKE_EIGENVALUE),
    _spectrum("spectrum_sphere", "cao_sphere_convention",
              "Cao et al.'s S^d read as our S^{d-1}: the Funk-Hecke integral at d + 1",
              lambda th: th.FUNK_HECKE_EIGENVALUE.subs(th.d, th.d + 1)),
    _spectrum("spectrum_sphere", "bias_ignored", "the trained bias ignored (beta = 0): odd degrees wrongly zero",
              lambda th: th.FUNK_HECKE_EIGENVALUE.subs(th.beta, 0)),
    _pinned("decay_law", "cao_exponent", "Cao et al.'s k^{-d-1} with their S^d read as our S^{d-1}",
            lambda th: -th.d - 1, DECAY_BATCH, cheap=True),
    _pinned("decay_law", "one_power_slow", "one power too slow: k^{-(d-1)}",
            lambda th: -(th.d - 1), DECAY_BATCH, cheap=True),
    _pinned("decay_law", "off_by_3_percent", "the exponent 3 % too large: -1.03 d",
            lambda th: -_rational(103, 100) * th.d, DECAY_BATCH, cheap=True),
    _pinned("learning_rates", "rate_ignores_eigenvalue",
            "a rate that ignores the eigenvalue: (1 - eta/4)^t, mu_0's rate, for every degree",
            lambda th: (1 - th.eta / 4) ** th.t, LR_BATCH),
    _pinned("learning_rates", "cosine_coefficient_rate", "the cosine-series coefficient 2 mu_k as the rate",
            lambda th: (1 - 2 * th.eta * th.mu) ** th.t, LR_BATCH),
    _pinned("damped_deviations_identity", "one_step_too_many", "one damping step too many: (1 - eta lambda)^(tau+1)",
            lambda th: (1 - th.eta * th.lam) ** (th.tau + 1), IDENTITY_BATCH),
    _pinned("damped_deviations_identity", "gradient_flow_factor",
            "gradient flow's factor exp(-eta lambda tau) in discrete time",
            lambda th: _exp(-th.eta * th.lam * th.tau), IDENTITY_BATCH),
    _pinned("damped_deviations_identity", "eigenvalue_off_by_3_percent",
            "the eigenvalue 3 % too large: (1 - 1.03 eta lambda)^tau",
            lambda th: (1 - th.eta * 1.03 * th.lam) ** th.tau, IDENTITY_BATCH),
    _pinned("gram_spectrum", "bias_rate", "a 1/n rate, as for a bias, in place of n^{-1/2}",
            lambda th: _rational(-1, 1), GRAM_BATCH),
    _pinned("gram_spectrum", "no_convergence", "no convergence: exponent 0",
            lambda th: _rational(0, 1), GRAM_BATCH),
    _pinned("cao_experiment", "suite_kernel_eigenvalues",
            "the suite's 1:1 kernel (kappa_1 + u kappa_0)/2 in place of Cao's u kappa_0/2 + kappa_1 in the predicted "
            "rates (mu_1 = 1/20 against 3/40)",
            lambda th: -_log(1 - th.eta * th.FUNK_HECKE_EIGENVALUE), CAO_BATCH),
    _pinned("cao_experiment", "gradient_flow_rate_doubled",
            "the cosine-series coefficient 2 mu_k as the eigenvalue: -log(1 - 2 eta mu_k)",
            lambda th: -_log(1 - 2 * th.eta * th.CAO_FUNK_HECKE_EIGENVALUE), CAO_BATCH),
    _pinned("cao_block_bound", "top_eigenvalue_rate",
            "the block's largest eigenvalue (mu_0) in place of its smallest lambda_{r_k}",
            lambda th: th.CAO_BLOCK_BOUND.subs(th.k, 0), BLOCK_BATCH),
    _spectrum("cao_spectrum", "suite_kernel_as_cao",
              "the suite's kernel (kappa_1 + u kappa_0)/2, layers weighted 1:1, used as Cao's u kappa_0/2 + kappa_1",
              lambda th: th.FUNK_HECKE_EIGENVALUE),
    _spectrum("cao_spectrum", "sphere_one_dimension_up", "the suite's d (ambient) read as Cao's d: S^{d+1} in "
              "R^{d+2} for Cao's S^d, Funk-Hecke at ambient d + 2",
              lambda th: th.CAO_FUNK_HECKE_EIGENVALUE.subs(th.d, th.d + 1)),
    _pinned("cao_spectrum", "bias_ignored", "the trained bias ignored (beta = 0): odd degrees wrongly zero",
            lambda th: th.CAO_FUNK_HECKE_EIGENVALUE.subs(th.beta, 0), CAO_SPECTRUM_BATCH, cheap=True),
    _pinned("cao_decay_in_degree", "ambient_exponent", "Bietti & Mairal's k^{-d} with Cao's d (S^d read as S^{d-1})",
            lambda th: -th.d_S, CAO_DEGREE_BATCH, cheap=True),
    _pinned("cao_decay_in_dimension", "corollary_exponent",
            "Corollary 4.7's d^{-k+2} (the rate of the residual on degrees < k) read as the eigenvalue bound",
            lambda th: -(th.k - 2), CAO_DIMENSION_BATCH, cheap=True),
    _pinned("nonuniform_data", "rate_ignores_eigenvalue",
            "a rate that ignores the eigenvalue: (1 - eta/4)^t for every degree",
            lambda th: (1 - th.eta / 4) ** th.t, NONUNIFORM_BATCH),
)


def _log(x):
    import sympy

    return sympy.log(x)


def _exp(x):
    import sympy

    return sympy.exp(x)


# --- bugs in the experiment: numerics.ntk and numerics.sphere patched ------------------------------------------



def _bias_dropped(original):
    """K(u) evaluated with bias 0 whatever the configuration says (the bias term of the NTK dropped)."""
    return lambda u, bias=0.0: original(u, 0.0)



PLANTED_IN_NUMERICS = (
    _numerics("spectrum_circle", "kernel_2_percent", "the NumPy kernel 2 % too large: 1.02 K(u)", CIRCLE_BATCH,
              Patch("numerics.ntk", "ntk_numpy", scaled_output(1.02))),
    _numerics("spectrum_circle", "bias_term_dropped", "the bias term of K dropped: K(u) of bias 0 for every bias",
              CIRCLE_BATCH, Patch("numerics.ntk", "ntk_numpy", _bias_dropped)),
    _numerics("spectrum_sphere", "gegenbauer_dimension", "Gegenbauer polynomials of S^d (d + 1) used on S^{d-1}",
              SPHERE_BATCH, Patch("numerics.sphere", "gegenbauer", with_argument(1, lambda d: d + 1))),
    _numerics("spectrum_sphere", "funk_hecke_inverted", "the Funk-Hecke constant inverted: omega_{d-1}/omega_{d-2}",
              SPHERE_BATCH, Patch("numerics.sphere", "funk_hecke_constant",
                                  lambda original: lambda d: 1.0 / original(d))),
    _numerics("decay_law", "kernel_2_percent", "the NumPy kernel 2 % too large: 1.02 K(u)", DECAY_BATCH,
              Patch("numerics.ntk", "ntk_numpy", scaled_output(1.02)), expected=_planted.SURVIVES,
              reason="an equivalent mutant: the local exponents log(mu_k' / mu_k) / log(k' / k) are ratios of "
                     "eigenvalues, so a constant factor in the kernel cancels (spectrum_circle and spectrum_sphere "
                     "catch it)", cheap=False),
    _numerics("decay_law", "gegenbauer_dimension", "Gegenbauer polynomials of S^d (d + 1) used on S^{d-1}",
              DECAY_BATCH, Patch("numerics.sphere", "gegenbauer", with_argument(1, lambda d: d + 1)), cheap=False),
)

PLANTED = PLANTED + PLANTED_IN_NUMERICS

PLANTED_IN_TRAINING = (
    _numerics("learning_rates", "jax_kernel_2_percent", "the JAX infinite-width kernel 2 % too large: 1.02 K(u)",
              LR_BATCH, Patch("numerics.ntk", "ntk", scaled_output(1.02)), expected=_planted.SURVIVES,
              reason="the JAX kernel enters only the deviation term of the damped-deviations bound (T r_t by its "
                     "quadrature); the predicted rates (1 - eta mu_k)^t take mu_k from the exact spectrum, so a "
                     "wrong kernel widens the allowance instead of failing; no claim checks numerics.ntk.ntk, two "
                     "tests do (tests/test_independence.py: against the SymPy closed form and against the "
                     "network's autodiff tangent kernel at large width, both catch this 1.02)", cheap=False),
    _numerics("damped_deviations_identity", "empirical_kernel_2_percent",
              "the empirical NTK Gram matrices H_t 2 % too large", IDENTITY_BATCH,
              Patch("numerics.ntk", "empirical_ntk_gram", scaled_output(1.02)), expected=_planted.SURVIVES,
              reason="an equivalent mutant for this claim: the discrete identity r_t = prod (I - eta H_s) r_0 + "
                     "sum of damped deviations holds for any matrices H_s (H appears in the propagator and in the "
                     "deviation term and telescopes), so it cannot see a wrong kernel", cheap=False),
)

PLANTED = PLANTED + PLANTED_IN_TRAINING


# --- more bugs in the experiment: the kernels, the polynomials and the sampling of numerics patched ----------------

def _negated_angle(original):
    """K(-u): the kernel evaluated at the antipodal angle (a sign lost in u = cos theta)."""
    import numpy as np

    return lambda u, bias=0.0: original(-np.asarray(u), bias)


def _kappa1_only(original):
    """Cao's kernel without its first-layer term: kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2)) / pi alone."""
    import numpy as np

    def planted(u, bias=0.0):
        u = np.clip(np.asarray(u, dtype=np.float64), -1.0, 1.0)
        return (u * (np.pi - np.arccos(u)) + np.sqrt(np.maximum(1.0 - u * u, 0.0))) / np.pi

    return planted


def _anisotropic(original):
    """Points from the normalised N(0, diag(1.5^2, 1, ..., 1)): the first coordinate's scale 1.5, so the points
    crowd towards +-e_1 (sampling that is not uniform on the sphere)."""

    def planted(key, n, d):
        import jax
        import jax.numpy as jnp

        g = jax.random.normal(key, (n, d), dtype=jnp.float64)
        g = g.at[:, 0].multiply(1.5)
        return g / jnp.linalg.norm(g, axis=1, keepdims=True)

    return planted


PLANTED_IN_NUMERICS_2 = (
    _numerics("spectrum_circle", "kernel_at_minus_u", "the NumPy kernel evaluated at -u (a sign in cos theta)",
              CIRCLE_BATCH, Patch("numerics.ntk", "ntk_numpy", _negated_angle)),
    _numerics("spectrum_circle", "chebyshev_degree_off_by_one", "the Chebyshev polynomial of degree k + 1 for degree k",
              CIRCLE_BATCH, Patch("numerics.sphere", "gegenbauer", with_argument(0, lambda k: k + 1))),
    _numerics("spectrum_sphere", "kernel_at_minus_u", "the NumPy kernel evaluated at -u (a sign in cos theta)",
              SPHERE_BATCH[1:2], Patch("numerics.ntk", "ntk_numpy", _negated_angle)),
    _numerics("spectrum_sphere", "bias_counted_twice", "the bias term of K counted twice: beta = 2 for a trained bias",
              SPHERE_BATCH[1:2], Patch("numerics.ntk", "ntk_numpy", with_argument(1, lambda b: 2 * b))),
    _numerics("cao_spectrum", "kernel_2_percent", "Cao's NumPy kernel 2 % too large: 1.02 K_Cao(u)",
              CAO_SPECTRUM_BATCH[1:2], Patch("numerics.ntk", "cao_ntk_numpy", scaled_output(1.02))),
    _numerics("cao_spectrum", "bias_term_dropped", "the bias term of Cao's kernel dropped: K_Cao of bias 0",
              CAO_SPECTRUM_BATCH[:1], Patch("numerics.ntk", "cao_ntk_numpy", _bias_dropped)),
    _numerics("cao_decay_in_degree", "first_layer_term_dropped",
              "the first layer's term (u + beta) kappa_0(u) / 2 of Cao's kernel dropped: kappa_1 alone",
              CAO_DEGREE_BATCH, Patch("numerics.ntk", "cao_ntk_numpy", _kappa1_only)),
    _numerics("cao_decay_in_dimension", "bias_term_dropped",
              "the bias term of Cao's kernel dropped: odd degrees vanish where a bias is trained",
              CAO_DIMENSION_BATCH, Patch("numerics.ntk", "cao_ntk_numpy", _bias_dropped)),
    _numerics("spectrum_circle", "funk_hecke_inverted", "the Funk-Hecke constant inverted: omega_{d-1}/omega_{d-2}",
              CIRCLE_BATCH, Patch("numerics.sphere", "funk_hecke_constant", lambda original: lambda d: 1.0 / original(d))),
    _numerics("spectrum_sphere", "gegenbauer_degree_off_by_one", "the Gegenbauer polynomial of degree k + 1 for degree k",
              SPHERE_BATCH[1:2], Patch("numerics.sphere", "gegenbauer", with_argument(0, lambda k: k + 1))),
    _numerics("cao_spectrum", "gegenbauer_degree_off_by_one", "the Gegenbauer polynomial of degree k + 1 for degree k",
              CAO_SPECTRUM_BATCH[1:2], Patch("numerics.sphere", "gegenbauer", with_argument(0, lambda k: k + 1))),
    _numerics("cao_spectrum", "kernel_at_minus_u", "Cao's NumPy kernel evaluated at -u (a sign in cos theta)",
              CAO_SPECTRUM_BATCH[2:3], Patch("numerics.ntk", "cao_ntk_numpy", _negated_angle)),
    _numerics("spectrum_sphere", "kernel_2_percent", "the NumPy kernel 2 % too large: 1.02 K(u)", SPHERE_BATCH[1:2],
              Patch("numerics.ntk", "ntk_numpy", scaled_output(1.02))),
    _numerics("cao_spectrum", "funk_hecke_inverted", "the Funk-Hecke constant inverted: omega_{D-1}/omega_{D-2}",
              CAO_SPECTRUM_BATCH[1:2],
              Patch("numerics.sphere", "funk_hecke_constant", lambda original: lambda d: 1.0 / original(d))),
    _numerics("gram_spectrum", "sampling_not_uniform",
              "the training inputs drawn from a normalised Gaussian with the first coordinate's scale 1.5 (not "
              "uniform on the sphere): the Gram spectrum tends to another operator's", GRAM_BATCH,
              Patch("numerics.sphere", "uniform", _anisotropic), cheap=False),
)

PLANTED = PLANTED + PLANTED_IN_NUMERICS_2

def _harmonic_unnormalised(original):
    """The zonal harmonic without its normalisation sqrt(N(d, k)): P_k(<x, pole>), not a unit vector of L^2."""

    def planted(k, d, x, pole):
        from numerics import sphere

        return original(k, d, x, pole) / sphere.multiplicity(d, k) ** 0.5

    return planted


PLANTED_SECOND = (
    _pinned("nonuniform_data", "cosine_coefficient_rate", "the cosine-series coefficient 2 mu_k as the rate",
            lambda th: (1 - 2 * th.eta * th.mu) ** th.t, NONUNIFORM_BATCH),
    _numerics("learning_rates", "harmonic_normalisation_dropped",
              "the target harmonics without their normalisation sqrt(N(d, k)): the projections read against "
              "coefficients A_j of unit harmonics", LR_BATCH,
              Patch("numerics.sphere", "unit_zonal_harmonic", _harmonic_unnormalised), cheap=False),
)

PLANTED = PLANTED + PLANTED_SECOND


def _cao_init_variances(w1_variance: float, w2_variance: float):
    """numerics.ntk.cao_init with W_1 ~ N(0, w1_variance / m), W_2 ~ N(0, w2_variance / m) (paired as before)."""

    def factory(original):
        import jax
        import jax.numpy as jnp

        def planted(key, m, d):
            k1, k2 = jax.random.split(key)
            half = m // 2
            w = jax.random.normal(k1, (half, d), dtype=jnp.float64) * jnp.sqrt(w1_variance / m)
            a = jax.random.normal(k2, (half,), dtype=jnp.float64) * jnp.sqrt(w2_variance / m)
            return {"W1": jnp.concatenate([w, w]), "W2": jnp.concatenate([a, -a])}

        return planted

    return factory


PLANTED_IN_CAO_NETWORK = (
    _numerics("cao_experiment", "w1_variance_1_over_m",
              "W_1 ~ N(0, 1/m) in place of He's N(0, 2/m): the network's kernel becomes u kappa_0/2 + kappa_1/2",
              CAO_BATCH, Patch("numerics.ntk", "cao_init", _cao_init_variances(1.0, 1.0)), cheap=False),
    _numerics("cao_experiment", "layers_swapped", "the variances of the layers swapped: W_1 ~ N(0, 1/m), "
              "W_2 ~ N(0, 2/m) (kernel u kappa_0 + kappa_1/2)",
              CAO_BATCH, Patch("numerics.ntk", "cao_init", _cao_init_variances(1.0, 2.0)), cheap=False,
              expected=_planted.SURVIVES,
              reason="on S^9 the swapped kernel u kappa_0 + kappa_1/2 has the same mu_1 = 3/40 as Cao's (quadrature: "
                     "mu_0 0.2008, mu_1 0.0750, mu_2 0.00719, mu_4 8.8e-5 against 0.3513, 0.0750, 0.00567, 5.6e-5), "
                     "so degree 1 cannot see it; degree 2's 27% is inside its allowance at n = m = 512, where the "
                     "sample's leakage alone moves degree 2's rate by up to 30% and the Monte Carlo error of the "
                     "initial kernel's Rayleigh quotient is about 13% of mu_2 (z = 4.8 of them allowed)"),
    Planted(claim="ntk.cao_block_bound", name="no_factor_two",
            what="the bound without its factor 2: (1 - lambda_{r_k})^t n^{-1/2} ||V^T y||",
            build=_wrong("cao_block_bound", lambda th: th.CAO_BLOCK_BOUND / 2, BLOCK_BATCH), examples=1,
            expected=_planted.SURVIVES,
            reason="at n = 512 the kernel dynamics inside the sample's top-r_k eigenspace stays below (1 - "
                   "lambda_{r_k})^t n^{-1/2}||V^T y|| itself (the labels' block content sits mostly on its larger "
                   "eigenvalues), so the factor 2 is not needed here and its loss is not seen"),
    _numerics("cao_block_bound", "w1_variance_1_over_m",
              "W_1 ~ N(0, 1/m) in place of He's N(0, 2/m)", BLOCK_BATCH,
              Patch("numerics.ntk", "cao_init", _cao_init_variances(1.0, 1.0)), cheap=False,
              expected=_planted.SURVIVES,
              reason="the damped-deviation term D_t measures the network against the exact kernel on the same "
                     "sample, so a network with another kernel widens eps's allowance instead of failing; the "
                     "network's kernel is checked by ntk.cao_experiment and tests/test_ntk.py (empirical kernel at "
                     "width 2^16 against cao_ntk)"),
    _numerics("cao_block_bound", "sampler_not_uniform",
              "the uniform sampler on the sphere returning the normalised N(2 e_1, I) (points bunched about a pole): "
              "the network and the exact kernel both see the wrong sample", BLOCK_BATCH,
              Patch("numerics.sphere", "uniform",
                    lambda original: lambda key, n, d: _sphere().von_mises_fisher_like(key, n, d, 2.0)),
              cheap=False, expected=_planted.SURVIVES,
              reason="the claim's verdict judges the kernel dynamics inside the sample's top-r_k eigenspace against "
                     "2 (1 - lambda_{r_k})^t (the network enters through the measured damped deviations, which "
                     "absorb any error of the network's own code); on this bunched sample the blocks still decay "
                     "faster than the bound, so it holds there too. No error of numerics/ tried here (the network's "
                     "initialisation, the harmonics' Gegenbauer dimension, the kernel, the sampler) is caught by "
                     "this claim: ntk.cao_experiment and tests/test_ntk.py check those pieces"),
)


def _sphere():
    from numerics import sphere

    return sphere


PLANTED = PLANTED + PLANTED_IN_CAO_NETWORK

from theorems.ntk.planted_flow import PLANTED_FLOW  # noqa: E402  (the gradient-flow claims' entries)

PLANTED = PLANTED + PLANTED_FLOW


def _cao_gradient_scaled(factor: float):
    """numerics.ntk.cao_loss_gradient times ``factor``: GD on Cao's network taking the step factor x eta, so that
    every rate the network learns at is about factor times the stated one."""

    def factory(original):
        def planted(params, X, y):
            return {name: factor * g for name, g in original(params, X, y).items()}

        return planted

    return factory


# Experiment-side errors near the resolution the claims state (theorems/_resolution.py).  On CAO_BATCH with seed 0
# ntk.cao_experiment detects every predicted rate moved up by 3.6% or more, down by 7.6% or more (the thresholds of
# its four configurations: up 3.6, 9.2, 10.6, 12.3%, down 7.6, 10.3, 13.5, 29.3%); on LR_BATCH ntk.learning_rates
# detects every decay rate moved up by 13.9% or more, down by 42.8% or more.  A network that learns factor x the
# stated rate reads as the prediction moved by 1/factor - 1, so a step 5% too small (1/0.95: +5.3%) is caught and
# one 5% too large (-4.8%) is not: the same 5% error on the side the claim sees less.  learning_rates does not
# transfer its threshold to the experiment side: its measured remainder absorbs an error in the step.
PLANTED_NEAR_RESOLUTION = (
    _numerics("cao_experiment", "step_5_percent_small", "GD on Cao's network with the step 0.95 eta (the gradient "
              "5% too small): every rate about 5% slower than stated", CAO_BATCH,
              Patch("numerics.ntk", "cao_loss_gradient", _cao_gradient_scaled(0.95)), cheap=False),
    _numerics("cao_experiment", "step_5_percent_large", "GD on Cao's network with the step 1.05 eta: every rate about "
              "5% faster", CAO_BATCH, Patch("numerics.ntk", "cao_loss_gradient", _cao_gradient_scaled(1.05)),
              cheap=False, expected=_planted.SURVIVES,
              reason="a network 5% faster reads as the predicted rates moved down by 4.8%, below the batch's "
                     "threshold on that side (7.6%, seed 0; up: 3.6%): within the rate's allowance (its t-interval, "
                     "the sample's leakage, the width and the kernel's drift)"),
    _numerics("cao_experiment", "step_2_percent_small", "GD on Cao's network with the step 0.98 eta: every rate about "
              "2% slower", CAO_BATCH, Patch("numerics.ntk", "cao_loss_gradient", _cao_gradient_scaled(0.98)),
              cheap=False, expected=_planted.SURVIVES,
              reason="2% slower reads as the prediction moved up by 2.0%, below the batch's threshold (3.6%)"),
    _numerics("learning_rates", "step_20_percent_small", "GD on the ntk network with the step 0.8 eta: every rate "
              "about 20% slower", LR_BATCH, Patch("numerics.ntk", "gd_step", with_argument(3, lambda eta: 0.8 * eta)),
              cheap=False, expected=_planted.SURVIVES,
              reason="moving the prediction's rates up by 25% (what a network 20% slower reads as) would be caught "
                     "(the batch's threshold is 13.9%), yet this survives at 0.74 of the bound: the experiment "
                     "measures the step's remainder rho_t = f_{t+1} - f_t + eta T^n r_t from the run, and a step "
                     "0.8 eta puts the first-order 0.2 eta T^n r_t into it, so the bound's ||rho_t|| / eta grows by "
                     "0.2 ||T^n r_t|| and absorbs the error (NOTES.md: bugs in the training step widen the bound); "
                     "ntk.cao_experiment, whose network is trained by the same kind of step, catches 5%"),
)

PLANTED = PLANTED + PLANTED_NEAR_RESOLUTION
