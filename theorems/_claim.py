"""What a claim is.

A :class:`Claim` holds, in one object, everything the suite needs to check one
statement of a paper: the statement and its source, the SymPy closed form, the
theorem's assumptions as a predicate on a configuration, a Hypothesis strategy
that generates configurations, the experiment that measures the quantity the
closed form predicts, and the agreement metric with its tolerance and the
written reason for it.

A configuration is a plain mapping of JSON-serialisable values (numbers and
strings), so it can be shrunk by Hypothesis, stored in ``results.json`` and
re-run by hand.  One Hypothesis example is a *batch* of configurations that
share their array shapes: the experiment is compiled once per shape and the
batch runs through ``jax.vmap``.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Config = Mapping[str, Any]

LAZY_FIELDS = ("closed_form", "predict", "measure", "configurations", "assumptions", "replicate")
"""Fields of a :class:`Claim` that may be given as a reference ``"module:attribute"`` and are imported on first
use, so that listing claims imports neither JAX nor SymPy.  A module name starting with a dot is relative to
the claim's ``package`` (by default ``theorems.<family>``)."""


def resolve(reference: str, package: str):
    """The object a reference ``"module:attribute"`` names (``"module:a.b"`` follows attributes)."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not attribute:
        raise ValueError(f"reference {reference!r} must read 'module:attribute'")
    obj = importlib.import_module(module_name, package=package if module_name.startswith(".") else None)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    return obj


@dataclasses.dataclass(frozen=True)
class Profile:
    """How hard to look: the number of Hypothesis examples and how they are drawn.

    ``scale`` is read by strategies to size configurations (the ``thorough``
    profile goes to larger widths and sample sizes than ``dev``).  When a search
    of ``max_examples`` judged fewer than ``min_in_scope`` configurations (the
    rest out of scope), the runner searches again, a few rounds at most.
    Shrinking a counterexample stops after ``shrink_seconds`` with the smallest
    failing batch found by then (an expensive experiment shrinks slowly).
    ``claims``, when given, are the only claims the profile sizes (a run with it selects them, and refuses
    others); ``None``: every claim.
    """

    name: str
    max_examples: int
    derandomize: bool  # True: the seed defaults to 0; False: a fresh seed unless one is given
    scale: str
    min_in_scope: int = 20
    shrink_seconds: float = 60.0
    claims: tuple[str, ...] | None = None


PROFILES: dict[str, Profile] = {
    "dev": Profile("dev", max_examples=8, derandomize=False, scale="dev"),
    "ci": Profile("ci", max_examples=8, derandomize=True, scale="dev"),
    "thorough": Profile("thorough", max_examples=60, derandomize=False, scale="thorough", shrink_seconds=600.0),
    # For machines with an accelerator: the splines family's rate sweeps over widths 32..10^6 (one input) and
    # 32..10^5 (two), sized in theorems/splines/constants.py (WIDTHS["xl"] and what goes with it).
    "xl": Profile("xl", max_examples=4, derandomize=False, scale="xl", shrink_seconds=600.0, min_in_scope=12,
                  claims=("splines.spline_rate", "splines.spline_rate_bound", "splines.polyharmonic_rate")),
}
DEFAULT_PROFILE = "dev"


@dataclasses.dataclass(frozen=True)
class Measurement:
    """What an experiment measured for one configuration.

    Attributes:
        value: the measured quantity, in the same shape as the prediction.
        interval: a confidence interval for a fitted scalar ``value``
            (``(low, high)``), when the quantity is a fit.
        fitted: named fitted quantities to report, each a mapping with at least
            ``value`` and, where there is one, ``interval``.
        series: small arrays the report plots (curves, spectra), by name.
        scope: a reason when the run itself shows the configuration is outside
            the theorem's assumptions (training that did not reach the loss the
            statement needs, say); ``None`` otherwise.
    """

    value: Any
    interval: tuple[float, float] | None = None
    fitted: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    series: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    scope: str | None = None


@dataclasses.dataclass(frozen=True)
class Agreement:
    """An agreement metric and its tolerance, with the reason for the tolerance.

    ``error(predicted, measurement, config)`` returns a non-negative number;
    ``tolerance(predicted, measurement, config)`` returns the largest error the
    claim allows for that configuration.  The claim holds for the configuration
    when ``error <= tolerance``.
    """

    name: str
    error: Callable[[Any, Measurement, Config], float]
    tolerance: Callable[[Any, Measurement, Config], float]
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Claim:
    """One executable claim of a theorem.

    Attributes:
        id: ``family.name``, e.g. ``shrinkage.filter_exact``.
        statement: the statement, in the paper's words where it is the paper's.
        source: paper and theorem, section or equation; says ``[derived]`` when
            the statement is worked out from the paper's setting rather than
            stated in it.
        closed_form: the SymPy expression the prediction is computed from.
        symbols: what each symbol of ``closed_form`` means, by name.
        predict: ``predict(closed_form, config)`` evaluates the closed form for a
            configuration (through ``sympy.lambdify`` or exact evaluation).
        measure: ``measure(configs, keys)`` runs the experiment on a batch of
            configurations that share array shapes, one PRNG key each, and
            returns one :class:`Measurement` per configuration (or, for a
            configuration whose experiment broke, the exception saying how:
            that configuration's status is then an error, the others'
            stand).
        configurations: ``configurations(profile)`` is a Hypothesis strategy of
            batches (non-empty tuples) of configurations.
        assumptions: returns ``None`` for a configuration inside the theorem's
            assumptions, otherwise the reason it is outside.
        agreement: the metric, its tolerance and the reason for the tolerance.
        max_examples: per-profile override of the number of Hypothesis examples.
        replicate: optional ``replicate(configs, keys)``, an independent re-measurement
            (fresh randomness, typically more seeds) with the signature of ``measure``.
            For a claim judged by a confidence interval, a configuration that disagrees
            is measured again with it, and counts as a disagreement only when the
            replicate disagrees too; the first measurement is kept in its record.
        reuses: the id of a claim whose runs this one reads from the cache (the two draw the same
            configurations from the same seed); a parallel run keeps them in one worker, this one second.
        pooling: for a claim judged by a fitted exponent or rate per configuration, how its configurations are
            pooled into one random-effects estimate (``theorems._pooling.Pooling``: which fitted quantity, two- or
            one-sided, what varies between configurations); the claim is then also falsified when the pooled
            interval, at the level its share of the false-alarm budget leaves (theorems/_budget.py), excludes the
            prediction.
        shift: for a statistical claim judged configuration by configuration, how its prediction is moved by a
            deviation delta (``theorems._resolution.Shift``: an exponent plus delta, every rate times 1 + delta):
            each judged configuration is judged again with the prediction moved, and the run reports the smallest
            deviation on each side its search would have detected.
        package: the package that relative references (``".theory:NAME"``) are resolved in; by default
            ``theorems.<family>``.
    """

    id: str
    statement: str
    source: str
    closed_form: Any  # sympy.Basic, or a reference to one
    symbols: Mapping[str, str]
    predict: Callable[[Any, Config], Any]
    measure: Callable[[Sequence[Config], Sequence[Any]], Sequence[Measurement]]
    configurations: Callable[[Profile], Any]
    assumptions: Callable[[Config], str | None]
    agreement: Agreement
    max_examples: Mapping[str, int] = dataclasses.field(default_factory=dict)
    replicate: Callable[[Sequence[Config], Sequence[Any]], Sequence[Measurement]] | None = None
    reuses: str | None = None
    pooling: Any = None  # theorems._pooling.Pooling
    shift: Any = None  # theorems._resolution.Shift
    package: str | None = None

    def __post_init__(self):
        family, _, name = self.id.partition(".")
        if not family or not name:
            raise ValueError(f"claim id {self.id!r} must read 'family.name'")
        if self.package is None:
            object.__setattr__(self, "package", f"theorems.{family}")

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if isinstance(value, str) and name in LAZY_FIELDS:
            value = resolve(value, object.__getattribute__(self, "package"))
            object.__setattr__(self, name, value)  # resolved once
        return value

    @property
    def family(self) -> str:
        return self.id.partition(".")[0]

    def examples_for(self, profile: Profile) -> int:
        return int(self.max_examples.get(profile.name, profile.max_examples))

    def with_closed_form(self, closed_form) -> "Claim":
        """The same claim with another closed form: how a wrong version is planted."""
        return dataclasses.replace(self, closed_form=closed_form)

