"""Agreement metrics shared by the families.

Each constructor returns an :class:`~theorems.Agreement`; the tolerance is a
function of the configuration (and of the measurement, for fitted quantities),
and the reason says where it comes from.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from theorems._claim import Agreement, Config, Measurement

FLOAT64_EPS = float(np.finfo(np.float64).eps)
"""Unit round-off of IEEE float64, 2^-52."""


def max_abs_error(tolerance: Callable[[object, Measurement, Config], float], reason: str,
                  name: str = "max |predicted - measured|") -> Agreement:
    """Largest absolute entrywise difference, ``max_i |p_i - m_i|``."""

    def error(predicted, measurement, config):
        p = np.asarray(predicted, dtype=np.float64)
        m = np.asarray(measurement.value, dtype=np.float64)
        if p.shape != m.shape:
            return float("inf")
        if p.size == 0:
            return 0.0
        diff = np.abs(p - m)
        return float(np.max(np.where(np.isnan(diff), np.inf, diff)))

    return Agreement(name=name, error=error, tolerance=tolerance, reason=reason)


def relative_error(rtol: float | Callable[[object, Measurement, Config], float], reason: str,
                   name: str = "max |p - m| / max |p|") -> Agreement:
    """Largest entrywise difference relative to the largest predicted entry."""

    def error(predicted, measurement, config):
        p = np.asarray(predicted, dtype=np.float64)
        m = np.asarray(measurement.value, dtype=np.float64)
        if p.shape != m.shape:
            return float("inf")
        scale = float(np.max(np.abs(p))) if p.size else 0.0
        diff = float(np.max(np.abs(p - m))) if p.size else 0.0
        if np.isnan(diff):
            return float("inf")
        return diff / scale if scale > 0 else diff

    tol = rtol if callable(rtol) else (lambda p, m, c: float(rtol))
    return Agreement(name=name, error=error, tolerance=tol, reason=reason)


def inside_interval(reason: str, name: str = "|predicted - fitted| against the CI half-width") -> Agreement:
    """For a fitted scalar with a confidence interval ``(lo, hi)``.

    The error is the distance from the prediction to the fitted value; the
    tolerance is the distance from the fitted value to the interval's end on the
    prediction's side, so the claim holds exactly when the prediction lies in the
    interval.
    """

    def error(predicted, measurement, config):
        p = float(np.asarray(predicted))
        v = float(np.asarray(measurement.value))
        if not np.isfinite(v):
            return float("inf")
        return abs(p - v)

    def tolerance(predicted, measurement, config):
        lo, hi = measurement.interval
        p = float(np.asarray(predicted))
        v = float(np.asarray(measurement.value))
        return float(hi - v) if p >= v else float(v - lo)

    return Agreement(name=name, error=error, tolerance=tolerance, reason=reason)
