"""Hypothesis building blocks shared by the families."""

from __future__ import annotations

import json

from hypothesis import strategies as st


def batches(setting: st.SearchStrategy, member: st.SearchStrategy, *, min_size: int = 1,
            max_size: int = 4) -> st.SearchStrategy:
    """Batches of configurations that share one *setting* (the part that fixes array shapes).

    Draws a ``setting`` mapping, then ``min_size..max_size`` ``member`` mappings, and
    returns the tuple of merged configurations, no two alike.  Hypothesis shrinks the batch to a
    single configuration and then shrinks its values.  ``member`` may be a function
    of the setting, for members whose ranges depend on it.
    """

    @st.composite
    def draw(draw_):
        shared = draw_(setting)
        member_strategy = member(shared) if callable(member) else member
        members = draw_(st.lists(member_strategy, min_size=min_size, max_size=max_size,
                                 unique_by=lambda m: json.dumps(m, sort_keys=True, default=str)))
        return tuple({**shared, **m} for m in members)

    return draw()


# --- kinds of value ----------------------------------------------------------------------------------------
# Each family draws its configurations from these, so that a kind of value is drawn the same way everywhere.

SEED_MAX = 2**16


def seeds(max_value: int = SEED_MAX) -> st.SearchStrategy[int]:
    """An integer seed of a data set, an initialisation or a placement, in ``[0, max_value]``."""
    return st.integers(0, max_value)


def seeds_or_papers(max_value: int = SEED_MAX) -> st.SearchStrategy[int]:
    """A data seed, or -1 for the paper's own data set."""
    return st.one_of(st.just(-1), st.integers(0, max_value))


def rounded(low: float, high: float, digits: int = 3) -> st.SearchStrategy[float]:
    """A float in ``[low, high]`` rounded to ``digits`` decimals, so that a configuration prints and re-runs
    exactly as it was drawn."""
    return st.floats(low, high).map(lambda v: round(v, digits))


def fractions(low: float, high: float) -> st.SearchStrategy[float]:
    """A fraction of a limit (a step as a fraction of the stability limit, say), in ``[low, high]``; a range
    reaching past 1 exercises the assumption that the step stays below the limit."""
    return st.floats(low, high)


def fraction_of(limit: float, low: float, high: float) -> st.SearchStrategy[float]:
    """``f * limit`` for a fraction ``f`` drawn by :func:`fractions`: a value drawn relative to a limit that
    is known when the strategy is built."""
    return fractions(low, high).map(lambda f: float(f * limit))


def derived(key: str, function) -> "callable":
    """A map over member mappings adding ``key = function(member)``: a key derived from the drawn ones (the
    learning rate from its fraction of the stability limit, say)."""

    def add(member):
        return {**member, key: function(member)}

    return add


def joined(values: st.SearchStrategy, fmt: str = "g") -> st.SearchStrategy[str]:
    """A tuple of numbers as one comma-separated string (a configuration holds only scalars)."""
    return values.map(lambda a: ",".join(f"{x:{fmt}}" for x in a))


def merged(*parts: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Mappings drawn from each part, merged left to right."""

    def merge(ts):
        out: dict = {}
        for t in ts:
            out.update(t)
        return out

    return st.tuples(*parts).map(merge)
