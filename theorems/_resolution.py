"""The deviation a run resolves, for a statistical claim judged configuration by configuration.

A claim that pools its configurations states its resolution from its standard errors (theorems/_pooling.py).  A
claim judged only configuration by configuration (an interval of a fitted exponent, a damped-deviations bound on a
decay rate, a Monte Carlo estimate of a density) states what its own measurements would have detected: each
judged configuration is judged again, without measuring anything, with the prediction moved by delta (``Shift``:
an exponent moved by delta, every decay rate scaled by 1 + delta, a density scaled by 1 + delta), and the
smallest delta on each side at which its error exceeds its tolerance is its *threshold*.  The run reports the
smallest threshold over its configurations on each side: with a prediction off by at least that much, this run's
search would have reported the claim falsified.

Why a threshold is found by bisection: each agreement metric here is a distance between the measurement and the
prediction against a tolerance (an interval's end, a bound), and a shifted prediction moves monotonically in
delta (an exponent plus delta, (1 - eta mu)^{t (1 + delta)}, a density times 1 + delta); a distance to a point
that moves monotonically is quasi-convex in delta, so the deltas it detects on one side of an agreeing prediction
form a ray [threshold, inf).  A configuration that disagrees already has threshold 0.

One run's threshold is random (it depends on the configurations and the noise the seed draws); the resolution in
the sense of "detected with probability 95%" is the 95th percentile of the thresholds over independent seeds,
which ``python -m theorems calibrate`` measures (the power curve: at each delta, the fraction of seeds whose
threshold is at most delta; ``reports/resolution.csv``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

SIDES = ("below", "above")
"""A shift's two sides: the prediction moved down (delta < 0) or up (delta > 0)."""

PRECISION = 1e-3
"""How closely a threshold is bracketed, relative to it (down to 1e-9 in delta's units)."""


def add(predicted, config, delta: float):
    """An exponent moved by delta: p + delta."""
    return np.asarray(predicted, dtype=np.float64) + delta


def scale(predicted, config, delta: float):
    """Every predicted value (a rate, a density) times 1 + delta."""
    return np.asarray(predicted, dtype=np.float64) * (1.0 + delta)


def faster(predicted, config, delta: float):
    """A decay filter whose rate is 1 + delta times the predicted one: (1 - eta mu)^t -> sign * |1 - eta mu|^{t (1 +
    delta)}, e^{-mu t} -> e^{-mu (1 + delta) t}, so each entry p becomes sign(p) |p|^{1 + delta}."""
    p = np.asarray(predicted, dtype=np.float64)
    return np.sign(p) * np.abs(p) ** (1.0 + delta)


@dataclasses.dataclass(frozen=True)
class Shift:
    """How a claim's prediction is moved to state the deviation its run resolves (``Claim.shift``).

    Attributes:
        move: ``move(predicted, config, delta)``, the prediction moved by delta.
        unit: what delta measures, in words (``"in the exponent"``, ``"relative, in every rate"``).
        most: the largest |delta| looked at on each side (a threshold above it is reported as none).
    """

    move: Callable[[Any, Mapping, float], Any]
    unit: str
    most: float = 1.0

    def detects(self, agreement, predicted, measurement, config, delta: float) -> bool:
        """Whether the configuration's measurement disagrees with the prediction moved by delta."""
        moved = self.move(predicted, config, delta)
        try:
            error = float(agreement.error(moved, measurement, config))
            tolerance = float(agreement.tolerance(moved, measurement, config))
        except (ValueError, ZeroDivisionError, FloatingPointError):
            return True
        return not (math.isfinite(error) and error <= tolerance)

    def thresholds(self, agreement, predicted, measurement, config) -> dict:
        """The smallest |delta| on each side (``below``: delta < 0) at which the configuration disagrees, to
        :data:`PRECISION` of itself; ``None`` where it agrees up to ``most``; 0 on both sides when it disagrees at delta 0."""
        if self.detects(agreement, predicted, measurement, config, 0.0):
            return {"below": 0.0, "above": 0.0}
        out = {}
        for side, sign in (("below", -1.0), ("above", 1.0)):
            hi = self.most
            if not self.detects(agreement, predicted, measurement, config, sign * hi):
                out[side] = None
                continue
            lo = 0.0
            while hi - lo > max(PRECISION * hi, 1e-9):
                mid = 0.5 * (lo + hi)
                if self.detects(agreement, predicted, measurement, config, sign * mid):
                    hi = mid
                else:
                    lo = mid
            out[side] = float(f"{hi:.4g}")
        return out


EXPONENT = Shift(add, "in the exponent", most=2.0)
"""A fitted exponent's prediction moved by delta."""
RATE = Shift(scale, "relative, in every rate", most=0.99)
"""Predicted decay rates each times 1 + delta."""
FILTER_RATE = Shift(faster, "relative, in every decay rate", most=0.99)
"""A predicted decay filter (1 - eta mu_k)^t or e^{-mu_k t} with every rate mu_k times 1 + delta."""
DENSITY = Shift(scale, "relative, in the density", most=0.99)
"""A predicted density times 1 + delta."""


def run_thresholds(shift: Shift, records: Sequence[Mapping]) -> dict | None:
    """The run's thresholds: on each side, the smallest threshold over the judged configurations (the shift at
    which the run's search would first have reported a disagreement); ``None`` when nothing was judged."""
    judged = [r["thresholds"] for r in records if r.get("status") in ("pass", "fail") and r.get("thresholds")]
    if not judged:
        return None
    out: dict[str, Any] = {"unit": shift.unit, "most": shift.most, "k": len(judged)}
    for side in SIDES:
        found = [t[side] for t in judged if t.get(side) is not None]
        out[side] = min(found) if found else None
    return out


def detected(thresholds: Mapping, delta: float) -> bool:
    """Whether a run with these thresholds (:func:`run_thresholds`) detects the shift ``delta``."""
    if delta == 0.0:
        return thresholds.get("below") == 0.0 or thresholds.get("above") == 0.0
    t = thresholds.get("below" if delta < 0 else "above")
    return t is not None and abs(delta) >= t
