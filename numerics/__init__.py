"""JAX numerics behind the experiments: models, kernels, training loops and solvers.

Importing this package turns on float64 in JAX: every experiment runs in double precision unless a claim says
otherwise.  It also turns on JAX's persistent compilation cache, so that a second run does not compile again:
the folder is ``$GD_THEORY_CHECKS_JAX_CACHE`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/gd-theory-checks/jax`` (``~/.cache/gd-theory-checks/jax``).  Only compilations are cached
there, never a measurement.

On the CPU, XLA's backend compiles at LLVM optimisation level 1 (``--xla_backend_optimization_level=1`` is added to
``XLA_FLAGS`` unless they set a level, or an accelerator's JAX plugin is installed and ``JAX_PLATFORMS`` does not
say cpu): the experiments' programs compile in about half the time (the damped-deviations trajectory of six
configurations: 3.9 s at XLA's default level 3, 1.7 s at level 1) and run as fast or faster (the training loops
of the splines family took 0.8 to 0.9 times as long in the same ci runs).  Results can differ from level 3's in
the last bits (a reduction summed in another order), never more.
"""

import importlib.util
import os
import pkgutil
from pathlib import Path

CPU_OPT_LEVEL = "--xla_backend_optimization_level=1"
"""The XLA flag added for CPU runs (see the module docstring)."""

ACCELERATOR_PLATFORMS = ("cuda", "gpu", "rocm", "tpu")


def cpu_xla_flags(flags: str, platforms: str | None, accelerator_plugin: bool) -> str:
    """``XLA_FLAGS`` with :data:`CPU_OPT_LEVEL` added when JAX will run on the CPU: ``platforms`` (the value of
    ``JAX_PLATFORMS``) names only the CPU, or names nothing and no accelerator plugin is installed.  A level the
    flags already set is kept."""
    if "xla_backend_optimization_level" in flags:
        return flags
    if platforms:
        cpu_only = not any(p.strip().startswith(ACCELERATOR_PLATFORMS) for p in platforms.split(","))
    else:
        cpu_only = not accelerator_plugin
    return f"{flags} {CPU_OPT_LEVEL}".strip() if cpu_only else flags


def _accelerator_plugin_installed() -> bool:
    """A JAX PJRT plugin (``jax_plugins.*``: the CUDA and ROCm wheels) or libtpu is installed."""
    try:
        spec = importlib.util.find_spec("jax_plugins")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and any(True for _ in pkgutil.iter_modules(spec.submodule_search_locations or [])):
        return True
    return any(importlib.util.find_spec(name) is not None
               for name in ("jax_cuda12_plugin", "jax_cuda13_plugin", "libtpu"))


# XLA reads XLA_FLAGS when its first backend starts, which is after this import in every entry point here.
os.environ["XLA_FLAGS"] = cpu_xla_flags(os.environ.get("XLA_FLAGS", ""), os.environ.get("JAX_PLATFORMS"),
                                        _accelerator_plugin_installed())

import jax  # noqa: E402

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
