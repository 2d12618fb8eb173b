"""Claim-level estimates: one random-effects estimate of a fitted exponent over every configuration a run judged,
its interval, the heterogeneity between configurations, and the claim's resolution.

A statistical claim judges each configuration by the interval of its own fitted exponent, at a level corrected for
the number of configurations a run judges: each interval alone admits exponents a few tenths from the prediction.
The k configurations together carry far more: with per-configuration estimates y_i (the fitted value less the
prediction) and standard errors s_i, the random-effects model y_i = mu + u_i + e_i, u_i ~ N(0, tau^2),
e_i ~ N(0, s_i^2), estimates the mean deviation mu with weights w_i = 1 / (s_i^2 + tau^2):

    mu^ = sum_i w_i y_i / sum_i w_i,     Var(mu^) = 1 / sum_i w_i.

tau^2 is the Paule-Mandel estimate (the tau^2 >= 0 at which the generalised Q statistic sum_i w_i (y_i - mu^)^2
equals its expectation k - 1; Paule & Mandel 1982; recommended over DerSimonian-Laird's moment estimate by
Veroniki et al. 2016, Res. Synth. Methods 7:55), computed by ``statsmodels.stats.meta_analysis.combine_effects``.
The interval is Hartung-Knapp-Sidik-Jonkman's: mu^ +- t_{k-1} sqrt(q / sum_i w_i), q = sum_i w_i (y_i - mu^)^2 /
(k - 1) (Hartung & Knapp 2001; Sidik & Jonkman 2002), whose Student-t with k - 1 degrees of freedom keeps its
level for the 20-50 configurations a run judges, where the normal interval is too narrow (IntHout, Ioannidis &
Borm 2014, BMC Med. Res. Methodol. 14:25).  q is taken at least 1 (the modification of Knapp & Hartung 2003 and
Roever, Knapp & Friede 2015, BMC Med. Res. Methodol. 15:99): without it the interval is narrower than the
random-effects one whenever the estimates agree better than their standard errors say.  With the Paule-Mandel
tau^2, q = 1 whenever tau^2 > 0.

Heterogeneity: Cochran's Q = sum_i (y_i - mu^_FE)^2 / s_i^2 and I^2 = max(0, (Q - (k - 1)) / Q), the part of the
scatter of the estimates that their standard errors do not explain (Higgins & Thompson 2002).  The configurations
that drive an estimate are those with the largest terms of Q; a meta-regression of y_i on each quantity that
varies between configurations (:class:`Pooling` ``moderators``) says what the deviation goes with.

The claim is falsified by its pooled test when the interval, at the level its share of the false-alarm budget
gives (theorems/_budget.py, ``pooled_level``), excludes the prediction (a two-sided claim), or lies wholly above
it (an upper bound on a rate: the configurations together fall more slowly than the bound).

Resolution: the smallest deviation delta of the true exponent from the prediction (on the side the claim can
fail) that a run detects with probability 95%, from the standard errors the run measured.  The pooled test alone
detects it with probability P_pool(delta) = Phi(delta / SE - c) [+ Phi(-delta / SE - c) for a two-sided claim]
(SE the pooled standard error, c its quantile); configuration i alone with P_i(delta) the same with its own
standard error and half-width (times the same for its replicate, twice the seeds, where the claim replicates a
disagreement); the search with 1 - prod_i (1 - P_i(delta)).  The claim detects delta with at least the larger of
the pooled and the search's probabilities (its verdict is falsified when either test is), so the delta where that
larger one reaches 95% is an upper bound on the claim's resolution: the smallest shift it detects with 95%
probability is at most this.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

SIDES = ("two", "above")
"""``two``: falsified when the interval excludes the prediction; ``above``: when it lies wholly above it (an upper
bound O(n^rho) on a distance contradicted by a slope demonstrably above rho)."""

POWER = 0.95
"""The detection probability a claim's resolution is stated at."""

DRIVERS = 3
"""How many configurations a pooled estimate names as driving it (the largest terms of Q)."""


@dataclasses.dataclass(frozen=True)
class Pooling:
    """How a claim pools its configurations (``Claim.pooling``).

    Attributes:
        fitted: the name of the fitted quantity in each measurement's ``fitted`` that is pooled; it carries
            ``value``, ``se`` (its standard error) and ``dof`` (the degrees of freedom of the fit). Several names
            (a tuple): each configuration's first one present (one quantity named after what varies, say).
        sides: ``two`` or ``above`` (see :data:`SIDES`).
        moderators: what varies between configurations and may explain a deviation: configuration keys or
            names of other fitted quantities (numbers: a meta-regression; strings: the estimate per value).
        level: the pooled interval's level for a claim outside the suite's false-alarm budget (a family of one's
            own); ``None``: the level theorems/_budget.py gives the claim (``pooled_level``).
        prediction: the value the pooled quantity is held to when it is not the claim's prediction (a bound on a
            fitted exponent of a claim that predicts something else, say); ``None``: each record's prediction.
    """

    fitted: str | tuple[str, ...] = "slope"
    sides: str = "two"
    moderators: tuple[str, ...] = ()
    level: float | None = None
    prediction: float | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.fitted,) if isinstance(self.fitted, str) else tuple(self.fitted)

    @property
    def label(self) -> str:
        return " or ".join(self.names)

    def __post_init__(self):
        if self.sides not in SIDES:
            raise ValueError(f"sides must be one of {SIDES}, got {self.sides!r}")


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def quantile(level: float, k: int, sides: str) -> float:
    """The Student-t quantile with k - 1 degrees of freedom of an interval at ``level`` (two-sided or one)."""
    from scipy import stats

    tail = (1.0 - level) / (2.0 if sides == "two" else 1.0)
    return float(stats.t.isf(tail, k - 1))


def random_effects(y: Sequence[float], se: Sequence[float]) -> dict:
    """The Paule-Mandel random-effects estimate of the mean of ``y`` with its HKSJ standard error (q at least 1),
    tau^2, Cochran's Q and I^2, the fixed-effect estimate, and each estimate's term of Q."""
    from statsmodels.stats.meta_analysis import combine_effects

    y = np.asarray(y, dtype=np.float64)
    var = np.asarray(se, dtype=np.float64) ** 2
    k = y.size
    res = combine_effects(y, var, method_re="iterated", use_t=True)
    tau2 = max(float(res.tau2), 0.0)
    q = float(res.q)
    w = 1.0 / (var + tau2)
    scale = max(float(np.sum(w * (y - res.mean_effect_re) ** 2)) / (k - 1), 1.0)
    return {"estimate": float(res.mean_effect_re), "se": math.sqrt(scale / float(np.sum(w))), "hksj_scale": scale,
            "tau2": tau2, "q": q, "i2": max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0, "k": k,
            "fixed_effect": float(res.mean_effect_fe), "fixed_effect_se": float(res.sd_eff_w_fe),
            "q_terms": ((y - res.mean_effect_fe) ** 2 / var).tolist()}


def meta_regression(y, se, tau2: float, x) -> dict | None:
    """The weighted least-squares slope b of ``y`` on a numeric moderator ``x`` (weights w_i = 1 / (s_i^2 + tau^2)):
    b = sum w (x - xw)(y - yw) / sum w (x - xw)^2 with xw, yw the weighted means, its Knapp-Hartung standard error
    sqrt(max(1, s^2) / sum w (x - xw)^2), s^2 = sum w (y - a - b x)^2 / (k - 2), and the two-sided p-value of
    Student's t with k - 2 degrees of freedom; ``None`` when x does not vary."""
    from scipy import stats

    y, x = np.asarray(y, dtype=np.float64), np.asarray(x, dtype=np.float64)
    w = 1.0 / (np.asarray(se, dtype=np.float64) ** 2 + tau2)
    k = y.size
    xw, yw = np.sum(w * x) / np.sum(w), np.sum(w * y) / np.sum(w)
    sxx = float(np.sum(w * (x - xw) ** 2))
    if k < 4 or not sxx > 1e-12 * float(np.sum(w)) * max(1.0, float(np.max(np.abs(x)))) ** 2:
        return None
    b = float(np.sum(w * (x - xw) * (y - yw))) / sxx
    s2 = float(np.sum(w * (y - yw - b * (x - xw)) ** 2)) / (k - 2)
    se_b = math.sqrt(max(s2, 1.0) / sxx)
    return {"coefficient": b, "se": se_b, "p": float(2 * stats.t.sf(abs(b) / se_b, k - 2)),
            "range": [float(x.min()), float(x.max())]}


def subgroups(y, se, tau2: float, labels) -> dict:
    """The random-effects mean of ``y`` within each value of a categorical moderator (tau^2 the overall one)."""
    y = np.asarray(y, dtype=np.float64)
    w = 1.0 / (np.asarray(se, dtype=np.float64) ** 2 + tau2)
    labels = np.asarray([str(v) for v in labels])
    out = {}
    for value in sorted(set(labels.tolist())):
        m = labels == value
        out[value] = {"estimate": float(np.sum(w[m] * y[m]) / np.sum(w[m])), "se": float(np.sum(w[m]) ** -0.5),
                      "k": int(m.sum())}
    return out


def _moderator(rec: Mapping, name: str):
    if name in rec["config"]:
        return rec["config"][name]
    entry = (rec.get("fitted") or {}).get(name)
    return entry.get("value") if isinstance(entry, Mapping) else None


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def detection(delta: float, se: float, c: float, sides: str) -> float:
    """The chance that an estimate with standard error ``se`` and true deviation ``delta`` from the prediction
    lies more than ``c`` standard errors from the prediction (on the side the claim can fail, or either side)."""
    if not (se > 0 and math.isfinite(se)):
        return 0.0
    p = _normal_cdf(delta / se - c)
    return p + _normal_cdf(-delta / se - c) if sides == "two" else p


def search_detection(delta: float, configurations: Sequence[Mapping], sides: str, replicated: bool) -> float:
    """The chance that some configuration's interval (and, where the claim replicates a disagreement, its
    replicate's, twice the seeds: standard error and half-width over sqrt 2) misses a prediction ``delta`` from
    the truth: 1 - prod_i (1 - P_i)."""
    miss_none = 1.0
    for c in configurations:
        se, half = c["se"], c["half_width"]
        if not (se > 0 and math.isfinite(half)):
            continue
        p = detection(delta, se, half / se, sides)
        if replicated:
            p *= detection(delta, se / math.sqrt(2.0), half / se, sides)
        miss_none *= 1.0 - p
    return 1.0 - miss_none


def claim_detection(delta: float, pooled: Mapping) -> dict:
    """The detection probabilities at ``delta`` of the pooled test, of the search, and of the claim (at least the
    larger of the two, which this returns)."""
    p_pool = detection(delta, pooled["se"], pooled["quantile"], pooled["sides"])
    p_search = search_detection(delta, pooled["configurations"], pooled["sides"], pooled["replicated"])
    return {"delta": delta, "pooled": p_pool, "search": p_search, "claim": max(p_pool, p_search)}


def resolution(pooled: Mapping, power: float = POWER) -> float:
    """The smallest delta >= 0 that the claim detects with probability ``power`` (by :func:`claim_detection`)."""
    from scipy.optimize import brentq

    def gap(d):
        return claim_detection(d, pooled)["claim"] - power

    hi = max(pooled["se"] * (pooled["quantile"] + 4.0), 1e-6)
    while gap(hi) < 0:
        hi *= 2.0
        if hi > 1e6:
            return math.inf
    return float(brentq(gap, 0.0, hi, xtol=1e-5)) if gap(0.0) < 0 else 0.0


def curve(pooled: Mapping, deltas: Sequence[float]) -> list[dict]:
    """:func:`claim_detection` at each delta."""
    return [{k: round(v, 6) for k, v in claim_detection(float(d), pooled).items()} for d in deltas]


def falsifies(pooled: Mapping, shift: float = 0.0) -> bool:
    """Whether the pooled interval excludes the prediction moved by ``shift`` towards the side the claim can fail
    (down for ``above``; for ``two``, the sign of ``shift`` says which way): how a run is judged again with a
    shifted prediction (``shift`` 0 is the run's own verdict)."""
    d = pooled["deviation"] + (shift if pooled["sides"] == "above" else -shift)
    half = pooled["quantile"] * pooled["se"]
    return d - half > 0 if pooled["sides"] == "above" else abs(d) > half


def search_falsifies(pooled: Mapping, shift: float = 0.0) -> bool:
    """Whether some configuration's interval misses the prediction moved by ``shift`` (as :func:`falsifies`); for a
    claim that does not replicate its disagreements this is its search's verdict with that prediction."""
    for c in pooled["configurations"]:
        lo, hi = c["interval"]
        p = c["predicted"] - shift if pooled["sides"] == "above" else c["predicted"] + shift
        if lo > p or (pooled["sides"] == "two" and hi < p):
            return True
    return False


def pool_records(pooling: Pooling, records: Sequence[Mapping], level: float, replicated: bool) -> dict | None:
    """The claim-level estimate over the judged records (status pass or fail) whose fitted quantity has a finite
    value and standard error and whose prediction is a number; ``None`` with fewer than three."""
    used, seen = [], set()
    for r in records:
        if r.get("status") not in ("pass", "fail"):
            continue
        key = repr(sorted((r.get("config") or {}).items()))
        if key in seen:   # a configuration drawn twice is one measurement (its key is a function of it)
            continue
        seen.add(key)
        fitted = r.get("fitted") or {}
        entry = next((fitted[n] for n in pooling.names if n in fitted), None) or {}
        value, se = _number(entry.get("value")), _number(entry.get("se"))
        predicted = _number(r.get("predicted") if pooling.prediction is None else pooling.prediction)
        if value is None or se is None or se <= 0 or predicted is None:
            continue
        interval = entry.get("interval") or [math.nan, math.nan]
        half = (float(interval[1]) - float(interval[0])) / 2 if all(_number(v) is not None for v in interval) \
            else math.inf
        used.append({"record": r, "value": value, "se": se, "predicted": predicted, "half_width": half,
                     "interval": [float(v) for v in interval]})
    if len(used) < 3:
        return None
    y = [u["value"] - u["predicted"] for u in used]
    se = [u["se"] for u in used]
    re = random_effects(y, se)
    c = quantile(level, re["k"], pooling.sides)
    predictions = sorted({u["predicted"] for u in used})
    predicted = predictions[0] if len(predictions) == 1 else None
    est, half = re["estimate"], c * re["se"]
    if pooling.sides == "two":
        dev_interval = [est - half, est + half]
    else:
        dev_interval = [est - half, math.inf]
    out: dict[str, Any] = {
        "fitted": pooling.label, "sides": pooling.sides, "level": level, "quantile": c, "dof": re["k"] - 1,
        "predicted": predicted, "deviation": est, "deviation_interval": dev_interval,
        "estimate": None if predicted is None else predicted + est,
        "interval": None if predicted is None else [predicted + v for v in dev_interval],
        "se": re["se"], "tau2": re["tau2"], "tau": math.sqrt(re["tau2"]), "i2": re["i2"], "q": re["q"], "k": re["k"],
        "hksj_scale": re["hksj_scale"], "fixed_effect": re["fixed_effect"] + (predicted or 0.0),
        "replicated": replicated,
        "configurations": [{"value": u["value"], "predicted": u["predicted"], "se": u["se"],
                            "half_width": u["half_width"], "interval": u["interval"]} for u in used],
    }
    out["falsified"] = falsifies(out)
    order = np.argsort(re["q_terms"])[::-1][:DRIVERS]
    out["drivers"] = [{"config": used[i]["record"]["config"], "value": used[i]["value"], "se": used[i]["se"],
                       "q_term": re["q_terms"][i]} for i in order]
    regressions = {}
    for name in pooling.moderators:
        values = [_moderator(u["record"], name) for u in used]
        if any(v is None for v in values):
            continue
        numbers = [_number(v) for v in values]
        if all(n is not None for n in numbers):
            fit = meta_regression(y, se, re["tau2"], numbers)
            if fit is not None:
                regressions[name] = {"kind": "regression", **fit}
        elif len({str(v) for v in values}) > 1:
            regressions[name] = {"kind": "subgroups", "groups": subgroups(y, se, re["tau2"], values)}
    out["moderators"] = regressions
    out["resolution"] = resolution(out)
    out["curve"] = curve(out, RESOLUTION_DELTAS)
    return out


RESOLUTION_DELTAS = tuple(round(0.01 * i, 2) for i in range(0, 31))
"""The shifts of the prediction (in the fitted quantity's units) at which results and calibration give the power
curve."""


def projected_resolution(pooled: Mapping, se_factor: float, k: int, power: float = POWER) -> float:
    """The resolution of a run whose per-configuration standard errors are ``se_factor`` times these and which
    judges ``k`` configurations, with the same heterogeneity tau^2: the pooled standard error is then
    sqrt((mean s_i^2 x se_factor^2 + tau^2) / k) (equal weights), the per-configuration intervals scale alike."""
    configs = pooled["configurations"]
    mean_var = float(np.mean([c["se"] ** 2 for c in configs]))
    se = math.sqrt((mean_var * se_factor**2 + pooled["tau2"]) / k)
    reps = [configs[i % len(configs)] for i in range(k)]
    projected = {**pooled, "se": se, "quantile": quantile(pooled["level"], k, pooled["sides"]),
                 "configurations": [{"se": c["se"] * se_factor, "half_width": c["half_width"] * se_factor}
                                    for c in reps]}
    return resolution(projected, power)
