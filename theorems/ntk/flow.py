"""The gradient-flow claims of the ntk family: the flow's per-degree rates within the continuous damped-deviations
allowance (ntk.flow_rates), and gradient descent converging to the flow at order 1 as its step shrinks
(ntk.gd_to_flow).  Light at import: the closed forms (``flow_theory``), the experiments (``flow_dynamics``, which
integrates the flow with diffrax) and the strategies (``flow_configurations``) are references."""

from __future__ import annotations

import numpy as np

from theorems._agreement import FLOAT64_EPS, inside_interval
from theorems._claim import Agreement, Claim, Config, Measurement
from theorems._resolution import FILTER_RATE
from theorems.ntk.claims import BOWMAN, DEEPSPEC

KERNEL_REGIME = (
    "Network: f(x) = m^{-1/2} sum_l a_l relu(<w_l,x> + b_l), NTK parametrisation, antisymmetric init, linearised "
    "at its initialisation theta_0 (the kernel regime of width m: d theta/dt = -(1/n) J_0^T r_t, so d f_t/dt = "
    "-T^n_{K_0} r_t with K_0 the empirical NTK at initialisation); T is the operator of the infinite-width kernel "
    "K(u) = (kappa_1(u) + (u + beta) kappa_0(u))/2 on S^{d-1}.")


def flow_bound_error(predicted, measurement: Measurement, config: Config) -> float:
    """max over degrees and recorded times of |measured - predicted| / allowance; where the allowance is 0 (t = 0,
    where both are 1 and the standard error of f_0 = 0 vanishes) the deviation must be round-off (64 eps)."""
    p = np.asarray(predicted, float)
    v = np.asarray(measurement.value, float)
    B = np.asarray(measurement.series["bound"], float)
    if p.shape != v.shape or not np.all(np.isfinite(v)):
        return float("inf")
    dev = np.abs(v - p)
    zero = B <= 0
    if np.any(dev[zero] > 64 * FLOAT64_EPS):
        return float("inf")
    return float(np.max(np.where(zero, 0.0, dev / np.where(zero, 1.0, B))))


FLOW_REASON = (
    "The continuous damped-deviations bound [derived, exact by variation of constants]: |<r_t,phi_k> - e^{-mu_k t} "
    "<r_0,phi_k>| <= int_0^t e^{-mu_k (t-s)} ||(T - T^n_{K_0}) r_s|| ds, the limit of ntk.learning_rates' discrete "
    "bound (no second-order remainder). The integral is carried in the ODE's state (dB/dt = -mu_k B + D) under the "
    "solver's error control; norms in L^2 on M fresh uniform points with T f by (1/M) sum_j K(z, z_j) f(z_j), z of "
    "its Monte Carlo standard errors integrated alongside; the projections on 4096 fresh points with z standard "
    "errors at t and at 0 (z from the claim's share of the false-alarm budget, theorems/_budget.py); and the solver's error, estimated by the "
    "difference from a second solve at 100 times the tolerances (rtol 1e-8, atol 1e-10 -> 1e-6, 1e-8), which "
    "over-estimates the first's. The error is the largest ratio of the deviation to this allowance over degrees "
    "and recorded times; the claim holds when it is <= 1.")


def one(predicted, measurement, config):
    return 1.0


flow_rates = Claim(
    id="ntk.flow_rates",
    statement=(
        "Under gradient flow on the MSE in the kernel regime, the projection of the residual on a degree-k spherical "
        "harmonic (in L^2 of the uniform data distribution) decays like e^{-mu_k t} <r_0, phi_k>, mu_k the eigenvalue "
        "of T_K, up to the damped deviations int_0^t e^{-mu_k (t-s)} ||(T - T^n_{K_0}) r_s|| ds. The flow is "
        "integrated with error control (diffrax, Tsit5 with a PID controller) to t_end = S / lambda_max(H/n). "
        + KERNEL_REGIME),
    source=(f"[summary] {BOWMAN}, abstract: gradient flow on the MSE; the network 'learns eigenfunctions of an "
            "integral operator T_K^infty ... at rates corresponding to their eigenvalues'; the proofs use 'Damped "
            "Deviations' (the paper's theorem and equation numbers not confirmed here). [derived] the bound in this "
            "form (variation of constants, THEORY.md sec. 1), its measurement, the kernel-regime linearisation and "
            "the experiment (network, sizes, targets, horizon): the paper reports no experiments, so the setting is "
            f"the suite's own design. {DEEPSPEC}"),
    closed_form=".flow_theory:FLOW_FILTER",
    symbols={"mu": "eigenvalue mu_k of T_K (closed form of ntk.spectrum_sphere)", "t": "flow time"},
    predict=".flow_theory:predict_flow_filter",
    measure=".flow_dynamics:measure_flow_rates",
    configurations=".flow_configurations:flow_batches",
    assumptions=".flow_configurations:flow_assumptions",
    agreement=Agreement(name="max_{k,t} |deviation| / damped-deviations allowance (flow)", error=flow_bound_error,
                        tolerance=one, reason=FLOW_REASON),
    max_examples={"dev": 5, "ci": 5},
    shift=FILTER_RATE,
)


ORDER_REASON = (
    "Derived from Euler's error on the linear flow (theorems/ntk/flow_dynamics.py): on the training set the "
    "linearised model's GD residual is (I - eta A)^N r_0 and the flow's e^{-tA} r_0, A = H_0/n, so in each "
    "eigendirection the error is its first-order part eta e_1 times q(eta lambda, lambda t) = 1 + (2/3 - lambda t/4) "
    "eta lambda + O(eta^2), and ||E(eta)|| = eta ||e_1|| (1 + delta_i) with |delta_i| <= rho_i = sup_{lambda <= "
    "lambda_max(A)} |q - 1| (computed from the measured lambda_max of the empirical Gram matrix), plus eps/e_i for "
    "the flow's solver error eps (the difference from a solve at 100 times the tolerances). The least-squares slope "
    "is sum_i w_i log e_i, so it lies within sum_i |w_i| max(-log(1 - rho_i), log(1 + rho_i)) of the order; the "
    "interval is the fitted slope +- that allowance (no noise: the experiment is deterministic).")

gd_to_flow = Claim(
    id="ntk.gd_to_flow",
    statement=(
        "Gradient descent with step eta is the explicit Euler scheme of the gradient flow: after N = t/eta steps its "
        "training residual is within C eta of the flow's at time t, so the exponent p of ||r_GD - r_flow|| ~ C "
        "eta^p, fitted over eta lambda_max(H/n) = 1/4 .. 1/64 at t = (S/2)/lambda_max(H/n), is 1: the GD forms of "
        "the damped-deviations bound (ntk.learning_rates) tend to the flow's (ntk.flow_rates) as eta -> 0. "
        + KERNEL_REGIME),
    source=(f"[summary] {BOWMAN}: the paper's results are for gradient flow (abstract), the suite's other training "
            "claims for gradient descent; [derived] the convergence of GD to the flow at order 1 (Euler's method; "
            "the per-mode expansion of its error for the linear flow and the allowance built from it) and the "
            "experiment, the suite's own design"),
    closed_form=".flow_theory:EULER_ORDER",
    symbols={},
    predict=".flow_theory:predict_order",
    measure=".flow_dynamics:measure_gd_to_flow",
    configurations=".flow_configurations:flow_batches",
    assumptions=".flow_configurations:flow_assumptions",
    agreement=inside_interval(ORDER_REASON, name="|1 - fitted order| against the Euler-expansion allowance"),
    max_examples={"dev": 5, "ci": 5},
    reuses="ntk.flow_rates",  # the same configurations and flows, shared through the store ntk.flows
)

CLAIMS = (flow_rates, gd_to_flow)
