"""NTK eigenfunctions and per-degree learning rates (Bowman & Montufar 2022; Cao, Fang, Wu, Zhou, Gu 2019).

Network, for every claim of this family but Cao et al.'s experiment and Theorem 4.2 (ntk.cao_experiment,
ntk.cao_block_bound: their network f_W(x) = sqrt(m) W_2 relu(W_1 x) with He initialisation and kernel
K_Cao(u) = u kappa_0(u)/2 + kappa_1(u), see cao_training.py) (numerics/ntk.py): the two-layer ReLU network in
the NTK parametrisation

    f(x) = m^{-1/2} sum_{l=1}^m a_l relu(<w_l, x> + b_l),   a_l ~ N(0,1), w_l ~ N(0, I_d), b_l = 0,

a and W trained, b trained when ``bias = 1``; antisymmetric initialisation (f_0 = 0).  Inputs x on
S^{d-1} in R^d (``d`` is the ambient dimension; Cao et al.'s S^d is our d + 1).  Its NTK, u = <x, x'>:

    K(u) = (1/2) [kappa_1(u) + (u + beta) kappa_0(u)],   beta = bias in {0, 1},
    kappa_0(u) = (pi - arccos u)/pi,   kappa_1(u) = (u (pi - arccos u) + sqrt(1 - u^2))/pi.

Spectrum: T f(x) = E_{s ~ rho}[K(<x, s>) f(s)] with rho uniform on S^{d-1}; by Funk-Hecke the degree-k
spherical harmonics are eigenfunctions with eigenvalue

    mu_k = (omega_{d-2}/omega_{d-1}) int_0^pi K(cos theta) P_k^{(d)}(cos theta) sin^{d-2} theta d theta,

P_k^{(d)} the Gegenbauer polynomial normalised to P_k^{(d)}(1) = 1, multiplicity N(d, k).  mu_k is the
operator eigenvalue; the cosine-series coefficient of K on S^1 is 2 mu_k for k >= 1.

Dynamics: GD with step eta on (1/2n) sum_i (f(x_i) - y_i)^2.  The residual r_t = f_t - f* obeys
r_{t+1} = (I - eta T) r_t + eta (T - T^n_{K_t}) r_t + rho_t (rho_t the second-order remainder), so its
projection on a unit harmonic phi_k of degree k satisfies the damped-deviations bound

    |<r_t, phi_k> - (1 - eta mu_k)^t <r_0, phi_k>|
        <= sum_{s<t} |1 - eta mu_k|^{t-1-s} (eta ||(T - T^n_{K_s}) r_s|| + ||rho_s||).

Gradient flow (ntk.flow_rates, ntk.gd_to_flow; the network linearised at its initialisation, integrated by
diffrax): d r_t/dt = -T^n_{K_0} r_t, and the bound's limit eta -> 0,
|<r_t, phi_k> - e^{-mu_k t} <r_0, phi_k>| <= int_0^t e^{-mu_k (t-s)} ||(T - T^n_{K_0}) r_s|| ds; GD is its explicit
Euler scheme, within O(eta) of it at a fixed time.

A configuration holds some of:
    d        ambient dimension (the sphere is S^{d-1})
    k        degree of a spherical harmonic
    bias     1 when the bias b is trained (kernel with beta = 1), else 0
    n, m     training-set size and width
    eta_frac learning rate as a fraction of the stability limit 2/lambda_max(H/n)
    degrees, amplitudes   the target f* = sum_j A_j phi_{k_j}
    seed     seed of the data, poles and fresh points
    block    Theorem 4.2's block: the first k distinct eigenvalues of Cao's kernel (degrees 0..k-1 on S^9)
    target   Theorem 4.2's labels: Cao's target scaled to max |y| = 1 (cao111, cao135), or random signs
    horizon  the gradient flow's S: it runs to t_end = S / lambda_max(H/n)
"""

from theorems.ntk.claims import CLAIMS

__all__ = ["CLAIMS"]
