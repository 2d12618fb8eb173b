"""d inputs with Gaussian initialisation: the curvature density zeta(V, c) of Theorem 6 (Prop. 18, Theorem 19).

For W ~ N(0, sigma_w^2 I_d) and B ~ N(0, sigma_b^2) independent, a hidden unit's kink is the hyperplane
{x : <V, x> = C} with U = ||W||, V = W / U on S^{d-1} and C = -B / U, and Theorem 6's penalty weights the Radon
transform of (-Delta)^{(d+1)/2} (g - f_0) by 1 / zeta(V, c), zeta(V, c) = p_{V,C}(V, c) E[U^2 | V = V, C = c].
Proposition 18 writes it as int_0^inf u^{d+2} p_{W,B}(u V, -u c) du (the Jacobian of (u, V, c) -> (u V, -u c) is
u^d); for the Gaussian law the integrand depends on V only through ||V|| = 1, so zeta does not depend on the
direction, and SymPy integrates it for a symbolic dimension d: Theorem 19's

    zeta(V, c) = sigma_w^3 sigma_b^{d+2} Gamma((d+3)/2) / (pi^{(d+1)/2} (sigma_b^2 + c^2 sigma_w^2)^{(d+3)/2}),

a density on S^{d-1} x R with respect to the surface measure dV times dc.

The experiment estimates zeta(V, c) from draws of (W, B) (numerics.splines.hyperplane_histogram): on K bands of
equal area across the sphere, {t_{k-1} <= <V, e> < t_k} about an axis e drawn per configuration, and a bin of
width h about each offset c, the mean of U^2 1{V in band} 1{|C - c| < h/2} / (h |S^{d-1}| / K).  The bands check
that zeta does not depend on V (the law of V is uniform and independent of C given the weight) as well as its
value in c.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy
from hypothesis import strategies as st

from theorems._cache import cached
from theorems._claim import Config, Measurement, Profile
from theorems._strategies import batches, rounded, seeds

# --- the closed form, derived in SymPy from Proposition 18's integral ------------------------------------

d = sympy.Symbol("d", positive=True, integer=True)
c = sympy.Symbol("c", real=True)
sigma_w, sigma_b = sympy.symbols("sigma_w sigma_b", positive=True)
_u = sympy.Symbol("u", positive=True)


def hyperplane_density(radial_weight: sympy.Expr) -> sympy.Expr:
    """int_0^inf u^d radial_weight(u) p_W(u V) p_B(-u c) du for W ~ N(0, sigma_w^2 I_d), B ~ N(0, sigma_b^2)
    independent, in closed form for a symbolic d.  p_W(u V) = (2 pi sigma_w^2)^{-d/2} exp(-u^2 / (2 sigma_w^2))
    since ||V|| = 1: the result does not depend on V.  radial_weight = u^2 gives zeta (Prop. 18); 1 gives the
    density p_{V,C} of the hyperplanes' parameters alone."""
    p_w = sympy.exp(-_u**2 / (2 * sigma_w**2)) / (2 * sympy.pi * sigma_w**2) ** (d / 2)
    p_b = sympy.exp(-(_u * c) ** 2 / (2 * sigma_b**2)) / sympy.sqrt(2 * sympy.pi * sigma_b**2)
    return sympy.simplify(sympy.integrate(_u**d * radial_weight * p_w * p_b, (_u, 0, sympy.oo), conds="none"))


ZETA_MULTID = hyperplane_density(_u**2)
"""zeta(V, c) = int_0^inf u^{d+2} p_{W,B}(u V, -u c) du for the Gaussian law (Prop. 18, eq. (118)), derived here;
tests/test_splines.py checks it is Theorem 19's printed form."""

THEOREM_19 = (sigma_w**3 * sigma_b ** (d + 2) * sympy.gamma((d + 3) / 2)
              / (sympy.pi ** ((d + 1) / 2) * (sigma_b**2 + c**2 * sigma_w**2) ** ((d + 3) / 2)))
"""Theorem 19 as printed in the paper (the prediction uses the derivation ZETA_MULTID)."""

@cached(maxsize=32)
def _zeta_callable(expr: sympy.Expr, dim: int, s_w: float, s_b: float):
    f = sympy.lambdify(c, sympy.sympify(expr).subs({d: dim, sigma_w: s_w, sigma_b: s_b}), "numpy")
    return lambda v: np.broadcast_to(np.asarray(f(np.asarray(v, dtype=np.float64)), dtype=np.float64), np.shape(v))


def zeta_of(expr, config: Config):
    """The closed form at the configuration's d, sigma_w, sigma_b, as a vectorised callable c -> zeta."""
    return _zeta_callable(expr, int(config["d"]), float(config["p1"]), float(config["p2"]))


def predict(closed_form, config: Config) -> np.ndarray:
    """zeta(V, c_j) on each of the BANDS bands and each offset c_j, flattened band by band: the closed form has no
    V, so each band's average is its value."""
    from theorems.splines.claims_multid import BANDS

    z = zeta_of(closed_form, config)(np.asarray(config["offsets"], dtype=np.float64))
    return np.tile(z, BANDS)


def bin_width(config: Config) -> float:
    """h = BIN sigma_b / sigma_w: zeta varies on the scale sigma_b / sigma_w of the offsets."""
    from theorems.splines.claims_multid import BIN

    return BIN * float(config["p2"]) / float(config["p1"])


def band_axis(config: Config) -> np.ndarray:
    """The unit vector e the bands are cut across, drawn from the configuration's mc_seed."""
    e = np.random.default_rng(int(config["mc_seed"])).standard_normal(int(config["d"]))
    return e / np.linalg.norm(e)


def curvature_bias(config: Config) -> np.ndarray:
    """h^2 / 24 max |zeta''| over each offset's bin (the midpoint rule's error of a bin average), zeta'' from the
    derivation's closed form in SymPy, per offset."""
    return _curvature_bias(int(config["d"]), float(config["p1"]), float(config["p2"]),
                           tuple(float(v) for v in config["offsets"]), bin_width(config)).copy()


@functools.lru_cache(maxsize=64)
def _curvature_bias(dim: int, p1: float, p2: float, offsets: tuple, h: float) -> np.ndarray:
    """:func:`curvature_bias` of one configuration (the allowance asks for it at every judgement)."""
    zpp = sympy.lambdify(c, sympy.diff(ZETA_MULTID, c, 2).subs({d: dim, sigma_w: p1, sigma_b: p2}), "numpy")
    grid = np.asarray(offsets, dtype=np.float64)[:, None] + np.linspace(-h / 2, h / 2, 21)[None, :]
    return h**2 / 24 * np.abs(zpp(grid)).max(axis=1)


# --- the experiment ------------------------------------------------------------------------------------------

@cached(maxsize=4)
def _batch_estimator(n: int):
    """One compiled pass over a batch, for every d at once (vmapped over the configurations): n draws of the
    Gaussian law in D = max(DIMENSIONS) inputs by numerics.shallow.sample_hidden, as the networks draw them, with
    the coordinates past d set to 0 (the first d coordinates of N(0, sigma_w^2 I_D) are N(0, sigma_w^2 I_d)),
    and their banded histogram (numerics.splines.hyperplane_histogram's estimate).  Both are looked up when
    traced; d and |S^{d-1}| are traced values, so one compilation serves every dimension."""
    import jax
    import jax.numpy as jnp

    from numerics import shallow as nx
    from numerics import splines as nsp
    from theorems.splines.claims_multid import DIMENSIONS

    D = max(DIMENSIONS)

    def one(key, dim, area, p1, p2, axis, edges, points, h):
        W, B = nx.sample_hidden(key, n, D, "gaussian", p1, p2)
        W = jnp.where(jnp.arange(D)[None, :] < dim, W, 0.0)
        return nsp._hyperplane_histogram(W, B, axis, edges, points, h, area)

    return jax.jit(jax.vmap(one))


def measure(configs, keys) -> list[Measurement]:
    """The banded histogram of the hyperplanes of draws (W, B) of the Gaussian law in d inputs, one compiled pass
    per batch, padded to BATCH configurations so that every batch has one shape."""
    from numerics import shallow  # noqa: F401  (float64 on before any array)

    import jax.numpy as jnp

    from numerics import splines as nsp
    from theorems.splines.claims_multid import BANDS, BATCH, DIMENSIONS

    D = max(DIMENSIONS)
    padded = list(configs) + [configs[-1]] * (BATCH - len(configs))
    keys = list(keys) + [keys[-1]] * (BATCH - len(configs))
    dims = [int(cf["d"]) for cf in padded]
    edges = [nsp.sphere_band_edges(k, BANDS) for k in dims]
    axes = [np.pad(band_axis(cf), (0, D - k)) for cf, k in zip(padded, dims)]
    est, se = _batch_estimator(int(configs[0]["samples"]))(
        jnp.stack([jnp.asarray(k) for k in keys]), jnp.asarray(dims),
        jnp.asarray([nsp.sphere_area(k) for k in dims]),
        jnp.asarray([float(cf["p1"]) for cf in padded]), jnp.asarray([float(cf["p2"]) for cf in padded]),
        jnp.asarray(np.stack(axes)), jnp.asarray(np.stack(edges)),
        jnp.asarray(np.stack([np.asarray(cf["offsets"], dtype=np.float64) for cf in padded])),
        jnp.asarray([bin_width(cf) for cf in padded]))
    return [Measurement(value=np.asarray(e).ravel(), series={"offsets": list(cf["offsets"]),
                                                             "se": np.asarray(s).ravel().tolist(),
                                                             "edges": ed.tolist()})
            for cf, e, s, ed in zip(configs, est, se, edges)]


# --- configurations ------------------------------------------------------------------------------------------

def laws(profile: Profile) -> st.SearchStrategy:
    from theorems.splines.claims_multid import DIMENSIONS, SAMPLES

    return st.fixed_dictionaries({
        "init": st.just("gaussian"), "d": st.sampled_from(DIMENSIONS),
        "p1": st.sampled_from((0.5, 1.0, 2.0)), "p2": st.sampled_from((0.3, 0.5, 1.0, 2.0)),
        "samples": st.just(SAMPLES[profile.scale])})


def offsets(setting: Config) -> st.SearchStrategy:
    """OFFSETS sorted offsets c = u sigma_b / sigma_w with u drawn in [-U_MAX, U_MAX]: zeta is a function of u
    times a scale, and beyond |u| = U_MAX in d = 5 its bins hold too few draws for a normal standard error."""
    from theorems.splines.claims_multid import OFFSETS, U_MAX

    scale = float(setting["p2"]) / float(setting["p1"])
    return st.fixed_dictionaries({
        "offsets": st.lists(rounded(-U_MAX, U_MAX), min_size=OFFSETS, max_size=OFFSETS).map(
            lambda us: tuple(sorted(round(u * scale, 4) for u in us))),
        "mc_seed": seeds()})


def configurations(profile: Profile) -> st.SearchStrategy:
    from theorems.splines.claims_multid import BATCH

    return batches(laws(profile), offsets, min_size=3, max_size=BATCH)


def assumptions(config: Config) -> str | None:
    """Theorem 19's law: W ~ N(0, sigma_w^2 I_d), B ~ N(0, sigma_b^2) independent, d >= 2, positive scales (so
    P(||W|| = 0) = 0, the law is symmetric and ||W||, B are sub-Gaussian, as Theorem 6 assumes)."""
    if config.get("init", "gaussian") != "gaussian":
        return "Theorem 19 is stated for the Gaussian law"
    if int(config["d"]) < 2:
        return "d >= 2 (one input is splines.curvature_density)"
    if config["p1"] <= 0 or config["p2"] <= 0:
        return "the laws need positive scales"
    return None


# --- two inputs: the network's limit against the solution of Theorem 6's problem (8) ------------------------

def ridge_pieces(xs: np.ndarray, config: Config) -> int:
    """Equal parts of the angle integral of the representer kernel: A_k(m(theta)) has its complex singularities
    where m = +-i rho, rho = sigma_b / sigma_w, about rho / |x| from the real angles; the grid's corners lie at
    |x| <= sqrt(2) max_j |x_j|, so parts of length 2 rho / |x|_max (ceil(pi |x|_max / rho) of them) put those
    singularities outside a Bernstein ellipse of parameter about 1 + sqrt2 for the 16-point rule."""
    r_max = np.sqrt(2.0) * float(np.max(np.linalg.norm(xs, axis=1)))
    return int(np.ceil(np.pi * r_max * float(config["p1"]) / float(config["p2"])))


@cached(maxsize=64)
def _ridge_solution(expr: sympy.Expr, p1: float, p2: float, xs_bytes: bytes, ys_bytes: bytes, pieces: int):
    from numerics import splines as nsp
    from theorems.splines.claims_multid import LIMIT_GRID
    from theorems.splines.data import grid_2d

    xs = np.frombuffer(xs_bytes, dtype=np.float64).reshape(-1, 2)
    ys = np.frombuffer(ys_bytes, dtype=np.float64)
    zeta = _zeta_callable(expr, 2, p1, p2)
    grid = grid_2d(xs, LIMIT_GRID)
    K = nsp.ridge_kernel_2d(xs, xs, zeta, p2 / p1, pieces)
    a, coef = nsp.bordered_solve(K, nsp.affine_design(xs), ys)
    g = nsp.ridge_kernel_2d(grid, xs, zeta, p2 / p1, pieces) @ a + nsp.affine_design(grid) @ coef
    A = np.block([[K, nsp.affine_design(xs)], [nsp.affine_design(xs).T, np.zeros((3, 3))]])
    return g, float(np.linalg.cond(A))


def ridge_solution(closed_form, config: Config, coarse: bool = False):
    """(g on the grid, kappa of the bordered system): the solution of problem (8) for two inputs through the raw
    data with its free affine part, from the closed form of zeta (d = 2): g = sum_j a_j K_zeta(., x_j) + <u, x> + v
    with K_zeta the representer kernel of the penalty (numerics.splines.ridge_kernel_2d).  coarse: half the
    angle pieces (for the quadrature's error estimate)."""
    from theorems.splines.data import dataset_2d

    xs, ys = dataset_2d(config)
    pieces = ridge_pieces(xs, config)
    pieces = (pieces + 1) // 2 if coarse else pieces
    return _ridge_solution(sympy.sympify(closed_form), float(config["p1"]), float(config["p2"]), xs.tobytes(),
                           np.ascontiguousarray(ys).tobytes(), pieces)


def predict_limit_2d(closed_form, config: Config) -> np.ndarray:
    """Theorem 6's solution, with the closed form's zeta, on the grid [-R, R]^2 (R = max_j |x_j|)."""
    return ridge_solution(closed_form, config)[0]


def measure_limit_2d(configs, keys) -> list[Measurement]:
    """The infinite-width network (problem (22) in two inputs): the minimum-norm interpolant with a free affine
    part in the output-layer kernel E[relu(<W, x> + B) relu(<W, x'> + B)] of the Gaussian law, the arc-cosine
    closed form (numerics.splines.arc_cosine_kernel), computed from the law and not from zeta."""
    from numerics import splines as nsp
    from theorems.splines.claims_multid import LIMIT_GRID
    from theorems.splines.data import dataset_2d, grid_2d

    out = []
    for cf in configs:
        xs, ys = dataset_2d(cf)
        grid = grid_2d(xs, LIMIT_GRID)
        p1, p2 = float(cf["p1"]), float(cf["p2"])
        K = nsp.arc_cosine_kernel(xs, xs, p1, p2)
        a, coef = nsp.bordered_solve(K, nsp.affine_design(xs), ys)
        g = nsp.arc_cosine_kernel(grid, xs, p1, p2) @ a + nsp.affine_design(grid) @ coef
        A = np.block([[K, nsp.affine_design(xs)], [nsp.affine_design(xs).T, np.zeros((3, 3))]])
        out.append(Measurement(value=g, fitted={"kappa": {"value": float(np.linalg.cond(A))}}))
    return out


def limit_configurations(profile: Profile) -> st.SearchStrategy:
    """Two inputs, the Gaussian laws of the paper's Figures 9 and 10 (sigma_w = 1, sigma_b^2 = 1 and 0.1) and
    others (sigma_b / sigma_w from 0.16 to 4); the paper's 2-D data or random data in the disc, plus an affine
    function."""
    from theorems._strategies import seeds_or_papers

    setting = st.fixed_dictionaries({
        "init": st.just("gaussian"), "d": st.just(2), "p1": st.sampled_from((1.0, 0.5, 2.0)),
        "p2": st.sampled_from((1.0, 0.3162, 0.5, 2.0)), "M": st.integers(4, 7)})
    member = st.fixed_dictionaries({"data_seed": seeds_or_papers(), "trend": rounded(-3, 3),
                                    "trend2": rounded(-3, 3), "offset": rounded(-3, 3)})
    return batches(setting, member, min_size=3, max_size=4)


def limit_assumptions(config: Config) -> str | None:
    """Theorem 6's law (symmetric, ||W|| and B sub-Gaussian, P(W = 0) = 0): the Gaussian one with positive
    scales, two inputs."""
    if int(config["d"]) != 2:
        return "the representer kernel is computed for two inputs"
    return assumptions(config)


# --- three inputs, W uniform on S^2: the polyharmonic spline of Theorem 8 -------------------------------------

def dataset_3d(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """M points uniform in the ball of radius 1.4 with gaps >= 0.5, outputs U(-1.5, 1.5), plus the affine function
    trend x_1 + trend2 x_2 + offset (as the two-input data, theorems.splines.data.dataset_2d)."""
    rng = np.random.default_rng(int(config["data_seed"]))
    M = int(config["M"])
    while True:
        v = rng.standard_normal((M, 3))
        xs = 1.4 * rng.uniform(0, 1, (M, 1)) ** (1 / 3) * v / np.linalg.norm(v, axis=1, keepdims=True)
        gaps = np.linalg.norm(xs[:, None] - xs[None], axis=-1) + 10 * np.eye(M)
        if gaps.min() >= 0.5:
            break
    ys = rng.uniform(-1.5, 1.5, M)
    trend = config.get("trend", 0.0) * xs[:, 0] + config.get("trend2", 0.0) * xs[:, 1]
    return xs, ys + trend + config.get("offset", 0.0)


def grid_3d(xs: np.ndarray) -> np.ndarray:
    """The points of the grid [-R, R]^3 (GRID_3D per side, R = max_j |x_j|) inside the ball of radius R."""
    from theorems.splines.claims_multid import GRID_3D

    R = float(np.max(np.linalg.norm(xs, axis=1)))
    g = np.linspace(-R, R, GRID_3D)
    pts = np.stack(np.meshgrid(g, g, g), axis=-1).reshape(-1, 3)
    return pts[np.linalg.norm(pts, axis=1) <= R * (1 + 1e-12)]


def predict_polyharmonic_3d(closed_form, config: Config) -> np.ndarray:
    """sum_j lambda_j phi(|x - x_j|) + <u, x> + v with the closed form's basis phi(r) through the data (eq. (10)-(11),
    d = 3), on the grid's points in the ball."""
    from numerics import splines as nsp
    from theorems.splines.theory import r

    xs, ys = dataset_3d(config)
    basis = sympy.lambdify(r, closed_form, "numpy")
    f = lambda dist: np.where(dist > 0, basis(np.where(dist > 0, dist, 1.0)), 0.0)
    return nsp.radial_spline(xs, ys, grid_3d(xs), f)


def measure_kernel_limit_3d(configs, keys) -> list[Measurement]:
    """The infinite-width network for three inputs, W uniform on S^2, B ~ U(-a, a): the minimum-norm interpolant
    with a free affine part in the kernel E[relu(<V, x> + B) relu(<V, x'> + B)] (numerics.splines.sphere_kernel_3d),
    computed from the law."""
    from numerics import splines as nsp

    out = []
    for cf in configs:
        xs, ys = dataset_3d(cf)
        grid = grid_3d(xs)
        K = nsp.sphere_kernel_3d(xs, xs, float(cf["a"]))
        a, coef = nsp.bordered_solve(K, nsp.affine_design(xs), ys)
        g = nsp.sphere_kernel_3d(grid, xs, float(cf["a"])) @ a + nsp.affine_design(grid) @ coef
        out.append(Measurement(value=g))
    return out


def polyharmonic_3d_configurations(profile: Profile) -> st.SearchStrategy:
    """Three inputs, a_b in {1.5, 2, 3}, M = 5..8 random points in the ball of radius 1.4 (M >= d + 2: with M = 4
    the interpolant is the affine function through the points, whatever the basis)."""
    setting = st.fixed_dictionaries({"init": st.just("sphere"), "d": st.just(3), "a": st.sampled_from((1.5, 2.0, 3.0)),
                                     "M": st.integers(5, 8)})
    member = st.fixed_dictionaries({"data_seed": seeds(), "trend": rounded(-3, 3), "trend2": rounded(-3, 3),
                                    "offset": rounded(-3, 3)})
    return batches(setting, member, min_size=3, max_size=4)


def polyharmonic_3d_assumptions(config: Config) -> str | None:
    """Theorem 7: W uniform on S^{d-1}, B ~ U(-a_b, a_b) with a_b >= max_i |x_i| (the grid lies in the ball of
    radius max_i |x_i|, where sphere_kernel_3d's closed form holds)."""
    xs, _ = dataset_3d(config)
    R = float(np.max(np.linalg.norm(xs, axis=1)))
    if config["a"] < R:
        return f"a_b = {config['a']} < max |x_i| = {R:.3f}"
    return None
