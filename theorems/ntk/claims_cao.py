"""The claims on Cao et al.'s network: their experiment (ntk.cao_experiment) and Theorem 4.2's block bound
(ntk.cao_block_bound), with their agreement metrics and the reasons for their tolerances; the experiments are in
:mod:`theorems.ntk.cao_training` and :mod:`theorems.ntk.cao_block`."""

from __future__ import annotations

from theorems import _budget
from theorems._claim import Agreement, Claim, Config, Measurement
from theorems._resolution import RATE
from theorems.ntk.claims import CAO, one


# --- claim: Cao et al.'s experiment on their network (S^9 in R^10, degrees 1, 2, 4) --------------------------

CAO_NETWORK = (
    "Network: Cao et al.'s f_W(x) = sqrt(m) W_2 relu(W_1 x), W_1 ~ N(0, 2/m), W_2 ~ N(0, 1/m) (He), both layers "
    "trained by full-batch GD, no bias, paired antisymmetrically so that f_0 = 0; its tangent kernel is m K_Cao, "
    "K_Cao(u) = u kappa_0(u)/2 + kappa_1(u).")


def _cao_rate_error(predicted, measurement: Measurement, config: Config) -> float:
    from theorems.ntk.cao_training import rate_error

    return rate_error(predicted, measurement, config)


CAO_RATE_REASON = (
    "Error: the largest of (a) |fitted rate - predicted rate| / allowance for degrees 1 and 2; (b) |r(q0_k) - "
    "r(q_k)| / (z se) for each degree, the network's initial tangent kernel against the exact kernel on the "
    "sampled vector (a Monte Carlo check: m/2 independent neuron pairs, the standard error from other "
    "initialisations' pairs); (c) for degree 4, where it is measured, the fitted rate's distance from the band "
    "[r(lambda_min(H/n)), r(q_4)], widened to the same fits to GD linearised at the network's first and last "
    "tangent kernels, / its interval's half-width; infinite "
    "when the learning order breaks (fitted rates not r_1 > r_2 > r_4); the claim holds when it is <= 1. "
    "Allowance [derived]: the half-width of the fitted rate's t-interval at level 1 - "
    f"{1 - min(_budget.level('ntk.cao_experiment', s) for s in _budget.SCALES):.2g} (the claim's share of the run's "
    "false-alarm budget, Bonferroni over its tests, theorems/_budget.py), plus the sample's leakage |r^H_k - "
    "r(mu_k)| (mu_k by quadrature on the experiment's side, not the prediction's; r^H_k the same fit to GD "
    "linearised at the exact kernel on the sample), plus the width |r^{H_0}_k - r^H_k| (GD "
    "linearised at the network's initial tangent kernel) and the kernel's drift |r^{H_T}_k - r^{H_0}_k| (its "
    "tangent kernel at the last step); z = "
    f"{max(_budget.z('ntk.cao_experiment', s) for s in _budget.SCALES):.2f}. Degree 4 is judged against the band "
    "the sample allows, not mu_4: at n = 512 lambda_min(H/n) exceeds mu_4 (1.3 to 1.6 times) and the r_k = 780 "
    "harmonics of degree <= 4 exceed n, outside Theorem 4.2's assumptions; r(mu_4) and mu_2/mu_4 are reported.")

cao_experiment = Claim(
    id="ntk.cao_experiment",
    statement=(
        "Cao et al.'s experiment on their network: inputs uniform on S^9 in R^10, target A_1 P_1 + A_2 P_2 + A_4 "
        "P_4 (unit-norm zonal harmonics about random poles), amplitudes (1,1,1) or (1,3,5), GD with eta m = "
        "eta_frac x 2 / lambda_max(H_Cao/n), eta_frac in {0.25, 0.5, 0.75}; the projection |v_k^T (y - f_t(X))| "
        "on each degree's normalised sampled vector v_k falls at the rate r_k = -log(1 - eta m mu_k) per step "
        "for k = 1, 2 (mu_k the exact eigenvalue of K_Cao on S^9: mu_1/mu_2 = 13.23, mu_2/mu_4 = 100.42), "
        "within the sample's and the width's leakage; degree 1 is learned first, then 2, then 4; degree 4 falls "
        "within the band the sample allows, [r(lambda_min(H/n)), r(v_4^T (H/n) v_4)]; the network's initial "
        "tangent kernel agrees with K_Cao within its Monte Carlo error. Target terms A_k P_k(<zeta_k, x>) with "
        "P_k(1) = 1. dev: n = m = 512, 200 steps; thorough: their n = 1000 and width 4096. " + CAO_NETWORK),
    source=(f"[summary] {CAO}, abstract ('each direction has its own convergence rate and the rate is determined "
            "by the corresponding eigenvalue ... lower degree spherical harmonics are easier to be learned') and "
            "Sec. 5, the experiment (S^9, n = 1000, width 4096, degrees 1, 2, 4, amplitudes (1,1,1) and (1,3,5), "
            "|v_k^T (y - yhat)| on a log scale; THEORY.md sec. 1, a third-party reading of arXiv v3); [summary] the "
            "network and He initialisation and the target's Gegenbauer terms P_k(<zeta_k, x>) (THEORY.md sec. 1; "
            "P_k(1) = 1 is the suite's reading of 'Gegenbauer polynomial'); [derived] the kernel K_Cao and its exact "
            "eigenvalues (ntk.cao_spectrum), the rate -log(1 - eta m mu_k) of GD in the kernel regime, the "
            "antisymmetric pairing, the step sweep (their step and step count are not known), the fit window, the "
            "allowances, and the degree-4 band"),
    closed_form=".theory:CAO_RATE",
    symbols={"eta": "eta m, the step in units of the kernel (eta_frac x 2 / lambda_max(H_Cao/n))",
             "d": "ambient dimension 10 (Cao's S^9)", "k": "degree 1, 2, 4", "beta": "0 (no bias)",
             "theta": "angle, u = cos theta"},
    predict=".cao_training:predict_rates",
    measure=".cao_training:measure_cao_experiment",
    configurations=".configurations:cao_batches",
    assumptions=".configurations:cao_assumptions",
    agreement=Agreement(name="max_k |fitted rate - r_k| / allowance (degree 4: distance from its band)",
                        error=_cao_rate_error, tolerance=one, reason=CAO_RATE_REASON),
    shift=RATE,
    max_examples={"dev": 5, "ci": 5},
)


# --- claim: Cao et al.'s Theorem 4.2, the block bound -------------------------------------------------------

def _block_error(predicted, measurement: Measurement, config: Config) -> float:
    from theorems.ntk.cao_block import block_error

    return block_error(predicted, measurement, config)


def _block_tolerance(predicted, measurement: Measurement, config: Config) -> float:
    from theorems.ntk.cao_block import block_tolerance

    return block_tolerance(predicted, measurement, config)


cao_block_bound = Claim(
    id="ntk.cao_block_bound",
    statement=(
        "Cao et al. Thm 4.2: for the top-r_k eigenspace block of K_Cao (r_k the total multiplicity of the first k "
        "distinct eigenvalues; on S^9 the degrees 0..k-1, r_k = 1, 11, 65) and V_{r_k} the sampled "
        "eigenfunctions n^{-1/2} (phi_j(x_1), ..., phi_j(x_n)), GD on their network with the step absorbed "
        "(eta m = 1) gives n^{-1/2} ||V_{r_k}^T (y - yhat(t))|| <= 2 (1 - lambda_{r_k})^t n^{-1/2} ||V_{r_k}^T y|| "
        "+ eps for labels |y_i| <= 1. eps is measured (the smallest eps for which the bound holds over the run, "
        "T = 300 steps on dev, 800 on thorough) and must not exceed, step by step, what the theorem's eps stands "
        "for, each measured: the damped deviations (the network against its kernel on the same sample), the "
        "kernel dynamics' leakage outside the sample's top-r_k eigenspace, the part of y inside that eigenspace "
        "which V_{r_k} does not see, and the excess where a sampled eigenvalue of the block lies below "
        "lambda_{r_k}. n = m = 512 on dev. " + CAO_NETWORK),
    source=(f"[summary] {CAO}, Thm 4.2 (THEORY.md sec. 1, a third-party reading of arXiv v3, confirmed by a second "
            "one: the bound, its factor 2, the block at multiplicity boundaries, the step absorbed by eta = "
            "O~(1/(m theta^2)) with the output scaled by theta = O~(eps)); [derived] theta = 1 with the "
            "antisymmetric pairing in place of a small theta, the step count T, the labels (Cao's target scaled to "
            "max |y| = 1, random signs), and the split of eps into damped deviations and leakage"),
    closed_form=".theory:CAO_BLOCK_BOUND",
    symbols={"t": "GD step", "Y": "n^{-1/2} ||V_{r_k}^T y||", "d": "ambient dimension 10",
             "k": "degree of the block's smallest eigenvalue (k - 1 for block k)", "beta": "0 (no bias)",
             "theta": "angle, u = cos theta"},
    predict=".cao_block:predict_block",
    measure=".cao_block:measure_block_bound",
    configurations=".configurations:block_batches",
    assumptions=".configurations:block_assumptions",
    agreement=Agreement(name="max_t (eps_t - damped deviation_t - leakage_t - unseen_t - eigenvalue excess_t)_+ "
                             "/ n^{-1/2}||y||",
                        error=_block_error, tolerance=_block_tolerance,
                        reason=("Error: the largest amount, over the steps, by which the measured eps_t = "
                                "n^{-1/2}||V^T (y - yhat(t))|| - 2 (1 - lambda_{r_k})^t n^{-1/2}||V^T y|| exceeds "
                                "the damped deviation D_t, the leakage S_t, the unseen part L_t and the eigenvalue "
                                "excess P_t, relative to n^{-1/2}||y|| (n^{-1/2}||V^T y|| can be 0). By the "
                                "triangle inequality eps_t <= D_t + S_t + L_t + P_t wherever the rest of the kernel "
                                "dynamics inside the block decays as the theorem says, so the tolerance is "
                                "round-off: 64 (T + 1) eps [derived].")),
    max_examples={"dev": 5, "ci": 5},
)
