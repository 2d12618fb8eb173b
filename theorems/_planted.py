"""Planted wrong versions: the table each family keeps beside its claims, and what one test runs over.

A claim is worth what it can catch.  Each family's ``planted.py`` holds ``PLANTED``, a tuple of
:class:`Planted` entries: a realistic wrong version of one claim, the outcome expected when it runs on the ci
profile with seed 0 (``falsified``, or ``survives`` with the reason it cannot be caught), and whether it is
cheap enough for the fast test tier.  ``tests/test_claims.py`` runs every entry.

A wrong version is planted in one of two places:

- in the claim itself (``build``): a wrong closed form, or a wrong experiment built from the claim's own parts;
- in the code the claim runs (``patch``): a :class:`Patch` replaces a function of :mod:`numerics` or of a
  family's experiment modules, the way a bug would sit there (a learning rate off by a few percent, a step too
  few, a sign, a transposed matrix, a kernel term dropped or scaled, sampling that is not uniform).  The test
  applies it with pytest's ``monkeypatch``, after :func:`clear_caches` (so that nothing computed or compiled
  with the right code is reused), through :func:`counted` (so that it can assert the planted code ran), and
  runs the registered claim unless ``build`` says otherwise.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from theorems._claim import Claim

FALSIFIED = "falsified"
SURVIVES = "survives"


@dataclasses.dataclass(frozen=True)
class Patch:
    """``module.attribute`` replaced by ``replacement(original)`` while a planted entry runs.

    ``module`` is the module whose attribute the claim's code looks up when it runs (for ``from m import f``
    that is the importing module).  A function called inside ``jax.jit`` is traced, not called, on each
    compilation; :func:`clear_caches` makes sure it is traced again.
    """

    module: str
    attribute: str
    replacement: Callable[[Any], Callable]

    @property
    def target(self) -> str:
        return f"{self.module}.{self.attribute}"


@dataclasses.dataclass(frozen=True)
class Planted:
    """One planted wrong version of a claim.

    Attributes:
        claim: the id of the claim it is planted in.
        name: a short identifier, unique within the claim (the test's id).
        what: what is wrong, in words.
        build: returns the planted :class:`Claim` (called when the entry runs, so that building it may import
            JAX and SymPy); by default the registered claim ``claim``.
        expected: ``"falsified"``, or ``"survives"`` for a wrong version the claim cannot see.
        reason: why it survives (required for ``"survives"``).
        cheap: runs in the fast test tier (its run takes seconds); otherwise in the slow tier.
        examples: Hypothesis examples for the run (default: the profile's).
        check: an optional further assertion on the run's result record (e.g. how far the worst case misses).
        patch: the :class:`Patch` es that plant the bug in the code the claim runs (none for a wrong claim).
    """

    claim: str
    name: str
    what: str
    build: Callable[[], Claim] | None = None
    expected: str = FALSIFIED
    reason: str = ""
    cheap: bool = False
    examples: int | None = None
    check: Callable[[Mapping[str, Any]], None] | None = None
    patch: tuple[Patch, ...] = ()

    def __post_init__(self):
        if self.expected not in (FALSIFIED, SURVIVES):
            raise ValueError(f"{self.claim}/{self.name}: expected must be {FALSIFIED!r} or {SURVIVES!r}")
        if self.expected == SURVIVES and not self.reason:
            raise ValueError(f"{self.claim}/{self.name}: a surviving wrong version needs its reason")
        if self.build is None and not self.patch:
            raise ValueError(f"{self.claim}/{self.name}: a planted version needs a build or a patch")

    def planted_claim(self) -> Claim:
        """The claim to run: ``build()``, or the registered claim when the bug is in a patch."""
        if self.build is not None:
            return self.build()
        from theorems import _registry

        return _registry.get(self.claim)

    @property
    def in_numerics(self) -> bool:
        """Whether the bug is planted in :mod:`numerics` (the experiment side) rather than in the claim."""
        return any(p.module == "numerics" or p.module.startswith("numerics.") for p in self.patch)

    @property
    def id(self) -> str:
        return f"{self.claim}/{self.name}"


def pinned(claim: Claim, batch: Sequence[Mapping[str, Any]]) -> Claim:
    """The claim with its search fixed to one batch of configurations (for a planted version of an expensive
    claim, run on a batch known to be in scope)."""
    from hypothesis import strategies as st

    batch = tuple(dict(c) for c in batch)
    return dataclasses.replace(claim, configurations=lambda profile: st.just(batch))


def clear_caches() -> None:
    """Forget everything computed or compiled in this process, so that planted code runs afresh and, after it,
    the right code does: :func:`theorems._cache.clear`, every ``functools.lru_cache`` of a loaded module of
    :mod:`numerics` and :mod:`theorems` (the compiled training runs of :mod:`numerics.shallow` among them), the
    lazily compiled loops of :mod:`numerics.splines`, and JAX's compilation and tracing caches (so that a
    jitted function traces the patched code again)."""
    from theorems import _cache

    _cache.clear()
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "numerics" or name.startswith(("numerics.", "theorems."))):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()
        for lazy in ("_GD_SEGMENTS", "_GD_COEFFICIENTS"):
            if getattr(module, lazy, None) is not None:
                setattr(module, lazy, None)
    if "jax" in sys.modules:
        sys.modules["jax"].clear_caches()


def counted(patch: Patch, original: Any, calls: dict[str, int]) -> Callable:
    """``patch.replacement(original)``, counting its calls (or traces, under ``jax.jit``) in ``calls``."""
    replacement = patch.replacement(original)
    calls.setdefault(patch.target, 0)

    @functools.wraps(replacement)
    def wrapper(*args, **kwargs):
        calls[patch.target] += 1
        return replacement(*args, **kwargs)

    return wrapper


def apply(entry: Planted, setattr_: Callable[[Any, str, Any], None]) -> dict[str, int]:
    """Plants ``entry``'s patches with ``setattr_`` (pytest's ``monkeypatch.setattr``, which undoes them) and
    returns the call counts, one per patched target, that the run fills in."""
    calls: dict[str, int] = {}
    for patch in entry.patch:
        module = importlib.import_module(patch.module)
        original = getattr(module, patch.attribute)
        setattr_(module, patch.attribute, counted(patch, original, calls))
    return calls


# --- common bugs, as replacement factories -------------------------------------------------------------------

def scaled_output(factor: float) -> Callable[[Callable], Callable]:
    """The function's value times ``factor`` (a constant off by a few percent)."""
    return lambda original: lambda *args, **kwargs: factor * original(*args, **kwargs)


def with_argument(index: int, change: Callable[[Any], Any]) -> Callable[[Callable], Callable]:
    """The function called with its positional argument ``index`` replaced by ``change(argument)`` (a learning
    rate off, a step too few, a transposed matrix handed over)."""

    def factory(original):
        def planted(*args, **kwargs):
            args = list(args)
            args[index] = change(args[index])
            return original(*args, **kwargs)

        return planted

    return factory


def with_output(change: Callable[[Any], Any]) -> Callable[[Callable], Callable]:
    """The function's result passed through ``change`` (a sign, a transpose, a term dropped)."""
    return lambda original: lambda *args, **kwargs: change(original(*args, **kwargs))


# --- the table counted: what the planted versions show of each family ---------------------------------------

def entries() -> list[Planted]:
    """Every family's planted wrong versions, in the families' order."""
    from theorems import _registry

    out: list[Planted] = []
    for family in _registry.families():
        module = importlib.import_module(f"{_registry._family_modules()[family]}.planted")
        out.extend(module.PLANTED)
    return out


def kill_rates(planted: Sequence[Planted] | None = None) -> dict[str, dict[str, int]]:
    """Per family and in all (``"all"``): entries, caught (expected falsified), surviving, planted in
    :mod:`numerics` (the experiment side) and of those caught, and in the fast tier."""
    planted = entries() if planted is None else planted
    table: dict[str, dict[str, int]] = {}
    for p in planted:
        for key in (p.claim.split(".")[0], "all"):
            row = table.setdefault(key, {"entries": 0, "caught": 0, "survives": 0, "numerics": 0,
                                         "numerics_caught": 0, "fast": 0})
            row["entries"] += 1
            row["caught"] += p.expected == FALSIFIED
            row["survives"] += p.expected == SURVIVES
            row["numerics"] += p.in_numerics
            row["numerics_caught"] += p.in_numerics and p.expected == FALSIFIED
            row["fast"] += p.cheap
    return table


def kill_rate_text(planted: Sequence[Planted] | None = None) -> str:
    """The kill-rate table per family and every survivor with its reason, as plain text."""
    planted = entries() if planted is None else planted
    table = kill_rates(planted)
    lines = [f"{'family':<10} {'entries':>7} {'caught':>6} {'kill rate':>9} {'in numerics':>11} {'share':>6} "
             f"{'caught there':>12} {'fast':>5}"]
    for family, row in sorted(table.items(), key=lambda item: item[0] == "all"):
        lines.append(f"{family:<10} {row['entries']:>7} {row['caught']:>6} {row['caught'] / row['entries']:>9.0%} "
                     f"{row['numerics']:>11} {row['numerics'] / row['entries']:>6.0%} "
                     f"{row['numerics_caught']:>12} {row['fast']:>5}")
    lines.append("")
    lines.append("surviving wrong versions (expected to come out 'holds'), with the reason:")
    for p in planted:
        if p.expected == SURVIVES:
            side = "numerics" if p.in_numerics else "claim"
            lines.append(f"- {p.id} [{side}]: {p.what}. {p.reason}")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m theorems._planted
    print(kill_rate_text())
