"""Gradient flow of the ntk family's network in the kernel regime, integrated with error control by diffrax, and
gradient descent as its explicit Euler discretisation.

Network and loss are those of :mod:`numerics.ntk`: f(x; theta) = m^{-1/2} sum_l a_l relu(<w_l, x> + b_l), NTK
parametrisation, antisymmetric initialisation theta_0 (f_0 = 0), loss (1/2n) sum_i (f(x_i) - y_i)^2, a and W
trained, b trained when ``bias = 1``.  The flow is that of the network linearised at its initialisation,

    f_lin(x; theta) = f(x; theta_0) + <grad_theta f(x; theta_0), theta - theta_0>,
    d theta/dt = -grad L_lin(theta) = -(1/n) J_0(X)^T r_t,     r_t = f_lin(X; theta_t) - y,

the kernel regime of width m: in function space d f_t/dt = -T^n_{K_0} r_t, with K_0 the empirical NTK at
initialisation (width m) and (T^n_K g)(x) = (1/n) sum_i K(x, x_i) g(x_i).  (The ReLU network's own flow has a
vector field that jumps wherever a pre-activation <w_l, x_i> + b_l changes sign, and an error-controlled solver
then spends its steps locating the jumps; its linearisation is smooth.)

The flow is integrated by diffrax's Tsit5 (an explicit Runge-Kutta 5(4) pair) with a PID step-size controller,
which accepts a step when the embedded error estimate is below atol + rtol |y| in the root-mean-square norm over
the state.  The state carries, besides the parameters, the damped integrals

    B_k(t) = int_0^t e^{-mu_k (t - s)} D(s) ds,   S_k(t) = int_0^t e^{-mu_k (t - s)} se(s) ds,

(dB_k/dt = -mu_k B_k + D, the same for S_k) of the deviation D(s) = ||(T - T^n_{K_0}) r_s|| and of the standard
error se(s) of its Monte Carlo estimate, so that the damped-deviations allowance is integrated under the same
error control as the trajectory.  Gradient descent with step eta, theta_{s+1} = theta_s + eta v(theta_s), is the
explicit Euler scheme of the same ODE.
"""

from __future__ import annotations

import os

# Equinox (under diffrax) checks its runtime errors through host callbacks, which JAX's persistent compilation
# cache refuses to keep, so every process would compile the solver again (about 10 s).  With EQX_ON_ERROR=nan a
# failed check gives NaNs instead; :func:`solve` returns diffrax's own result code (``throw=False``) and the
# experiments refuse a failed or non-finite solve.  A value set by the user is kept.
os.environ.setdefault("EQX_ON_ERROR", "nan")

import diffrax  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

from numerics import ntk as nx  # noqa: E402

RTOL = 1e-8
"""Relative tolerance of the PID controller (per accepted step, root-mean-square over the state)."""

ATOL = 1e-10
"""Absolute tolerance of the PID controller."""

LOOSE = 1e2
"""The factor by which the tolerances of the second, looser solve exceed (RTOL, ATOL): the difference of the two
solutions estimates the looser one's error, and so bounds the tighter one's from above."""

MAX_STEPS = 4096
"""Most solver steps one integration may take (diffrax raises past it)."""


def _mask(bias):
    return {"a": 1.0, "W": 1.0, "b": bias}


def linearised(params0, X):
    """(f(X; theta_0), theta -> J_0(X) theta, r -> J_0(X)^T r): the network's values, tangent map and its transpose
    at theta_0 on the rows of X."""
    f0, jvp = jax.linearize(lambda p: nx.forward(p, X), params0)
    vjp = jax.linear_transpose(jvp, params0)
    return f0, jvp, lambda r: vjp(r)[0]


def velocity_field(params0, X, y, bias):
    """v(theta) = -grad L_lin(theta) = -(1/n) J_0(X)^T (f_lin(X; theta) - y), the bias's component zero when
    bias = 0 (b stays at its initial 0)."""
    f0, jvp, vjp = linearised(params0, X)
    mask = _mask(bias)
    n = X.shape[0]

    def v(params):
        delta = jax.tree_util.tree_map(lambda p, q: p - q, params, params0)
        r = f0 + jvp(delta) - y
        g = vjp(r / n)
        return jax.tree_util.tree_map(lambda gi, mi: -mi * gi, g, mask)

    return v


def gd_step(params, velocity, eta):
    """One step of gradient descent, theta <- theta + eta v(theta), v = -grad L: explicit Euler."""
    return jax.tree_util.tree_map(lambda p, vi: p + eta * vi, params, velocity(params))


def gd_residual(key, X, y, t, steps, bias, m: int):
    """f_lin(X) - y after ``steps`` GD steps of size eta = t / steps from the antisymmetric initialisation of width
    m (``steps`` may be traced: one compilation serves every step count)."""
    params0 = nx.init(key, m, X.shape[1])
    v = velocity_field(params0, X, y, bias)
    eta = t / steps
    params = jax.lax.fori_loop(0, steps, lambda _, p: gd_step(p, v, eta), params0)
    f0, jvp, _ = linearised(params0, X)
    return f0 + jvp(jax.tree_util.tree_map(lambda p, q: p - q, params, params0)) - y


gd_residual_batch = jax.jit(jax.vmap(gd_residual, in_axes=(0, 0, 0, 0, 0, 0, None)), static_argnums=(6,))
"""Batched :func:`gd_residual`; the width is shared, the step count is per configuration."""


def solve(field, y0, t_end, ts, rtol, atol):
    """diffrax.diffeqsolve of dy/dt = field(y) from 0 to t_end, Tsit5 with a PID controller at (rtol, atol), the
    state saved at the times ts; returns the saved states and the number of accepted steps, or -1 when the
    solve failed (MAX_STEPS reached, say): ``throw=False`` returns the failure rather than raising it from inside
    the compiled program (which would need a host callback, see EQX_ON_ERROR above)."""
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(lambda t, y, args: field(y)), diffrax.Tsit5(), t0=0.0, t1=t_end, dt0=None, y0=y0,
        saveat=diffrax.SaveAt(ts=ts), stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
        max_steps=MAX_STEPS, throw=False)
    ok = sol.result == diffrax.RESULTS.successful
    return sol.ys, jnp.where(ok, sol.stats["num_accepted_steps"], -1)


def flow(key, X, y, Z, Phi_Z, Zc, Phi_Zc, amps, mus, bias, t_end, ts, rtol, atol, m: int):
    """The kernel-regime gradient flow from the antisymmetric initialisation of width m to time t_end, with the
    damped integrals B_k and S_k (module docstring), saved at the times ts.

    On the M fresh points Z (a Monte Carlo quadrature of L^2 of the uniform measure), with f* = sum_j A_j phi_j:
    T^n_{K_0} r_s = -d f_s/dt = -J_0(Z) v(theta_s); T r_s = T f_s - sum_j A_j mu_j phi_j with T f_s by
    (1/M) sum_j K(z, z_j) f_s(z_j) (the infinite-width kernel K); D(s) = RMS_Z of their difference, and
    se(s) = sqrt(mean_{j,j'} K(z_j,z_j')^2 f_s(z_j')^2 / M), the standard error of that quadrature.

    Returns, at the times ts: the projections c_j = <f_t, phi_j>_Zc - A_j (estimating <r_t, phi_j>) on the fresh
    points Zc and their standard errors, B and S (times x degrees), the training residual f_t(X) - y; and the
    number of accepted solver steps."""
    M = Z.shape[0]
    params0 = nx.init(key, m, X.shape[1])
    v = velocity_field(params0, X, y, bias)
    fZ0, jvpZ, _ = linearised(params0, Z)
    KZ = nx.ntk_gram(Z, bias=bias) / M
    KZ2 = KZ ** 2
    Tfstar_Z = Phi_Z @ (amps * mus)

    def field(state):
        params, B, S = state
        vel = v(params)
        fz = fZ0 + jvpZ(jax.tree_util.tree_map(lambda p, q: p - q, params, params0))
        D = jnp.sqrt(jnp.mean((KZ @ fz - Tfstar_Z + jvpZ(vel)) ** 2))
        se = jnp.sqrt(jnp.sum(KZ2 @ (fz ** 2)) / M)
        return vel, D - mus * B, se - mus * S

    zeros = jnp.zeros_like(mus)
    (params, B, S), steps = solve(field, (params0, zeros, zeros), t_end, ts, rtol, atol)
    fc0, jvpc, _ = linearised(params0, Zc)
    f0X, jvpX, _ = linearised(params0, X)

    def observe(p):
        delta = jax.tree_util.tree_map(lambda a, b: a - b, p, params0)
        prod = (fc0 + jvpc(delta))[:, None] * Phi_Zc
        return prod.mean(0) - amps, prod.std(0) / jnp.sqrt(Zc.shape[0]), f0X + jvpX(delta) - y

    c, se_c, rX = jax.lax.map(observe, params)
    return c, se_c, B, S, rX, steps


flow_batch = jax.jit(jax.vmap(flow, in_axes=(0,) * 12 + (None, None, None)), static_argnums=(14,))
"""Batched :func:`flow`; tolerances and width shared."""
