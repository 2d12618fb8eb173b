"""The rate experiments: networks of widths n trained to zero training error, the sup distance to their limit,
and the log-log fit of that distance against n.

A :class:`RateExperiment` is one such experiment (which problem, which training, which widths, seeds and step
caps); the claims name its instances (``SPLINE_RATE``, ``POLYHARMONIC_RATE``, ``SGD_RATE``) and their replicates
(``SPLINE_RATE.replicated``: twice the seeds, fresh initialisations).  Finished training sweeps are kept in the
store ``splines.sweeps`` by a digest of everything they depend on: ``spline_rate`` and ``spline_rate_bound`` draw
the same configurations from the same seed and train the same networks, so the second pays nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import numpy as np

from theorems._cache import digest, store
from theorems._claim import Config, Measurement
from theorems._divergence import DIVERGENCE_GROWTH, broken_runs
from theorems._stats import line
from theorems.splines.constants import (CI_LEVEL, MAX_STEPS, OUTPUT_ONLY_SEEDS, OUTPUT_ONLY_STEPS, OUTPUT_ONLY_TOL,
                                        RESIDUAL_TOL, SEEDS, SEEDS_2D, SGD_SEEDS, SGD_STEPS, WIDTHS, WIDTHS_2D,
                                        ci_level, replicated_ci_level)
from theorems.splines.limits import problem_1d, problem_2d

SWEEPS = "splines.sweeps"
"""The store of finished training sweeps (at most 32 are kept)."""


def fit_power_law(widths, errors, level: float = CI_LEVEL, mask=None):
    """OLS of log e on log n over the (width, seed) runs in ``mask``: slope, its t-interval and standard error,
    prefactor. With fewer than three runs or a single width there is no interval, and every entry is NaN (such a
    sweep is out of scope: see sweep_scope)."""
    mask = np.ones(errors.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    ln = np.log(np.repeat(np.asarray(widths, dtype=np.float64)[None, :], errors.shape[0], 0))[mask]
    le = np.log(np.where(mask, errors, 1.0))[mask]
    if le.size < 3 or np.unique(ln).size < 2:
        nan = float("nan")
        return {"slope": nan, "interval": (nan, nan), "se": nan, "prefactor": nan, "prefactor_interval": (nan, nan),
                "dof": 0}
    fit = line(ln, le)
    low, high = fit.interval(0, level)
    return {"slope": float(fit.coef[1]), "interval": fit.interval(1, level), "se": float(fit.se[1]),
            "prefactor": float(np.exp(fit.coef[0])), "prefactor_interval": (float(np.exp(low)), float(np.exp(high))),
            "dof": fit.dof}


def slope_entry(fit: Mapping) -> dict:
    """The fitted entry of a slope: its value, t-interval, standard error and degrees of freedom (the claim-level
    estimate pools the values with these standard errors, theorems/_pooling.py)."""
    return {"value": fit["slope"], "interval": list(fit["interval"]), "se": fit["se"], "dof": fit["dof"]}


def local_slopes(widths, errors, mask) -> np.ndarray:
    """d log e / d log n between consecutive widths, from the mean of log e over the runs in ``mask``."""
    le = np.where(mask, np.log(np.where(mask, errors, 1.0)), 0.0)
    mean = le.sum(axis=0) / np.maximum(mask.sum(axis=0), 1)
    return np.diff(mean) / np.diff(np.log(np.asarray(widths, dtype=np.float64)))


def run_seeds(key, config: Config, shape) -> np.ndarray:
    """Integer seeds of the initial networks, from the configuration's PRNG key and init_seed."""
    import numerics  # noqa: F401  (float64 on: the seeds are drawn as 64-bit integers)

    import jax

    k = jax.random.fold_in(key, int(config["init_seed"]))
    return np.asarray(jax.random.randint(k, shape, 0, 2**31 - 1))


def train_sweep(configs, keys, problems, *, output_only: bool = False, widths=WIDTHS, seeds=SEEDS,
                residual_tol: float = RESIDUAL_TOL, max_steps=MAX_STEPS, sgd: bool = False):
    """``seeds[scale]`` runs at each width of ``widths[scale]`` for each configuration, trained to max_j |r_j| <=
    residual_tol max(1, max_j |y_j|); returns (sup errors, steps, final residuals, f on the grids, tolerances,
    converged mask, broken mask: runs whose residual or sup error is not finite with no divergence before it,
    theorems._divergence.broken_runs)."""
    import jax.numpy as jnp

    from numerics import shallow as nx

    setting = configs[0]
    scale = setting["scale"]
    widths, S = widths[scale], seeds[scale]
    tol = np.asarray([residual_tol * max(1.0, float(np.max(np.abs(p["Y"])))) for p in problems])
    init_seeds = np.stack([run_seeds(k, c, (S, len(widths))) for c, k in zip(configs, keys)])
    steps_cap = max_steps[scale]
    inputs = [np.stack([np.asarray(p[k], dtype=np.float64) for p in problems]) for k in ("X", "Y", "G", "XE")]
    frac = np.asarray([c["frac"] for c in configs], dtype=np.float64)
    sweeps = store(SWEEPS)
    run_key = digest(init_seeds, *inputs, frac, tol, steps_cap, widths, setting, output_only, sgd)
    if run_key not in sweeps:
        out = nx.spline_distance_runs(
            init_seeds, *map(jnp.asarray, inputs), jnp.asarray(frac), jnp.asarray(tol), steps_cap, widths=widths,
            init=setting["init"], p1=setting["p1"], p2=setting["p2"], output_only=output_only, sgd=sgd)
        sweeps[run_key] = tuple(map(np.asarray, out))
        while len(sweeps) > 32:
            sweeps.pop(next(iter(sweeps)))
    errs, steps, rmax, fs, growth = sweeps[run_key]
    converged = (rmax <= tol[:, None, None]) & np.isfinite(errs)
    return errs, steps, rmax, fs, tol, converged, broken_runs(growth, rmax, errs)


def broken_sweep(widths, broken) -> FloatingPointError | None:
    """The error a configuration's measurement is replaced by when some of its runs (``broken``: runs x widths)
    ended in NaN or inf without diverging: a broken experiment, where "training did not reach the tolerance" (out
    of scope, or a run left out of the fit) would hide the fault."""
    if not np.any(broken):
        return None
    bad = sorted({int(widths[j]) for j in np.nonzero(broken)[1]})
    return FloatingPointError(f"{int(np.sum(broken))} of {broken.size} runs (widths {bad}) ended in NaN or inf "
                              f"with their residual never past {DIVERGENCE_GROWTH:g} times its start: a broken "
                              "run, not one past the stability limit")


def sweep_scope(widths, converged, rmax, errs, tol, lebesgue, scale, max_steps=MAX_STEPS,
                min_runs: int = 2) -> str | None:
    """Out of scope when GD did not reach the training tolerance (Theorem 1 needs theta* with zero
    training error, for n large enough: only runs at widths below 100 may miss it, and each width
    keeps at least ``min_runs`` runs), or when the residual left could move the function by more than a tenth
    of the distance measured."""
    big = np.asarray(widths) >= 100
    if not np.all(converged.sum(axis=0) >= min_runs) or not np.all(converged[:, big]):
        bad = sorted({int(widths[j]) for j in np.nonzero(~converged)[1]})
        return (f"training did not reach max|r| <= {tol:.2e} within {max_steps[scale]} steps for "
                f"{int((~converged).sum())} of {converged.size} runs (widths {bad}): theta* is not reached")
    if np.any(lebesgue * rmax[converged] > 0.1 * errs[converged]):
        return ("the residual left on the data, times the Lebesgue constant of the kernel interpolant "
                f"({lebesgue:.2f}), exceeds a tenth of the measured distance")
    return None


def replicate_seeds(seeds_by_scale: Mapping[str, int]) -> dict:
    """Seeds per width of a replicate: twice the claim's own, so its interval is about 1/sqrt(2) as wide."""
    return {scale: 2 * count for scale, count in seeds_by_scale.items()}


@dataclasses.dataclass(frozen=True, eq=False)
class RateExperiment:
    """The rate experiment: for each configuration, ``seeds[scale]`` initialisations at each width of
    ``widths[scale]``, trained by full-batch GD (or SGD) on all parameters (or the output layer only) to
    RESIDUAL_TOL; the sup distance on S to the limit of ``problem``; the log-log fit.

    Attributes:
        problem: configuration -> the problem dict (inputs ``X``, targets ``Y``, grid ``XE``, limit ``G`` on it,
            ``lebesgue``, ``plot_x``, ``plot_idx``; see :func:`limits.problem_1d`).
        output_only: train the output layer only.
        sgd: one training example drawn uniformly per step instead of full-batch GD.
        widths, seeds, max_steps: per profile scale, the widths, the initialisations per width and the cap on
            the training steps.
    """

    problem: Callable[[Config], dict] = problem_1d
    output_only: bool = False
    sgd: bool = False
    widths: Mapping[str, tuple] = dataclasses.field(default_factory=lambda: WIDTHS)
    seeds: Mapping[str, int] = dataclasses.field(default_factory=lambda: SEEDS)
    max_steps: Mapping[str, int] = dataclasses.field(default_factory=lambda: MAX_STEPS)

    @property
    def replicated(self) -> "RateExperiment":
        """The same experiment with twice the seeds (a disagreement's independent re-measurement)."""
        return dataclasses.replace(self, seeds=replicate_seeds(self.seeds))

    def __call__(self, configs, keys) -> list[Measurement]:
        problems = [self.problem(c) for c in configs]
        errs, steps, rmax, fs, tol, converged, broken = train_sweep(
            configs, keys, problems, output_only=self.output_only, widths=self.widths, seeds=self.seeds,
            max_steps=self.max_steps, sgd=self.sgd)
        scale = configs[0]["scale"]
        widths = self.widths[scale]
        out = []
        for i, (c, p) in enumerate(zip(configs, problems)):
            error = broken_sweep(widths, broken[i])
            if error is not None:
                out.append(error)
                continue
            # runs that do not reach the tolerance are left out of the fit (see sweep_scope)
            fit = fit_power_law(widths, errs[i], level=replicated_ci_level(scale), mask=converged[i])
            idx = p["plot_idx"]
            series = {
                "widths": list(widths), "errors": errs[i].tolist(), "steps": steps[i].tolist(),
                "local_slopes": local_slopes(widths, errs[i], converged[i]).tolist(),
                "x": np.asarray(p["plot_x"]).tolist(), "g": np.asarray(p["G"])[idx].tolist(),
                "f": fs[i, 0, -1][idx].tolist(), "data_x": np.asarray(p["X"])[:, 0].tolist(),
                "data_y": np.asarray(p["Y"]).tolist(),
            }
            fitted = {"slope": slope_entry(fit),
                      "prefactor": {"value": fit["prefactor"], "interval": list(fit["prefactor_interval"])},
                      "largest_width_error": {"value": float(errs[i][:, -1].mean())},
                      "adjusted_targets": {"value": float(np.max(np.abs(p["Y"])))}}
            if "G_plain" in p:
                fitted["largest_width_distance_to_plain_spline"] = {
                    "value": float(np.mean(np.max(np.abs(fs[i, :, -1] - p["G_plain"][None]), axis=1)))}
                fitted["weighted_to_plain_spline"] = {"value": float(np.max(np.abs(p["G"] - p["G_plain"])))}
            # with two runs per width a single missed run at a small width leaves one (see sweep_scope)
            min_runs = 2 if errs.shape[1] >= 4 else 1
            scope = sweep_scope(widths, converged[i], rmax[i], errs[i], float(tol[i]), p["lebesgue"], scale,
                                self.max_steps, min_runs=min_runs)
            out.append(Measurement(value=fit["slope"], interval=fit["interval"], fitted=fitted, series=series,
                                   scope=scope))
        return out


SPLINE_RATE = RateExperiment()
"""Theorem 1: the network against g*, the zeta-weighted spline through the adjusted data (problem (22))."""
POLYHARMONIC_RATE = RateExperiment(problem=problem_2d, widths=WIDTHS_2D, seeds=SEEDS_2D)
"""Theorem 6 with Theorems 7, 8: two inputs, the network against the polyharmonic spline (10)-(11)."""
SGD_RATE = RateExperiment(sgd=True, max_steps=SGD_STEPS, seeds=SGD_SEEDS)
"""Theorem 24 and Remark 25: SGD in place of GD, the same limit."""


def measure_output_only(configs, keys) -> list[Measurement]:
    """Both trainings from the same initialisation with the same step (frac of the full NTK's limit),
    each to max|r| <= 1e-8 max|y|; D_n = sup_S |f_all - f_output| per run; log-log fit of D_n on n."""
    from theorems.splines.theory import RATE_EXPONENT

    problems = [problem_1d(c) for c in configs]
    kw = dict(seeds=OUTPUT_ONLY_SEEDS, residual_tol=OUTPUT_ONLY_TOL, max_steps=OUTPUT_ONLY_STEPS)
    _, sa, ra, fa, tol, ca, ba = train_sweep(configs, keys, problems, output_only=False, **kw)
    _, so, ro, fo, _, co, bo = train_sweep(configs, keys, problems, output_only=True, **kw)
    scale = configs[0]["scale"]
    widths = WIDTHS[scale]
    D = np.max(np.abs(fa - fo), axis=-1)
    out = []
    for i, (c, p) in enumerate(zip(configs, problems)):
        error = broken_sweep(widths, ba[i] | bo[i])
        if error is not None:
            out.append(error)
            continue
        both = ca[i] & co[i]
        fit = fit_power_law(widths, D[i], level=ci_level(scale), mask=both)
        scope = sweep_scope(widths, both, ra[i] + ro[i], D[i], float(tol[i]), p["lebesgue"], scale,
                            OUTPUT_ONLY_STEPS, min_runs=1)
        fitted = {"slope": slope_entry(fit),
                  "prefactor": {"value": fit["prefactor"], "interval": list(fit["prefactor_interval"])},
                  "adjusted_targets": {"value": float(np.max(np.abs(p["Y"])))},
                  "interval_below_minus_half": {"value": float(fit["interval"][1] < float(RATE_EXPONENT))}}
        out.append(Measurement(value=fit["slope"], interval=fit["interval"], fitted=fitted, scope=scope,
                               series={"widths": list(widths), "errors": D[i].tolist(),
                                       "steps": np.maximum(sa[i], so[i]).tolist()}))
    return out
