"""Gradient descent as a shrinkage operator (Lucey 2025, arXiv 2504.18207).

Setting: a one-dimensional shallow network f(x) = sum_j w_j phi(x - b_j) with
fixed biases and learned weights, inputs on a grid of n points in [0, 1].  The
Jacobian A_ij = phi(x_i - b_j) = U S V^T (singular values s_i, left singular
vectors u_i).  Gradient descent on (1/2) ||A w - y||^2 from w = 0 with learning
rate alpha for q steps acts on y through the singular values of A only.

GD's mask on the singular value s is m(s) = 1 - (1 - alpha s^2)^q.  The claims:

1. filter_exact: the fitted values of q GD steps are sum_i m(s_i) (u_i^T y) u_i.
   sign_alternation: m is a shrinkage (0 <= m <= 1) only where alpha s^2 <= 1; for 1 < alpha s^2 < 2 the
   fitted coefficient overshoots the target's on odd q and stays below on even q.
2. bandwidth_decay_law / bandwidth_sqrt_q: the bandwidth rho = #{i : m(s_i) >= 1/2}
   grows as (alpha q)^(1/(2p)) when s_k ~ k^(-p) (derived), against the paper's
   rho ~ sqrt(q).
3. threshold_kappa: kappa(eps) = sqrt(-log(eps)/(alpha q)), the large-q form of the exact threshold, splits the
   components into those with 1 - m <= eps and those with 1 - m > eps^(1/(1 - alpha kappa^2)).
   threshold_exact: kappa_exact(eps) = sqrt((1 - eps^(1/q))/alpha) splits them exactly (1 - m <= eps or > eps).
4. basis_step_exact / basis_monotonic_dst: for the step activation the SVD is a
   discrete sine transform in closed form; for monotonic activations the active
   principal components sit at their own DST frequency.
5. sinc_cliff: for a sinc of width w the spectrum is flat then falls off a cliff,
   and GD's bandwidth is 1/w whatever alpha and q, within a band set by the configuration.
   gaussian_bandwidth: for a Gaussian of width w the singular values decay faster than any power (a derived
   bound), so GD's bandwidth grows at most like log(alpha q) / log log(alpha q).

A configuration holds (each claim uses the keys it needs; ``configurations.KEYS``
declares them with their domains):
    n            grid size (also the number of neurons)
    bias         bias placement: grid, shifted or jittered (see numerics.shrinkage.biases)
    bias_seed    seed of the jittered placement
    activation   step, relu, sigmoid, softplus (monotonic); gaussian, sinc (not)
    width        scale of the smooth activations
    alpha        learning rate
    alpha_fraction
                 alpha s_max^2, where alpha was drawn relative to the spectrum (past 1 for sign_alternation)
    q            number of gradient-descent steps
    q_powered    number of gradient-descent steps of gaussian_bandwidth (up to 10^6: it powers GD's one-step map)
    eps          residual level of the threshold kappa(eps)
    frequency, noise, target_seed
                 the target y_i = sin(2 pi k x_i) + noise * N(0, 1)

The package, one topic a module (the model to copy when adding a theorem family):

    claims.py          the claims in the paper's order, with their agreement metrics and tolerances;
                       imports neither JAX, SymPy, Hypothesis nor SciPy (heavy fields are references)
    claims_nonmonotonic.py
                       the claims on non-monotonic activations (sinc, Gaussian), listed in claims.CLAIMS
    source.py          the paper, as the claims' sources name it
    theory.py          the SymPy closed forms, their derivations, and the ``predict_*`` functions
    network.py         the network of the setting: its Jacobian A, the SVD of A, the targets y
    configurations.py  the Hypothesis strategies, the assumption predicates and ``KEYS``
    experiments.py     the ``measure_*`` experiments (real gradient descent in JAX, numerics.shrinkage)
    planted.py         ``PLANTED``: wrong versions of each claim that the suite must catch
    NOTES.md           measured figures and run logs, for a researcher

The figures are in ``reports/shrinkage.py``.
"""

from theorems.shrinkage.claims import CLAIMS

__all__ = ["CLAIMS"]
