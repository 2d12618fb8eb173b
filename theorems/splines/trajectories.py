"""The training trajectory (Remark 5): gradient descent of the infinite-width output layer and of trained
finite-width networks, recorded at log-spaced steps, against the smoothing splines of strength M / (eta_bar t).

The trained networks are kept in the store ``splines.network_runs`` by configuration and initial seeds, so that
``trajectory_network`` and ``trajectory_width_rate`` pay for one training.

Remark 5 for a trained width-n network, exactly (App. N.1's comparison of h_1 and h_2 made discrete): in the
eigenbasis (mu_k, e_k) of a kernel K, t steps of gradient descent with step a on the data multiply the k-th
coefficient of y by 1 - (1 - a mu_k)^t (h_2), the smoothing spline of strength lambda by mu_k / (mu_k + lambda)
(h_1), and Remark 5's correspondence lambda = 1 / (a t) (c = 1 / (eta tau) in App. N.1; M / (eta_bar t) with
a = eta_bar / M for this loss) pairs the two.  For the network the kernel is its own tangent kernel at
initialisation, K_n = J_0 J_0^T / n of all parameters on the data: gradient descent with step eta_bar / n on
(1/M) sum_j (1/2) r_j^2 moves the values by -(eta_bar / M) (J J^T / n) r, so as long as J stays J_0 (the
linearised network) its values are the early-stopped spline y - (I - K_n / (lambda(t) t))^t y.
:func:`early_stopping_values` computes that prediction from lambda(t) and K_n by an eigendecomposition, with no
training; the experiment trains the network (numerics.shallow.trajectory_run); their distance is the network's
departure from its linearisation, which ``trajectory_network`` requires to vanish with n.
"""

from __future__ import annotations

import json

import numpy as np

from theorems._cache import cached, store
from theorems._claim import Config, Measurement
from theorems.splines.claims_limits import trajectory_allowance
from theorems.splines.constants import (TRAJ_NET_GRID, TRAJ_NET_SEEDS, TRAJ_NET_STEPS, TRAJ_NET_WIDTHS,
                                        TRAJECTORY_MAX_STEPS, TRAJECTORY_SLOWEST, TRAJECTORY_TIMES, ci_level)
from theorems.splines.data import dataset
from theorems.splines.limits import kernel_for
from theorems.splines.rates import fit_power_law, run_seeds, slope_entry
from theorems.splines.theory import (M_sym, SMOOTHING_STRENGTH, ZETA, eta_bar, predict_network_trajectory,
                                     predict_trajectory, t_steps)

NETWORK_RUNS = "splines.network_runs"
"""The store of trained networks' trajectories (at most 512 are kept)."""


# --- the infinite-width output layer -----------------------------------------------------------------------

@cached(maxsize=256)
def _trajectory_setup(init: str, p1: float, p2: float, M: int, data_seed: int, frac: float):
    """The kernel matrix K(X, X) of the infinite-width output layer, the data, its spectrum, the step
    eta_bar = frac 2 M / mu_max(K) and the recorded step counts."""
    config = {"init": init, "p1": p1, "p2": p2, "M": M, "data_seed": data_seed}
    xs, ys = dataset(config)
    K = kernel_for(ZETA, config)(xs, xs)
    mu = np.linalg.eigvalsh(K)
    eta = frac * 2.0 * M / mu[-1]
    a = eta / M
    t_end = int(min(TRAJECTORY_MAX_STEPS, np.ceil(TRAJECTORY_SLOWEST / (a * mu[0]))))
    times = np.unique(np.round(np.geomspace(1, t_end, TRAJECTORY_TIMES)).astype(np.int64))
    return xs, ys, K, mu, eta, times


def trajectory_of(config: Config):
    """(xs, ys, K, mu, eta_bar, recorded steps) of a configuration (cached)."""
    return _trajectory_setup(config["init"], float(config["p1"]), float(config["p2"]), int(config["M"]),
                             int(config["data_seed"]), float(config["frac"]))


def measure_trajectory(configs, keys) -> list[Measurement]:
    """GD of the infinite-width output layer on the data, step by step (numerics.splines.kernel_gd_values),
    recorded at TRAJECTORY_TIMES log-spaced steps."""
    from numerics import splines as nsp

    out = []
    for c in configs:
        xs, ys, K, mu, eta, times = trajectory_of(c)
        v = nsp.kernel_gd_values(K, ys, eta / c["M"], times)
        spline = predict_trajectory(SMOOTHING_STRENGTH, c)
        ny = float(np.linalg.norm(ys))
        to_spline = np.linalg.norm(v - spline, axis=1) / ny
        to_interp = np.linalg.norm(v - ys[None, :], axis=1) / ny
        mid = int(np.argmin(np.abs(to_interp - 0.5)))
        out.append(Measurement(
            value=v,
            fitted={"max_distance_to_spline": {"value": float(to_spline.max())},
                    "distance_ratio_at_half_fit": {"value": float(to_spline[mid] / to_interp[mid])},
                    "kappa_K": {"value": float(mu[-1] / mu[0])}},
            series={"a_mu_t": (eta / c["M"] * mu[-1] * times).tolist(), "to_spline": to_spline.tolist(),
                    "to_interp": to_interp.tolist(), "allowance": trajectory_allowance(c).tolist()}))
    return out


# --- trained finite-width networks ---------------------------------------------------------------------------

@cached(maxsize=256)
def _network_setup(init: str, p1: float, p2: float, M: int, data_seed: int, frac: float, scale: str):
    """The recorded steps t <= TRAJ_NET_STEPS of ``trajectory_of`` (padded with repeats to TRAJECTORY_TIMES
    records), the grid on S, K(grid, X), the infinite-width trajectory v_t = f_t^inf(X) and its coefficients
    alpha_t (f_t^inf = K(., X) alpha_t), and the allowance of App. N.1 at those steps."""
    from numerics import splines as nsp

    config = {"init": init, "p1": p1, "p2": p2, "M": M, "data_seed": data_seed, "frac": frac}
    xs, ys, K, mu, eta, times = trajectory_of(config)
    keep = times <= TRAJ_NET_STEPS[scale]
    times = times[keep]
    gaps = np.zeros(TRAJECTORY_TIMES, dtype=np.int32)
    gaps[:times.size] = np.diff(np.concatenate([[0], times]))
    grid = np.linspace(xs.min(), xs.max(), TRAJ_NET_GRID)
    KE = kernel_for(ZETA, config)(grid, xs)
    a = eta / M
    v = nsp.kernel_gd_values(K, ys, a, times)
    alpha = nsp.kernel_gd_coefficients(K, ys, a, times)
    allowance = trajectory_allowance(config)[keep]
    return {"xs": xs, "ys": ys, "K": K, "mu": mu, "eta": eta, "times": times, "gaps": gaps, "grid": grid,
            "f_inf": alpha @ KE.T, "v": v, "allowance": allowance}


def network_of(config: Config) -> dict:
    """The set-up of ``_network_setup`` for a configuration (cached)."""
    return _network_setup(config["init"], float(config["p1"]), float(config["p2"]), int(config["M"]),
                          int(config["data_seed"]), float(config["frac"]), config["scale"])


def network_trajectories(configs, keys) -> list[dict]:
    """TRAJ_NET_SEEDS ASI networks of each width of TRAJ_NET_WIDTHS per configuration, trained by GD on all
    parameters at eta = eta_bar / n (eta_bar = frac 2 M / mu_max(K) of the infinite-width kernel), recorded at
    the steps of ``network_of``.  Kept in the store ``splines.network_runs`` by configuration and initial seeds,
    so that ``trajectory_network`` and ``trajectory_width_rate`` pay for one training.

    A run is unstable (left out of every figure) when eta = eta_bar / n exceeds its own stability limit
    2 M / lambda_max(J J^T) at initialisation, or when its residual norm ever exceeds ||y||_2 (GD left the stable
    range during training), or when it is not finite.

    Each run also keeps K_n = J_0 J_0^T / n on the data (:func:`initial_tangent_kernels`), the tangent kernel of
    its initial network, drawn from the same seed as the one the training starts from.
    """
    from numerics import shallow as nx

    runs = store(NETWORK_RUNS)
    scale = configs[0]["scale"]
    widths, S = TRAJ_NET_WIDTHS[scale], TRAJ_NET_SEEDS[scale]
    seeds = np.stack([run_seeds(k, c, (S, len(widths))) for c, k in zip(configs, keys)])
    keys_ = [(json.dumps(dict(c), sort_keys=True), s.tobytes()) for c, s in zip(configs, seeds)]
    # one training per law and data size (the initial networks are drawn from the configuration's own law)
    groups: dict = {}
    for i, c in enumerate(configs):
        if keys_[i] not in runs:
            groups.setdefault((c["init"], float(c["p1"]), float(c["p2"]), int(c["M"])), []).append(i)
    for (init, p1, p2, _), idx in groups.items():
        setups = [network_of(configs[i]) for i in idx]
        stack = lambda f: np.stack([f(p) for p in setups])
        fx, fe, limits = nx.trajectory_runs(
            seeds[idx], stack(lambda p: p["xs"][:, None]), stack(lambda p: p["ys"]),
            stack(lambda p: p["grid"][:, None]), np.asarray([p["eta"] for p in setups]), stack(lambda p: p["gaps"]),
            widths=widths, init=init, p1=p1, p2=p2)
        fx, fe, limits = map(np.asarray, (fx, fe, limits))
        for i, (k, p) in enumerate(zip([keys_[j] for j in idx], setups)):
            L = p["times"].size
            eta_n = p["eta"] / np.asarray(widths, dtype=np.float64)
            residual = np.linalg.norm(fx[i, :, :, :L] - p["ys"], axis=-1)
            finite = np.all(np.isfinite(fx[i, :, :, :L]), axis=(-1, -2)) & np.all(np.isfinite(fe[i, :, :, :L]),
                                                                                   axis=(-1, -2))
            stable = (eta_n[None, :] < limits[i]) & finite & np.all(
                np.nan_to_num(residual, nan=np.inf) <= np.linalg.norm(p["ys"]), axis=-1)
            runs[k] = {"fX": fx[i, :, :, :L], "fE": fe[i, :, :, :L], "stable": stable,
                       "K0": initial_tangent_kernels(seeds[idx[i]], p["xs"], widths, init, p1, p2)}
        while len(runs) > 512:
            runs.pop(next(iter(runs)))
    return [runs[k] for k in keys_]


_TANGENT_GRAM = None


def initial_tangent_kernels(seeds, xs, widths, init: str, p1: float, p2: float) -> np.ndarray:
    """K_n = J_0 J_0^T / n on the data xs for the initial network of every (run, width) of ``seeds`` (runs,
    widths): numerics.shallow.ntk_gram (all parameters; checked against autodiff in tests/test_splines.py) at
    the ASI parameters numerics.shallow.sample_asi_numpy draws from each seed, as the training's ``stack_nets``
    does.  Shape (runs, widths, M, M)."""
    import jax
    import jax.numpy as jnp

    from numerics import shallow as nx

    global _TANGENT_GRAM
    if _TANGENT_GRAM is None:
        _TANGENT_GRAM = jax.jit(lambda params, X: nx.ntk_gram(params, X))
    X = jnp.asarray(np.asarray(xs, dtype=np.float64)[:, None])
    seeds = np.asarray(seeds)
    out = np.empty(seeds.shape + (X.shape[0], X.shape[0]))
    for j, n in enumerate(widths):
        for r in range(seeds.shape[0]):
            drawn = nx.sample_asi_numpy(int(seeds[r, j]), int(n), 1, init, p1, p2)
            params = {k: jnp.asarray(v) for k, v in drawn.items()}
            out[r, j] = np.asarray(_TANGENT_GRAM(params, X)) / n
    return out


FILTER_CAP = 1e150
"""Cap on |1 - a_t mu_k|^t in :func:`kernel_gd_filter`: a prediction that has grown 1e150 times the data is as
wrong as a diverged one, and the cap keeps its distance to the network finite."""


def kernel_gd_filter(K: np.ndarray, y: np.ndarray, step: np.ndarray, times: np.ndarray) -> np.ndarray:
    """y - (I - a_t K)^t y at each recorded t, a_t = step[t]: in the eigenbasis (mu_k, e_k) of K the coefficient
    <y, e_k> times 1 - (1 - a_t mu_k)^t, t steps of gradient descent with step a_t on the data in the kernel K.
    With a_t = 1 / (lambda_t t) it is App. N.1's h_2 paired with the smoothing spline of strength lambda_t (see
    the module's docstring).  Where |1 - a_t mu_k| > 1 the power grows without bound; it is capped at FILTER_CAP.
    Shape (len(times), M)."""
    mu, E = np.linalg.eigh(K)
    t = np.asarray(times, dtype=np.float64)[:, None]
    a = np.broadcast_to(np.asarray(step, dtype=np.float64), t.shape[:1])[:, None]
    base = 1.0 - a * mu[None, :]
    with np.errstate(over="ignore"):
        keep = np.sign(base) ** t * np.minimum(np.abs(base) ** t, FILTER_CAP)
    return y[None, :] - (keep * (E.T @ y)[None, :]) @ E.T


def departures(step: np.ndarray, f: np.ndarray, K0: np.ndarray, ys: np.ndarray, times: np.ndarray) -> np.ndarray:
    """max over the recorded t of ||f_t^(n)(X) - kernel_gd_filter(K_n, y, step, times)_t||_2 / ||y||_2 for every
    run and width of f (runs, widths, t, M), K_n = K0[run, width]: the trained network's distance to gradient
    descent in its own initial tangent kernel, infinite where not finite.  Shape (runs, widths)."""
    ny = float(np.linalg.norm(ys))
    out = np.empty(f.shape[:2])
    for r in range(f.shape[0]):
        for j in range(f.shape[1]):
            d = np.linalg.norm(f[r, j] - kernel_gd_filter(K0[r, j], ys, step, times), axis=-1) / ny
            out[r, j] = float(np.max(d)) if np.all(np.isfinite(d)) else np.inf
    return out


def predict_network_strength(closed_form, config: Config) -> np.ndarray:
    """The smoothing spline's strength lambda(t) of the closed form (M / (eta_bar t)) at the networks' recorded
    steps, with the configuration's M and eta_bar."""
    import sympy

    p = network_of(config)
    lam_of = sympy.lambdify((M_sym, eta_bar, t_steps), closed_form, "numpy")
    return np.broadcast_to(np.asarray(lam_of(float(config["M"]), p["eta"], p["times"].astype(np.float64)),
                                      dtype=np.float64), p["times"].shape).copy()


def network_scope(stable: np.ndarray, widths) -> str | None:
    """Out of scope when some width has no stable run, or the widest network is unstable (the step is
    inside the infinite-width kernel's range but outside the networks')."""
    if not np.all(stable.any(axis=0)) or not np.all(stable[:, -1]):
        bad = sorted({int(widths[j]) for j in np.nonzero(~stable)[1]})
        return (f"{int((~stable).sum())} of {stable.size} runs unstable (eta_bar / n above 2M/lambda_max(J J^T) at "
                f"initialisation, or ||r_t|| > ||y||; widths {bad}), leaving a width without a stable run")
    return None


def measure_network_trajectory(configs, keys) -> list[Measurement]:
    """f_t^{(n)}(X) of every run (runs, widths, recorded t, M) with the tangent kernel K_n of its initial network
    (runs, widths, M, M); reported: the departure of each run from gradient descent in K_n at its own step
    eta_bar / M (:func:`departures`, no closed form) and its fitted slope in n, the distances to the kernel
    trajectory v_t and to the smoothing spline at M / (eta_bar t) (for the figure)."""
    runs = network_trajectories(configs, keys)
    widths = TRAJ_NET_WIDTHS[configs[0]["scale"]]
    out = []
    for c, run in zip(configs, runs):
        p = network_of(c)
        ny = float(np.linalg.norm(p["ys"]))
        stable = run["stable"]
        spline = predict_network_trajectory(SMOOTHING_STRENGTH, c)
        to_v = np.linalg.norm(run["fX"] - p["v"], axis=-1) / ny  # (runs, widths, t)
        to_h = np.linalg.norm(run["fX"] - spline, axis=-1) / ny
        worst_v = np.where(stable, np.max(to_v, axis=-1), np.nan)
        departure = np.where(stable, departures(p["eta"] / c["M"], run["fX"], run["K0"], p["ys"], p["times"]), np.nan)
        mean_over = lambda a: np.array([a[stable[:, j], j].mean(axis=0) if stable[:, j].any()
                                        else np.full(a.shape[2:], np.nan) for j in range(len(widths))])
        fitted = {"widest_max_distance_to_spline": {"value": float(np.max(to_h[stable[:, -1], -1]))
                                                    if stable[:, -1].any() else float("nan")},
                  "unstable_runs": {"value": int((~stable).sum())}}
        for j, n in enumerate(widths):
            fitted[f"max_distance_to_kernel_trajectory_n{n}"] = {"value": float(np.nanmean(worst_v[:, j]))
                                                                if stable[:, j].any() else float("nan")}
            fitted[f"departure_n{n}"] = {"value": float(np.nanmean(departure[:, j]))
                                         if stable[:, j].any() else float("nan")}
        scope = network_scope(stable, widths)
        if scope is None:
            level = ci_level(c["scale"])
            fit = fit_power_law(widths, np.where(stable, worst_v, 1.0), level=level, mask=stable)
            fitted["distance_to_kernel_trajectory_slope"] = {"value": fit["slope"], "interval": list(fit["interval"])}
            fit = fit_power_law(widths, np.where(stable, departure, 1.0), level=level, mask=stable)
            fitted["departure_slope"] = slope_entry(fit)
        out.append(Measurement(
            value={"f": run["fX"], "K0": run["K0"]}, fitted=fitted, scope=scope,
            series={"eta_mu_t": (p["eta"] / c["M"] * p["mu"][-1] * p["times"]).tolist(), "widths": list(widths),
                    "to_spline": np.round(mean_over(to_h), 6).tolist(),
                    "allowance": p["allowance"].tolist(), "stable": stable.astype(int).tolist(),
                    "departure": np.where(stable, departure, 0.0).tolist()}))
    return out


def measure_width_rate(configs, keys) -> list[Measurement]:
    """D_n = max over recorded t of max over the grid on S of |f_t^{(n)} - f_t^inf| per run, f_t^inf = K(., X)
    alpha_t; the OLS slope of log D_n on log n over the stable (width, seed) runs, with its t-interval."""
    runs = network_trajectories(configs, keys)
    widths = TRAJ_NET_WIDTHS[configs[0]["scale"]]
    out = []
    for c, run in zip(configs, runs):
        p = network_of(c)
        stable = run["stable"]
        D = np.max(np.abs(run["fE"] - p["f_inf"]), axis=(-1, -2))  # (runs, widths)
        scope = network_scope(stable, widths)
        fitted = {"unstable_runs": {"value": int((~stable).sum())}}
        for j, n in enumerate(widths):
            fitted[f"D_n{n}"] = {"value": float(D[stable[:, j], j].mean()) if stable[:, j].any() else float("nan")}
        if scope is not None:
            out.append(Measurement(value=float("nan"), interval=(float("nan"), float("nan")), fitted=fitted,
                                   scope=scope))
            continue
        fit = fit_power_law(widths, np.where(stable, D, 1.0), level=ci_level(c["scale"]), mask=stable)
        fitted["slope"] = slope_entry(fit)
        fitted["prefactor"] = {"value": fit["prefactor"], "interval": list(fit["prefactor_interval"])}
        out.append(Measurement(value=fit["slope"], interval=fit["interval"], fitted=fitted,
                               series={"widths": list(widths), "errors": np.where(stable, D, 0.0).tolist(),
                                       "stable": stable.astype(int).tolist()}))
    return out
