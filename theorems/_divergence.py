"""When a training run that ends in NaN or inf diverged, and when it broke.

Past the stability limit GD's residual grows geometrically, so a run that ends in inf or NaN passes through large
finite values on the way. A NaN or inf with no such growth before it is a broken experiment (a bug, an overflow in
the measurement), not a step past the limit: the claims report it as an error, where "out of scope" (what
divergence is) would hide the fault."""

from __future__ import annotations

import numpy as np

DIVERGENCE_GROWTH = 1e3
"""A GD run diverged when its residual norm grew past this many times its start (the step is past the stability
limit of the network's own kernel at this width): the configuration is then out of the theorem's scope."""


def diverged(norms, *along) -> bool | FloatingPointError:
    """Whether a GD run diverged, from its residual norms at the recorded steps (the first at t = 0): True when
    they grew past ``DIVERGENCE_GROWTH`` times the first, False when the run is finite throughout.

    A NaN or inf in the norms, or in the arrays ``along`` measured on the run, with
    no such growth before it is a broken experiment, not divergence: the function then returns the
    FloatingPointError that says so, which the measurement returns in place of the configuration's measurement
    (its status is an error, where "out of scope" would hide the fault)."""
    norms = np.asarray(norms, dtype=np.float64)
    finite = np.isfinite(norms)
    before = norms if finite.all() else norms[: int(np.argmin(finite))]
    if before.size and before.max() > DIVERGENCE_GROWTH * before[0]:
        return True
    if finite.all() and all(np.all(np.isfinite(np.asarray(a))) for a in along):
        return False
    growth = f"{before.max() / before[0]:.3g} times its start" if before.size else "not finite from the start"
    return FloatingPointError(f"the experiment produced NaN or inf with no divergence before it (the residual norm "
                              f"reached {growth}, not {DIVERGENCE_GROWTH:g}): a broken run, not one past the "
                              "stability limit")


def broken_runs(growth, *finals) -> np.ndarray:
    """The runs of a sweep that broke, elementwise: some of ``finals`` (values measured at each run's end, such as
    its final residual) not finite while its ``growth`` (largest residual over the first, NaN steps skipped; see
    numerics.shallow.train) stayed within ``DIVERGENCE_GROWTH``."""
    growth = np.asarray(growth, dtype=np.float64)
    finite = np.ones(growth.shape, bool)
    for a in finals:
        finite &= np.isfinite(np.asarray(a, dtype=np.float64))
    return ~finite & ~(growth > DIVERGENCE_GROWTH)


def stopped(norms, *along, value, scope: str):
    """What a measurement returns in place of a run's record when the run did not end well, else None: the
    FloatingPointError of :func:`diverged` for a broken run, or an out-of-scope Measurement (``value`` NaN of the
    record's shape, ``scope`` the reason) for one that diverged."""
    from theorems._claim import Measurement

    broken = diverged(norms, *along)
    if isinstance(broken, FloatingPointError):
        return broken
    return Measurement(value=value, scope=scope) if broken else None
