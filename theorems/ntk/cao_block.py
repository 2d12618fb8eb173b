"""Cao et al.'s Theorem 4.2 on their network: the residual's projection on the sampled top-r_k eigenspace block
of K_Cao under GD with the step absorbed (eta m = 1), against 2 (1 - lambda_{r_k})^t n^{-1/2} ||V_{r_k}^T y||, with
the theorem's eps measured and split into the damped deviations (the width) and the leakage (the sample).

Cao, Fang, Wu, Zhou, Gu (2021), Thm 4.2 [summary, THEORY.md sec. 1]: n^{-1/2} ||V_{r_k}^T (y - yhat(T))|| <= 2 (1 -
lambda_{r_k})^T n^{-1/2} ||V_{r_k}^T y|| + eps for labels |y_i| <= 1, n and m large enough, eta = O~(1/(m theta^2))
with the output scaled by theta = O~(eps).  Here theta = 1 with the antisymmetric pairing (f_0 = 0, what a small
theta buys), eta m = 1 (the rate (1 - lambda)^T with the step absorbed), and T chosen per profile
(configurations.BLOCK_SIZES).

What the verdict judges: with r^K_t = (I - H/n)^t y the kernel dynamics on the sample (H the exact K_Cao Gram
matrix), the triangle inequality gives n^{-1/2}||V^T r_t|| <= In_t + S_t + D_t (In_t inside the sample's top-r_k
eigenspace of H/n, S_t outside it, D_t the network against the kernel).  The theorem's rate is In_t <= 2 (1 -
lambda_{r_k})^t n^{-1/2}||V^T y||, so the measured eps_t must not exceed D_t + S_t.  The network enters only
through D_t, which is measured and reported (eps against it), not judged: an error in the network's own code widens
D_t instead of failing (planted.py records which wrong versions this claim sees).
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
from theorems._cache import cached
from theorems._claim import Config, Measurement
from theorems._divergence import stopped
from theorems.ntk import theory
from theorems.ntk.cao_training import BATCH, CAO_DEGREES, init_key


BLOCK_DEGREES = (0, 1, 2)
"""The distinct nonzero eigenvalues of K_Cao on S^9 in decreasing order are mu_0 > mu_1 > mu_2 > mu_4 > ...; the
blocks k = 1, 2, 3 hold the degrees {0}, {0, 1}, {0, 1, 2}: r_k = 1, 11, 65 (the next block, r = 780, exceeds n)."""


def block_rank(block: int) -> int:
    return sum(sphere.multiplicity(10, k) for k in BLOCK_DEGREES[:block])


@cached(maxsize=64)
def _block_inputs(seed: int, n: int, target: str):
    """X, labels y with |y_i| <= 1 (Theorem 4.2's assumption): ``cao111`` / ``cao135`` Cao's target (sum_j A_j
    P_{k_j}(<zeta_j, x>), P_k(1) = 1) with those amplitudes divided by its largest |value| on the sample;
    ``signs`` random +-1 labels. V = (V_0 | V_1 | V_2), V_k an n x N(10, k) factor of (1/n) N(10, k) P_k(X X^T)
    (by the addition theorem the Gram matrix of the sampled
    orthonormal harmonics of degree k, n^{-1} sum_j phi_j(x_a) phi_j(x_b)): V V^T is the same as for the paper's
    V with columns n^{-1/2} (phi_j(x_1), ..., phi_j(x_n)), whatever orthonormal basis of the harmonics is chosen, so
    ||V^T r|| is theirs; H/n and its eigendecomposition."""
    d = 10
    kx, kp, ky = jax.random.split(jax.random.PRNGKey(seed), 3)
    X = np.asarray(sphere.uniform(kx, n, d))
    if target == "signs":
        y = np.asarray(jax.random.rademacher(ky, (n,), dtype=jnp.float64))
    else:
        amps = (1.0, 1.0, 1.0) if target == "cao111" else (1.0, 3.0, 5.0)
        poles = np.asarray(sphere.uniform(kp, 3, d))
        y = sum(a * sphere.gegenbauer(k, d, X @ poles[j]) for j, (k, a) in enumerate(zip(CAO_DEGREES, amps)))
        y = y / np.abs(y).max()
    G = X @ X.T
    cols = []
    for k in BLOCK_DEGREES:
        N = sphere.multiplicity(d, k)
        w, U = np.linalg.eigh(N * sphere.gegenbauer(k, d, G) / n)
        cols.append(U[:, -N:] * np.sqrt(np.maximum(w[-N:], 0.0)))
    V = np.concatenate(cols, 1)
    H = np.asarray(nx.cao_ntk(jnp.asarray(G))) / n
    lam, U = np.linalg.eigh(H)
    return X, y, V, lam, U


def block_inputs(config: Config):
    return _block_inputs(int(config["seed"]), int(config["n"]), str(config["target"]))


def block_eta_eff(config: Config) -> float:
    """Theorem 4.2's normalisation: the step is absorbed, eta m theta^2 = 1 with theta = 1 here, so eta_eff = 1
    (``eta_frac`` is ignored; 1 < 2 / lambda_max(H/n) on S^9, lambda_max ~ 0.35)."""
    return 1.0


def predict_block(closed_form, config: Config) -> np.ndarray:
    """2 (1 - lambda_{r_k})^t n^{-1/2} ||V_{r_k}^T y|| for t = 0..T: the closed form theory.CAO_BLOCK_BOUND with
    lambda_{r_k} the k-th distinct eigenvalue of K_Cao on S^9 (exact), the step absorbed (eta_eff = 1)."""
    X, y, V, _, _ = block_inputs(config)
    r = block_rank(int(config["block"]))
    n = X.shape[0]
    y_norm = float(np.linalg.norm(V[:, :r].T @ y)) / math.sqrt(n)
    lam_r = BLOCK_DEGREES[int(config["block"]) - 1]
    f = _block_function(closed_form, lam_r)
    t = np.arange(int(config["steps"]) + 1, dtype=float)
    return np.asarray([f(tt, y_norm) for tt in t], float)


@cached(maxsize=16)
def _block_function(closed_form, degree: int):
    expr = closed_form.subs({theory.d: 10, theory.k: degree, theory.beta: 0})
    expr = expr.replace(lambda e: isinstance(e, sympy.Integral), theory.integrate_trigonometric)
    return sympy.lambdify((theory.t, theory.Y), expr, "math")


def measure_block_bound(configs, keys) -> list[Measurement]:
    """GD on Cao's network (eta_eff = 1) for T steps; per step the block projection n^{-1/2} ||V_{r_k}^T (y -
    f_t(X))||, the exact-kernel GD on the same sample r^K_t = (I - H/n)^t y, and the two terms the theorem's eps
    stands for, measured without the prediction:
    * D_t = n^{-1/2} ||V^T (r_t - r^K_t)||, the damped deviations (the network against its infinite-width kernel
      on the same data: the width);
    * S_t = n^{-1/2} ||V^T P_out r^K_t||, P_out the projector on the eigenvectors of H/n outside its top r_k: the
      part of the kernel dynamics outside the sample's top eigenspace (the sampling).
    The part inside, V^T P_in r^K_t, still carries two more things the sample does, each measured:
    * L_t = n^{-1/2} ||V^T U_in (I - H/n)^t U_in^T (I - Pi) y||, Pi the orthogonal projector on span(V): the part
      of y that V cannot see (V^T (I - Pi) y = 0) and the sample's top eigenspace nevertheless holds (zero when
      span(V) = span(U_in); Davis-Kahan's O(n^{-1/2}) otherwise). When n^{-1/2} ||V^T y|| is itself near zero (random
      signs summing to 0 in block 1) this is the whole of the inside part;
    * P_t = n^{-1/2} ||V^T U_in ((D_t - (1 - lambda_{r_k})^t)_+) U_in^T Pi y||, D_t = diag((1 - lambda_hat_i)^t)
      over the sample's top r_k eigenvalues: the steps' excess where a sampled eigenvalue lies below the
      population's lambda_{r_k} (concentration, O(n^{-1/2}) in the eigenvalue, but raised to the t-th power).
    What remains, R_t = n^{-1/2} ||V^T U_in min(D_t, (1 - lambda_{r_k})^t) U_in^T Pi y|| (reported), is what Theorem
    4.2 bounds by 2 (1 - lambda_{r_k})^t n^{-1/2}||V^T y||: with span(V) = span(U_in), V = U_in Q, it is at most
    cond(Q) (1 - lambda_{r_k})^t n^{-1/2}||V^T y||, and the factor 2 is the room for cond(Q) (V^T V = Q^T Q = I
    in the limit). lambda_{r_k} here is the quadrature eigenvalue (ntk.cao_spectrum's oracle), not the closed
    form under test."""
    c0 = configs[0]
    padded = list(configs) + [c0] * (BATCH - len(configs))
    m, steps = int(c0["m"]), int(c0["steps"])
    data = [block_inputs(c) for c in padded]
    p, rn, _ = nx.cao_projections_batch(
        jnp.stack([init_key(c) for c in padded]), jnp.asarray(np.stack([x[0] for x in data])),
        jnp.asarray(np.stack([x[1] for x in data])), jnp.asarray(np.stack([x[2] for x in data])),
        jnp.asarray([block_eta_eff(c) / m for c in padded]), m, steps)
    p, rn = np.asarray(p), np.asarray(rn)
    out = []
    for i, config in enumerate(configs):
        X, y, V, lam, U = data[i]
        n = X.shape[0]
        r = block_rank(int(config["block"]))
        stop = stopped(rn[i], p[i], value=np.full(steps + 1, np.nan), scope="gradient descent diverged")
        if stop is not None:
            out.append(stop)
            continue
        proj = p[i][:, :r]                                        # V^T (y - f_t(X)), (T+1, r)
        net = np.linalg.norm(proj, axis=1) / math.sqrt(n)
        e = block_eta_eff(config)
        Vr = V[:, :r]
        tt = np.arange(steps + 1)
        decay = (1.0 - e * lam)[None, :] ** tt[:, None]          # (T+1, n)
        VU = Vr.T @ U                                             # (r, n)
        inside = np.zeros(n, bool)
        inside[-r:] = True
        norm_t = lambda weights, vec, cols: np.linalg.norm((weights * (U[:, cols].T @ vec)[None, :])
                                                           @ VU[:, cols].T, axis=1) / math.sqrt(n)
        kern = (decay * (U.T @ y)[None, :]) @ VU.T                # V^T r^K_t, (T+1, r)
        S = norm_t(decay[:, ~inside], y, ~inside)
        In = norm_t(decay[:, inside], y, inside)
        D = np.linalg.norm(proj - kern, axis=1) / math.sqrt(n)
        seen = Vr @ np.linalg.lstsq(Vr, y, rcond=None)[0]        # Pi y
        y_norm = float(np.linalg.norm(Vr.T @ y)) / math.sqrt(n)
        from theorems.ntk.cao_spectrum import quadrature_eigenvalue

        lam_block = quadrature_eigenvalue(9, BLOCK_DEGREES[int(config["block"]) - 1], 0)[0]
        rate = (1.0 - e * lam_block) ** tt
        L = norm_t(decay[:, inside], y - seen, inside)
        P = norm_t(np.maximum(decay[:, inside] - rate[:, None], 0.0), seen, inside)
        R = norm_t(np.minimum(decay[:, inside], rate[:, None]), seen, inside)
        excess = net - 2.0 * rate * y_norm
        fitted = {"eps": {"value": float(max(excess.max(), 0.0)), "at_step": int(np.argmax(excess)),
                          "relative": float(max(excess.max(), 0.0)) / y_norm, "lambda_block": lam_block},
                  "eps_kernel_inside_max": {"value": float(In.max())},
                  "kernel_rate_part_max": {"value": float(R.max())},
                  "leakage_max": {"value": float(S.max())},
                  "unseen_inside_max": {"value": float(L.max())},
                  "eigenvalue_excess_max": {"value": float(P.max())},
                  "damped_deviation_max": {"value": float(D.max())},
                  "lambda_hat_r": {"value": float(lam[-r]), "r": r},
                  "lambda_hat_r_plus_1": {"value": float(lam[-r - 1])},
                  "block_norm_0": {"value": y_norm},
                  "label_norm": {"value": float(np.linalg.norm(y)) / math.sqrt(n)}}
        out.append(Measurement(value=net, fitted=fitted,
                               series={"t": tt.tolist(), "network": net.tolist(), "leakage": S.tolist(),
                                       "deviation": D.tolist(), "kernel_inside": In.tolist(),
                                       "unseen_inside": L.tolist(), "eigenvalue_excess": P.tolist(),
                                       "kernel_rate_part": R.tolist()}))
    return out


def block_error(predicted, measurement: Measurement, config: Config) -> float:
    """max_t (excess_t - D_t - S_t - L_t - P_t)_+ / (n^{-1/2} ||y||), excess_t = n^{-1/2} ||V^T (y - yhat(t))|| -
    the bound 2 (1 - lambda_{r_k})^t n^{-1/2} ||V^T y||.

    Theorem 4.2's eps stands for what the finite width and the finite sample add. By the triangle inequality
    n^{-1/2} ||V^T r_t|| <= D_t + S_t + L_t + P_t + R_t exactly (:func:`measure_block_bound`: D_t the network
    against its kernel, S_t the kernel dynamics outside the sample's top-r_k eigenspace of H/n, L_t the part of y
    inside it that V does not see, P_t the excess of sampled eigenvalues below lambda_{r_k}, R_t the rest), and the
    theorem's rate is the statement R_t <= 2 (1 - lambda_{r_k})^t n^{-1/2}||V^T y||. So where the rate holds the
    measured eps_t = excess_t is at most D_t + S_t + L_t + P_t and the error is 0; a positive error is a step at
    which the block, with every width and sampling term granted, decays more slowly than 2 (1 - lambda_{r_k})^t
    allows (a wrong lambda_{r_k}, a bound without room for cond(Q)).

    The scale is n^{-1/2}||y|| (at most 1, |y_i| <= 1), the size of every term's rounding; n^{-1/2}||V^T y|| can be
    zero (random signs summing to 0, block 1), and relative to it round-off would be unbounded. The tolerance is
    round-off."""
    net = np.asarray(measurement.value, float)
    b = np.asarray(predicted, float)
    if net.shape != b.shape or not np.all(np.isfinite(net)):
        return float("inf")
    granted = sum(np.asarray(measurement.series[k]) for k in ("deviation", "leakage", "unseen_inside",
                                                              "eigenvalue_excess"))
    scale = float(measurement.fitted["label_norm"]["value"])
    return float(np.max(np.maximum(net - b - granted, 0.0)) / scale)


def block_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    """64 (T + 1) eps: the rounding of T products by (1 - lambda) and of the norms, relative to n^{-1/2}||y||."""
    return 64.0 * (int(config["steps"]) + 1) * float(np.finfo(np.float64).eps)

