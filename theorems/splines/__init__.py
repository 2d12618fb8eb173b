"""Spline proximity of wide shallow ReLU networks at rate n^{-1/2} (Jin & Montufar, JMLR 24, 2023).

Setting (paper, Sec. 2 and Thm. 1): f(x, theta) = sum_{i=1}^n W2_i relu(W1_i x + b1_i) + b2 in
the standard parametrisation, W1_i ~ W, b1_i ~ B, W2_i = n^{-1/2} W^(2), b2 = n^{-1/2} B^(2), with
the anti-symmetric initialisation (ASI, App. B.2) so that f(., theta_0) = 0.  Full-batch gradient
descent on L = (1/M) sum_j (1/2)(f(x_j) - y_j)^2 for every parameter, at a step inside the
stability limit 2 M / lambda_max(J J^T) of the empirical NTK Gram matrix, run to zero training
error.  Theorem 1: there are u, v such that on the adjusted data (x_j, y_j - u x_j - v) the
trained network satisfies sup_{x in S} |f(x, theta*) - g*(x)| = O_p(n^{-1/2}), where g* solves

    min_{g in C^2(S)} int_S (g''(x))^2 / zeta(x) dx   s.t.   g(x_j) = y_j - u x_j - v,

zeta(x) = int |W|^3 p_{W,B}(W, -W x) dW = p_C(x) E[W^2 | C = x] with C = -B/W (Prop. 14), and
S = supp(zeta) cap [min x_j, max x_j].  The pair (u, v) is the free affine part of problem (22)
(Thm. 13): the minimum-norm interpolant in the infinite-width output-layer kernel with an
unpenalised affine term; numerics.splines computes it and g* from zeta.

The family's modules: ``theory`` (the closed forms, derived in SymPy, and the predictions), ``configurations``
(strategies, assumptions, ``KEYS``), ``data`` (the data sets), ``limits`` (g* and the problems the networks are
trained on), ``rates`` (the rate experiments), ``trajectories`` (Remark 5), ``experiments`` (zeta by Monte Carlo,
Corollary 4), ``multid`` (d inputs with Gaussian initialisation: Theorem 19's zeta(V, c) and its Monte Carlo
estimate), ``claims`` (with ``claims_limits``, ``claims_networks`` and ``claims_multid``), ``planted`` (wrong
versions each claim must catch, with ``planted_multid``).  NOTES.md holds the calibration runs behind the sizes
and levels.
"""

from theorems.splines.claims import CLAIMS

__all__ = ["CLAIMS"]
