"""Declared configuration keys: each family says once what its configurations hold.

A configuration is a flat mapping of numbers and strings.  Each family's ``configurations.KEYS`` maps every key
its strategies draw to a :class:`Key`: its type, its domain (a range or a set of choices) and, for a key computed
from others (a learning rate from its fraction of the stability limit), what it is derived from.  A test draws
every claim's configurations and checks them against the declarations; ``describe`` prints them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class Key:
    """One configuration key.

    Attributes:
        kind: ``int``, ``float`` or ``str``.
        doc: what the key is, with the paper's symbol.
        low, high: the closed range of a number (``None``: unbounded on that side).
        choices: the values a key may take (a string key's alternatives, a profile's grid sizes).
        derived_from: the keys it is computed from, when it is not drawn itself.
    """

    kind: type
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    derived_from: tuple[str, ...] = ()

    def problem(self, name: str, value: Any) -> str | None:
        """Why ``value`` is not a valid value of this key, or ``None``."""
        if self.kind is str:
            if not isinstance(value, str):
                return f"{name!r} must be a string, got {value!r}"
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{name!r} must be a number, got {value!r}"
        elif self.kind is int and not float(value).is_integer():
            return f"{name!r} must be an integer, got {value!r}"
        elif not math.isfinite(float(value)):
            return f"{name!r} must be finite, got {value!r}"
        if self.choices is not None and value not in self.choices:
            return f"{name!r} = {value!r} is not one of {', '.join(map(repr, self.choices))}"
        if self.low is not None and value < self.low:
            return f"{name!r} = {value!r} is below its domain [{self.low}, {self.high}]"
        if self.high is not None and value > self.high:
            return f"{name!r} = {value!r} is above its domain [{self.low}, {self.high}]"
        return None

    def normalised(self, value: Any) -> Any:
        """``value`` (valid for this key) as the strategies draw it: an integer key's ``2.0`` as ``2``, a float
        key's ``1`` as ``1.0``, a list as a tuple."""
        if isinstance(value, (list, tuple)):
            return tuple(self.normalised(v) for v in value)
        if self.kind is int and isinstance(value, float):
            return int(value)
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def describe(self) -> str:
        if self.choices is not None:
            domain = "one of " + ", ".join(map(repr, self.choices))
        elif self.low is not None or self.high is not None:
            lo = "-inf" if self.low is None else f"{self.low:g}"
            hi = "inf" if self.high is None else f"{self.high:g}"
            domain = f"in [{lo}, {hi}]"
        else:
            domain = "any"
        derived = f"; derived from {', '.join(self.derived_from)}" if self.derived_from else ""
        return f"{self.kind.__name__} {domain}{derived}: {self.doc}"


def problems(keys: Mapping[str, Key], config: Mapping[str, Any]) -> list[str]:
    """Every way ``config`` departs from the declarations ``keys``: unknown keys and invalid values."""
    out = [f"unknown key {k!r} (keys: {', '.join(sorted(keys))})" for k in config if k not in keys]
    for name, value in config.items():
        if name in keys:
            problem = keys[name].problem(name, value)
            if problem:
                out.append(problem)
    return out


def declared(claim) -> Mapping[str, Key] | None:
    """The ``KEYS`` of the family of ``claim`` (``<package>.configurations``), or ``None`` if it declares none."""
    import importlib

    try:
        module = importlib.import_module(f"{claim.package}.configurations")
    except ModuleNotFoundError as exc:
        if exc.name != f"{claim.package}.configurations":
            raise
        return None
    return getattr(module, "KEYS", None)


def checked(claim, config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` held to the declarations of ``claim``'s family and :meth:`Key.normalised`; ``ValueError``
    with every problem, on one line, when it departs from them."""
    keys = declared(claim)
    if keys is None:
        return dict(config)
    found = problems(keys, config)
    if found:
        raise ValueError("; ".join(found) + f" (declared in {claim.package}.configurations.KEYS)")
    return {name: keys[name].normalised(value) for name, value in config.items()}
