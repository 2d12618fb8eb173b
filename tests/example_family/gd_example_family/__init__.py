"""A theorem family in a package of its own: gradient descent on a one-dimensional quadratic.

On L(w) = (lambda/2) (w - w*)^2, q steps of gradient descent with step alpha from w_0 leave the error
w_q - w* = (1 - alpha lambda)^q (w_0 - w*): the textbook contraction, checked at float64 round-off.  The
package registers the family through the entry-point group ``gd_theory_checks.families`` and its figure through
``gd_theory_checks.figures``; ``gd-theory-checks list`` then shows the claim beside the suite's own.
"""

from gd_example_family.claims import CLAIMS

__all__ = ["CLAIMS"]
