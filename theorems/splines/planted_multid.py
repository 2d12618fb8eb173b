"""Planted wrong versions of ``splines.curvature_density_multid`` (d inputs, Gaussian initialisation): two in the
closed form, three in the experiment's code (numerics.splines, numerics.shallow).  Each runs the claim on one fixed
batch of d = 2 and d = 3 configurations (one compilation, a few seconds)."""

from __future__ import annotations

import numpy as np

from theorems._planted import FALSIFIED, SURVIVES, Patch, Planted, pinned, with_argument, with_output
from theorems.splines.claims_multid import curvature_density_multid, gaussian_limit_2d, polyharmonic_limit_3d

MULTID_BATCH = tuple({"init": "gaussian", "d": dim, "p1": p1, "p2": p2, "samples": 2**19, "mc_seed": seed,
                      "offsets": tuple(round(u * p2 / p1, 4) for u in (-1.5, -1.0, -0.5, -0.1, 0.0, 0.3, 0.8, 1.4))}
                     for dim, p1, p2, seed in ((2, 1.0, 0.5, 1), (3, 2.0, 1.0, 2), (2, 0.5, 2.0, 3), (3, 1.0, 0.3, 4)))
"""Two configurations each of d = 2 and d = 3, sigma_b = 1 once only."""

LIMIT_BATCH = tuple({"init": "gaussian", "d": 2, "p1": 1.0, "p2": p2, "M": 5, "data_seed": seed, "trend": 1.0,
                     "trend2": -0.5, "offset": 0.5}
                    for p2, seed in ((1.0, -1), (0.3162, -1), (1.0, 7), (0.3162, 11)))
"""The laws of the paper's Figures 9 and 10 (sigma_w = 1, sigma_b^2 = 1 and 0.1) on its 2-D data and on random data."""

NSP = "numerics.splines"


def _with_closed_form(build):
    def planted():
        return pinned(curvature_density_multid.with_closed_form(build()), MULTID_BATCH)

    return planted


def _one_input_density():
    from theorems.splines.multid import ZETA_MULTID, d

    return ZETA_MULTID.subs(d, 1)


def _unweighted_density():
    from theorems.splines.multid import _u, hyperplane_density

    return hyperplane_density(_u**0)


def _offsets_not_normalised(parameters):
    U, V, C = parameters
    return U, V, C * U


def _equal_height_bands(edges):
    return np.linspace(-1.0, 1.0, len(edges))


def _misses(result):
    assert result["counterexample"], "a falsified claim shows its counterexample"
    assert result["worst"]["error"] > result["worst"]["tolerance"]


def _entry(name, what, build=None, patch=(), expected=FALSIFIED, reason=""):
    return Planted(curvature_density_multid.id, name, what,
                   build if build is not None else (lambda: pinned(curvature_density_multid, MULTID_BATCH)),
                   expected=expected, reason=reason, cheap=True, examples=1, check=_misses, patch=tuple(patch))


PLANTED_MULTID = (
    _entry("one_input_density", "Theorem 19 at d = 1, sigma_w^3 sigma_b^3 / (pi (sigma_b^2 + c^2 sigma_w^2)^2), used "
           "in every dimension", _with_closed_form(_one_input_density)),
    _entry("weight_forgotten", "the density p_{V,C} of the hyperplanes alone, without Theorem 6's weight "
           "E[U^2 | V, C]", _with_closed_form(_unweighted_density)),
    _entry("offsets_not_normalised", "the offsets left as -B, not divided by ||W||",
           patch=(Patch(NSP, "hyperplane_parameters", with_output(_offsets_not_normalised)),)),
    _entry("bias_scale_ignored", "the biases drawn with sigma_b = 1 whatever the law says",
           patch=(Patch("numerics.shallow", "sample_hidden", with_argument(5, lambda s: 1.0)),)),
    _entry("equal_height_bands", "the sphere's bands cut at equal heights of <V, e> rather than equal areas (equal "
           "areas only for d = 3, Archimedes; the batch's d = 2 configurations see it)",
           patch=(Patch(NSP, "sphere_band_edges", with_output(_equal_height_bands)),)),
)


def _limit_with(closed_form_builder=None, patch=(), name="", what=""):
    def build():
        claim = gaussian_limit_2d
        if closed_form_builder is not None:
            claim = claim.with_closed_form(closed_form_builder())
        return pinned(claim, LIMIT_BATCH)

    return Planted(gaussian_limit_2d.id, name, what, build, cheap=True, examples=1, check=_misses, patch=tuple(patch))


PLANTED_MULTID = PLANTED_MULTID + (
    _limit_with(_one_input_density, name="one_input_density",
                what="Theorem 19 at d = 1 as the curvature density of problem (8) in two inputs"),
    _limit_with(patch=(Patch(NSP, "arc_cosine_kernel", with_argument(2, lambda s_w: 1.03 * s_w)),),
                name="weight_scale_3_percent", what="the network kernel's sigma_w 3 % too large"),
)

POLY3D_BATCH = tuple({"init": "sphere", "d": 3, "a": a, "M": M, "data_seed": seed, "trend": 1.0, "trend2": -2.0,
                      "offset": 0.5} for a, M, seed in ((1.5, 5, 3), (2.0, 6, 8), (3.0, 7, 21)))
"""Three inputs, W uniform on S^2, random data in the ball of radius 1.4."""


def _linear_basis():
    from theorems.splines.theory import r

    return r


PLANTED_MULTID = PLANTED_MULTID + (
    Planted(polyharmonic_limit_3d.id, "biharmonic_r",
            "r, the biharmonic spline of d = 3 (the Green's function of Delta^2), in place of Theorem 8's r^3",
            lambda: pinned(polyharmonic_limit_3d.with_closed_form(_linear_basis()), POLY3D_BATCH), cheap=True,
            examples=1, check=_misses),
    Planted(polyharmonic_limit_3d.id, "bias_cubic_sign",
            "a sign in the bias moment's cubic part: G(s, -s') for G(s, s')",
            lambda: pinned(polyharmonic_limit_3d, POLY3D_BATCH), cheap=True, examples=1, check=_misses,
            patch=(Patch(NSP, "_uniform_bias_cubic", with_argument(1, lambda sp: -sp)),)),
    Planted(polyharmonic_limit_3d.id, "great_circle",
            "V drawn on the great circle in the plane of x and x' (rho = 1) instead of uniformly on S^2",
            lambda: pinned(polyharmonic_limit_3d, POLY3D_BATCH), cheap=True, examples=1, expected=SURVIVES,
            reason=("an equivalent mutant: the kernel is a constant plus E[rho^2] a <x, x'> / (2 a) minus "
                    "E[rho^3] E_u[G] / (2 a), and the side conditions sum_j lambda_j = 0, sum_j lambda_j x_j = 0 "
                    "cancel the first two terms; the moments of rho only scale the third, which leaves the "
                    "interpolant unchanged (the circle's kernel, Theorem 8 in d = 2, gives the same r^3 spline)"),
            patch=(Patch(NSP, "sphere_radial_moments", with_output(lambda moments: (1.0, 1.0, 1.0, 1.0))),)),
)

__all__ = ["PLANTED_MULTID", "MULTID_BATCH", "LIMIT_BATCH", "POLY3D_BATCH"]
