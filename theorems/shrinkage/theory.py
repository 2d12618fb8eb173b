"""The closed forms of the shrinkage family, their derivations, and how they are evaluated for a configuration.

Reference: S. Lucey (2025), Gradient Descent as a Shrinkage Operator for Spectral Bias, arXiv 2504.18207.
Where the paper's text could not be read, its statements come from the sciencestack.ai summary of
2504.18207 and are marked [summary] in the claims' sources; what is worked out here is marked [derived].

Each closed form is a SymPy expression in the paper's symbols; each ``predict_*(closed_form, config)``
evaluates the closed form it is given (the claim's, or a planted wrong one) for one configuration, through
``sympy.lambdify`` or exact substitution.
"""

from __future__ import annotations

import numpy as np
import sympy

from theorems._claim import Config
from theorems._stats import line
from theorems.shrinkage.network import jacobian_svd, targets

# The paper's symbols.
s, alpha, q = sympy.symbols("s alpha q", positive=True)
p, eps, w = sympy.symbols("p epsilon w", positive=True)
n_, k_, i_ = sympy.symbols("n k i", positive=True, integer=True)


# --- claim 1: the filter ---------------------------------------------------------------------------------------

SHRINKAGE_FILTER = 1 - (1 - alpha * s**2) ** q
"""m(s; alpha, q) = 1 - (1 - alpha s^2)^q, the mask GD puts on the singular value s.

Derivation [derived]: with A = U S V^T, one step w <- w - alpha A^T (A w - y) moves the residual
r = y - A w to (I - alpha A A^T) r = U (I - alpha S^2) U^T r.  From w = 0 the residual after q steps is
U (I - alpha S^2)^q U^T y, so the fitted values are A w_q = y - r_q = sum_i m(s_i) (u_i^T y) u_i (the part of y
outside the range of U is never fitted).  The paper's abstract: 'GD can be reinterpreted as a shrinkage
operator that masks the singular values of a neural network's Jacobian'."""


def predict_filtered_fit(closed_form: sympy.Expr, config: Config) -> np.ndarray:
    """sum_i m(s_i) (u_i^T y) u_i, with m the closed form evaluated through lambdify."""
    U, S, _ = jacobian_svd(config)
    m = sympy.lambdify((s, alpha, q), closed_form, "numpy")
    mask = np.broadcast_to(m(S, float(config["alpha"]), int(config["q"])), S.shape)
    return U @ (mask * (U.T @ targets(config)))


MASK_OVERSHOOT = -(1 - alpha * s**2) ** q
"""m(s) - 1 = -(1 - alpha s^2)^q: how far GD's mask on s lies above 1 (the component's fitted coefficient over the
target's, minus 1).

Derivation [derived]: from :data:`SHRINKAGE_FILTER`.  For 0 <= alpha s^2 <= 1 the factor 1 - alpha s^2 lies in
[0, 1], so m(s) - 1 <= 0 and m(s) in [0, 1], increasing in q: the mask is a shrinkage.  For 1 < alpha s^2 < 2
(allowed below GD's stability limit 2/s_max^2) the factor lies in (-1, 0) and its q-th power alternates in sign:
m(s) - 1 = |1 - alpha s^2|^q > 0 on odd q (the fitted coefficient overshoots the target's) and
-|1 - alpha s^2|^q < 0 on even q, the overshoot shrinking geometrically.  So the mask reads as a shrinkage only
for alpha s_max^2 <= 1."""


def predict_mask_overshoot(closed_form: sympy.Expr, config: Config) -> dict:
    """m(s_i) - 1 of the closed form at each singular value s_i, and alpha s_i^2."""
    S = jacobian_svd(config)[1]
    f = sympy.lambdify((s, alpha, q), closed_form, "numpy")
    a = float(config["alpha"])
    return {"overshoot": np.broadcast_to(np.asarray(f(S, a, int(config["q"])), dtype=np.float64), S.shape),
            "alpha_s2": a * S**2}


# --- claim 2: the bandwidth ------------------------------------------------------------------------------------

BANDWIDTH_DECAY_LAW = (alpha * q) ** (1 / (2 * p))
"""rho ~ (alpha q)^(1/(2p)), the bandwidth law derived from a singular-value decay s_k ~ k^(-p).

Derivation [derived]: the active components of GD after q steps are those with m(s_i) >= 1/2; their number
rho(alpha, q) is the bandwidth.  For 0 < alpha s^2 < 1 the mask increases with s and with q, so component i
becomes active at the crossing step q_i, the smallest q with (1 - alpha s_i^2)^q <= 1/2, and
rho(alpha, q) = #{i : q_i <= q}.  If s_k = C (k - 1/2)^(-p) then the k-th crossing sits at
alpha q_k ~ ln 2 / s_k^2 = (ln 2 / C^2) (k - 1/2)^(2p): rho grows as (alpha q)^(1/(2p))."""

BANDWIDTH_PAPER_LAW = sympy.sqrt(q)
"""rho ~ sqrt(q), the bandwidth law as the paper's summary states it (the decay law at p = 1, the step)."""


def fitted_components(n: int) -> np.ndarray:
    """Indices k = 2 .. n/8 of the components whose crossings the exponents are fitted on.

    k = 1 is left out (its crossing step is a handful of steps, where (1 - x)^q and
    e^(-x q) still differ); k <= n/8 keeps to the continuum regime of the grid: for the
    step activation s_k = 1 / (2 sin((k - 1/2) pi / (2n + 1))) (claim basis_step_exact)
    and the local exponent y cot y of the factor y / sin y stays within 1% of 1 for
    y = (k - 1/2) pi / (2n + 1) <= pi / 16.
    """
    return np.arange(2, n // 8 + 1)


def decay_fit(config: Config) -> dict:
    """The decay exponent p of s_k ~ (k - 1/2)^(-p), fitted on the components of
    :func:`fitted_components` from the SVD of the configuration's Jacobian.

    Least squares of log s_k on log(k - 1/2) (:func:`theorems._stats.line`): ``p`` is minus the slope, ``se``
    its standard error and ``dof`` the residual degrees of freedom.
    """
    S = jacobian_svd(config)[1]
    ks = fitted_components(config["n"])
    fit = line(np.log(ks - 0.5), np.log(S[ks - 1]))
    return {"p": -float(fit.coef[1]), "se": float(fit.se[1]), "dof": fit.dof}


def bandwidth_exponent(closed_form: sympy.Expr, decay_p: float) -> float:
    """d log rho / d log q of a bandwidth law rho(alpha, q), evaluated at the decay exponent p."""
    exponent = sympy.simplify(q * sympy.diff(sympy.log(closed_form), q))
    return float(exponent.subs(p, decay_p))


def predict_bandwidth_exponent(closed_form: sympy.Expr, config: Config) -> float:
    """The law's exponent in q at the decay exponent p fitted from the configuration's spectrum."""
    return bandwidth_exponent(closed_form, decay_fit(config)["p"])


# --- claim 3: the threshold ------------------------------------------------------------------------------------

KAPPA = sympy.sqrt(-sympy.log(eps) / (alpha * q))
"""kappa(eps) = sqrt(-log(eps) / (alpha q)), the singular value that separates kept from shrunk components.

Derivation [derived]: with x = alpha s^2 in [0, 1), 1 - m(s) = (1 - x)^q <= e^(-x q), which is at most eps
when s >= kappa; and log(1 - x) >= -x / (1 - x) gives (1 - x)^q >= e^(-x q / (1 - x)), which for
s < kappa (so x < alpha kappa^2 < 1) exceeds eps^(1 / (1 - alpha kappa^2)).  The form of kappa is the
summary's [summary]; it is the large-q form of the exact threshold :data:`KAPPA_EXACT` [derived], which is why
it needs the second, weaker bound below it."""


def _threshold_split(closed_form: sympy.Expr, config: Config):
    """The threshold kappa a closed form gives for the configuration, with alpha, eps and the components it keeps
    (s_i >= kappa, where alpha s_i^2 <= 1) and shrinks (s_i < kappa)."""
    kappa = float(sympy.lambdify((eps, alpha, q), closed_form, "numpy")(
        float(config["eps"]), float(config["alpha"]), int(config["q"])))
    S = jacobian_svd(config)[1]
    a, e = float(config["alpha"]), float(config["eps"])
    return kappa, a, e, (S >= kappa) & (a * S**2 <= 1), S < kappa


def predict_threshold_bounds(closed_form: sympy.Expr, config: Config) -> dict:
    """Per component, the bound on the residual 1 - m(s_i) that the threshold kappa implies.

    kept (s_i >= kappa, alpha s_i^2 <= 1):  1 - m(s_i) <= eps
    shrunk (s_i < kappa):                  1 - m(s_i) >  eps^(1 / (1 - alpha kappa^2))
    Components with alpha s_i^2 > 1 (possible between 1/s_max^2 and 2/s_max^2) get no bound (NaN).
    """
    kappa, a, e, kept, shrunk = _threshold_split(closed_form, config)
    ak2 = a * kappa**2
    lower = e ** (1.0 / (1.0 - ak2)) if ak2 < 1 else 0.0
    return {"kappa": kappa,
            "upper": np.where(kept, e, np.nan),
            "lower": np.where(shrunk, lower, np.nan)}


KAPPA_EXACT = sympy.sqrt((1 - eps ** (1 / q)) / alpha)
"""kappa_exact(eps) = sqrt((1 - eps^(1/q)) / alpha), the singular value at which GD's residual 1 - m(s) is eps.

Derivation [derived]: for 0 <= alpha s^2 <= 1 the residual 1 - m(s) = (1 - alpha s^2)^q decreases strictly in s,
and (1 - alpha s^2)^q <= eps exactly when 1 - alpha s^2 <= eps^(1/q), i.e. s >= kappa_exact.  So among the
components with alpha s_i^2 <= 1, 1 - m(s_i) <= eps exactly when s_i >= kappa_exact: an exact split, with no
band of uncertain components (compare :data:`KAPPA`).  Large q: eps^(1/q) = exp(log(eps) / q)
= 1 + log(eps) / q + O(q^-2), so alpha kappa_exact^2 = -log(eps) / q - log(eps)^2 / (2 q^2) + O(q^-3) and
kappa_exact = kappa (1 + log(eps) / (4 q) + O(q^-2)) with kappa = sqrt(-log(eps) / (alpha q)) the log form:
kappa_exact < kappa for every q, their ratio tending to 1 as q grows (:func:`kappa_expansion` gives the
expansion in SymPy)."""


def kappa_expansion(order: int = 2) -> sympy.Expr:
    """alpha kappa_exact^2 as a series in 1/q to ``order`` terms (SymPy), for the check that its leading term is
    alpha kappa^2 = -log(eps) / q."""
    u = sympy.symbols("u", positive=True)  # u = 1/q
    expr = (1 - eps**u)
    return sympy.series(expr, u, 0, order + 1).removeO().subs(u, 1 / q)


def predict_threshold_exact(closed_form: sympy.Expr, config: Config) -> dict:
    """Per component, what the exact threshold says of the residual 1 - m(s_i).

    kept (s_i >= kappa_exact, alpha s_i^2 <= 1):  1 - m(s_i) <= eps
    shrunk (s_i < kappa_exact):                  1 - m(s_i) >  eps   (the bound is eps itself: exact)
    Components with alpha s_i^2 > 1 get no bound (NaN): the claim is stated where the mask is a shrinkage.
    """
    kappa, _, e, kept, shrunk = _threshold_split(closed_form, config)
    return {"kappa": kappa,
            "upper": np.where(kept, e, np.nan),
            "lower": np.where(shrunk, e, np.nan)}


# --- claim 4: the basis ----------------------------------------------------------------------------------------

STEP_SINGULAR_VALUE = 1 / (2 * sympy.sin((2 * k_ - 1) * sympy.pi / (2 * (2 * n_ + 1))))
"""s_k = 1 / (2 sin((2k - 1) pi / (2 (2n + 1)))), the k-th singular value of the step activation's Jacobian."""

DST_VECTOR = 2 / sympy.sqrt(2 * n_ + 1) * sympy.sin((2 * k_ - 1) * i_ * sympy.pi / (2 * n_ + 1))
"""d_k(i) = 2 / sqrt(2n + 1) sin((2k - 1) i pi / (2n + 1)), the k-th discrete sine transform (type VII) vector."""

STEP_SVD = sympy.Tuple(STEP_SINGULAR_VALUE, DST_VECTOR)
"""(s_k, u_k(i)) of the step activation's Jacobian on a grid, k, i = 1..n.

Derivation [derived]: for the step activation with biases between grid points (any of the placements:
x_j - h < b_j < x_j), A_ij = [i >= j] is the all-ones lower-triangular matrix L.  Its inverse is the bidiagonal
difference D = I - (shift), so (L L^T)^(-1) = D^T D = tridiag(-1, 2, -1) with its last diagonal entry 1.  With
u(0) = 0 and u(n + 1) = u(n), the vectors u_k(i) = sin(i theta_k) solve D^T D u = (2 - 2 cos theta_k) u
exactly when theta_k = (2k - 1) pi / (2n + 1); sum_i sin^2(i theta_k) = (2n + 1)/4.  Hence
  s_k = 1 / (2 sin((2k - 1) pi / (2 (2n + 1)))),  u_k(i) = 2 / sqrt(2n + 1) sin((2k - 1) i pi / (2n + 1)),
a discrete sine transform (type VII) basis for the fitted values; V = L^T U S^(-1) holds cosines.
(The paper [summary]: monotonic activations' principal components adhere to a DST frequency basis.)"""


def evaluate_basis(expr: sympy.Expr, n: int) -> np.ndarray:
    """The n x n matrix [expr(i, k)] (rows i, columns k) of a closed form in n, k, i, by lambdify."""
    f = sympy.lambdify((n_, k_, i_), expr, "numpy")
    ii, kk = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
    return np.broadcast_to(np.asarray(f(n, kk, ii), dtype=np.float64), (n, n))


def predict_step_svd(closed_form: sympy.Tuple, config: Config) -> dict:
    """The singular values ``sigma`` (k = 1..n) and the n x n basis ``U`` of a closed form (s_k, u_k(i))."""
    n = int(config["n"])
    sigma_expr, vector_expr = closed_form
    sigma = np.broadcast_to(np.asarray(sympy.lambdify((n_, k_), sigma_expr, "numpy")(n, np.arange(1, n + 1)),
                                       dtype=np.float64), (n,))
    return {"sigma": sigma, "U": evaluate_basis(vector_expr, n)}


def predict_dst_basis(closed_form: sympy.Expr, config: Config) -> np.ndarray:
    """The n x n basis [d_j(i)] of the closed form (columns j = 1..n)."""
    return evaluate_basis(closed_form, int(config["n"]))


# --- claim 5: non-monotonic activations ------------------------------------------------------------------------

SINC_BANDWIDTH = 1 / w
"""rho = 1/w: the number of components above the cliff of a sinc activation of width w on [0, 1].

Derivation [derived]: for phi = sinc of width w (jnp.sinc(z / w) = sin(pi z / w) / (pi z / w)) and equispaced
biases (b_j = x_j - c h, c fixed), A_ij = sinc((i - j + c) / (n w)) is a section of a Toeplitz operator whose
symbol is n w e^(i c theta) on |theta| < pi / (n w) and 0 elsewhere (Poisson summation; no aliasing when
n w >= 1).  So s_max <= n w, the flat level, and lambda_i = (s_i / (n w))^2 lie in [0, 1].  Parseval gives
each row of the operator squared norm n w, hence
  T_1 = sum lambda_i = ||A||_F^2 / (n w)^2 = 1/w - E,   E >= 0 the row mass beyond the n columns,
and P = sum lambda_i (1 - lambda_i) = T_1 - ||A^T A||_F^2 / (n w)^4 is the mass of the plunge.  The count
N_tau = #{lambda_i >= tau} = T_1 + sum_{lambda >= tau} (1 - lambda) - sum_{lambda < tau} lambda obeys
  -P / (1 - tau) <= N_tau - T_1 <= P / tau,
because 1 - lambda <= lambda (1 - lambda) / tau above tau and lambda <= lambda (1 - lambda) / (1 - tau) below it.
For alpha s_max^2 <= 1, m(s) >= 1/2 exactly when lambda >= tau(alpha, q) = (1 - 2^(-1/q)) / (alpha (n w)^2)
(:func:`sinc_tau`), so GD's bandwidth rho = N_tau is 1/w, whatever alpha and q, within
  1/w - E - P / (1 - tau) <= rho <= 1/w - E + P / tau            (:func:`sinc_count_band`).
E and P are functions of n, w and the placement (:func:`sinc_edge_and_plunge` computes them from the sinc's
definition), and tau of alpha, q, n, w: the band is the configuration's, not the measured Jacobian's.  For the
sinc of width 1/12 on 32 points (grid placement), E = 0.61 and P = 0.49, so at tau = 1/2 the band is
12 - 1.6 .. 12 + 0.4;
a Jacobian without the cliff (a Gaussian, whose count moves like sqrt(log(1/tau)) / w) leaves it as tau moves.
The count is a trace bound in the manner of Landau's count 2WT of the eigenvalues of time- and band-limiting
above their plunge."""


def sinc_tau(config: Config) -> float:
    """tau(alpha, q) = (1 - 2^(-1/q)) / (alpha (n w)^2): GD's mask reaches 1/2 where (s / (n w))^2 = tau."""
    nw = config["n"] * config["width"]
    return float(-np.expm1(-np.log(2.0) / config["q"]) / (config["alpha"] * nw**2))


r_ = sympy.symbols("r", nonnegative=True, integer=True)

CRAMER_K = sympy.Rational(10865, 10000)
"""K = 1.0865 >= 1.086435..., Cramer's constant: |H_r(x)| e^(-x^2/2) <= K 2^(r/2) sqrt(r!) for the physicists'
Hermite polynomials (Abramowitz & Stegun 22.14.17), i.e. |He_r(z)| e^(-z^2/4) <= K sqrt(r!) for the
probabilists' (He_r(z) = 2^(-r/2) H_r(z / sqrt 2))."""

GAUSSIAN_SINGULAR_BOUND = 2 * CRAMER_K * n_ * (4 * w) ** (-r_) / sympy.sqrt(sympy.factorial(r_))
"""B(r) = 2 K n (4 w)^(-r) / sqrt(r!): a bound on the (r + 1)-th singular value of the Gaussian activation's
Jacobian, s_(r+1) <= B(r), for any biases and any n inputs in [0, 1].

Derivation [derived]: the activation is phi(z) = exp(-z^2 / (2 w^2)) (``numerics.shrinkage.activation``), and
column j of A samples f_j(x) = phi(x - b_j) at the inputs.  Interpolate each f_j in x at the r Chebyshev points
of [0, 1]: the interpolant B_r has rank <= r (its columns lie in the span of the r Lagrange polynomials), and
the interpolation error is at most max |f_j^(r)| / r! * 2 (1/4)^r (the node polynomial of r Chebyshev points on
an interval of length 1 has sup 2 (1/4)^r).  With z = (x - b_j)/w, f_j^(r)(x) = (-1)^r w^(-r) He_r(z) e^(-z^2/2)
and |He_r(z)| e^(-z^2/2) <= |He_r(z)| e^(-z^2/4) <= K sqrt(r!) (:data:`CRAMER_K`), so every entry of A - B_r is at
most 2 K (4 w)^(-r) / sqrt(r!), and s_(r+1)(A) <= ||A - B_r||_2 <= ||A - B_r||_F <= n times that (Weyl).
The bound decays faster than any power of r (and than any exponential), as the Gaussian's spectrum does."""

def predict_gaussian_bandwidth_bound(closed_form: sympy.Expr, config: Config) -> float:
    """R(alpha q) = min{r >= 0 : 2 alpha q B(r)^2 < 1} (at most n), B the closed form: a bound on GD's bandwidth
    after q = ``config["q_powered"]`` steps.

    Derivation [derived]: for 0 <= x = alpha s^2 <= 1, Bernoulli's (1 - x)^q >= 1 - q x gives m(s) <= q alpha s^2,
    so a component with 2 q alpha s^2 < 1 has m < 1/2 and is not active.  If 2 alpha q B(r)^2 < 1 then
    s_(r+1), s_(r+2), ... <= B(r) are all inactive, and rho(alpha, q) <= r.  As B(r) falls like
    exp(-(r/2) log r + r log(1/(4w))), R grows like log(alpha q) / log log(alpha q): slower than any power of
    alpha q, against (alpha q)^(1/(2p)) for a spectrum s_k ~ k^(-p) (claim bandwidth_decay_law).
    """
    n = int(config["n"])
    bound = sympy.lambdify((n_, w, r_), closed_form, "mpmath")
    aq = float(config["alpha"]) * int(config["q_powered"])
    for r in range(n + 1):
        b = float(bound(n, sympy.nsimplify(config["width"]), r))
        if 2.0 * aq * b * b < 1.0:
            return float(r)
    return float(n)


TOEPLITZ_OFFSET = {"grid": 0.5, "shifted": 0.25}
"""c of x_i - b_j = (i - j + c) h for the equispaced bias placements (grid: b_j = x_j - h/2, shifted:
b_j = x_j - h/4; the placements' definitions, written here again so that nothing below reads
:mod:`numerics.shrinkage`)."""


def sinc_edge_and_plunge(config: Config) -> tuple[float, float]:
    """(E, P) of the sinc of width w on the configuration's grid, from n, w and the placement alone.

    The sinc's Jacobian is the Toeplitz section T_ij = sinc((i - j + c) / (n w)), i, j = 1..n, with c the
    placement's offset (:data:`TOEPLITZ_OFFSET`); it is built here from its definition with ``numpy.sinc``,
    not read from the experiment's Jacobian, so that a wrong Jacobian (another activation, another width) in
    the experiment cannot move the tolerance with it.  E = 1/w - ||T||_F^2 / (n w)^2 is the edge loss and
    P = ||T||_F^2 / (n w)^2 - ||T^T T||_F^2 / (n w)^4 = sum lambda (1 - lambda) the plunge mass of
    :data:`SINC_BANDWIDTH`.
    """
    n, wd = int(config["n"]), float(config["width"])
    nw = n * wd
    d = np.subtract.outer(np.arange(n), np.arange(n)) + TOEPLITZ_OFFSET[config["bias"]]
    T = np.sinc(d / nw)
    t1 = float(np.sum(T**2)) / nw**2
    return 1.0 / wd - t1, t1 - float(np.sum((T.T @ T) ** 2)) / nw**4


def sinc_count_band(config: Config) -> tuple[float, float]:
    """(E + P / (1 - tau), P / tau - E): how far below and above the closed form 1/w the exact band
    1/w - E - P / (1 - tau) <= rho <= 1/w - E + P / tau of :data:`SINC_BANDWIDTH` reaches, from the
    configuration alone (:func:`sinc_edge_and_plunge`, :func:`sinc_tau`)."""
    E, P = sinc_edge_and_plunge(config)
    tau = sinc_tau(config)
    return E + P / (1.0 - tau), P / tau - E


def predict_sinc_bandwidth(closed_form: sympy.Expr, config: Config) -> float:
    """The closed form at the configuration's width, substituted exactly (w as a rational)."""
    return float(closed_form.subs(w, sympy.nsimplify(config["width"])))
