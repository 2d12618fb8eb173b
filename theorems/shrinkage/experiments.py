"""The experiments: what real gradient descent does, measured in JAX (:mod:`numerics.shrinkage`).

Each ``measure_*(configs, keys)`` takes a batch of configurations that share their array shapes (one PRNG key
each; these experiments are deterministic and do not use them) and returns one :class:`Measurement` each.  GD
runs through ``jax.vmap`` over the batch; no experiment uses the closed form it is compared with, only the
Jacobian of the configuration (:mod:`theorems.shrinkage.network`).
"""

from __future__ import annotations

import numpy as np

import numerics  # noqa: F401  (float64 on before any array is made)
from numerics import shrinkage as nx
from theorems._claim import Measurement
from theorems._stats import line
from theorems.shrinkage.network import jacobian, jacobian_svd, targets
from theorems.shrinkage.theory import (DST_VECTOR, decay_fit, evaluate_basis, fitted_components, sinc_count_band,
                                      sinc_tau)


def _hat_matrices(configs) -> tuple[np.ndarray, np.ndarray]:
    """The Jacobians of the batch, stacked, and the hat matrices H_q of their GD runs: A w_q = H_q y for q real
    JAX GD steps from w = 0 (run on the identity targets, vmapped over the batch)."""
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    steps = np.array([c["q"] for c in configs], dtype=np.int64)
    return A, np.asarray(nx.gradient_descent_hat_matrices(A, a, steps, int(steps.max())))


# --- claim filter_exact -----------------------------------------------------------------------------------------

def measure_gd_fit(configs, keys) -> list[Measurement]:
    """Fitted values A w_q of real gradient descent in JAX, the batch vmapped over (y, alpha, q)."""
    A = jacobian(configs[0])
    y = np.stack([targets(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    steps = np.array([c["q"] for c in configs], dtype=np.int64)
    fits = np.asarray(nx.gradient_descent_fits(A, y, a, steps, int(steps.max())))
    return [Measurement(value=f) for f in fits]


# --- claim sign_alternation -------------------------------------------------------------------------------------

def measure_component_gains(configs, keys) -> list[Measurement]:
    """Each component's fitted coefficient over the target's, g_i = u_i^T H_q u_i, from real JAX GD: H_q the hat
    matrix of q steps on the identity targets (vmapped over the batch), read in the NumPy singular basis."""
    _, H = _hat_matrices(configs)
    out = []
    for config, H_c in zip(configs, H):
        U, S, _ = jacobian_svd(config)
        g = np.einsum("ik,ij,jk->k", U, H_c, U)
        x = float(config["alpha"]) * S**2
        over = g[x > 1] - 1.0
        out.append(Measurement(value=g, series={"alpha_s2": x, "gain": g},
                               fitted={"top_overshoot": {"value": float(g[0] - 1.0), "q": int(config["q"])},
                                       "alternating_components": {"value": int(over.size)}}))
    return out


# --- claims bandwidth_decay_law and bandwidth_sqrt_q -----------------------------------------------------------

def finite_step_bias(x: np.ndarray, x_alpha: np.ndarray, gamma: float) -> float:
    """Bound on how far the finite step size and the integer step count move beta = 1/gamma.

    With x_k = alpha s_k^2, the crossing step q_k = ceil(ln 2 / -log(1 - x_k)) satisfies
    ln 2 (1 - x_k) / x_k <= q_k < ln 2 / x_k + 1, since x <= -log(1 - x) <= x / (1 - x):
    log(alpha q_k) = log(ln 2 / s_k^2) + delta_k with
    |delta_k| <= Delta_k = max(-log(1 - x_k), log(1 + x_k / ln 2)).  The least-squares
    slope is linear in the responses with weights c_k = (X_k - mean X) / S_XX, so gamma
    moves by at most sum |c_k| Delta_k, and beta = 1/gamma by that over gamma (gamma - it).
    """
    c = (x - x.mean()) / float(((x - x.mean()) ** 2).sum())
    delta = np.maximum(-np.log1p(-x_alpha), np.log1p(x_alpha / np.log(2.0)))
    shift = float(np.abs(c) @ delta)
    return shift / (gamma * max(gamma - shift, 1e-300))


def grid_allowance(n: int) -> float:
    """How far above 1/2 the grid alone can push the bandwidth exponent on the fitted components.

    The laws are continuum laws.  On an n-point grid the step activation's exact spectrum
    s_k = 1 / (2 sin(y_k)), y_k = (k - 1/2) pi / (2n + 1) (claim basis_step_exact), has the local
    exponent -d log s / d log(k - 1/2) = y cot y < 1, so its exponent 1/(2p) exceeds the continuum 1/2 by
    at most 1 / (2 y cot y) - 1/2 at the largest fitted k.
    """
    y = (fitted_components(n)[-1] - 0.5) * np.pi / (2 * n + 1)
    return float(0.5 / (y / np.tan(y)) - 0.5)


def broken_spectrum() -> FloatingPointError:
    """What a measurement returns in place of a configuration's when the residual map's spectrum has a NaN or inf:
    a broken computation (its status is an error), which the range tests on mu_k would otherwise read as a
    configuration outside the law's scope or as inactive components."""
    return FloatingPointError("the one-step residual map's spectrum has NaN or inf entries")


def _bandwidth_measurements(configs, keys, *, with_decay_interval: bool) -> list[Measurement]:
    """GD's crossing steps and the bandwidth exponent fitted on them.

    One GD step from W = 0 on the identity targets gives the residual map R_1 (JAX,
    vmapped over the batch); the residual after q steps is R_1^q, so the k-th largest
    mask crosses 1/2 at q_k = ceil(log(1/2) / log mu_k), mu_k the k-th smallest
    eigenvalue of R_1.  rho(alpha, q) jumps from k - 1 to k at q_k; with the count
    taken at the midpoint k - 1/2 of the jump, the slope gamma of log(alpha q_k) on
    log(k - 1/2) is the inverse of the bandwidth exponent: beta = 1 / gamma.

    The interval is the 95% t-interval of beta (delta method: se_beta = se_gamma / gamma^2), combined with
    that of the predicted 1/(2p) (se_pred = se_p / (2 p^2)) when ``with_decay_interval``, widened by
    :func:`finite_step_bias` on both sides and, for the paper's law (``with_decay_interval`` false), by
    :func:`grid_allowance` below.
    """
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    mu = np.asarray(nx.one_step_residual_spectra(A, a))
    out = []
    for config, mu_c, a_c in zip(configs, mu, a):
        ks = fitted_components(config["n"])
        mu_k = mu_c[ks - 1]
        if not np.all(np.isfinite(mu_c)):
            out.append(broken_spectrum())
            continue
        if not np.all((mu_k > 0) & (mu_k < 1)):
            out.append(Measurement(value=float("nan"), scope="a fitted component has 1 - alpha s^2 outside (0, 1)"))
            continue
        q_k = np.ceil(np.log(0.5) / np.log(mu_k))
        x = np.log(ks - 0.5)
        fit = line(x, np.log(a_c * q_k))
        gamma, se_gamma = float(fit.coef[1]), float(fit.se[1])
        beta, se_beta = 1.0 / gamma, se_gamma / gamma**2
        decay = decay_fit(config)
        t = fit.t(0.95)
        half = t * se_beta
        if with_decay_interval:
            se_pred = decay["se"] / (2.0 * decay["p"] ** 2)
            half = t * float(np.hypot(se_beta, se_pred))
        half += finite_step_bias(x, 1.0 - mu_k, gamma)
        below = 0.0 if with_decay_interval else grid_allowance(config["n"])
        out.append(Measurement(
            value=beta,
            interval=(beta - half - below, beta + half),
            fitted={
                "bandwidth_exponent": {"value": beta, "interval": [beta - t * se_beta, beta + t * se_beta],
                                       "activation": config["activation"]},
                "decay_exponent_p": {"value": decay["p"],
                                     "interval": [decay["p"] - t * decay["se"], decay["p"] + t * decay["se"]],
                                     "activation": config["activation"]},
            },
            series={"log_k_half": np.log(ks - 0.5), "log_alpha_q": np.log(a_c * q_k)},
        ))
    return out


def measure_bandwidth_with_decay(configs, keys):
    """The bandwidth exponent, its interval combined with that of the predicted 1/(2p) (bandwidth_decay_law)."""
    return _bandwidth_measurements(configs, keys, with_decay_interval=True)


def measure_bandwidth(configs, keys):
    """The bandwidth exponent, its interval widened below by the grid allowance (bandwidth_sqrt_q)."""
    return _bandwidth_measurements(configs, keys, with_decay_interval=False)


# --- claim threshold_kappa --------------------------------------------------------------------------------------

def measure_component_residuals(configs, keys) -> list[Measurement]:
    """1 - m_i of each component from real JAX GD: the hat matrix H_q of q steps on the identity
    targets (vmapped over the batch), read in the singular basis, r_i = 1 - u_i^T H_q u_i."""
    _, H = _hat_matrices(configs)
    out = []
    for config, H_c in zip(configs, H):
        U, S, _ = jacobian_svd(config)
        r = 1.0 - np.einsum("ik,ij,jk->k", U, H_c, U)
        out.append(Measurement(value=r, series={"s": S, "residual": r}))
    return out


# --- claims basis_step_exact and basis_monotonic_dst -----------------------------------------------------------

def measure_jacobian_svd(configs, keys) -> list[Measurement]:
    """Singular values and left singular vectors of the Jacobians, JAX SVD vmapped over the batch."""
    A = np.stack([jacobian(c) for c in configs])
    U, S, _ = (np.asarray(x) for x in nx.batched_svd(A))
    return [Measurement(value={"sigma": s_c, "U": U_c}, series={"sigma": s_c})
            for U_c, s_c in zip(U, S)]


def measure_active_components(configs, keys) -> list[Measurement]:
    """The active principal components: left singular vectors u_k whose GD gain u_k^T H_q u_k (real JAX
    GD on the identity targets, vmapped over the batch) is at least 1/2."""
    _, H = _hat_matrices(configs)
    out = []
    for config, H_c in zip(configs, H):
        U, S, _ = jacobian_svd(config)
        gains = np.einsum("ik,ij,jk->k", U, H_c, U)
        active = np.flatnonzero(gains >= 0.5)
        if active.size == 0:
            out.append(Measurement(value=None, scope=f"no active component after q = {config['q']} steps"))
            continue
        out.append(Measurement(value={"k": active + 1, "U": U[:, active]}, series={"gain": gains[active]}))
    return out


def _with_overlaps(measurements, configs):
    """Adds the overlap |<d_k, u_k>| with the DST-VII vector of the same index to each measurement's series."""
    out = []
    for m, config in zip(measurements, configs):
        if m.scope:
            out.append(m)
            continue
        D = evaluate_basis(DST_VECTOR, int(config["n"]))
        ks = np.asarray(m.value["k"])
        overlap = np.abs(np.einsum("ik,ik->k", D[:, ks - 1], m.value["U"]))
        out.append(Measurement(value=m.value, series={**m.series, "overlap": overlap},
                               fitted={"min_overlap": {"value": float(overlap.min()),
                                                       "activation": config["activation"]}}))
    return out


def measure_active_dst_components(configs, keys) -> list[Measurement]:
    """:func:`measure_active_components`, with the overlaps |<d_k, u_k>| added for the report."""
    return _with_overlaps(measure_active_components(configs, keys), configs)


# --- claim gaussian_bandwidth -------------------------------------------------------------------------------------

def measure_gaussian_bandwidth(configs, keys) -> list[Measurement]:
    """GD's bandwidth rho(alpha, q) = #{k : mu_k^q <= 1/2}, mu_k the eigenvalues of the residual map
    R_1 = I - alpha A A^T of one real JAX GD step (vmapped over the batch): the residual after q steps is R_1^q,
    so the k-th component is active (m >= 1/2) when mu_k^q <= 1/2 (mu_k <= 0 counts as active).

    Reported beside it, not judged: the estimate 1/2 + sqrt(log(alpha q s_1^2 / ln 2)) / (pi w) of a Gaussian
    spectrum s_k ~ s_1 exp(-(pi w (k - 1/2))^2 / 2) (the Toeplitz symbol read at the DST frequencies; a
    heuristic for the finite section, not a bound), with s_1^2 = (1 - mu_1) / alpha from the same map."""
    A = np.stack([jacobian(c) for c in configs])
    a = np.array([c["alpha"] for c in configs], dtype=np.float64)
    mu = np.asarray(nx.one_step_residual_spectra(A, a))
    out = []
    for config, mu_c, a_c in zip(configs, mu, a):
        if not np.all(np.isfinite(mu_c)):
            out.append(broken_spectrum())
            continue
        q = int(config["q_powered"])
        with np.errstate(divide="ignore"):
            active = (mu_c <= 0) | (q * np.log(np.where(mu_c > 0, mu_c, 1.0)) <= np.log(0.5))
        rho = float(np.sum(active))
        s1_2 = (1.0 - float(mu_c[0])) / a_c
        estimate = 0.5 + np.sqrt(max(np.log(a_c * q * s1_2 / np.log(2.0)), 0.0)) / (np.pi * config["width"])
        out.append(Measurement(value=rho, fitted={"sqrt_log_estimate": {"value": float(estimate)}},
                               series={"alpha_q_s1_2": float(a_c * q * s1_2)}))
    return out


# --- claim sinc_cliff -------------------------------------------------------------------------------------------

def measure_sinc_bandwidth(configs, keys) -> list[Measurement]:
    """GD's bandwidth rho = #{eigenvalues of H_q >= 1/2}, H_q the hat matrix of q real JAX GD steps on the
    identity targets (vmapped over the batch).

    Reported beside it, not judged: E and P measured from the Jacobian GD ran on by traces (they equal the
    configuration's, :func:`theorems.shrinkage.theory.sinc_edge_and_plunge`, when that Jacobian is the sinc's;
    a Jacobian without the cliff has a larger P), tau(alpha, q), and for the figure the configuration's band
    (``band``: how far below and above 1/w it reaches) that the tolerance is taken from."""
    A, H = _hat_matrices(configs)
    eig = np.asarray(nx.batched_eigvalsh(H))
    out = []
    for config, A_c, eig_c in zip(configs, A, eig):
        nw = config["n"] * config["width"]
        S = jacobian_svd(config)[1]
        gram = A_c.T @ A_c
        T1 = float(np.sum(A_c**2)) / nw**2
        P = T1 - float(np.sum(gram**2)) / nw**4
        lam = (S / nw) ** 2
        shown = min(S.size, int(np.ceil(1.5 / config["width"])) + 4)
        out.append(Measurement(
            value=float(np.sum(eig_c >= 0.5)),
            fitted={"s_max_over_nw": {"value": float(S[0] / nw)},
                    "edge_loss_E": {"value": 1.0 / config["width"] - T1},
                    "plunge_mass_P": {"value": P}},
            series={"lambda": lam[:shown], "tau": sinc_tau(config), "E": 1.0 / config["width"] - T1, "P": P,
                    "s_max_over_nw": float(S[0] / nw), "band": list(sinc_count_band(config))},
        ))
    return out
