"""The one place where work is shared within a process, and the one :func:`clear` that forgets it.

Two kinds of sharing pay:

- :func:`cached`, an ``lru_cache`` for pure functions of hashable arguments (a Jacobian and its SVD, a data
  set, an exact eigenvalue, a lambdified closed form), so that the configurations of a run that share one do
  not recompute it;
- :func:`store`, a named dictionary for results that several claims read by a digest of everything they
  depend on (``splines.spline_rate_bound`` reads the training sweeps of ``splines.spline_rate``: the two draw
  the same configurations from the same seed, and the second claim then costs under a second instead of a
  minute and a half).

Nothing is cached across processes except JAX's compilations: every run measures afresh.  Tests call
:func:`clear` before planting a wrong version, so that no result of the right one is reused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_FUNCTIONS: list[Any] = []
_STORES: dict[str, dict] = {}


def cached(maxsize: int | None = 256) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, registered so that :func:`clear` empties it."""

    def wrap(fn: F) -> F:
        wrapped = functools.lru_cache(maxsize=maxsize)(fn)
        _FUNCTIONS.append(wrapped)
        return wrapped  # type: ignore[return-value]

    return wrap


def store(name: str) -> dict:
    """The shared dictionary called ``name`` (created empty on first use)."""
    return _STORES.setdefault(name, {})


def clear() -> None:
    """Forget every cached value and every store."""
    for fn in _FUNCTIONS:
        fn.cache_clear()
    for entries in _STORES.values():
        entries.clear()


def digest(*parts: Any) -> str:
    """A short stable digest of ``parts`` (numbers, strings, arrays, nested sequences), for :func:`store` keys."""
    import hashlib

    import numpy as np

    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray) or hasattr(part, "__array__"):
            arr = np.ascontiguousarray(np.asarray(part))
            h.update(str((arr.dtype.str, arr.shape)).encode())
            h.update(arr.tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()[:32]
