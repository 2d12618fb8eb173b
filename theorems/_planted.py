"""Planted wrong versions: the table each family keeps beside its claims, and what one test runs over.

A claim is worth what it can catch.  Each family's ``planted.py`` holds ``PLANTED``, a tuple of
:class:`Planted` entries: a realistic wrong version of one claim (a wrong closed form, or a wrong experiment
built from the claim's own parts), the outcome expected when it runs on the ci profile with seed 0
(``falsified``, or ``survives`` with the reason it cannot be caught), and whether it is cheap enough for the
fast test tier.  ``tests/test_claims.py`` runs every entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from theorems._claim import Claim

FALSIFIED = "falsified"
SURVIVES = "survives"


@dataclasses.dataclass(frozen=True)
class Planted:
    """One planted wrong version of a claim.

    Attributes:
        claim: the id of the claim it is planted in.
        name: a short identifier, unique within the claim (the test's id).
        what: what is wrong, in words.
        build: returns the planted :class:`Claim` (called when the entry runs, so that building it may import
            JAX and SymPy).
        expected: ``"falsified"``, or ``"survives"`` for a wrong version the claim cannot see.
        reason: why it survives (required for ``"survives"``).
        cheap: runs in the fast test tier (its run takes seconds); otherwise in the slow tier.
        examples: Hypothesis examples for the run (default: the profile's).
        check: an optional further assertion on the run's result record (e.g. how far the worst case misses).
    """

    claim: str
    name: str
    what: str
    build: Callable[[], Claim]
    expected: str = FALSIFIED
    reason: str = ""
    cheap: bool = False
    examples: int | None = None
    check: Callable[[Mapping[str, Any]], None] | None = None

    def __post_init__(self):
        if self.expected not in (FALSIFIED, SURVIVES):
            raise ValueError(f"{self.claim}/{self.name}: expected must be {FALSIFIED!r} or {SURVIVES!r}")
        if self.expected == SURVIVES and not self.reason:
            raise ValueError(f"{self.claim}/{self.name}: a surviving wrong version needs its reason")

    @property
    def id(self) -> str:
        return f"{self.claim}/{self.name}"


def pinned(claim: Claim, batch: Sequence[Mapping[str, Any]]) -> Claim:
    """The claim with its search fixed to one batch of configurations (for a planted version of an expensive
    claim, run on a batch known to be in scope)."""
    from hypothesis import strategies as st

    batch = tuple(dict(c) for c in batch)
    return dataclasses.replace(claim, configurations=lambda profile: st.just(batch))
