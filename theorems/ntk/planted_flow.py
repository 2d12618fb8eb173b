"""Planted wrong versions of the gradient-flow claims (ntk.flow_rates, ntk.gd_to_flow): two in the closed forms and
one or two in numerics/flow.py each, all on one pinned batch (slow tier: each runs the flow)."""

from __future__ import annotations

from theorems._planted import Patch, Planted, pinned


def _exp(x):
    import sympy

    return sympy.exp(x)


FLOW_PINNED = tuple({"d": 3, "n": 128, "m": 128, "M": 256, "horizon": 8, "bias": b, "degrees": dg, "amplitudes": a,
                     "seed": s}
                    for b, dg, a, s in ((0, "1,2,4", "1,1,1", 0), (1, "0,1,2", "1,3,5", 1), (0, "1,2,3", "5,3,1", 2),
                                        (1, "1,2,4", "1,3,5", 3)))
"""A batch of ntk.flow_rates and ntk.gd_to_flow on the dev sizes: both kernels, the three degree sets."""


def _flow_claim(name: str):
    from theorems.ntk import flow

    return getattr(flow, name)


def _flow_wrong(name, label, what, wrong):
    def build():
        from theorems.ntk import flow_theory

        return pinned(_flow_claim(name), FLOW_PINNED).with_closed_form(wrong(flow_theory))

    return Planted(claim=f"ntk.{name}", name=label, what=what, build=build, examples=1)


def _flow_numerics(name, label, what, *patches):
    return Planted(claim=f"ntk.{name}", name=label, what=what, build=lambda: pinned(_flow_claim(name), FLOW_PINNED),
                   examples=1, patch=tuple(patches))


def _clock_doubled(original):
    """solve(field, ...) with the parameters' velocity doubled in the field (the allowance's integrals keep the
    flow's own time): the parameters' clock runs twice as fast."""
    import jax

    def doubled(field):
        def f(y):
            v, dB, dS = field(y)
            return jax.tree_util.tree_map(lambda x: 2.0 * x, v), dB, dS

        return f

    return lambda field, *rest: original(doubled(field), *rest)


def _euler_step_doubled(original):
    """gd_step(params, v, eta) taking the step 2 eta (the gradient of the mean of r^2, without the 1/2)."""
    return lambda params, velocity, eta: original(params, velocity, 2.0 * eta)


def _fixed_step(original):
    """solve(...) with Tsit5 at a constant step t_end/4, the controller's tolerances ignored."""

    def solve(field, y0, t_end, ts, rtol, atol):
        import diffrax

        sol = diffrax.diffeqsolve(diffrax.ODETerm(lambda t, y, args: field(y)), diffrax.Tsit5(), t0=0.0, t1=t_end,
                                  dt0=t_end / 4, y0=y0, saveat=diffrax.SaveAt(ts=ts),
                                  stepsize_controller=diffrax.ConstantStepSize(), max_steps=64, throw=False)
        return sol.ys, sol.stats["num_accepted_steps"]

    return solve


PLANTED_FLOW = (
    _flow_wrong("flow_rates", "cosine_coefficient_rate", "twice the eigenvalue (cosine-series convention): "
                "e^{-2 mu_k t}", lambda th: _exp(-2 * th.mu * th.t)),
    _flow_wrong("flow_rates", "rate_ignores_eigenvalue", "a rate that ignores the eigenvalue: e^{-t/4} for every "
                "degree", lambda th: _exp(-th.t / 4)),
    _flow_numerics("flow_rates", "clock_doubled", "the parameters' time scaled by 2 in the solver's field (a "
                   "time convention, the loss's 1/2 or a width factor, applied to the velocity twice)",
                   Patch("numerics.flow", "solve", _clock_doubled)),
    _flow_wrong("gd_to_flow", "second_order", "GD read as a second-order scheme: order 2",
                lambda th: th.EULER_ORDER * 2),
    _flow_wrong("gd_to_flow", "half_order", "the strong order 1/2 of a stochastic scheme: order 1/2",
                lambda th: th.EULER_ORDER / 2),
    _flow_numerics("gd_to_flow", "euler_step_doubled", "the GD step 2 eta: Euler with the wrong scale (the gradient "
                   "of the mean of r^2 without the 1/2)", Patch("numerics.flow", "gd_step", _euler_step_doubled)),
    _flow_numerics("gd_to_flow", "fixed_step_flow", "the flow solved at a fixed step t_end/4, ignoring the "
                   "controller's error control", Patch("numerics.flow", "solve", _fixed_step)),
)
