"""The unit sphere S^{d-1} in R^d: sampling, Gegenbauer polynomials, dimensions of harmonic spaces.

Conventions (the suite's, pinned in tests/test_ntk.py):

* ``d`` is the ambient dimension; the sphere is S^{d-1} = {x in R^d : |x| = 1}.  Cao et al.
  write S^d for the sphere in R^{d+1}; their "S^9" is ``d = 10`` here.
* P_k^{(d)} is the Gegenbauer polynomial C_k^{(alpha)} with alpha = (d - 2)/2, normalised so that
  P_k^{(d)}(1) = 1; for d = 2 it is the Chebyshev polynomial T_k.
* N(d, k) is the dimension of the space of spherical harmonics of degree k on S^{d-1}:
  N(d, 0) = 1 and N(d, k) = ((2k + d - 2)/k) binom(k + d - 3, d - 2) for k >= 1.
* omega_j is the surface area of S^j; the Funk-Hecke constant is omega_{d-2}/omega_{d-1}
  = Gamma(d/2) / (sqrt(pi) Gamma((d - 1)/2)).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from scipy import special


def uniform(key, n: int, d: int) -> jnp.ndarray:
    """n points uniform on S^{d-1}: normalised standard Gaussian vectors."""
    g = jax.random.normal(key, (n, d), dtype=jnp.float64)
    return g / jnp.linalg.norm(g, axis=1, keepdims=True)


def von_mises_fisher_like(key, n: int, d: int, concentration: float) -> jnp.ndarray:
    """n points on S^{d-1} from the normalised N(concentration * e_1, I_d): uniform at concentration 0,
    increasingly concentrated around the pole e_1 as it grows (a projected normal distribution)."""
    g = jax.random.normal(key, (n, d), dtype=jnp.float64)
    g = g.at[:, 0].add(concentration)
    return g / jnp.linalg.norm(g, axis=1, keepdims=True)


def multiplicity(d: int, k: int) -> int:
    """N(d, k), the number of linearly independent spherical harmonics of degree k on S^{d-1}."""
    if k == 0:
        return 1
    if d == 2:
        return 2
    return (2 * k + d - 2) * math.comb(k + d - 3, d - 2) // k


def funk_hecke_constant(d: int) -> float:
    """omega_{d-2} / omega_{d-1} = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2))."""
    return math.exp(math.lgamma(d / 2) - math.lgamma((d - 1) / 2)) / math.sqrt(math.pi)


def gegenbauer(k: int, d: int, t):
    """P_k^{(d)}(t), normalised to P_k^{(d)}(1) = 1 (NumPy, through SciPy)."""
    t = np.asarray(t, dtype=np.float64)
    if d == 2:
        return special.eval_chebyt(k, t)
    alpha = (d - 2) / 2
    return special.eval_gegenbauer(k, alpha, t) / special.eval_gegenbauer(k, alpha, 1.0)


def gegenbauer_jax(k: int, d: int, t):
    """P_k^{(d)}(t) in JAX by the three-term recurrence of C_k^{(alpha)}, normalised at t = 1.

    (n + 1) C_{n+1} = 2 (n + alpha) t C_n - (n + 2 alpha - 1) C_{n-1}; for d = 2 the Chebyshev
    recurrence T_{n+1} = 2 t T_n - T_{n-1}.
    """
    t = jnp.asarray(t)
    alpha = (d - 2) / 2

    def values(x):
        p_prev, p = jnp.ones_like(x), (x if d == 2 else 2 * alpha * x)
        if k == 0:
            return p_prev
        for n in range(1, k):
            if d == 2:
                p_prev, p = p, 2 * x * p - p_prev
            else:
                p_prev, p = p, (2 * (n + alpha) * x * p - (n + 2 * alpha - 1) * p_prev) / (n + 1)
        return p

    return values(t) / values(jnp.ones(()))


def unit_zonal_harmonic(k: int, d: int, x, pole):
    """phi(x) = sqrt(N(d, k)) P_k^{(d)}(<x, pole>): a degree-k spherical harmonic of unit norm in
    L^2 of the uniform probability measure on S^{d-1} (since ||P_k(<., pole>)||^2 = 1/N(d, k))."""
    return math.sqrt(multiplicity(d, k)) * gegenbauer_jax(k, d, jnp.asarray(x) @ jnp.asarray(pole))
