"""More planted wrong versions of the splines claims in the experiment (:mod:`numerics.splines` and
:mod:`numerics.shallow` patched): a sign in the kernel's moments, a bias law's width, the powers of the free
polynomial part, a step late, the second ASI copy not made (f_0 != 0) for the trained networks, and the
output-layer-only arm evaluated one grid point off.  ``planted.PLANTED`` takes them in.
"""

from __future__ import annotations

from theorems._planted import SURVIVES, Patch, Planted, with_argument, with_output
from theorems.splines import claims
from theorems.splines.planted import (ACTIVATION_BATCH, NETWORK_BATCH, NSP, POLYHARMONIC_BATCH, SMOOTHING_BATCH,
                                      SPLINE_BATCH, _numerics)


def _first_moment_sign(moments):
    """(int zeta, int t zeta, int t^2 zeta) with the first moment's sign flipped."""
    import numpy as np

    return np.asarray(moments) * np.array([1.0, -1.0, 1.0])


def _asi_copies_independent(original):
    """``sample_asi_numpy`` with the second copy drawn from another seed: the ASI copy not made, so f_0 != 0."""

    def planted(seed, n, d, init, p1, p2):
        import numpy as np

        one, other = original(seed, n, d, init, p1, p2), original(seed + 1, n, d, init, p1, p2)
        return {k: np.stack([one[k][0], other[k][1]]) for k in one}

    return planted


def _output_arm_grid_off_by_one(original):
    """``spline_distance_run`` evaluating the output-layer-only arm one grid point off: f at x_(e+1) reported for
    x_e (an off-by-one in that branch's evaluation grid)."""

    def planted(nets, X, Y, G, XE, frac, tol, max_steps, act="relu", output_only=False, sgd_seed=None):
        import jax.numpy as jnp

        if output_only:
            XE = jnp.concatenate([XE[1:], XE[-1:]])
        return original(nets, X, Y, G, XE, frac, tol, max_steps, act, output_only, sgd_seed)

    return planted


SH = "numerics.shallow"


def _powers_shifted(original):
    """``polynomial_design`` with the powers 1..m in place of 0..m-1."""
    return lambda x, m: original(x, m + 1)[:, 1:]


def _caught_by_pooling(result) -> None:
    """With f_0 != 0 the distance D_n >= sup_S |f_0| (trajectory_width_rate) and the departure R_n from the
    linearisation started at 0 (trajectory_network) stay of order one, so every configuration's slope is near 0;
    but each is fitted to 12 runs at the search's level (t with 10 degrees of freedom far in the tail), and its
    interval, about +-1.3 wide, reaches -1/2: the search alone cannot see it.  The configurations together can:
    on ci seed 0 the pooled slope over 19 configurations is -0.09 (trajectory_width_rate) and -0.06
    (trajectory_network), one-sided intervals [-0.22, inf) and [-0.18, inf), both excluding -1/2."""
    pooled = result["pooled"]
    assert pooled["falsified"] and pooled["estimate"] > -0.25, pooled


def _registered(claim, name, what, *patches):
    """A bug planted in :mod:`numerics` (``patches``), the registered ``claim`` run on one example of its own
    search (a rate claim's batch of four configurations; its sweeps are the expensive part)."""
    return Planted(claim.id, name, what, examples=1, patch=tuple(patches))

PLANTED_IN_NUMERICS_2 = (
    _numerics(claims.natural_spline, "first_moment_sign",
              "a sign in the kernel's moments: the first moment int t zeta(t) dt with the wrong sign", SPLINE_BATCH[:1],
              Patch(NSP, "_moments", with_output(_first_moment_sign))),
    _numerics(claims.other_activation, "bias_half_width",
              "B ~ U(-a_b / 2, a_b / 2) in the network's kernel: the half-width read as the width", ACTIVATION_BATCH,
              Patch(NSP, "_power_bias_moment", with_argument(2, lambda a: 0.5 * a))),
    _numerics(claims.trajectory_smoothing, "one_step_too_many", "every recorded time one step late (t + 1 steps)",
              SMOOTHING_BATCH, Patch(NSP, "kernel_gd_values", with_argument(3, lambda t: t + 1))),
    _numerics(claims.other_activation, "polynomial_powers_off_by_one",
              "the network's free polynomial part with the powers x^1..x^m for x^0..x^(m-1) (an off-by-one in the "
              "powers: no constant, a cubic)", ACTIVATION_BATCH, Patch(NSP, "polynomial_design", _powers_shifted)),
    _registered(claims.spline_rate_bound, "asi_copy_not_made",
                "the two ASI copies drawn from different seeds: f_0 != 0, the network does not start at zero",
                Patch(SH, "sample_asi_numpy", _asi_copies_independent)),
    _numerics(claims.polyharmonic_rate, "asi_copy_not_made",
              "the two ASI copies drawn from different seeds: f_0 != 0 (two inputs)", POLYHARMONIC_BATCH,
              Patch(SH, "sample_asi_numpy", _asi_copies_independent), cheap=False),
    _registered(claims.sgd_rate, "asi_copy_not_made", "the two ASI copies drawn from different seeds: f_0 != 0 (SGD)",
                Patch(SH, "sample_asi_numpy", _asi_copies_independent)),
    Planted(claims.trajectory_network.id, "asi_copy_not_made",
            "the two ASI copies drawn from different seeds: f_0 != 0 along the whole trajectory",
            patch=(Patch(SH, "sample_asi_numpy", _asi_copies_independent),),
            check=_caught_by_pooling),
    Planted(claims.trajectory_width_rate.id, "asi_copy_not_made",
            "the two ASI copies drawn from different seeds: f_0 != 0 along the whole trajectory",
            patch=(Patch(SH, "sample_asi_numpy", _asi_copies_independent),),
            check=_caught_by_pooling),
    _registered(claims.output_layer_only, "output_arm_grid_off_by_one",
                "the output-layer-only network evaluated one grid point off on S (an off-by-one in that branch's "
                "grid)", Patch(SH, "spline_distance_run", _output_arm_grid_off_by_one)),
)
