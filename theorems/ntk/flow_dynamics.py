"""The gradient-flow experiments of the ntk family: the kernel-regime flow of the network integrated by diffrax
(numerics/flow.py), its per-degree residual projections with the continuous damped-deviations allowance, and
gradient descent against the flow as the step shrinks.

Continuous damped deviations [derived, exact by variation of constants]: with d r_t/dt = -T^n_{K_0} r_t and T's
unit eigenfunction phi_k (eigenvalue mu_k),

    d/dt <r_t, phi_k> = -mu_k <r_t, phi_k> + <(T - T^n_{K_0}) r_t, phi_k>,
    |<r_t, phi_k> - e^{-mu_k t} <r_0, phi_k>| <= int_0^t e^{-mu_k (t - s)} ||(T - T^n_{K_0}) r_s|| ds,

the limit eta -> 0 of the discrete bound of ntk.learning_rates (sum_s |1 - eta mu|^{t-1-s} eta D_s), with no
second-order remainder: the flow has none.

Gradient descent as Euler's scheme: on the training set the linearised model's residual obeys exactly
r_{s+1} = (I - eta A) r_s, A = H_0/n (H_0 the empirical NTK Gram matrix at initialisation), against the flow's
r(t) = e^{-t A} r_0.  In an eigendirection of A (eigenvalue lambda) after N = t/eta steps, with x = eta lambda and
s = lambda t,

    E_lambda(eta) = (1 - x)^{t/eta} - e^{-s} = e^{-s} (e^{-s g(x)} - 1),   g(x) = -log(1 - x)/x - 1 = x/2 + x^2/3 + ...,

whose first-order part is eta e_1 = -e^{-s} s x/2.  So E(eta) = eta e_1 + O(eta^2) (order 1), and exactly
E_lambda = q(x, s) eta e_{1,lambda} with q = (1 - e^{-s g(x)})/(s x/2) = 1 + (2/3 - s/4) x + O(x^2): every component
is its first-order part times a factor within [1 - rho, 1 + rho], rho(eta) = sup_{0 < lambda <= lambda_max(A)}
|q(eta lambda, lambda t) - 1|, hence ||E(eta)|| = eta ||e_1|| (1 + delta), |delta| <= rho(eta), for any r_0.
"""

from __future__ import annotations

import numerics  # noqa: F401  (float64 on before any array is made)
import jax
import jax.numpy as jnp
import numpy as np

from numerics import flow as fl
from numerics import ntk as nx
from theorems._cache import digest, store
from theorems._claim import Config, Measurement
from theorems._stats import slope_interval
from theorems.ntk.configurations import parse_amplitudes, parse_degrees
from theorems import _budget
from theorems.ntk.dynamics import RECORDED, harmonics, lambda_max, training_inputs
from theorems.ntk.flow_configurations import FLOW_BATCH, GD_STEPS
from theorems.ntk.theory import eigenvalue

COMPARED = (RECORDED - 1) // 2
"""Index of the recorded time t_c = t_end/2 at which GD is compared with the flow."""

Z_MC = _budget.worst_z(("ntk.flow_rates",))
"""Standard errors of each Monte Carlo estimate in the flow's allowance: the claim's share of the run's false-alarm
budget, Bonferroni over the estimates a run judges (theorems/_budget.py, TESTS_PER_RUN)."""

FLOWS = "ntk.flows"
"""The store of this run's flows by configuration: ntk.flow_rates integrates a batch, ntk.gd_to_flow (the same
configurations from the same seed) reads them."""


def end_time(config: Config) -> float:
    """t_end = S / lambda_max(H/n), H the infinite-width NTK Gram matrix of the training inputs."""
    return float(config["horizon"]) / lambda_max(config)


def _inputs(config: Config):
    X, Z, poles, Zc = training_inputs(config)
    amps = np.array(parse_amplitudes(config))
    mus = np.array([eigenvalue(int(config["d"]), kk, int(config["bias"])) for kk in parse_degrees(config)])
    t_end = end_time(config)
    return (X, harmonics(config, X, poles) @ amps, Z, harmonics(config, Z, poles), Zc, harmonics(config, Zc, poles),
            amps, mus, float(config["bias"]), t_end, t_end * np.linspace(0.0, 1.0, RECORDED))


def flows(configs):
    """The flow of each configuration at the tolerances (RTOL, ATOL) and at LOOSE times them, from the store or
    integrated now (a batch padded to FLOW_BATCH: one compilation per shape)."""
    kept = store(FLOWS)
    keys = [digest(sorted(c.items())) for c in configs]
    missing = [c for c, k in zip(configs, keys) if k not in kept]
    if missing:
        padded = list(missing) + [missing[0]] * (FLOW_BATCH - len(missing))
        args = [jnp.asarray(np.stack(a)) for a in zip(*[_inputs(c) for c in padded])]
        prng = jnp.stack([jax.random.PRNGKey(int(c["seed"]) + 1) for c in padded])
        m = int(padded[0]["m"])
        tight = fl.flow_batch(prng, *args, fl.RTOL, fl.ATOL, m)
        loose = fl.flow_batch(prng, *args, fl.RTOL * fl.LOOSE, fl.ATOL * fl.LOOSE, m)
        tight, loose = ([np.asarray(a) for a in out] for out in (tight, loose))
        for i, c in enumerate(missing):
            kept[digest(sorted(c.items()))] = ([a[i] for a in tight], [a[i] for a in loose], prng[i], args, i)
    return [kept[k] for k in keys]


def measure_flow_rates(configs, keys) -> list[Measurement]:
    """Per degree: <r_t, phi_k>/<r_0, phi_k> at the recorded times, and the allowance B(t)/|<r_0, phi_k>| with

        B(t) = int_0^t e^{-mu_k (t-s)} (D(s) + z se(s)) ds + z se_c(t) + z e^{-mu_k t} se_c(0) + |c(t) - c_loose(t)|,

    D and se integrated with the flow, se_c the projections' Monte Carlo standard errors, z = Z_MC, and the last
    term the difference from the flow at LOOSE times the tolerances (an upper estimate of the solver's error)."""
    out = []
    for config, (tight, loose, _, _, _) in zip(configs, flows(configs)):
        c, se_c, B, S, _, steps = tight
        c_loose = loose[0]
        if steps < 0 or loose[5] < 0 or not np.all(np.isfinite(c)):
            raise RuntimeError(f"the flow's integration failed (diffrax, {fl.MAX_STEPS} steps at most)")
        t = np.linspace(0.0, 1.0, RECORDED) * end_time(config)
        value, bound, fitted, curves = [], [], {}, {}
        for j, kk in enumerate(parse_degrees(config)):
            mu_k = eigenvalue(int(config["d"]), kk, int(config["bias"]))
            c0 = abs(c[0, j])
            allowance = (B[:, j] + Z_MC * S[:, j] + Z_MC * se_c[:, j] + Z_MC * np.exp(-mu_k * t) * se_c[0, j]
                         + np.abs(c[:, j] - c_loose[:, j]))
            value.append(c[:, j] / c[0, j])
            bound.append(allowance / c0)
            curves[f"degree_{kk}"] = (c[:, j] / c[0, j]).tolist()
            keep = np.abs(c[:, j]) > np.maximum(0.2 * c0, 5 * se_c[:, j])
            keep &= np.cumprod(keep).astype(bool)
            if keep.sum() >= 3:
                slope, (lo, hi) = slope_interval(t[keep], np.log(np.abs(c[keep, j])))
                fitted[f"rate_degree_{kk}"] = {"value": -slope, "interval": [-hi, -lo], "predicted": mu_k,
                                               "times_fitted": int(keep.sum())}
        fitted["solver"] = {"value": int(steps), "loose_steps": int(loose[5]),
                            "max_solver_difference": float(np.max(np.abs(c - c_loose)))}
        out.append(Measurement(value=np.array(value).T, fitted=fitted,
                               series={**curves, "t": t.tolist(), "bound": np.array(bound).T.tolist(),
                                       "deviation_allowance_end": B[-1].tolist()}))
    return out


def euler_rho(x_max: float, s_max: float) -> float:
    """rho = sup over lambda in (0, lambda_max] of |q(x, s) - 1|, x = eta lambda <= x_max, s = lambda t <= s_max,
    q = (1 - e^{-s g(x)})/(s x/2), g(x) = -log(1 - x)/x - 1 (module docstring); inf when x_max >= 1."""
    if x_max >= 1:
        return float("inf")
    f = np.geomspace(1e-8, 1.0, 20001)
    x, s = f * x_max, f * s_max
    g = -np.log1p(-x) / x - 1.0
    q = -np.expm1(-s * g) / (s * x / 2)
    return float(np.max(np.abs(q - 1.0)))


def measure_gd_to_flow(configs, keys) -> list[Measurement]:
    """GD on the linearised network at N = c S steps (c in GD_STEPS) to t_c = t_end/2, against the flow's training
    residual at t_c: e(eta) = RMS_X |r_GD - r_flow|.  The value is the least-squares slope of log e on log eta; the
    fitted entry ``order`` carries the allowance sum_i |w_i| max(-log(1 - rho_i'), log(1 + rho_i')) with w_i the
    slope's weights and rho_i' = rho(eta_i) + eps/e_i (eps = RMS_X |r_flow - r_flow,loose|, the solver's error)."""
    runs = flows(configs)
    grid = len(GD_STEPS)
    padded = list(zip(configs, runs)) + [(configs[0], runs[0])] * (FLOW_BATCH - len(configs))
    prng, X, y, t_c, steps, bias = [], [], [], [], [], []
    for config, (_, _, key, args, i) in padded:     # one call for the batch: FLOW_BATCH x grid runs of GD
        for c in GD_STEPS:
            prng.append(key)
            X.append(args[0][i])
            y.append(args[1][i])
            t_c.append(float(args[10][i][COMPARED]))
            steps.append(c * int(config["horizon"]))
            bias.append(float(config["bias"]))
    r_gd = np.asarray(fl.gd_residual_batch(jnp.stack(prng), jnp.stack(X), jnp.stack(y), jnp.asarray(t_c),
                                           jnp.asarray(steps), jnp.asarray(bias), int(configs[0]["m"])))
    out = []
    for b, (config, (tight, loose, key, args, i)) in enumerate(zip(configs, runs)):
        n = int(config["n"])
        if tight[5] < 0 or loose[5] < 0:
            raise RuntimeError(f"the flow's integration failed (diffrax, {fl.MAX_STEPS} steps at most)")
        t_now = t_c[b * grid]
        r_flow = tight[4][COMPARED]
        eps = float(np.sqrt(np.mean((r_flow - loose[4][COMPARED]) ** 2)))
        e = np.sqrt(np.mean((r_gd[b * grid:(b + 1) * grid] - r_flow[None]) ** 2, axis=1))
        eta = t_now / np.asarray(steps[b * grid:(b + 1) * grid], float)
        params0 = nx.init(key, int(config["m"]), args[0][i].shape[1])
        lam_max = float(np.linalg.eigvalsh(np.asarray(nx.empirical_ntk_gram(params0, args[0][i],
                                                                            bias=float(config["bias"]))) / n)[-1])
        rho = np.array([euler_rho(h * lam_max, lam_max * t_now) for h in eta]) + eps / e
        delta = np.maximum(-np.log1p(-np.minimum(rho, 1 - 1e-12)), np.log1p(rho))
        xs = np.log(eta)
        w = (xs - xs.mean()) / np.sum((xs - xs.mean()) ** 2)
        slope, _ = slope_interval(xs, np.log(e))
        allowance = float(np.sum(np.abs(w) * delta))
        local = np.log(e[:-1] / e[1:]) / np.log(eta[:-1] / eta[1:])
        out.append(Measurement(
            value=float(slope), interval=(float(slope - allowance), float(slope + allowance)),
            fitted={"order": {"value": float(slope), "allowance": allowance, "rho": rho.tolist(),
                              "local_orders": local.tolist(), "lambda_max_empirical": lam_max,
                              "solver_error": eps}},
            series={"eta": eta.tolist(), "error": e.tolist(), "eta_lambda": (eta * lam_max).tolist()}))
    return out
