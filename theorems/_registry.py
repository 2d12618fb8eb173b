"""Finding claims: every public module of ``theorems`` that defines ``CLAIMS`` is a family."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from theorems._claim import Claim


class UnknownClaimError(LookupError):
    """A selection named a claim or family that does not exist."""


def families() -> dict[str, tuple[Claim, ...]]:
    """Family name to its claims, in module order."""
    import theorems

    found: dict[str, tuple[Claim, ...]] = {}
    for info in sorted(pkgutil.iter_modules(theorems.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"theorems.{info.name}")
        claims = getattr(module, "CLAIMS", None)
        if claims:
            found[info.name] = tuple(claims)
    return found


def all_claims() -> tuple[Claim, ...]:
    return tuple(c for claims in families().values() for c in claims)


def get(claim_id: str) -> Claim:
    for c in all_claims():
        if c.id == claim_id:
            return c
    raise UnknownClaimError(f"unknown claim {claim_id!r}")


def select(names: Iterable[str]) -> tuple[Claim, ...]:
    """Claims named by id or by family; all claims when ``names`` is empty."""
    names = list(names)
    fams = families()
    if not names:
        return all_claims()
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
