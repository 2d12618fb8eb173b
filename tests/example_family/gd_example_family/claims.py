"""The claim, its tolerance and its parts (heavy fields by reference, resolved in this package)."""

from theorems._agreement import FLOAT64_EPS, max_abs_error
from theorems._claim import Claim


def tolerance(predicted, measurement, config) -> float:
    """4 (q + 1) eps |w_0 - w*|: each step rounds once in the update and once in the product, and the map
    contracts (|1 - alpha lambda| <= 1 below the stability limit), so the errors add up over q steps."""
    return 4.0 * (config["q"] + 1) * FLOAT64_EPS * abs(config["w0"] - config["w_star"])


contraction = Claim(
    id="quadratic.contraction",
    statement="q steps of gradient descent with step alpha on (lambda/2)(w - w*)^2 leave the error "
              "(1 - alpha lambda)^q (w_0 - w*).",
    source="Nesterov (2004), Introductory Lectures on Convex Optimization, sec. 1.2.3 [derived]",
    closed_form=".theory:ERROR",
    symbols={"alpha": "step", "lam": "curvature lambda", "q": "steps", "e0": "initial error w_0 - w*"},
    predict=".theory:predict",
    measure=".theory:measure",
    configurations=".theory:configurations",
    assumptions=".theory:assumptions",
    agreement=max_abs_error(tolerance, reason=tolerance.__doc__),
    package="gd_example_family",
)

CLAIMS = (contraction,)
