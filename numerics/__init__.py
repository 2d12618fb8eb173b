"""JAX numerics behind the experiments: models, kernels, training loops and solvers.

Importing this package turns on float64 in JAX: every experiment runs in double precision unless a claim says
otherwise.  It also turns on JAX's persistent compilation cache, so that a second run does not compile again:
the folder is ``$GD_THEORY_CHECKS_JAX_CACHE`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/gd-theory-checks/jax`` (``~/.cache/gd-theory-checks/jax``).  Only compilations are cached
there, never a measurement.
"""

import os
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

CACHE_ENV = "GD_THEORY_CHECKS_JAX_CACHE"


def compilation_cache_dir() -> Path | None:
    """The persistent compilation cache's folder, or ``None`` when it is turned off."""
    where = os.environ.get(CACHE_ENV)
    if where is not None:
        return None if where.strip().lower() in ("", "0", "off", "none", "false") else Path(where).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gd-theory-checks" / "jax"


def _enable_compilation_cache() -> None:
    folder = compilation_cache_dir()
    if folder is None:
        return
    jax.config.update("jax_compilation_cache_dir", str(folder))
    # Cache every compilation that takes a tenth of a second or more (JAX's default, one second, would leave
    # out most of the experiments' kernels, each a few tenths of a second to compile on a small machine).
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.1)


_enable_compilation_cache()
