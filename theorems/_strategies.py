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
