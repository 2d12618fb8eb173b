"""The training experiments of the ntk family: gradient descent on the two-layer ReLU network, the per-degree
projections of its residual with the damped-deviations bound, and the GD trajectories behind the discrete
damped-deviations identity.

Dynamics: GD with step eta on (1/2n) sum_i (f(x_i) - y_i)^2.  The residual r_t = f_t - f* obeys
r_{t+1} = (I - eta T) r_t + eta (T - T^n_{K_t}) r_t + rho_t (rho_t the second-order remainder), so its
projection on a unit harmonic phi_k of degree k satisfies the damped-deviations bound (Bowman & Montufar 2022,
in discrete time)

    |<r_t, phi_k> - (1 - eta mu_k)^t <r_0, phi_k>|
        <= sum_{s<t} |1 - eta mu_k|^{t-1-s} (eta ||(T - T^n_{K_s}) r_s|| + ||rho_s||).
"""

from __future__ import annotations

import math

import numerics  # noqa: F401  (float64 on before any array is made)
import jax
import jax.numpy as jnp
import numpy as np
import sympy

from numerics import ntk as nx
from numerics import sphere
from theorems import _budget
from theorems._cache import cached
from theorems._divergence import DIVERGENCE_GROWTH, diverged, stopped  # noqa: F401  (the family reads them here)
from theorems._claim import Config, Measurement
from theorems._stats import slope_interval
from theorems.ntk.configurations import BATCH, IDENTITY_BATCH, parse_amplitudes, parse_degrees
from theorems.ntk.theory import eigenvalue, eta, lam, tau

PROJECTION_POINTS = 4096
"""Size of the fresh uniform sample on which the projections <f_t, phi_k> are integrated."""

RECORDED = 41
"""Number of GD steps (evenly spaced, first and last included) at which the projections are recorded."""

Z_MC = _budget.worst_z(("ntk.learning_rates", "ntk.nonuniform_data"))
"""Standard errors of each Monte Carlo estimate in the damped-deviations bound (5.94): the training claims'
share of the run's false-alarm budget, Bonferroni over the estimates a run judges (theorems/_budget.py,
TESTS_PER_RUN; the largest over the three claims and the profiles)."""


# --- data, learning rate, target harmonics ---------------------------------------------------------------

@cached(maxsize=256)
def _data(seed: int, n: int, d_: int, M: int, J: int, concentration: float = 0.0):
    kx, kz, kp, kc = jax.random.split(jax.random.PRNGKey(seed), 4)
    X = sphere.von_mises_fisher_like(kx, n, d_, concentration) if concentration else sphere.uniform(kx, n, d_)
    return (np.asarray(X), np.asarray(sphere.uniform(kz, M, d_)),
            np.asarray(sphere.uniform(kp, J, d_)), np.asarray(sphere.uniform(kc, PROJECTION_POINTS, d_)))


def training_inputs(config: Config):
    """Training inputs X (n uniform on S^{d-1}, or the normalised N(c e_1, I) when the configuration has a
    concentration c > 0), fresh uniform points Z (M, the quadrature for T and the L^2 norms), one pole per
    target degree, and fresh uniform points Zc for the projections, all from the seed."""
    return _data(int(config["seed"]), int(config["n"]), int(config["d"]), int(config["M"]),
                 len(parse_degrees(config)), float(config.get("concentration", 0.0)))


@cached(maxsize=256)
def _lambda_max(seed: int, n: int, d_: int, M: int, J: int, bias: int, concentration: float = 0.0) -> float:
    X = _data(seed, n, d_, M, J, concentration)[0]
    return float(np.linalg.eigvalsh(np.asarray(nx.ntk_gram(X, bias=bias)) / n)[-1])


def lambda_max(config: Config) -> float:
    """lambda_max(H/n), H_ij = K(<x_i, x_j>) the infinite-width NTK Gram matrix of the training inputs."""
    return _lambda_max(int(config["seed"]), int(config["n"]), int(config["d"]), int(config["M"]),
                       len(parse_degrees(config)), int(config["bias"]), float(config.get("concentration", 0.0)))


def learning_rate(config: Config) -> float:
    """eta = eta_frac * 2 / lambda_max(H/n)."""
    return float(config["eta_frac"]) * 2.0 / lambda_max(config)


def recorded_steps(config: Config) -> np.ndarray:
    return np.unique(np.linspace(0, int(config["steps"]), RECORDED).astype(int))


def harmonics(config: Config, points, poles) -> np.ndarray:
    """phi_j(x) = sqrt(N(d, k_j)) P_{k_j}^{(d)}(<x, pole_j>), one column per target degree."""
    dim = int(config["d"])
    return np.stack([np.asarray(sphere.unit_zonal_harmonic(kk, dim, points, poles[j]))
                     for j, kk in enumerate(parse_degrees(config))], 1)


# --- per-degree residual projections within the damped-deviations bound ---------------------------------------

def damped_deviation_bound(mu_k: float, eta_: float, dev, se_T, se_c, c0_se) -> np.ndarray:
    """B(t) = sum_{s<t} |1 - eta mu|^{t-1-s} eta (D_s + z se_T,s) + z se_c(t) + z |1 - eta mu|^t se_c(0), z = Z_MC."""
    q = abs(1.0 - eta_ * mu_k)
    B = np.zeros(len(dev) + 1)
    for s_ in range(len(dev)):
        B[s_ + 1] = q * B[s_] + eta_ * (dev[s_] + Z_MC * se_T[s_])
    tt = np.arange(len(dev) + 1)
    return B + Z_MC * np.asarray(se_c) + Z_MC * q**tt * c0_se


def measure_learning_rates(configs, keys) -> list[Measurement]:
    """GD on the two-layer network; projections of the residual on each target harmonic, measured in
    L^2(rho) on M fresh points, normalised by their initial value, and the damped-deviations bound."""
    c0 = configs[0]
    etas = []
    padded = list(configs) + [c0] * (BATCH - len(configs))   # one compiled shape per (d, n, m, M, steps)
    keys = list(keys) + [keys[0]] * (BATCH - len(configs))
    args = []
    for config in padded:
        X, Z, poles, Zc = training_inputs(config)
        amps = np.array(parse_amplitudes(config))
        mus = np.array([eigenvalue(int(config["d"]), kk, int(config["bias"])) for kk in parse_degrees(config)])
        etas.append(learning_rate(config))
        args.append((X, harmonics(config, X, poles) @ amps, Z, harmonics(config, Z, poles), Zc,
                     harmonics(config, Zc, poles), amps, mus))
    stacked = [jnp.asarray(np.stack(a)) for a in zip(*args)]
    c, se, dev, seT, rnorm = nx.residual_projections_batch(
        jnp.stack(keys), *stacked, jnp.asarray(etas), jnp.asarray([float(cf["bias"]) for cf in padded]),
        int(c0["m"]), int(c0["steps"]))
    c, se, dev, seT, rnorm = (np.asarray(a) for a in (c, se, dev, seT, rnorm))
    idx = recorded_steps(c0)
    out = []
    for i, config in enumerate(configs):
        stop = stopped(rnorm[i], c[i], value=np.full((len(idx), 3), np.nan),
                       scope="gradient descent diverged at this width (empirical lambda_max past 2/eta)")
        if stop is not None:
            out.append(stop)
            continue
        value, bound, fitted, curves = [], [], {}, {}
        for j, kk in enumerate(parse_degrees(config)):
            mu_k = eigenvalue(int(config["d"]), kk, int(config["bias"]))
            cj = c[i][:, j]
            B = damped_deviation_bound(mu_k, etas[i], dev[i], seT[i], se[i][:, j], se[i][0, j])
            value.append(cj[idx] / cj[0])
            bound.append(B[idx] / abs(cj[0]))
            tt = np.arange(len(cj))
            keep = np.abs(cj) > np.maximum(0.2 * abs(cj[0]), 5 * se[i][:, j])
            keep &= np.cumprod(keep).astype(bool)
            slope, (lo, hi) = slope_interval(tt[keep], np.log(np.abs(cj[keep])))
            q = 1.0 - etas[i] * mu_k
            to_mu = (lambda s_: (1.0 - math.exp(s_)) / etas[i]) if q > 0 else (lambda s_: float("nan"))
            fitted[f"rate_degree_{kk}"] = {
                "value": -slope, "interval": [-hi, -lo], "predicted": -math.log(abs(q)) if q != 0 else float("inf"),
                "mu_k": mu_k, "mu_hat": to_mu(slope), "mu_hat_interval": [to_mu(hi), to_mu(lo)],
                "steps_fitted": int(keep.sum())}
            curves[f"degree_{kk}"] = (cj[idx] / cj[0]).tolist()
        out.append(Measurement(value=np.array(value).T, fitted=fitted,
                               series={**curves, "t": idx.tolist(), "eta": etas[i],
                                       "bound": np.array(bound).T.tolist(),
                                       "deviation_max": float(dev[i].max())}))
    return out


def measure_nonuniform(configs, keys) -> list[Measurement]:
    """The learning-rate experiment with training inputs from the normalised N(c e_1, I_d) (c = 0: uniform);
    projections and the operator T stay those of the uniform measure. Reported per configuration: the largest
    deviation from (1 - eta mu_k)^t, relative to the initial projection, for each degree, and the size of the
    measured deviation term max_s ||(T - T^n_{K_s}) r_s|| + ||rho_s||/eta, which grows with c."""
    out = []
    for config, m in zip(configs, measure_learning_rates(configs, keys)):
        if isinstance(m, Exception) or m.scope:
            out.append(m)
            continue
        fitted = dict(m.fitted)
        fitted["deviation_term"] = {"value": m.series["deviation_max"], "concentration": config["concentration"]}
        out.append(Measurement(value=m.value, fitted=fitted, series=m.series))
    return out


# --- the discrete damped-deviations identity on the training set ---------------------------------------------

def _identity_inputs(config: Config):
    cfg = {**config, "M": 1}
    X, _, poles, _ = training_inputs(cfg)
    y = harmonics(cfg, X, poles) @ np.array(parse_amplitudes(cfg))
    return X, y, learning_rate(cfg), jax.random.PRNGKey(int(config["seed"]) + 1)


TRAJECTORIES = "ntk.identity_trajectories"
"""The store of this run's GD trajectories by configuration: the experiment runs a batch, and the prediction of
each configuration (which needs the trajectory's deviations) reads its own instead of running it again."""


def _trajectory_key(config: Config) -> str:
    from theorems._cache import digest

    return digest(sorted(config.items()))


def identity_trajectories(configs):
    """GD trajectories of a batch, padded to IDENTITY_BATCH so that one compilation serves every batch; each
    configuration's (r, H_t, inputs) is kept in the store TRAJECTORIES for its prediction."""
    from theorems._cache import store

    kept = store(TRAJECTORIES)
    keys = [_trajectory_key(c) for c in configs]
    if all(k in kept for k in keys):
        return (np.stack([kept[k][0] for k in keys]), np.stack([kept[k][1] for k in keys]),
                [kept[k][2] for k in keys])
    padded = list(configs) + [configs[0]] * (IDENTITY_BATCH - len(configs))
    inputs = [_identity_inputs(c) for c in padded]
    rs, Hs = nx.gd_trajectory_batch(
        jnp.stack([i[3] for i in inputs]), jnp.asarray(np.stack([i[0] for i in inputs])),
        jnp.asarray(np.stack([i[1] for i in inputs])), jnp.asarray([i[2] for i in inputs]),
        jnp.asarray([float(c["bias"]) for c in padded]), int(configs[0]["m"]), int(configs[0]["steps"]))
    k_ = len(configs)
    rs, Hs = np.asarray(rs)[:k_], np.asarray(Hs)[:k_]
    for key, r, H, inp in zip(keys, rs, Hs, inputs):
        kept[key] = (r, H, inp)
    while len(kept) > 4 * IDENTITY_BATCH:
        kept.pop(next(iter(kept)))
    return rs, Hs, inputs[:k_]


def measure_final_residual(configs, keys) -> list[Measurement]:
    """r_T = f_T(X) - y on the training set after T GD steps (JAX, vmapped)."""
    rs, _, _ = identity_trajectories(configs)
    out = []
    for r in rs:
        norms = np.linalg.norm(r, axis=1)
        broken = diverged(norms, r)
        if isinstance(broken, FloatingPointError):
            out.append(broken)
            continue
        scope = "gradient descent diverged at this width (empirical lambda_max(H_s/n) past 2/eta)" if broken else None
        out.append(Measurement(value=r[-1], scope=scope, series={"max_residual_norm": float(np.max(norms))}))
    return out


def predict_damped_deviations(closed_form, config: Config) -> np.ndarray:
    """(I - eta H/n)^T r_0 + sum_{s<T} (I - eta H/n)^{T-1-s} delta_s, in the eigenbasis H/n = U diag(lambda) U^T
    of the infinite-width Gram matrix H_ij = K(<x_i, x_j>), with the damping factor from the closed form and
    delta_s = eta (H - H_s)/n r_s + rho_s, rho_s = r_{s+1} - r_s + eta H_s r_s / n, from the GD trajectory.

    (A prediction that needs the trajectory's deviations, so it lives beside the experiment.)"""
    rs, Hs, inputs = identity_trajectories([config])
    r, H_t = rs[0], Hs[0]
    X, _, eta_, _ = inputs[0]
    n = X.shape[0]
    H = np.asarray(nx.ntk_gram(X, bias=float(config["bias"]))) / n
    lam_, U = np.linalg.eigh(H)
    f = sympy.lambdify((eta, lam, tau), closed_form, "numpy")
    T = r.shape[0] - 1
    out = U @ (np.broadcast_to(f(eta_, lam_, float(T)), lam_.shape) * (U.T @ r[0]))
    for s_ in range(T):
        rho = r[s_ + 1] - r[s_] + eta_ * (H_t[s_] / n) @ r[s_]
        delta = eta_ * (H - H_t[s_] / n) @ r[s_] + rho
        out = out + U @ (np.broadcast_to(f(eta_, lam_, float(T - 1 - s_)), lam_.shape) * (U.T @ delta))
    return out
