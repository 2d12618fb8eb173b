"""The network of the setting, as a configuration fixes it: the Jacobian A, its SVD, the targets y.

f(x) = sum_j w_j phi(x - b_j) on the grid x_i = i / n, i = 1..n, with n neurons whose biases b_j are placed by
``bias`` (and ``bias_seed``) and whose activation phi is ``activation`` at scale ``width``
(:mod:`numerics.shrinkage`).  The fitted values are linear in the weights, f = A w with A_ij = phi(x_i - b_j),
so everything gradient descent does is a function of A = U S V^T and the target y.

The Jacobian and its SVD are computed once per distinct (n, bias, activation, width, bias_seed) and shared,
read-only, by the strategies, the predictions and the experiments.
"""

from __future__ import annotations

import numpy as np

from numerics import shrinkage as nx
from theorems._cache import cached
from theorems._claim import Config


@cached(maxsize=512)
def _jacobian_svd(n: int, bias: str, activation: str, width: float, bias_seed: int):
    A = nx.network_jacobian(n, bias, activation, width, bias_seed)
    U, S, Vt = np.linalg.svd(A)
    for arr in (A, U, S, Vt):
        arr.setflags(write=False)
    return A, U, S, Vt


def _jacobian_key(config: Config) -> tuple:
    return (int(config["n"]), str(config["bias"]), str(config["activation"]), float(config["width"]),
            int(config["bias_seed"]))


def jacobian(config: Config) -> np.ndarray:
    """A_ij = phi(x_i - b_j) of the configuration (read-only; computed once per Jacobian)."""
    return _jacobian_svd(*_jacobian_key(config))[0]


def jacobian_svd(config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(U, s, V^T) of the configuration's Jacobian, s descending (read-only; computed once per Jacobian)."""
    return _jacobian_svd(*_jacobian_key(config))[1:]


def targets(config: Config) -> np.ndarray:
    """y_i = sin(2 pi k x_i) + noise * N(0, 1), k = ``frequency``, the noise drawn from ``target_seed``."""
    return nx.target(nx.grid(config["n"]), config["frequency"], config["noise"], config["target_seed"])


def stability_limit(config: Config) -> float:
    """2 / s_max^2: gradient descent on the least-squares loss converges below it.

    In the singular basis one GD step multiplies the residual component along u_i by 1 - alpha s_i^2, which
    has modulus below 1 for every i exactly when 0 < alpha < 2 / s_max^2.
    """
    s_max = jacobian_svd(config)[1][0]
    return 2.0 / s_max**2
