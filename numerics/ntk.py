"""Two-layer ReLU networks in the NTK parametrisation, their neural tangent kernel, and gradient descent.

Network (the suite's parametrisation for every claim of the ``ntk`` family):

    f(x; a, W, b) = m^{-1/2} sum_{l=1}^m a_l relu(<w_l, x> + b_l),

a_l ~ N(0, 1), w_l ~ N(0, I_d), b_l = 0 at initialisation; a, W are trained, and b is trained
when ``bias = 1`` (kept at 0 otherwise).  The initialisation is antisymmetric: m is even and
(a_{l + m/2}, w_{l + m/2}) = (-a_l, w_l), so f_0 = 0 and the residual starts at -f*.

Its neural tangent kernel, for unit vectors with u = <x, x'>, is

    K_m(x, x') = (1/m) sum_l [relu(<w_l,x> + b_l) relu(<w_l,x'> + b_l)
                              + a_l^2 (u + bias) 1{<w_l,x> + b_l > 0} 1{<w_l,x'> + b_l > 0}],

and as m -> infinity at initialisation (E relu(g)relu(g') = kappa_1/2, E 1 1 = kappa_0/2)

    K(u) = (1/2) [kappa_1(u) + (u + bias) kappa_0(u)],
    kappa_0(u) = (pi - arccos u)/pi,   kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2))/pi.

Loss (1/2n) sum_i (f(x_i) - y_i)^2, gradient descent with step eta: in function space
f_{t+1} ~ f_t - eta T^n_{K_t} r_t with (T^n_K g)(x) = (1/n) sum_i K(x, x_i) g(x_i), r = f - f*.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from numerics import sphere


# --- kernels ----------------------------------------------------------------------------------

def kappa0(u):
    """kappa_0(u) = (pi - arccos u) / pi."""
    u = jnp.clip(u, -1.0, 1.0)
    return (jnp.pi - jnp.arccos(u)) / jnp.pi


def kappa1(u):
    """kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2)) / pi."""
    u = jnp.clip(u, -1.0, 1.0)
    return (u * (jnp.pi - jnp.arccos(u)) + jnp.sqrt(jnp.maximum(1.0 - u * u, 0.0))) / jnp.pi


def ntk(u, bias=0.0):
    """The infinite-width NTK of the network above: K(u) = (kappa_1(u) + (u + bias) kappa_0(u)) / 2."""
    return 0.5 * (kappa1(u) + (u + bias) * kappa0(u))


def ntk_numpy(u, bias=0.0) -> np.ndarray:
    """The same kernel in NumPy (for SciPy quadrature)."""
    u = np.clip(np.asarray(u, dtype=np.float64), -1.0, 1.0)
    k0 = (np.pi - np.arccos(u)) / np.pi
    k1 = (u * (np.pi - np.arccos(u)) + np.sqrt(np.maximum(1.0 - u * u, 0.0))) / np.pi
    return 0.5 * (k1 + (u + bias) * k0)


def ntk_gram(X, Z=None, bias=0.0):
    """K(<x_i, z_j>) for rows of X and Z (Z = X when omitted)."""
    Z = X if Z is None else Z
    return ntk(X @ Z.T, bias)


# --- the network ------------------------------------------------------------------------------

def init(key, m: int, d: int):
    """Antisymmetric initialisation: a = (a', -a'), W = (W', W'), b = 0, with m even."""
    ka, kw = jax.random.split(key)
    half = m // 2
    a = jax.random.normal(ka, (half,), dtype=jnp.float64)
    w = jax.random.normal(kw, (half, d), dtype=jnp.float64)
    return {"a": jnp.concatenate([a, -a]), "W": jnp.concatenate([w, w]), "b": jnp.zeros(m)}


def forward(params, X):
    """f(x) = m^{-1/2} sum_l a_l relu(<w_l, x> + b_l), for each row of X.

    Written as one elementwise pass and a sum over the units, the input axis unrolled (d is small), so that XLA
    fuses it and never writes the (points, units) array of pre-activations: on a 2-core CPU this is about three
    times faster than ``relu(X @ W.T + b) @ a`` for 4096 points and 512 units, and the same to round-off."""
    m = params["a"].shape[0]
    W = params["W"]
    z = params["b"][None, :] + sum(X[:, None, k] * W[None, :, k] for k in range(X.shape[1]))
    return jnp.sum(jax.nn.relu(z) * params["a"][None, :], axis=1) / jnp.sqrt(m)


def empirical_ntk_gram(params, X, Z=None, bias=0.0):
    """K_m(x_i, z_j) = (1/m) sum_l [relu_l(x) relu_l(z) + a_l^2 (<x,z> + bias) 1_l(x) 1_l(z)],
    the inner product of the parameter gradients of f at x and z (b trained iff bias = 1)."""
    Z = X if Z is None else Z
    m = params["a"].shape[0]
    px, pz = X @ params["W"].T + params["b"], Z @ params["W"].T + params["b"]
    feat = jax.nn.relu(px) @ jax.nn.relu(pz).T
    gate = ((px > 0) * params["a"] ** 2) @ (pz > 0).T
    return (feat + (X @ Z.T + bias) * gate) / m


def empirical_ntk_gram_numpy(rng: np.random.Generator, X: np.ndarray, m: int, bias=0.0) -> np.ndarray:
    """The empirical NTK Gram matrix K_m(x_i, x_j) at a fresh antisymmetric initialisation of width m (b = 0),
    in NumPy: (1/m) [relu(X W^T) relu(X W^T)^T + (X X^T + bias) * (1{X W^T > 0} diag(a^2) 1{X W^T > 0}^T)];
    the antisymmetric pairs share w_l and a_l^2, so m/2 independent neurons each counted twice."""
    half = m // 2
    w = rng.standard_normal((half, X.shape[1]))
    a2 = rng.standard_normal(half) ** 2
    pre = X @ w.T
    feat = np.maximum(pre, 0.0)
    gate = (pre > 0).astype(np.float64)
    return 2.0 * (feat @ feat.T + (X @ X.T + bias) * ((gate * a2) @ gate.T)) / m


def _mask(bias):
    return {"a": 1.0, "W": 1.0, "b": bias}


def _forward_product(params, X):
    """:func:`forward` written with a matrix product: the same function, for the gradient, whose reverse pass
    is then one product X^T G rather than one sum over the points per input coordinate."""
    m = params["a"].shape[0]
    return jax.nn.relu(X @ params["W"].T + params["b"]) @ params["a"] / jnp.sqrt(m)


def loss(params, X, y):
    return 0.5 * jnp.mean((_forward_product(params, X) - y) ** 2)


def gd_step(params, X, y, eta, bias):
    """theta <- theta - eta grad L(theta); the bias gradient is zeroed when bias = 0."""
    g = jax.grad(loss)(params, X, y)
    mask = _mask(bias)
    return jax.tree_util.tree_map(lambda p, gi, mi: p - eta * mi * gi, params, g, mask), g


def tangent_apply(params, g, Z, bias):
    """J(Z) . v for v = -grad L masked as in GD: equals -(T^n_{K_t} r_t)(Z)."""
    v = jax.tree_util.tree_map(lambda gi, mi: -mi * gi, g, _mask(bias))
    return jax.jvp(lambda p: forward(p, Z), (params,), (v,))[1]


# --- experiment: per-degree residual under GD on fresh points ------------------------------------

def residual_projections(key, X, y, Z, Phi_Z, Zc, Phi_Zc, amps, mus, eta, bias, m: int, steps: int):
    """Train by GD on (X, y) and track the residual r_t = f_t - f*, f* = sum_j A_j phi_j, for every step t.

    Projections, on the large fresh set Zc (quadrature for L^2(rho)), with f*'s exact projections A_j
    (the phi_j are orthonormal) so that only f_t is integrated numerically:
    * c[t, j] = <f_t, phi_j>_Zc - A_j, estimating <r_t, phi_j>, and se_c[t, j] its Monte-Carlo standard error.
    Deviations, on the fresh set Z:
    * dev[t] = ||(T - T^n_{K_t}) r_t||_Z + ||rho_t||_Z / eta, with T r_t = T f_t - sum_j A_j mu_j phi_j
      (phi_j eigenfunctions of T), T f_t by the quadrature (1/M) sum_j K(z, z_j) f_t(z_j), and
      rho_t = r_{t+1} - r_t + eta T^n_{K_t} r_t the second-order remainder of the GD step;
    * se_T[t] = sqrt(mean_{j,j'} K(z_j,z_j')^2 f_t(z_j')^2 / M), the standard error of that quadrature.
    """
    M, Mc = Z.shape[0], Zc.shape[0]
    d = X.shape[1]
    params = init(key, m, d)
    KZ = ntk_gram(Z, bias=bias) / M
    KZ2 = KZ ** 2
    fstar_Z = Phi_Z @ amps
    Tfstar_Z = Phi_Z @ (amps * mus)

    def project(params):
        prod = forward(params, Zc)[:, None] * Phi_Zc
        return prod.mean(0) - amps, prod.std(0) / jnp.sqrt(Mc)

    def step(state, _):
        params, fz = state                               # fz = f_t on Z, carried from the previous step
        r = fz - fstar_Z
        new, g = gd_step(params, X, y, eta, bias)
        tn = -tangent_apply(params, g, Z, bias)          # T^n_{K_t} r_t on Z
        t_pop = KZ @ fz - Tfstar_Z                       # T r_t on Z
        se_T = jnp.sqrt(jnp.sum(KZ2 @ (fz ** 2)) / M)
        fz_new = forward(new, Z)
        rho = fz_new - fz + eta * tn
        dev = jnp.sqrt(jnp.mean((t_pop - tn) ** 2)) + jnp.sqrt(jnp.mean(rho ** 2)) / eta
        c, se = project(params)
        return (new, fz_new), (c, se, dev, se_T, jnp.sqrt(jnp.mean(r ** 2)))

    (final, _), (c, se, dev, seT, rnorm) = jax.lax.scan(step, (params, forward(params, Z)), None, length=steps)
    c_last, se_last = project(final)
    c = jnp.concatenate([c, c_last[None]])
    se = jnp.concatenate([se, se_last[None]])
    return c, se, dev, seT, rnorm


residual_projections_batch = jax.jit(
    jax.vmap(residual_projections, in_axes=(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None)),
    static_argnums=(11, 12))
"""Batched :func:`residual_projections`; the width m and the number of steps are shared."""


# --- experiment: the discrete damped-deviations identity on the training set ---------------------

def gd_trajectory(key, X, y, eta, bias, m: int, steps: int):
    """GD on (X, y) from the antisymmetric initialisation; returns r_t = f_t(X) - y for t = 0..steps and
    the empirical NTK Gram matrices H_t = K_{m,t}(x_i, x_j) for t = 0..steps-1."""
    params = init(key, m, X.shape[1])

    def step(params, _):
        r = forward(params, X) - y
        H = empirical_ntk_gram(params, X, bias=bias)
        new, _ = gd_step(params, X, y, eta, bias)
        return new, (r, H)

    final, (rs, Hs) = jax.lax.scan(step, params, None, length=steps)
    return jnp.concatenate([rs, (forward(final, X) - y)[None]]), Hs


gd_trajectory_batch = jax.jit(jax.vmap(gd_trajectory, in_axes=(0, 0, 0, 0, 0, None, None)),
                              static_argnums=(5, 6))
"""Batched :func:`gd_trajectory`; width and step count shared."""


# --- Cao et al.'s network: f_W(x) = sqrt(m) W_2 sigma(W_1 x), He initialisation ------------------------
#
# Cao, Fang, Wu, Zhou, Gu (2021), Towards Understanding the Spectral Bias of Deep Learning: W_1 in R^{m x d}
# with entries N(0, 2/m), W_2 in R^{1 x m} with entries N(0, 1/m), both trained, no bias.  The gradient inner
# product is m K_Cao(u) with K_Cao(u) = u kappa_0(u)/2 + kappa_1(u) at infinite width (the W_1 layer gives
# u kappa_0/2, the W_2 layer kappa_1): the layers weigh 1:2, not 1:1 as in :func:`ntk`.

def cao_ntk(u, bias=0.0):
    """K_Cao(u) = (u + bias) kappa_0(u)/2 + kappa_1(u) (bias: a zero-initialised trained first-layer bias)."""
    return 0.5 * (u + bias) * kappa0(u) + kappa1(u)


def cao_ntk_numpy(u, bias=0.0) -> np.ndarray:
    """The same kernel in NumPy (for SciPy quadrature)."""
    u = np.clip(np.asarray(u, dtype=np.float64), -1.0, 1.0)
    k0 = (np.pi - np.arccos(u)) / np.pi
    k1 = (u * (np.pi - np.arccos(u)) + np.sqrt(np.maximum(1.0 - u * u, 0.0))) / np.pi
    return 0.5 * (u + bias) * k0 + k1


def cao_init(key, m: int, d: int):
    """Cao et al.'s He initialisation, paired antisymmetrically: W_1 = (W', W') with entries N(0, 2/m), W_2 =
    (a', -a') with entries N(0, 1/m), m even.  Each entry has the distribution of the paper's initialisation
    and the pairs give f_0 = 0, so the residual starts at -f* (the paper's f_0 is a random function of size 1);
    the tangent kernel's expectation m K_Cao is unchanged (it depends on W_2l^2 and W_1l only). [derived]"""
    k1, k2 = jax.random.split(key)
    half = m // 2
    w = jax.random.normal(k1, (half, d), dtype=jnp.float64) * jnp.sqrt(2.0 / m)
    a = jax.random.normal(k2, (half,), dtype=jnp.float64) / jnp.sqrt(m)
    return {"W1": jnp.concatenate([w, w]), "W2": jnp.concatenate([a, -a])}


def cao_forward(params, X):
    """f_W(x) = sqrt(m) W_2 sigma(W_1 x), sigma = relu, for each row of X."""
    m = params["W2"].shape[0]
    return jnp.sqrt(m) * (jax.nn.relu(X @ params["W1"].T) @ params["W2"])


def cao_loss_gradient(params, X, y):
    """The gradient of L(W) = (1/2n) sum_i (f_W(x_i) - y_i)^2, by hand: with r = f_W(X) - y and
    P = X W_1^T, dL/dW_2 = sqrt(m) relu(P)^T r / n and dL/dW_1 = sqrt(m) ((1{P > 0} W_2) * r)^T X / n."""
    m, n = params["W2"].shape[0], X.shape[0]
    P = X @ params["W1"].T
    r = jnp.sqrt(m) * (jax.nn.relu(P) @ params["W2"]) - y
    gW2 = jnp.sqrt(m) * (jax.nn.relu(P).T @ r) / n
    gW1 = jnp.sqrt(m) * (((P > 0) * params["W2"][None, :]) * r[:, None]).T @ X / n
    return {"W1": gW1, "W2": gW2}


def cao_empirical_ntk_gram(params, X, Z=None):
    """<grad f_W(x_i), grad f_W(z_j)> / m = relu(P_X) relu(P_Z)^T + <x_i, z_j> (1{P_X > 0} diag(W_2^2)
    1{P_Z > 0}^T), P = X W_1^T: Cao's empirical tangent kernel in units of m, which tends to K_Cao(<x, z>)
    (:func:`cao_ntk`) as m grows."""
    Z = X if Z is None else Z
    px, pz = X @ params["W1"].T, Z @ params["W1"].T
    feat = jax.nn.relu(px) @ jax.nn.relu(pz).T
    gate = ((px > 0) * params["W2"] ** 2) @ (pz > 0).T
    return feat + (X @ Z.T) * gate


def cao_projections(key, X, y, V, eta, m: int, steps: int):
    """Full-batch GD with step eta on both layers of Cao's network from :func:`cao_init`, on (X, y); returns
    V^T (y - f_t(X)) for t = 0..steps, signed (the columns of V: the normalised sampled vectors v_k, whose
    moduli Cao et al. plot, or a factor of a block of sampled harmonics), ||y - f_t(X)|| / sqrt(n), and the final
    parameters."""
    params = cao_init(key, m, X.shape[1])

    def step(params, _):
        r = y - cao_forward(params, X)
        g = cao_loss_gradient(params, X, y)
        new = jax.tree_util.tree_map(lambda p, gi: p - eta * gi, params, g)
        return new, (V.T @ r, jnp.sqrt(jnp.mean(r ** 2)))

    final, (p, rn) = jax.lax.scan(step, params, None, length=steps)
    r = y - cao_forward(final, X)
    return (jnp.concatenate([p, (V.T @ r)[None]]), jnp.concatenate([rn, jnp.sqrt(jnp.mean(r ** 2))[None]]), final)


cao_projections_batch = jax.jit(jax.vmap(cao_projections, in_axes=(0, 0, 0, 0, 0, None, None)),
                                static_argnums=(5, 6))
"""Batched :func:`cao_projections`; width and step count shared."""
