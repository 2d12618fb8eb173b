"""A wide shallow network in the standard parametrisation and its gradient-descent training.

Network (Jin & Montufar 2023, eq. (1)-(3)), with the anti-symmetric initialisation (ASI,
Appendix B.2): two copies c = 1, 2 of a width-n network,

    f(x) = sum_c s_c ( sum_{i=1}^n W2_ci phi(<W1_ci, x> + b1_ci) + b2_c ),   s = (sqrt2/2, -sqrt2/2),

with both copies equal at initialisation, so f(., theta_0) = 0.  Initialisation:
W1_i ~ W, b1_i ~ B (the hidden-unit law), W2_i = n^{-1/2} W^(2), b2 = n^{-1/2} B^(2).

Loss L = (1/M) sum_j (1/2) (f(x_j) - y_j)^2; full-batch gradient descent
theta <- theta - eta grad L on every parameter (or, for output-layer-only training, on W2).
The gradients are written out by hand (no autodiff), so a step costs a few passes over the
(units x data) array; several widths train in the same loop, and a batch of runs is mapped one run at a time.
On the CPU, full-batch training runs a compiled kernel (:mod:`numerics._native`: the same steps in one pass over
the units) where the machine can build it.

Everything here is a pure function of arrays; jit and vmap are applied at the entry points.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from numerics import _native

SIGNS = np.sqrt(0.5) * np.array([1.0, -1.0])
"""s_c of the anti-symmetric initialisation."""

INITS = ("gaussian", "binary", "uniform", "sphere")

ACTIVATIONS = ("relu", "relu2")
"""relu: phi(z) = max(z, 0), the Green's function of d^2/dx^2, homogeneous of degree 1.
relu2: phi(z) = max(z, 0)^2 / 2, the Green's function of d^3/dx^3, homogeneous of degree 2."""


def activation(name: str):
    """(phi, phi') for an activation name."""
    if name == "relu":
        return (lambda z: jnp.maximum(z, 0.0)), (lambda z: (z > 0).astype(z.dtype))
    if name == "relu2":
        return (lambda z: 0.5 * jnp.maximum(z, 0.0) ** 2), (lambda z: jnp.maximum(z, 0.0))
    raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")


def sample_hidden(key, n: int, d: int, init, p1, p2):
    """n draws of the hidden-unit law (W, B); W has shape (n, d).

    gaussian: W ~ N(0, p1^2 I_d), B ~ N(0, p2^2); binary (d = 1): W uniform on {-1, +1},
    B ~ U(-p2, p2); uniform: W ~ U(-p1, p1)^d, B ~ U(-p2, p2); sphere: W uniform on S^{d-1},
    B ~ U(-p2, p2).  ``init`` is a name or its index in INITS (traced: one compilation serves
    every law), p1 and p2 may be traced.
    """
    code = INITS.index(init) if isinstance(init, str) else init
    kw, kb = jax.random.split(key)
    gw, gb = jax.random.normal(kw, (n, d)), jax.random.normal(kb, (n,))
    uw, ub = jax.random.uniform(kw, (n, d), minval=-1.0, maxval=1.0), jax.random.uniform(kb, (n,), minval=-1.0, maxval=1.0)
    sphere = gw / jnp.linalg.norm(gw, axis=1, keepdims=True)
    w = jnp.select([code == 0, code == 1, code == 2], [p1 * gw, jnp.sign(uw), p1 * uw], sphere)
    b = jnp.where(code == 0, p2 * gb, p2 * ub)
    return w, b


def sample_output(key, n: int, init, p1, p2):
    """W2 = n^{-1/2} W^(2), b2 = n^{-1/2} B^(2): the scalar output law is the law of a
    coordinate of W (U(-1, 1) for the sphere) and B^(2) is the law of B."""
    code = INITS.index(init) if isinstance(init, str) else init
    kw, kb = jax.random.split(key)
    gw, gb = jax.random.normal(kw, (n,)), jax.random.normal(kb, ())
    uw, ub = jax.random.uniform(kw, (n,), minval=-1.0, maxval=1.0), jax.random.uniform(kb, (), minval=-1.0, maxval=1.0)
    w = jnp.select([code == 0, code == 1, code == 2], [p1 * gw, jnp.sign(uw), p1 * uw], uw)
    b = jnp.where(code == 0, p2 * gb, p2 * ub)
    return w / jnp.sqrt(n), b / jnp.sqrt(n)


def init_asi(key, n: int, d: int, init: str, p1: float, p2: float):
    """ASI parameters: W1 (2, n, d), b1 (2, n), W2 (2, n), b2 (2,), both copies equal."""
    k1, k2 = jax.random.split(key)
    W1, b1 = sample_hidden(k1, n, d, init, p1, p2)
    W2, b2 = sample_output(k2, n, init, p1, p2)
    two = lambda a: jnp.stack([a, a])
    return {"W1": two(W1), "b1": two(b1), "W2": two(W2), "b2": two(b2)}


def _combine(v):
    """sum_c s_c v_c = (sqrt2/2)(v_1 - v_2), written as a difference so that equal copies give 0 exactly."""
    return SIGNS[0] * (v[0] - v[1])


def forward(params, X, act: str = "relu"):
    """f(x_j) for inputs X of shape (M, d)."""
    phi, _ = activation(act)
    z = jnp.einsum("cnd,md->cnm", params["W1"], X) + params["b1"][..., None]
    out = jnp.einsum("cn,cnm->cm", params["W2"], phi(z)) + params["b2"][:, None]
    return _combine(out)


POINTWISE_CHUNK = 8
"""Inputs per pass of :func:`forward_pointwise`: the memory of 8 (copies, units) arrays, a few MB at width 10^5."""


def forward_pointwise(params, XE, act: str = "relu"):
    """f on many inputs XE (E, d), POINTWISE_CHUNK inputs at a time (the memory of that many (copies, units)
    arrays, whatever E): the grid is padded with copies of its last point to a whole number of chunks."""
    E = XE.shape[0]
    chunks = -(-E // POINTWISE_CHUNK)
    padded = jnp.concatenate([XE, jnp.repeat(XE[-1:], chunks * POINTWISE_CHUNK - E, axis=0)])
    f = jax.lax.map(lambda xs: _outputs(params, _features(params, xs, act)),
                    padded.reshape(chunks, POINTWISE_CHUNK, XE.shape[1]))
    return f.reshape(-1)[:E]


def gradients(params, X, Y, act: str = "relu"):
    """grad L for L = (1/M) sum_j (1/2)(f(x_j) - y_j)^2, and the residual f(X) - Y.

    The data axis is unrolled (M is small and static), so every pass is elementwise over the
    (copies, units) arrays and XLA fuses it: dL/dW2_ci = s_c sum_j g_j phi(z_cij),
    dL/db1_ci = s_c W2_ci sum_j g_j phi'(z_cij), dL/dW1_ci = s_c W2_ci sum_j g_j phi'(z_cij) x_j,
    dL/db2_c = s_c sum_j g_j, with g = (f(X) - Y) / M.
    """
    phi, dphi = activation(act)
    M = X.shape[0]
    s = jnp.asarray(SIGNS)
    zs = [jnp.einsum("cnd,d->cn", params["W1"], X[m]) + params["b1"] for m in range(M)]
    f = jnp.stack([_combine(jnp.sum(params["W2"] * phi(z), axis=1) + params["b2"]) for z in zs])
    r = f - Y
    g = r / M
    gW2 = sum(phi(z) * g[m] for m, z in enumerate(zs))
    gH = [dphi(z) * g[m] for m, z in enumerate(zs)]
    gb1 = sum(gH)
    gW1 = sum(h[..., None] * X[m] for m, h in enumerate(gH))
    a = s[:, None] * params["W2"]
    return {"W1": a[..., None] * gW1, "b1": a * gb1, "W2": s[:, None] * gW2, "b2": s * g.sum()}, r


def ntk_gram(params, X, act: str = "relu"):
    """The empirical NTK Gram matrix J J^T (M x M) of all parameters at ``params``."""
    phi, dphi = activation(act)
    z = jnp.einsum("cnd,md->cnm", params["W1"], X) + params["b1"][..., None]
    h, H = phi(z), dphi(z)
    a = (params["W2"] ** 2)[..., None] * H
    xx = X @ X.T + 1.0
    gram = jnp.einsum("cnm,cnk->mk", h, h) + jnp.einsum("cnm,cnk->mk", a, H) * xx
    return 0.5 * gram + 1.0  # s_c^2 = 1/2 on each copy; the two b2 add sum_c s_c^2 = 1


def output_gram(params, X, act: str = "relu"):
    """J J^T of the output weights W2 only."""
    phi, _ = activation(act)
    z = jnp.einsum("cnd,md->cnm", params["W1"], X) + params["b1"][..., None]
    h = phi(z)
    return 0.5 * jnp.einsum("cnm,cnk->mk", h, h)


def stability_limit(params, X, act: str = "relu", output_only: bool = False):
    """2 M / lambda_max(J J^T): gradient descent on the linearised model converges below it."""
    gram = output_gram(params, X, act) if output_only else ntk_gram(params, X, act)
    return 2.0 * X.shape[0] / jnp.linalg.eigvalsh(gram)[-1]


def _step(params, eta, X, Y, act, output_only):
    """One GD step as the paper writes it (evaluate, then :func:`gradients`): the reference the compiled loops
    (:func:`train`, :func:`trajectory_run`) are tested against step for step."""
    grads, r = gradients(params, X, Y, act)
    if output_only:
        new = dict(params)
        new["W2"] = params["W2"] - eta * grads["W2"]
        return new, r
    return jax.tree.map(lambda p, g: p - eta * g, params, grads), r


def _features(params, X, act):
    """phi(<W1_ci, x_m> + b1_ci) as a (copies, M, units) array, the input axis unrolled (d is 1 or 2) so that
    the whole array is one elementwise pass."""
    phi, _ = activation(act)
    W1 = params["W1"]
    z = params["b1"][:, None, :] + sum(W1[:, None, :, k] * X[None, :, k, None] for k in range(X.shape[1]))
    return phi(z)


def _outputs(params, h):
    """f(x_m) from the features h (copies, M, units): one contraction over the units (a matrix-vector
    product per copy, which XLA hands to its dot kernels rather than to a generic reduction)."""
    out = jnp.einsum("cmn,cn->cm", h, params["W2"]) + params["b2"][:, None]
    return _combine(out)


def _update(params, g, eta, X, act):
    """theta - eta grad L for the residual weights g = (f(X) - Y) / M (the gradients of :func:`gradients`,
    recomputed from W1, b1, W2 with the data and input axes unrolled, so that each new parameter is one
    elementwise pass)."""
    s = jnp.asarray(SIGNS)
    phi, dphi = activation(act)
    d = X.shape[1]
    gW2, gb1, gW1 = 0.0, 0.0, [0.0] * d
    for m in range(X.shape[0]):
        z = params["b1"] + sum(params["W1"][..., k] * X[m, k] for k in range(d))
        gW2 = gW2 + phi(z) * g[m]
        gh = dphi(z) * g[m]
        gb1 = gb1 + gh
        gW1 = [acc + gh * X[m, k] for k, acc in enumerate(gW1)]
    a = eta * s[:, None] * params["W2"]
    return {"W1": params["W1"] - a[..., None] * jnp.stack(gW1, axis=-1), "b1": params["b1"] - a * gb1,
            "W2": params["W2"] - eta * s[:, None] * gW2, "b2": params["b2"] - eta * s * jnp.sum(g)}


def _carried_step(params, f, eta, X, Y, act):
    """One GD step from ``params`` whose outputs on X are ``f``: returns (new params, f(new params) on X,
    residual f - Y before the step).

    The outputs are carried from step to step, so a step is one elementwise pass that writes the new parameters
    and one pass that evaluates the new network; ``optimization_barrier`` keeps XLA from re-deriving the new
    parameters inside the evaluation.
    """
    r = f - Y
    new = jax.lax.optimization_barrier(_update(params, r / X.shape[0], eta, X, act))
    return new, _outputs(new, _features(new, X, act)), r


def _not_done(tol, max_steps):
    """The training loops' test on a state ending in (step count t, max |r| per network): steps left, and some
    network above the tolerance."""

    def cond(state):
        t, rmax = state[-2:]
        return jnp.logical_and(t < max_steps, jnp.max(rmax) > tol)

    return cond


def _growth(peak, rmax0):
    """The largest max_j |r_j| a run reached (NaN steps skipped: ``fmax``), over its start: past the stability
    limit it grows geometrically through finite values before any inf or NaN, so a run whose end is not finite
    with a small growth broke rather than diverged (theorems._divergence)."""
    return jnp.where(rmax0 > 0, peak / rmax0, jnp.inf)


def train(nets: Sequence, etas: Sequence, X, Y, tol, max_steps, act: str = "relu",
          output_only: bool = False):
    """Full-batch GD on every network of ``nets`` (one per width) until max_j |r_j| <= tol for all
    of them, or ``max_steps``.  Returns (trained nets, steps, final max |r| per net, growth per net: the largest
    max |r| reached over the first, :func:`_growth`).

    The test is on the residual before each step, so the loop stops one step after every network reached the
    tolerance (the step count and the networks are those of a loop that evaluates f, tests, then steps).
    Output-layer-only training takes its steps in the data space (:func:`train_output_layer`).  On the CPU the
    loop is the compiled kernel of :mod:`numerics._native` (one pass over the units a step) where it can be
    built, else :func:`train_jax`; both take the same steps."""
    nets = tuple(nets)
    if output_only:
        return train_output_layer(nets, etas, X, Y, tol, max_steps, act)
    if _native.usable(X.shape[1]):
        ps, t, fs, peak, rmax0 = _native.train(nets, etas, X, Y, tol, max_steps, act)
        rmax = jnp.max(jnp.abs(fs - Y[None, :]), axis=1)
        return ps, t, rmax, _growth(jnp.fmax(peak, rmax), rmax0)
    return train_jax(nets, etas, X, Y, tol, max_steps, act)


def train_jax(nets: Sequence, etas: Sequence, X, Y, tol, max_steps, act: str = "relu"):
    """:func:`train` (full batch, every parameter) as an XLA loop: a step is one elementwise pass that writes the
    new parameters and one that evaluates the new network (:func:`_carried_step`)."""
    nets = tuple(nets)
    fs = tuple(_outputs(p, _features(p, X, act)) for p in nets)

    cond = _not_done(tol, max_steps)

    def body(state):
        ps, fs, peak, t, _ = state
        out = [_carried_step(p, f, e, X, Y, act) for p, f, e in zip(ps, fs, etas)]
        # the residuals are those before the step: the loop stops one step after reaching tol
        rmax = jnp.stack([jnp.max(jnp.abs(o[2])) for o in out])
        return tuple(o[0] for o in out), tuple(o[1] for o in out), jnp.fmax(peak, rmax), t + 1, rmax

    rmax0 = jnp.stack([jnp.max(jnp.abs(f - Y)) for f in fs])
    ps, fs, peak, t, _ = jax.lax.while_loop(cond, body, (nets, fs, rmax0, jnp.asarray(0), rmax0))
    rmax = jnp.stack([jnp.max(jnp.abs(f - Y)) for f in fs])
    return ps, t, rmax, _growth(jnp.fmax(peak, rmax), rmax0)


def train_output_layer(nets: Sequence, etas: Sequence, X, Y, tol, max_steps, act: str = "relu"):
    """:func:`train` of the output weights W2 alone, its steps taken in the data space.

    With the features h_c = phi(W1_c x + b1_c) fixed, f is linear in W2 and one GD step is
    W2_c <- W2_c - eta s_c h_c^T r_t / M, so f_{t+1} = f_t - (eta / M) A r_t with A = sum_c s_c^2 h_c h_c^T
    (:func:`output_gram`, M x M): the residuals r_t = f_t - y follow r_{t+1} = (I - eta A / M) r_t, and after T
    steps W2_c = W2_c(0) - eta s_c h_c^T (sum_{t<T} r_t) / M.  The loop runs that recursion (M^2 operations a
    step, where a step on the network reads the (copies, M, units) features twice) with the same stopping rule,
    then writes W2 once; it takes the same steps as GD on the network and its results differ in the last bits
    (tests/test_splines.py runs both against a plain GD loop).  b2 is not trained."""
    nets = tuple(nets)
    M = X.shape[0]
    s = jnp.asarray(SIGNS)
    hs = tuple(_features(p, X, act) for p in nets)
    grams = tuple(output_gram(p, X, act) for p in nets)
    rs = tuple(_outputs(p, h) - Y for p, h in zip(nets, hs))

    cond = _not_done(tol, max_steps)

    def body(state):
        rs, sums, peak, t, _ = state
        new = tuple(r - (e / M) * (A @ r) for r, e, A in zip(rs, etas, grams))
        # the residuals are those before the step: the loop stops one step after reaching tol
        rmax = jnp.stack([jnp.max(jnp.abs(r)) for r in rs])
        return new, tuple(S + r for S, r in zip(sums, rs)), jnp.fmax(peak, rmax), t + 1, rmax

    rmax0 = jnp.stack([jnp.max(jnp.abs(r)) for r in rs])
    zeros = tuple(jnp.zeros_like(r) for r in rs)
    _, sums, peak, t, _ = jax.lax.while_loop(cond, body, (rs, zeros, rmax0, jnp.asarray(0), rmax0))
    ps = tuple({**p, "W2": p["W2"] - (e / M) * s[:, None] * jnp.einsum("cmn,m->cn", h, S)}
               for p, e, h, S in zip(nets, etas, hs, sums))
    rmax = jnp.stack([jnp.max(jnp.abs(_outputs(p, h) - Y)) for p, h in zip(ps, hs)])
    return ps, t, rmax, _growth(jnp.fmax(peak, rmax), rmax0)


def init_many(keys, widths: Sequence[int], d: int, init: str, p1: float, p2: float):
    """One ASI network per width, from one key each (keys has one row per width)."""
    return tuple(init_asi(k, int(n), d, init, p1, p2) for k, n in zip(keys, widths))


def sgd_limit(params, X, act: str = "relu"):
    """1 / max_j ||grad_theta f(x_j)||^2: Theorem 24's bound on a constant SGD step (K = 1)."""
    return 1.0 / jnp.max(jnp.diag(ntk_gram(params, X, act)))


def sgd_train_until(nets: Sequence, etas: Sequence, X, Y, key, tol, max_steps, act: str = "relu",
                    check: int = 50):
    """SGD of eq. (46) (one example r(t) uniform on {1..M} per step, loss (1/2)(f(x_r) - y_r)^2) in
    blocks of ``check`` steps, until max_j |r_j| <= tol for every net or ``max_steps``.  Returns what
    :func:`train` does, the growth read at the blocks' ends.  On the CPU a block's steps run in the compiled kernel
    of :mod:`numerics._native` where it can be built (the examples drawn first, from the same keys)."""
    M = X.shape[0]

    def residual_max(ps):
        return jnp.stack([jnp.max(jnp.abs(forward(p, X, act) - Y)) for p in ps])

    native = _native.usable(X.shape[1])

    def draws(k, _):
        k, sub = jax.random.split(k)
        return k, jax.random.randint(sub, (), 0, M)

    def block(state):
        ps, k, peak, t, _ = state
        if native:  # the same examples, drawn first, then the steps in the compiled kernel
            k, js = jax.lax.scan(draws, k, None, length=check)
            ps = _native.sgd(ps, etas, X, Y, js, act)
            rmax = residual_max(ps)
            return ps, k, jnp.fmax(peak, rmax), t + check, rmax

        def one(_, carry):
            ps, k = carry
            k, sub = jax.random.split(k)
            j = jax.random.randint(sub, (), 0, M)
            xj, yj = jax.lax.dynamic_slice_in_dim(X, j, 1), jax.lax.dynamic_slice_in_dim(Y, j, 1)
            new = []
            for p, e in zip(ps, etas):
                r = _outputs(p, _features(p, xj, act)) - yj
                new.append(_update(p, r, e, xj, act))
            return tuple(new), k

        ps, k = jax.lax.fori_loop(0, check, one, (ps, k))
        rmax = residual_max(ps)
        return ps, k, jnp.fmax(peak, rmax), t + check, rmax

    cond = _not_done(tol, max_steps)

    nets = tuple(nets)
    rmax0 = residual_max(nets)
    ps, _, peak, t, rmax = jax.lax.while_loop(cond, block, (nets, key, rmax0, jnp.asarray(0), rmax0))
    return ps, t, rmax, _growth(peak, rmax0)


def sample_asi_numpy(seed: int, n: int, d: int, init: str, p1: float, p2: float):
    """The ASI parameters of :func:`init_asi`, drawn with NumPy from an integer seed (kept out of
    the compiled training loop: one compilation then serves every law and seed)."""
    rng = np.random.default_rng(seed)
    if init == "gaussian":
        W, b = p1 * rng.standard_normal((n, d)), p2 * rng.standard_normal(n)
        w2, b2 = p1 * rng.standard_normal(n), p2 * rng.standard_normal()
    else:
        b, b2 = rng.uniform(-p2, p2, n), rng.uniform(-p2, p2)
        if init == "binary":
            W, w2 = rng.choice([-1.0, 1.0], (n, d)), rng.choice([-1.0, 1.0], n)
        elif init == "uniform":
            W, w2 = rng.uniform(-p1, p1, (n, d)), rng.uniform(-p1, p1, n)
        elif init == "sphere":
            g = rng.standard_normal((n, d))
            W, w2 = g / np.linalg.norm(g, axis=1, keepdims=True), rng.uniform(-1.0, 1.0, n)
        else:
            raise ValueError(f"unknown initialisation {init!r}; choose from {', '.join(INITS)}")
    two = lambda a: np.stack([a, a])
    return {"W1": two(W), "b1": two(b), "W2": two(w2 / np.sqrt(n)), "b2": two(np.asarray(b2 / np.sqrt(n)))}


def stack_nets(seeds, widths: Sequence[int], d: int, init: str, p1: float, p2: float):
    """Initial networks for seeds of shape (configs, runs, widths): a tuple over widths of
    parameter dicts with leading axes (configs, runs)."""
    seeds = np.asarray(seeds)
    nets = []
    for k, n in enumerate(widths):
        per = [[sample_asi_numpy(int(seeds[i, j, k]), int(n), d, init, p1, p2) for j in range(seeds.shape[1])]
               for i in range(seeds.shape[0])]
        nets.append({name: jnp.asarray(np.stack([np.stack([p[name] for p in row]) for row in per]))
                     for name in per[0][0]})
    return tuple(nets)


def stacked_bytes(configs: int, runs: int, widths: Sequence[int], d: int) -> int:
    """Bytes of the initial networks :func:`stack_nets` builds for a batch, the largest arrays of a sweep: per
    run and width n, W1 (2, n, d), b1 (2, n), W2 (2, n) and b2 (2,) in float64, i.e. 2 n (d + 2) + 2 numbers.

    A run's working set adds a few arrays of its own networks (the carried, the new parameters, the features
    (2, M, n)); the sup distance is evaluated one grid point at a time (:func:`forward_pointwise`: one (2, n)
    array), and the Gram matrices of :func:`stability_limit` are M x M."""
    return 8 * int(configs) * int(runs) * sum(2 * int(n) * (d + 2) + 2 for n in widths)


def spline_distance_run(nets, X, Y, G, XE, frac, tol, max_steps, act: str = "relu", output_only: bool = False,
                        sgd_seed=None):
    """Networks (one per width) trained on (X, Y) at ``frac`` of each one's stability limit until
    max_j |r_j| <= tol (or max_steps), then f on the grid XE and sup_XE |f - G|.

    Returns (sup errors per width, steps, final max |r_j| per width, f on XE per width, growth per width: the
    largest max |r_j| over the first, as :func:`train` returns it).
    """
    # the same step for both kinds of training (Theorem 10): a fraction of the full NTK's limit,
    # which is below the output layer's own
    if sgd_seed is not None:
        etas = tuple(frac * sgd_limit(p, X, act) for p in nets)
        ps, steps, rmax, growth = sgd_train_until(nets, etas, X, Y, jax.random.PRNGKey(sgd_seed), tol, max_steps,
                                                  act)
    else:
        etas = tuple(frac * stability_limit(p, X, act) for p in nets)
        ps, steps, rmax, growth = train(nets, etas, X, Y, tol, max_steps, act, output_only)
    fs = jnp.stack([forward_pointwise(p, XE, act) for p in ps])
    errs = jnp.max(jnp.abs(fs - G[None, :]), axis=1)
    return errs, steps, rmax, fs, growth


@functools.lru_cache(maxsize=None)
def _compiled_runs(act: str, output_only: bool, sgd: bool = False, devices: int = 1):
    """One compiled function over configurations x runs: a sequential ``lax.map`` over both axes, not ``vmap``;
    on ``devices`` > 1 devices each runs that map over its block of configurations (:func:`_over_devices`).

    Each run trains in a ``while_loop`` until its own networks reach the tolerance.  Under ``vmap`` that loop
    runs until the slowest run of the batch converges and every step selects between the old and the new state
    of every run, and the batched contractions lose the fused elementwise form of :func:`gradients`: on a
    2-core machine it was 3 to 5 times slower than one run at a time (``nox -s bench``, group spline-train).
    The results are the same run for run: a converged run stops in both."""

    def one(nets, X, Y, G, XE, frac, tol, max_steps, sgd_seed):
        return spline_distance_run(nets, X, Y, G, XE, frac, tol, max_steps, act, output_only,
                                   sgd_seed if sgd else None)

    def runs(nets, X, Y, G, XE, frac, tol, max_steps, sgd_seeds):
        return jax.lax.map(lambda a: one(a[0], X, Y, G, XE, frac, tol, max_steps, a[1]), (nets, sgd_seeds))

    def configs(nets, X, Y, G, XE, frac, tol, max_steps, sgd_seeds):
        return jax.lax.map(lambda a: runs(*a[:7], max_steps, a[7]), (nets, X, Y, G, XE, frac, tol, sgd_seeds))

    return jax.jit(configs) if devices == 1 else _over_devices(configs, devices, replicated=(7,))


def spline_distance_runs(seeds, X, Y, G, XE, frac, tol, max_steps, *, widths, init, p1, p2, act="relu",
                         output_only=False, sgd=False):
    """Batched :func:`spline_distance_run`: configurations (outer axis of X, Y, G, XE, frac, tol) x
    runs; ``seeds`` (configs, runs, widths) are the integer seeds of the initial networks."""
    d = X.shape[-1]
    nets = stack_nets(seeds, widths, d, init, p1, p2)
    sgd_seeds = jnp.asarray(np.asarray(seeds)[..., 0] % (2**31 - 1))
    args = [nets, X, Y, G, XE, frac, tol, max_steps, sgd_seeds]
    k = config_devices(len(seeds))
    if k == 1:
        return _compiled_runs(act, bool(output_only), bool(sgd))(*args)
    return _sharded_call(_compiled_runs(act, bool(output_only), bool(sgd), k), args, k, replicated=(7,))


def trajectory_run(nets, X, Y, XE, eta_bar, gaps, act: str = "relu"):
    """Full-batch GD of every network of ``nets`` (one per width n, all parameters) at the step
    eta = eta_bar / n, with f recorded on the data X (M, d) and on the grid XE (E, d) after the step counts
    cumsum(gaps) (a gap of 0 repeats the previous record).

    eta_bar is the same for every width: the empirical NTK Gram matrix J J^T / n tends to the infinite-width
    output-layer kernel K(X, X) (the two ASI copies carry s_c^2 = 1/2 each, so their output layers add up to
    one copy's sum_i phi(z_i) phi(z_i') ~ n K; the hidden layer and b2 add O(1)), so the residual moves by
    (eta_bar / M) (J J^T / n) r per step for every width.  Also returns 2 M / lambda_max(J J^T) of each
    network at initialisation, against which eta = eta_bar / n is stable.

    Returns (f on X (widths, L, M), f on XE (widths, L, E), stability limits (widths,)).
    """
    nets = tuple(nets)
    etas = tuple(eta_bar / p["W2"].shape[-1] for p in nets)
    limits = jnp.stack([stability_limit(p, X, act) for p in nets])
    native = _native.usable(X.shape[1])

    def steps(_, state):
        out = [_carried_step(p, f, e, X, Y, act) for p, f, e in zip(*state, etas)]
        return tuple(o[0] for o in out), tuple(o[1] for o in out)

    def segment(state, gap):
        if native:  # the compiled kernel, never stopping on the residual: ``gap`` steps (fewer only on a NaN)
            ps, _, f, _, _ = _native.train(state[0], etas, X, Y, -jnp.inf, gap, act)
            fs = tuple(f)
        else:
            ps, fs = jax.lax.fori_loop(0, gap, steps, state)
        fe = jnp.stack([forward(p, XE, act) for p in ps])
        return (ps, fs), (jnp.stack(fs), fe)

    fs = tuple(_outputs(p, _features(p, X, act)) for p in nets)
    _, (fx, fe) = jax.lax.scan(segment, (nets, fs), gaps)
    return jnp.swapaxes(fx, 0, 1), jnp.swapaxes(fe, 0, 1), limits


@functools.lru_cache(maxsize=None)
def _compiled_trajectories(act: str, devices: int = 1):
    """Configurations x runs through a sequential ``lax.map`` (see :func:`_compiled_runs` for why not ``vmap``);
    on ``devices`` > 1 devices, each maps over its block of configurations."""

    def runs(nets, X, Y, XE, eta_bar, gaps):
        return jax.lax.map(lambda p: trajectory_run(p, X, Y, XE, eta_bar, gaps, act), nets)

    def configs(nets, X, Y, XE, eta_bar, gaps):
        return jax.lax.map(lambda a: runs(*a), (nets, X, Y, XE, eta_bar, gaps))

    return jax.jit(configs) if devices == 1 else _over_devices(configs, devices, replicated=())


def trajectory_runs(seeds, X, Y, XE, eta_bar, gaps, *, widths, init, p1, p2, act="relu"):
    """Batched :func:`trajectory_run`: configurations (outer axis of X, Y, XE, eta_bar, gaps) x runs;
    ``seeds`` (configs, runs, widths) are the integer seeds of the initial ASI networks.

    Returns f on X (configs, runs, widths, L, M), f on XE (configs, runs, widths, L, E) and the stability
    limits 2 M / lambda_max(J J^T) at initialisation (configs, runs, widths).
    """
    d = X.shape[-1]
    nets = stack_nets(seeds, widths, d, init, p1, p2)
    args = [nets, jnp.asarray(X), jnp.asarray(Y), jnp.asarray(XE), jnp.asarray(eta_bar),
            jnp.asarray(gaps, dtype=jnp.int32)]
    k = config_devices(len(seeds))
    if k == 1:
        return _compiled_trajectories(act)(*args)
    return _sharded_call(_compiled_trajectories(act, k), args, k, replicated=())


# --- configurations spread over the local devices ----------------------------------------------------------------

CONFIG_AXIS = "configs"
"""The name of the one axis of the device mesh: the configurations of a batch."""


def config_devices(configs: int) -> int:
    """How many local devices a batch of ``configs`` configurations is spread over: all of them, but never more
    than there are configurations (a device would only repeat another's work)."""
    return max(1, min(jax.local_device_count(), int(configs)))


def _mesh(k: int):
    """A one-axis mesh ``configs`` over the first k local devices."""
    return jax.sharding.Mesh(np.asarray(jax.local_devices()[:k]), (CONFIG_AXIS,))


def _over_devices(per_block, k: int, replicated: tuple[int, ...]):
    """``per_block`` (a function of arrays that lead with the configurations axis, except the arguments at the
    positions ``replicated``, which every device gets whole) run by each of k devices on its own block of
    configurations, compiled once: ``shard_map`` over the one-axis mesh of :func:`_mesh`.  The configurations
    are independent, so no device talks to another; the outputs are concatenated along the configurations.
    A device's block runs the same program as one device does on a whole batch (a ``lax.map`` over its
    configurations), so each configuration's result is computed by the same operations."""
    from jax.sharding import PartitionSpec

    mesh = _mesh(k)

    def specs(n):
        return tuple(PartitionSpec() if i in replicated else PartitionSpec(CONFIG_AXIS) for i in range(n))

    def call(*args):
        if hasattr(jax, "shard_map"):
            mapped = jax.shard_map(per_block, mesh=mesh, in_specs=specs(len(args)),
                                   out_specs=PartitionSpec(CONFIG_AXIS), check_vma=False)
        else:  # jax before 0.7
            from jax.experimental.shard_map import shard_map

            mapped = shard_map(per_block, mesh=mesh, in_specs=specs(len(args)),
                               out_specs=PartitionSpec(CONFIG_AXIS), check_rep=False)
        return mapped(*args)

    return jax.jit(call)


def _sharded_call(compiled, args, k: int, replicated: tuple[int, ...]):
    """Run ``compiled`` (from :func:`_over_devices`) on ``args``: the configurations axis padded to a multiple of k
    with copies of the last configuration, each argument placed on the devices block by block
    (``NamedSharding`` over the mesh), and the padding dropped from the outputs."""
    from jax.sharding import NamedSharding, PartitionSpec

    mesh = _mesh(k)
    C = int(jax.tree.leaves(args[0])[0].shape[0])
    pad = -C % k

    def place(a):
        a = jnp.asarray(a)
        if pad:
            a = jnp.concatenate([a, jnp.repeat(a[-1:], pad, axis=0)])
        return jax.device_put(a, NamedSharding(mesh, PartitionSpec(CONFIG_AXIS)))

    placed = [a if i in replicated else jax.tree.map(place, a) for i, a in enumerate(args)]
    return jax.tree.map(lambda o: o[:C], compiled(*placed))
