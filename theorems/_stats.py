"""Least squares with Student-t intervals: the one fit behind every fitted exponent, rate and intercept.

For responses y = X c + e with e ~ N(0, sigma^2 I) and X of full column rank p, the estimate
c^ = (X^T X)^{-1} X^T y has covariance sigma^2 (X^T X)^{-1}; with s^2 = ||y - X c^||^2 / (N - p) each
(c^_j - c_j) / (s sqrt([(X^T X)^{-1}]_jj)) follows Student's t with N - p degrees of freedom, so
c^_j +- t_{(1 + level)/2, N - p} s sqrt([(X^T X)^{-1}]_jj) covers c_j with probability ``level``
(e.g. Seber & Lee, Linear Regression Analysis, 2nd ed., sec. 5.1).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np


@dataclasses.dataclass(frozen=True)
class Fit:
    """Coefficients of a least-squares fit with their standard errors and the residual degrees of freedom."""

    coef: np.ndarray
    se: np.ndarray
    dof: int

    def t(self, level: float) -> float:
        """The two-sided Student-t quantile t_{(1 + level)/2, dof}."""
        from scipy import stats

        return float(stats.t.ppf(0.5 + level / 2, self.dof))

    def half_width(self, j: int, level: float) -> float:
        return self.t(level) * float(self.se[j])

    def interval(self, j: int, level: float) -> tuple[float, float]:
        half = self.half_width(j, level)
        return float(self.coef[j]) - half, float(self.coef[j]) + half


def least_squares(X, y) -> Fit:
    """The least-squares fit of ``y`` on the columns of ``X``, with the usual standard errors."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    dof = int(y.size - X.shape[1])
    sigma2 = float(resid @ resid) / dof if dof > 0 else math.nan
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(X.T @ X)))
    return Fit(coef=coef, se=se, dof=dof)


def line(x, y) -> Fit:
    """y = c_0 + c_1 x: coefficient 0 is the intercept, 1 the slope."""
    x = np.asarray(x, dtype=np.float64)
    return least_squares(np.column_stack([np.ones_like(x), x]), y)


def slope_interval(x, y, level: float = 0.95) -> tuple[float, tuple[float, float]]:
    """The slope of y on x and its two-sided t-interval at ``level``; with fewer than three points the slope
    is NaN and the interval unbounded."""
    x = np.asarray(x, dtype=np.float64)
    if x.size < 3:
        return math.nan, (-math.inf, math.inf)
    fit = line(x, y)
    return float(fit.coef[1]), fit.interval(1, level)
