"""Closed forms of the gradient-flow claims: the flow's per-degree filter e^{-mu_k t} and the order of gradient
descent as a discretisation of the flow (explicit Euler: 1)."""

from __future__ import annotations

import numpy as np
import sympy

from theorems._claim import Config
from theorems.ntk.theory import eigenvalue, mu, t

FLOW_FILTER = sympy.exp(-mu * t)
"""The gradient flow's filter on a degree-k harmonic: <r_t, phi_k> = e^{-mu_k t} <r_0, phi_k> (kernel T)."""

EULER_ORDER = sympy.Integer(1)
"""The order p of GD's global error against the flow at a fixed time: ||r_GD(t/eta steps) - r(t)|| ~ C eta^p."""


def predict_flow_filter(closed_form, config: Config):
    """e^{-mu_k t} at the recorded times t = t_end j/(RECORDED - 1), one column per target degree; mu_k from the
    exact spectrum."""
    from theorems.ntk.configurations import parse_degrees
    from theorems.ntk.dynamics import RECORDED
    from theorems.ntk.flow_dynamics import end_time

    f = sympy.lambdify((mu, t), closed_form, "numpy")
    tt = np.linspace(0.0, 1.0, RECORDED) * end_time(config)
    cols = [np.broadcast_to(f(eigenvalue(int(config["d"]), kk, int(config["bias"])), tt), tt.shape)
            for kk in parse_degrees(config)]
    return np.stack(cols, 1)


def predict_order(closed_form, config: Config) -> float:
    return float(closed_form)
