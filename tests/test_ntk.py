"""The ntk family: each claim holds, the conventions are pinned, and planted wrong versions are caught."""

import math

import numpy as np
import pytest
import sympy

import theorems
from numerics import ntk as nx
from numerics import sphere
from theorems import ntk

k, d, beta = ntk.k, ntk.d, ntk.beta


# --- conventions ----------------------------------------------------------------------------------

def test_kernel_in_theta_is_the_kernel_in_u():
    for th in np.linspace(0.0, np.pi, 7):
        for b in (0, 1):
            lhs = float(ntk.NTK_THETA.subs({ntk.theta: th, beta: b}))
            rhs = float(ntk.NTK.subs({ntk.u: math.cos(th), beta: b}))
            assert abs(lhs - rhs) < 1e-14
            assert abs(rhs - float(nx.ntk_numpy(math.cos(th), b))) < 1e-14


def test_eigenvalue_is_half_the_cosine_series_coefficient_on_the_circle():
    """a_k = (1/pi) int_{-pi}^{pi} K(cos theta) cos(k theta) d theta = 2 mu_k for k >= 1; a_0 = 2 mu_0 too,
    with the constant term a_0/2 = mu_0."""
    from scipy import integrate
    for degree in (1, 2, 4, 6):
        a_k = integrate.quad(lambda th: nx.ntk_numpy(math.cos(th)) * math.cos(degree * th), -np.pi, np.pi,
                             epsabs=1e-14)[0] / np.pi
        mu_k = ntk.eigenvalue_float(ntk.CIRCLE_EIGENVALUE, 2, degree, 0)
        assert abs(a_k - 2 * mu_k) < 1e-12


def test_theory_md_values_are_twice_this_kernel():
    """THEORY.md: u kappa_0 + kappa_1 on S^1 has mu_0 = 6/pi^2, mu_1 = 1/2, mu_2 = 2*7/(9 pi^2)."""
    values = [ntk.exact_eigenvalue(ntk.CIRCLE_EIGENVALUE, 2, j, 0) for j in range(3)]
    assert [sympy.simplify(2 * v) for v in values] == [6 / sympy.pi**2, sympy.Rational(1, 2),
                                                         14 / (9 * sympy.pi**2)]


def test_sphere_is_s_d_minus_1_in_r_d_and_cao_s9_is_d_10():
    """d is the ambient dimension: N(3, k) = 2k + 1 on S^2 in R^3; Cao et al.'s S^9 (in R^10) is d = 10."""
    assert [sphere.multiplicity(3, j) for j in range(5)] == [1, 3, 5, 7, 9]
    assert [sphere.multiplicity(2, j) for j in range(4)] == [1, 2, 2, 2]
    assert sphere.multiplicity(10, 1) == 10 and sphere.multiplicity(10, 2) == 54
    # The Funk-Hecke formula on S^2 gives mu_1 = 1/6 for this kernel, not the S^3 value 1/8.
    assert ntk.exact_eigenvalue(ntk.FUNK_HECKE_EIGENVALUE, 3, 1, 0) == sympy.Rational(1, 6)
    assert ntk.exact_eigenvalue(ntk.FUNK_HECKE_EIGENVALUE, 4, 1, 0) == sympy.Rational(1, 8)


def test_funk_hecke_on_the_circle_limit_agrees_with_the_circle_formula():
    """The S^1 closed form and the Funk-Hecke quadrature with the Chebyshev polynomial agree."""
    for degree in range(8):
        for b in (0, 1):
            q, _ = ntk.quadrature_eigenvalue(2, degree, b)
            assert abs(q - ntk.eigenvalue_float(ntk.CIRCLE_EIGENVALUE, 2, degree, b)) < 1e-13


def test_odd_degrees_vanish_without_bias_and_return_with_it():
    for dim in (2, 3, 5):
        form = ntk.CIRCLE_EIGENVALUE if dim == 2 else ntk.FUNK_HECKE_EIGENVALUE
        for degree in (3, 5):
            assert ntk.exact_eigenvalue(form, dim, degree, 0) == 0
            assert ntk.eigenvalue_float(form, dim, degree, 1) > 0


def test_trace_identity_on_the_circle():
    """sum_k N(2,k) mu_k = K(1) = (2 + beta)/2; the tail of the exact series is summed by SymPy."""
    for b in (0, 1):
        total = ntk.CIRCLE_EIGENVALUE.subs({k: 0, beta: b}) + 2 * ntk.CIRCLE_EIGENVALUE.subs({k: 1, beta: b})
        j = sympy.Symbol("j", integer=True, positive=True)
        total += 2 * sympy.Sum(((2 * j) ** 2 + 3) / (sympy.pi**2 * ((2 * j) ** 2 - 1) ** 2), (j, 1, sympy.oo))
        total += 2 * sympy.Sum(b / (sympy.pi**2 * (2 * j + 1) ** 2), (j, 1, sympy.oo))
        assert abs(float(total.doit().evalf(30)) - (2 + b) / 2) < 1e-14


# --- the spectrum claims: hold, and planted wrong versions are caught ---------------------------------

@pytest.mark.parametrize("claim", [ntk.spectrum_circle, ntk.spectrum_sphere])
def test_spectrum_single_config_passes_at_round_off(claim):
    config = {"d": 2 if claim is ntk.spectrum_circle else 4, "bias": 1, "k": 3}
    (rec,) = theorems.evaluate_batch(claim, [config], seed=0)
    assert rec["status"] == "pass", rec
    assert rec["error"] < 1e-13


@pytest.mark.slow
@pytest.mark.parametrize("claim", [ntk.spectrum_circle, ntk.spectrum_sphere])
def test_spectrum_holds_on_dev_profile(dev, claim):
    result = theorems.run_claim(claim, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert result["examples"]["pass"] >= 20


def _wrong_circle():
    c = ntk.CIRCLE_EIGENVALUE
    return [
        1.03 * c,                                   # every eigenvalue off by 3 %
        2 * c,                                      # the cosine-series coefficient in place of the eigenvalue
        c.subs(beta, 1 - beta),                     # bias / no-bias kernels swapped (odd degrees wrongly non-zero)
    ]


def _wrong_sphere():
    c = ntk.FUNK_HECKE_EIGENVALUE
    return [
        1.03 * c,                                   # off by 3 %
        c.subs(d, d + 1),                           # Cao's S^d convention read as S^{d-1}
        c.subs(beta, 0),                            # the trained bias ignored: odd degrees wrongly zero
    ]


@pytest.mark.slow
@pytest.mark.parametrize("claim,wrong", [(ntk.spectrum_circle, w) for w in _wrong_circle()]
                         + [(ntk.spectrum_sphere, w) for w in _wrong_sphere()])
def test_spectrum_wrong_closed_form_is_falsified(dev, claim, wrong):
    result = theorems.run_claim(claim.with_closed_form(wrong), dev, seed=0)
    assert result["verdict"] == theorems.FALSIFIED
    assert len(result["counterexample"]) == 1
    worst = result["worst"]
    assert worst["error"] > worst["tolerance"]


# --- the training claims: one pinned batch through the runner (the whole claims run in `verify`) ---------

def _pinned(claim, batch):
    """The claim with its strategy replaced by one fixed batch: run_claim then measures exactly this batch,
    and a failing batch is its own (already minimal) counterexample."""
    from hypothesis import strategies as st
    import dataclasses
    return dataclasses.replace(claim, configurations=lambda profile: st.just(tuple(batch)))


LR_BATCH = [
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 0, "degrees": "1,2,4", "amplitudes": "1,1,1",
     "eta_frac": 0.3, "seed": 0},
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 1, "degrees": "0,1,2", "amplitudes": "1,3,5",
     "eta_frac": 0.5, "seed": 1},
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 0, "degrees": "1,2,3", "amplitudes": "5,3,1",
     "eta_frac": 0.1, "seed": 2},
    {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 1, "degrees": "1,2,4", "amplitudes": "1,3,5",
     "eta_frac": 0.7, "seed": 3},
]


def test_learning_rate_past_stability_limit_is_out_of_scope():
    config = {**LR_BATCH[0], "eta_frac": 1.0}
    assert "stability limit" in ntk.learning_rates.assumptions(config)
    assert ntk.learning_rates.assumptions(LR_BATCH[0]) is None


def test_zero_odd_eigenvalue_keeps_degree_3_residual_at_the_bound():
    """Without bias mu_3 = 0: the prediction for the degree-3 projection is constant, (1 - eta * 0)^t = 1."""
    pred = ntk.predict_filter(ntk.GD_FILTER, LR_BATCH[2])
    assert np.all(pred[:, 2] == 1.0)
    assert np.all(np.diff(pred[:, 0]) < 0)


@pytest.mark.slow
def test_learning_rates_hold_and_wrong_rates_are_falsified(dev):
    eta_, mu_, t_ = ntk.eta, ntk.mu, ntk.t
    claim = _pinned(ntk.learning_rates, LR_BATCH)
    result = theorems.run_claim(claim, dev, seed=0, examples=1)
    assert result["verdict"] == theorems.HOLDS, result["worst"]
    for wrong in ((1 - eta_ / 4) ** t_,           # a rate that ignores the eigenvalue (mu_0 for every degree)
                  (1 - 2 * eta_ * mu_) ** t_):    # the cosine-series coefficient 2 mu_k as the rate
        result = theorems.run_claim(claim.with_closed_form(wrong), dev, seed=0, examples=1)
        assert result["verdict"] == theorems.FALSIFIED
        worst = result["worst"]
        assert worst["error"] > worst["tolerance"]


IDENTITY_BATCH = [{"n": 32, "m": 64, "d": 3, "steps": 60, "bias": b, "degrees": "1,2,4", "amplitudes": "1,3,5",
                   "eta_frac": f, "seed": s} for b, f, s in ((0, 0.3, 0), (1, 0.6, 1), (0, 0.9, 2))]


@pytest.mark.slow
def test_damped_deviations_identity_holds_and_wrong_damping_is_falsified(dev):
    eta_, lam_, tau_ = ntk.eta, ntk.lam, ntk.tau
    claim = _pinned(ntk.damped_deviations_identity, IDENTITY_BATCH)
    result = theorems.run_claim(claim, dev, seed=0, examples=1)
    assert result["verdict"] == theorems.HOLDS, result["worst"]
    assert result["worst"]["error"] < 1e-10
    for wrong in ((1 - eta_ * lam_) ** (tau_ + 1),       # one damping step too many
                  sympy.exp(-eta_ * lam_ * tau_),         # gradient flow's factor in discrete time
                  (1 - eta_ * 1.03 * lam_) ** tau_):      # eigenvalue off by 3 %
        result = theorems.run_claim(claim.with_closed_form(wrong), dev, seed=0, examples=1)
        assert result["verdict"] == theorems.FALSIFIED
        assert result["worst"]["error"] > result["worst"]["tolerance"]


GRAM_BATCH = [{"axis": a, "grid": "dev", "fixed_n": 128, "reps": 4, "d": d_, "bias": b, "seed": s}
              for a, d_, b, s in (("n", 3, 0, 0), ("m", 4, 1, 1))]


def test_population_top_eigenvalues_dominate_every_higher_degree():
    """population_top keeps degrees <= 2; every mu_k, k >= 3, is below mu_2 for d = 3, 4, 5."""
    for dim in (3, 4, 5):
        for b in (0, 1):
            mu2 = ntk.eigenvalue(dim, 2, b)
            assert all(ntk.eigenvalue(dim, kk, b) < mu2 for kk in range(3, 9))
            assert ntk.population_top(dim, b).size == sum(sphere.multiplicity(dim, kk) for kk in range(3))


@pytest.mark.slow
def test_gram_spectrum_rate_holds_and_wrong_exponents_are_falsified(dev):
    claim = _pinned(ntk.gram_spectrum, GRAM_BATCH)
    result = theorems.run_claim(claim, dev, seed=0, examples=1)
    assert result["verdict"] == theorems.HOLDS, result["worst"]
    for wrong in (sympy.Integer(-1), sympy.Integer(0)):   # 1/n (as for a bias), no convergence
        result = theorems.run_claim(claim.with_closed_form(wrong), dev, seed=0, examples=1)
        assert result["verdict"] == theorems.FALSIFIED


# --- the decay law -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_decay_law_holds_on_dev_profile(dev):
    result = theorems.run_claim(ntk.decay_law, dev, seed=0)
    assert result["verdict"] == theorems.HOLDS
    assert result["examples"]["pass"] >= 20


@pytest.mark.slow
@pytest.mark.parametrize("wrong", [
    -d - 1,              # Cao et al.'s k^{-d-1} with their S^d read as our S^{d-1}
    -(d - 1),            # one power too slow
    -sympy.Rational(103, 100) * d,   # exponent off by 3 %
])
def test_decay_law_wrong_exponent_is_falsified(dev, wrong):
    batch = [{"d": 3, "bias": 0, "parity": "even", "shift": 0}, {"d": 5, "bias": 1, "parity": "odd", "shift": 2}]
    result = theorems.run_claim(_pinned(ntk.decay_law, batch).with_closed_form(wrong), dev, seed=0, examples=1)
    assert result["verdict"] == theorems.FALSIFIED
    assert result["worst"]["error"] > result["worst"]["tolerance"]


def test_decay_law_skips_vanishing_odd_degrees_without_bias():
    assert "mu_k = 0" in ntk.decay_law.assumptions({"d": 3, "bias": 0, "parity": "odd", "shift": 0})
    assert ntk.decay_law.assumptions({"d": 3, "bias": 1, "parity": "odd", "shift": 0}) is None


# --- Cao et al.'s experiment and non-uniform data ---------------------------------------------------------

CAO_BATCH = [{"d": 10, "degrees": "1,2,4", "bias": 0, "n": 512, "m": 512, "M": 1024, "steps": 64,
              "amplitudes": a, "eta_frac": f, "seed": s}
             for a, f, s in (("1,1,1", 0.3, 0), ("1,3,5", 0.3, 1), ("1,1,1", 0.7, 2), ("1,3,5", 0.7, 3))]


def test_cao_sphere_is_s9_in_r10_with_mu1_one_twentieth():
    assert ntk.eigenvalue(10, 1, 0) == pytest.approx(1 / 20, abs=1e-15)
    mus = [ntk.eigenvalue(10, kk, 0) for kk in (1, 2, 4)]
    assert mus[0] > mus[1] > mus[2] > 0


@pytest.mark.slow
def test_cao_experiment_holds_and_a_rate_ignoring_the_eigenvalue_is_falsified(dev):
    eta_, mu_, t_ = ntk.eta, ntk.mu, ntk.t
    claim = _pinned(ntk.cao_experiment, CAO_BATCH)
    result = theorems.run_claim(claim, dev, seed=0, examples=1)
    assert result["verdict"] == theorems.HOLDS, result["worst"]
    for wrong in ((1 - eta_ / 20) ** t_,            # every degree at degree 1's rate mu_1 = 1/20
                  (1 - 2 * eta_ * mu_) ** t_):       # twice the eigenvalue (cosine-series convention)
        result = theorems.run_claim(claim.with_closed_form(wrong), dev, seed=0, examples=1)
        assert result["verdict"] == theorems.FALSIFIED


@pytest.mark.slow
def test_nonuniform_claim_catches_a_rate_ignoring_the_eigenvalue(dev):
    eta_, t_ = ntk.eta, ntk.t
    batch = [{**LR_BATCH[0], "concentration": c, "seed": i} for i, c in enumerate((0.0, 0.5, 1.0, 2.0))]
    claim = _pinned(ntk.nonuniform_data, batch)
    assert theorems.run_claim(claim, dev, seed=0, examples=1)["verdict"] == theorems.HOLDS
    result = theorems.run_claim(claim.with_closed_form((1 - eta_ / 4) ** t_), dev, seed=0, examples=1)
    assert result["verdict"] == theorems.FALSIFIED
