"""Finding claims.

A family is a subpackage of :mod:`theorems` whose ``__init__`` defines ``CLAIMS``, or a module another installed
package names in the entry-point group ``gd_theory_checks.families`` (the entry point's name is the family's).
Importing a family imports neither JAX nor SymPy: a claim's heavy parts are references resolved when the claim
is run (see :data:`theorems._claim.LAZY_FIELDS`), so listing claims is fast.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterable

from theorems._claim import Claim

ENTRY_POINT_GROUP = "gd_theory_checks.families"


class UnknownClaimError(LookupError):
    """A selection named a claim or family that does not exist."""


@functools.cache
def _family_modules() -> dict[str, str]:
    import theorems

    found = {info.name: f"theorems.{info.name}" for info in pkgutil.iter_modules(theorems.__path__)
             if info.ispkg and not info.name.startswith("_")}
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value.partition(":")[0])
    return dict(sorted(found.items()))


@functools.cache
def _family(name: str) -> tuple[Claim, ...]:
    module_name = _family_modules()[name]
    return tuple(getattr(importlib.import_module(module_name), "CLAIMS", ()) or ())


def families(names: Iterable[str] | None = None) -> dict[str, tuple[Claim, ...]]:
    """Family name to its claims, in the family's order (only the families in ``names`` are imported, when
    given)."""
    known = _family_modules()
    wanted = known if names is None else [n for n in known if n in set(names or ())]
    found = {name: _family(name) for name in wanted}
    return {name: claims for name, claims in found.items() if claims}


def all_claims() -> tuple[Claim, ...]:
    return tuple(c for claims in families().values() for c in claims)


def get(claim_id: str) -> Claim:
    family = claim_id.partition(".")[0]
    for c in families([family]).get(family, ()):
        if c.id == claim_id:
            return c
    for c in all_claims():
        if c.id == claim_id:
            return c
    raise UnknownClaimError(f"unknown claim {claim_id!r}")


def select(names: Iterable[str]) -> tuple[Claim, ...]:
    """Claims named by id or by family; all claims when ``names`` is empty."""
    names = list(names)
    if not names:
        return all_claims()
    known = _family_modules()
    needed = {n.partition(".")[0] for n in names}
    fams = families(needed) if needed <= set(known) else families()
    by_id = {c.id: c for claims in fams.values() for c in claims}
    chosen: dict[str, Claim] = {}
    unknown = []
    for name in names:
        if name in fams:
            chosen.update((c.id, c) for c in fams[name])
        elif name in by_id:
            chosen[name] = by_id[name]
        else:
            unknown.append(name)
    if unknown:
        raise UnknownClaimError(
            f"unknown claim or family: {', '.join(map(repr, unknown))}. "
            f"Families: {', '.join(sorted(fams))}. Run 'python -m theorems list' for the claim ids.")
    return tuple(chosen.values())
