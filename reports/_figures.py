"""Which function draws a claim's figure: a registry from claim id to figure function.

A figure function ``draw(records, ax)`` takes a claim's stored records (the ``records`` of ``results.json``)
and a Matplotlib ``Axes``; it never recomputes an experiment and never imports :mod:`theorems`.  The figures of
this package's families live in ``reports/<family>.py`` and register themselves with :func:`figure`; another
installed package adds its own through the entry-point group ``gd_theory_checks.figures`` (each entry point
names a module, imported for its registrations).  A claim with no registered figure gets
:func:`reports.plots.predicted_vs_measured`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Figure = Callable[[Sequence[Mapping[str, Any]], Any], None]

BUILTIN_MODULES = ("reports.shrinkage", "reports.ntk", "reports.splines")
ENTRY_POINT_GROUP = "gd_theory_checks.figures"

_FIGURES: dict[str, Figure] = {}
_loaded = False


def figure(*claim_ids: str) -> Callable[[Figure], Figure]:
    """Register the decorated function as the figure of each of ``claim_ids``."""

    def register(draw: Figure) -> Figure:
        for claim_id in claim_ids:
            _FIGURES[claim_id] = draw
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


def registered() -> dict[str, Figure]:
    _load()
    return dict(_FIGURES)
