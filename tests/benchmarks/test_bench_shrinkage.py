"""Gradient descent on the shrinkage model: the batched JAX path against a per-configuration loop.

Both do the same work: B configurations sharing one Jacobian (n x n), each with its
own target, learning rate and step count, q steps of w <- w - alpha A^T (A w - y).
``nox -s bench`` prints the two side by side in the group ``shrinkage-gd``.
"""

import jax
import numpy as np
import pytest

from numerics import shrinkage as nx

N, BATCH, MAX_STEPS = 64, 32, 400


@pytest.fixture(scope="module")
def problem():
    A = nx.network_jacobian(N, "grid", "relu")
    limit = 2.0 / np.linalg.norm(A, 2) ** 2
    rng = np.random.default_rng(0)
    y = np.stack([nx.target(nx.grid(N), k % 8, 0.1, k) for k in range(BATCH)])
    alpha = limit * rng.uniform(0.1, 0.9, BATCH)
    q = rng.integers(MAX_STEPS // 2, MAX_STEPS + 1, BATCH)
    return A, y, alpha, q


def _batched(A, y, alpha, q):
    return jax.block_until_ready(nx.gradient_descent_fits(A, y, alpha, q, int(q.max())))


def _loop(A, y, alpha, q):
    return np.stack([nx.gradient_descent_fit_loop(A, y[i], alpha[i], q[i]) for i in range(len(q))])


@pytest.mark.benchmark(group="shrinkage-gd")
def test_batched_jax(benchmark, problem):
    _batched(*problem)  # compile outside the timing
    fits = benchmark(_batched, *problem)
    np.testing.assert_allclose(fits, _loop(*problem), rtol=0, atol=1e-10)


@pytest.mark.benchmark(group="shrinkage-gd")
def test_per_configuration_loop(benchmark, problem):
    fits = benchmark(_loop, *problem)
    assert fits.shape == (BATCH, N)
