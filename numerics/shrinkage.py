"""The one-dimensional shallow network of Lucey (2025) and gradient descent on its weights.

Model: f(x) = sum_j w_j phi(x - b_j), inputs on a grid in [0, 1], biases b_j
fixed, weights w learned.  The Jacobian of the fitted values with respect to the
weights is A_ij = phi(x_i - b_j) = U S V^T.

Everything here is a pure function of arrays; ``jax.jit`` and ``jax.vmap`` are
applied once, at the entry points at the bottom of the module.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

MONOTONIC = ("step", "relu", "sigmoid", "softplus")
NON_MONOTONIC = ("gaussian", "sinc")
ACTIVATIONS = MONOTONIC + NON_MONOTONIC
BIAS_PLACEMENTS = ("grid", "shifted", "jittered")


def activation(name: str, width: float = 1.0) -> Callable:
    """phi(z) for the activations the paper discusses; ``width`` scales z for smooth ones."""
    if name == "step":
        return lambda z: jnp.where(z > 0, 1.0, 0.0)
    if name == "relu":
        return lambda z: jnp.maximum(z, 0.0)
    if name == "sigmoid":
        return lambda z: jax.nn.sigmoid(z / width)
    if name == "softplus":
        return lambda z: width * jax.nn.softplus(z / width)
    if name == "gaussian":
        return lambda z: jnp.exp(-0.5 * (z / width) ** 2)
    if name == "sinc":
        return lambda z: jnp.sinc(z / width)
    raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")


def grid(n: int) -> np.ndarray:
    """Inputs x_i = i / n, i = 1..n."""
    if n < 1:
        raise ValueError(f"the grid needs at least one point, got n={n}")
    return np.arange(1, n + 1, dtype=np.float64) / n


def biases(n: int, placement: str, seed: int = 0) -> np.ndarray:
    """Bias positions b_j, one per neuron.

    ``grid``: b_j = x_j - h/2 with h = 1/n, so phi(x_i - b_j) for the step is
    lower triangular.  ``shifted``: b_j = x_j - h/4.  ``jittered``: b_j uniform in
    the cell (x_j - h, x_j), drawn from ``seed``.
    """
    x, h = grid(n), 1.0 / n
    if placement == "grid":
        return x - h / 2
    if placement == "shifted":
        return x - h / 4
    if placement == "jittered":
        return x - h * np.random.default_rng(seed).uniform(0.05, 0.95, size=n)
    raise ValueError(f"unknown bias placement {placement!r}; choose from {', '.join(BIAS_PLACEMENTS)}")


def jacobian(x, b, phi: Callable) -> jnp.ndarray:
    """A_ij = phi(x_i - b_j)."""
    return phi(jnp.asarray(x)[:, None] - jnp.asarray(b)[None, :])


def network_jacobian(n: int, placement: str, name: str, width: float = 1.0, bias_seed: int = 0) -> np.ndarray:
    """The Jacobian A of a configuration, as a float64 NumPy array."""
    return np.asarray(jacobian(grid(n), biases(n, placement, bias_seed), activation(name, width)),
                      dtype=np.float64)


def target(x, frequency: int, noise: float, seed: int) -> np.ndarray:
    """y_i = sin(2 pi k x_i) + noise * N(0, 1), the noise drawn from ``seed``."""
    x = np.asarray(x, dtype=np.float64)
    return np.sin(2 * np.pi * frequency * x) + noise * np.random.default_rng(seed).standard_normal(x.shape)


def gradient_descent_fit(A, y, alpha, q, q_max):
    """Fitted values A w_q after q steps of w <- w - alpha A^T (A w - y) from w = 0.

    The loop runs ``q_max`` steps (a traced bound, so one compilation serves every
    step count) and freezes w once step q is reached.
    """

    def step(t, w):
        w_next = w - alpha * (A.T @ (A @ w - y))
        return jnp.where(t < q, w_next, w)

    w = jax.lax.fori_loop(0, q_max, step, jnp.zeros(A.shape[1], dtype=A.dtype))
    return A @ w


gradient_descent_fits = jax.jit(jax.vmap(gradient_descent_fit, in_axes=(None, 0, 0, 0, None)))
"""Batched :func:`gradient_descent_fit`: one Jacobian, many (y, alpha, q)."""


def gradient_descent_fit_loop(A, y, alpha, q) -> np.ndarray:
    """The same q steps as a plain NumPy loop, one configuration at a time (the benchmark's reference)."""
    w = np.zeros(A.shape[1])
    for _ in range(int(q)):
        w = w - alpha * (A.T @ (A @ w - y))
    return A @ w


def gradient_descent_hat_matrix(A, alpha, q, q_max):
    """The hat matrix H_q = A W_q of q GD steps from W = 0 on the identity targets Y = I.

    Gradient descent is linear in the targets, so the fitted values of any target y
    after q steps are H_q y; in exact arithmetic H_q = U diag(m(s_i)) U^T.  The loop
    runs ``q_max`` steps and freezes W once step q is reached, as in
    :func:`gradient_descent_fit`.
    """
    n = A.shape[0]
    eye = jnp.eye(n, dtype=A.dtype)

    def step(t, W):
        W_next = W - alpha * (A.T @ (A @ W - eye))
        return jnp.where(t < q, W_next, W)

    W = jax.lax.fori_loop(0, q_max, step, jnp.zeros((A.shape[1], n), dtype=A.dtype))
    return A @ W


def one_step_residual_spectrum(A, alpha):
    """Eigenvalues mu_i (ascending) of the residual map R_1 = I - A W_1 of one GD step.

    W_1 is one GD step from W = 0 on the identity targets, so R_1 = I - alpha A A^T and
    the residual after q steps is R_1^q (GD's recursion r_{t+1} = R_1 r_t); its
    eigenvalues are mu_i^q = (1 - alpha s_i^2)^q.
    """
    n = A.shape[0]
    eye = jnp.eye(n, dtype=A.dtype)
    W1 = -alpha * (A.T @ (A @ jnp.zeros((A.shape[1], n), dtype=A.dtype) - eye))
    R1 = eye - A @ W1
    return jnp.linalg.eigvalsh(0.5 * (R1 + R1.T))


def symmetric_eigenvalues(H):
    """Eigenvalues (ascending) of the symmetric part of H."""
    return jnp.linalg.eigvalsh(0.5 * (H + H.T))


gradient_descent_hat_matrices = jax.jit(jax.vmap(gradient_descent_hat_matrix, in_axes=(0, 0, 0, None)))
"""Batched :func:`gradient_descent_hat_matrix`: one (A, alpha, q) per configuration."""

one_step_residual_spectra = jax.jit(jax.vmap(one_step_residual_spectrum))
"""Batched :func:`one_step_residual_spectrum`."""

batched_svd = jax.jit(jax.vmap(lambda A: jnp.linalg.svd(A, full_matrices=False)))
"""(U, s, V^T) of a batch of Jacobians of one shape."""

batched_eigvalsh = jax.jit(jax.vmap(symmetric_eigenvalues))
"""Batched :func:`symmetric_eigenvalues`."""
