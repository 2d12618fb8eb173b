"""Which function draws a claim's figure: a registry from claim id to figure function.

A figure function ``draw(records, ax)`` takes a claim's records (those :func:`reports._records.shown_records`
gives: the shrunk counterexample first, tagged ``"role": "counterexample"``) and a Matplotlib ``Axes``; it never
recomputes an experiment and never imports :mod:`theorems`.  The figures of this package's families live in
``reports/<family>.py`` and register themselves with :func:`figure`; another installed package adds its own
through the entry-point group ``gd_theory_checks.figures`` (each entry point names a module, imported for its
registrations).  A claim with no registered figure gets :func:`reports.plots.predicted_vs_measured`.

Beside it a report draws the panel that decides the verdict (:func:`reports.plots.verdict_panel`): error over
tolerance against the configuration key ``by`` names (the quantity that matters for the claim: a width, a
degree, a step), or for one-sided bounds each interval against the bound.  ``verdict_panel=False`` leaves it
out, for a figure that draws the deciding allowance itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Figure = Callable[[Sequence[Mapping[str, Any]], Any], None]

BUILTIN_MODULES = ("reports.shrinkage", "reports.ntk", "reports.splines")
ENTRY_POINT_GROUP = "gd_theory_checks.figures"


@dataclass(frozen=True)
class Options:
    by: str | None = None  # the configuration key the verdict panel is drawn against (None: chosen from the data)
    verdict_panel: bool = True


_FIGURES: dict[str, Figure] = {}
_OPTIONS: dict[str, Options] = {}
_loaded = False


def figure(*claim_ids: str, by: str | None = None, verdict_panel: bool = True) -> Callable[[Figure], Figure]:
    """Register the decorated function as the figure of each of ``claim_ids``."""

    def register(draw: Figure) -> Figure:
        for claim_id in claim_ids:
            _FIGURES[claim_id] = draw
            _OPTIONS[claim_id] = Options(by=by, verdict_panel=verdict_panel)
        return draw

    return register


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in BUILTIN_MODULES:
        importlib.import_module(name)
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        ep.load()


def figure_for(claim_id: str) -> Figure:
    """The registered figure of ``claim_id``, or the generic predicted-against-measured figure."""
    _load()
    from reports import plots

    return _FIGURES.get(claim_id, plots.predicted_vs_measured)


def options_for(claim_id: str) -> Options:
    _load()
    return _OPTIONS.get(claim_id, Options())


def registered() -> dict[str, Figure]:
    _load()
    return dict(_FIGURES)
