"""The gradient-flow claims' numerics (numerics/flow.py, theorems/ntk/flow_dynamics.py) against independent
oracles: the linearised flow's exact solution on the training set, e^{-tA} r_0 with A = H_0/n from an eigen-
decomposition of the empirical NTK Gram matrix; GD's exact iterate (I - eta A)^N r_0; and the per-mode expansion of
Euler's error that the order claim's allowance is built from.  The claims themselves and their planted versions
run in tests/test_claims.py (slow tier)."""

import numerics  # noqa: F401  (float64 on)

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from numerics import flow as fl
from numerics import ntk as nx
from theorems.ntk import configurations, flow_configurations, flow_dynamics
from theorems.ntk.dynamics import RECORDED


def _problem(bias: float, n: int = 48, m: int = 64, d: int = 3, seed: int = 0):
    kx, ky, kp = jax.random.split(jax.random.PRNGKey(seed), 3)
    X = jax.random.normal(kx, (n, d))
    X = X / jnp.linalg.norm(X, axis=1, keepdims=True)
    y = jnp.sin(3 * X[:, 0]) + X[:, 1] * X[:, 2]
    params0 = nx.init(kp, m, d)
    A = np.asarray(nx.empirical_ntk_gram(params0, X, bias=bias)) / n
    return kp, X, y, params0, A


def _exact(A, r0, t):
    lam, U = np.linalg.eigh(A)
    return U @ (np.exp(-t * lam) * (U.T @ r0))


@pytest.mark.parametrize("bias", [0.0, 1.0])
def test_the_flow_is_the_exact_solution_of_the_linearised_ode_on_the_training_set(bias):
    """diffrax's Tsit5 at (RTOL, ATOL) against e^{-tA} r_0 at every saved time, within 1e-6 ||y||: the solver's
    error is far below the damped-deviations allowances and the GD errors it is compared with, and a clock
    running twice as fast (the planted clock_doubled) would miss by a thousand times more."""
    key, X, y, params0, A = _problem(bias)
    m = 64
    M, J = 32, 3
    Z = X[:M]
    Phi = jnp.ones((M, J))
    lam_max = float(np.linalg.eigvalsh(A)[-1])
    t_end = 8.0 / lam_max
    ts = t_end * jnp.linspace(0.0, 1.0, 11)
    args = (key, X, y, Z, Phi, Z, Phi, jnp.ones(J), jnp.full(J, 0.1), bias, t_end, ts, fl.RTOL, fl.ATOL, m)
    *_, rX, steps = fl.flow(*args)
    assert int(steps) > 0
    exact = np.stack([_exact(A, -np.asarray(y), float(t)) for t in ts])
    scale = float(np.linalg.norm(y))
    assert np.max(np.abs(np.asarray(rX) - exact)) <= 1e-6 * scale
    doubled = np.stack([_exact(A, -np.asarray(y), 2 * float(t)) for t in ts])
    assert np.max(np.abs(doubled - exact)) > 1e3 * 1e-6 * scale     # a doubled clock would be seen


@pytest.mark.parametrize("bias", [0.0, 1.0])
def test_gd_is_the_euler_scheme_of_the_flow_at_round_off(bias):
    """gd_residual after N steps of eta = t/N is (I - eta A)^N r_0 (the linearised model's GD on the training set)."""
    key, X, y, params0, A = _problem(bias)
    t, N = 4.0 / float(np.linalg.eigvalsh(A)[-1]), 40
    r = np.asarray(fl.gd_residual(key, X, y, t, N, bias, 64))
    lam, U = np.linalg.eigh(A)
    exact = U @ ((1 - (t / N) * lam) ** N * (U.T @ (-np.asarray(y))))
    assert np.max(np.abs(r - exact)) <= 1e3 * N * np.finfo(float).eps * float(np.linalg.norm(y))


def test_the_euler_error_lies_within_its_first_order_part_times_one_plus_rho():
    """||E(eta)|| / (eta ||e_1||) in [1 - rho, 1 + rho], with E and e_1 computed exactly in A's eigenbasis and rho
    from flow_dynamics.euler_rho: the bound the order claim's allowance rests on.  It is conservative (|ratio - 1|
    is about 1/30 of rho here: rho is a sup over the modes, the norm a weighted mean) and rho falls like eta."""
    _, X, y, _, A = _problem(0.0)
    lam, U = np.linalg.eigh(A)
    lam = np.maximum(lam, 0.0)
    a0 = U.T @ (-np.asarray(y))
    lam_max = lam[-1]
    t = 4.0 / lam_max
    rhos = []
    for c in (2, 4, 8, 16, 32):
        N = 2 * c * 4
        eta = t / N
        E = ((1 - eta * lam) ** N - np.exp(-lam * t)) * a0
        first = -np.exp(-lam * t) * lam * t * eta * lam / 2 * a0
        ratio = np.linalg.norm(E) / np.linalg.norm(first)
        rho = flow_dynamics.euler_rho(eta * lam_max, lam_max * t)
        assert 1 - rho <= ratio <= 1 + rho
        rhos.append(rho)
    assert np.all(np.diff(np.log(rhos)) < -0.6)       # rho ~ eta: halves with the step
    assert flow_dynamics.euler_rho(1.0, 4.0) == float("inf")


def test_the_flow_claims_keys_are_declared_and_the_comparison_time_is_half_the_horizon():
    for scale, sizes in flow_configurations.FLOW_SIZES.items():
        for key, values in sizes.items():
            assert all(configurations.KEYS[key].problem(key, v) is None for v in values), (scale, key)
    assert flow_dynamics.COMPARED * 2 == RECORDED - 1
