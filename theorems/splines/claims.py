"""The claims of the splines family, in the paper's order.

The claims themselves are written in two modules, each with its tolerances: ``claims_limits`` (the infinite-width
limits) and ``claims_networks`` (trained finite-width networks).  Nothing here imports JAX, SymPy, Hypothesis or
SciPy: a claim's heavy parts are references (``".theory:ZETA"``) resolved when it is evaluated.
"""

from __future__ import annotations

from theorems.splines.claims_limits import (curvature_density_mc, natural_spline, other_activation,
                                            polyharmonic_limit, trajectory_smoothing)
from theorems.splines.claims_multid import curvature_density_multid, gaussian_limit_2d, polyharmonic_limit_3d
from theorems.splines.claims_networks import (output_layer_only, polyharmonic_rate, sgd_rate, spline_rate,
                                              spline_rate_bound, trajectory_network, trajectory_width_rate)

CLAIMS = (curvature_density_mc, natural_spline, spline_rate, spline_rate_bound, polyharmonic_limit,
          polyharmonic_rate, output_layer_only, sgd_rate, trajectory_smoothing, other_activation,
          trajectory_network, trajectory_width_rate, curvature_density_multid, gaussian_limit_2d,
          polyharmonic_limit_3d)

__all__ = ["CLAIMS", "curvature_density_mc", "natural_spline", "spline_rate", "spline_rate_bound", "polyharmonic_limit",
           "polyharmonic_rate", "output_layer_only", "sgd_rate", "trajectory_smoothing", "other_activation",
           "trajectory_network", "trajectory_width_rate", "curvature_density_multid", "gaussian_limit_2d",
           "polyharmonic_limit_3d"]
