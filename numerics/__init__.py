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

On the same condition, and when the installed jaxlib is one known to have the flag (:data:`LIBRARY_FUSIONS_JAXLIB`;
XLA aborts the process on a flag it does not know), XLA's CPU backend keeps its own code for every operation and
hands none to the YNNPACK library (``--xla_cpu_experimental_ynn_fusion_type=`` with no type), for two reasons:
- Correctness.  With the library's fusions, jaxlib 0.10.2 computes the one-step residual map of the shrinkage
  family, I - A (-alpha (A^T (A 0 - I))) vmapped over a batch, as NaN or as garbage (entries near 1e287, or off by
  1e-3) for most batch sizes of 1 to 6 and n of 32 to 96, at XLA's optimisation levels 1 and 3; the product with
  the zero matrix is what triggers it.  ``tests/test_shrinkage.py`` checks those spectra against NumPy's.
- Speed.  A reduction whose operand holds an operation the library lacks (a comparison, a select: the ReLU's
  derivative in a Jacobian-vector product) was split so that XLA first wrote the whole (points, units) operand to
  memory: the tangent of the ntk residual projections (1024 points, 512 units) took 9 ms with the library's fusions
  and 0.9 ms without, the whole projection step 9.3 ms against 7.6 ms.  The ci run (seed 0, side by side on 2
  cores) took 172 s against 157 s with a cold compilation cache and 121 s against 118 s with a warm one.
Every verdict and count of that run is the same either way, its numbers the same to the last bits.
"""

import importlib.util
import os
import pkgutil
from pathlib import Path

CPU_OPT_LEVEL = "--xla_backend_optimization_level=1"
"""The XLA flag added for CPU runs (see the module docstring)."""

CPU_LIBRARY_FUSIONS = "--xla_cpu_experimental_ynn_fusion_type="
"""The XLA flag that hands no operation to the YNNPACK library on the CPU (see the module docstring)."""

LIBRARY_FUSIONS_JAXLIB = ((0, 8, 3), (0, 11))
"""jaxlib versions v with lower <= v < upper get :data:`CPU_LIBRARY_FUSIONS`: the flag is in jaxlib 0.8.3, 0.9.2,
0.10.0 and 0.10.2 and not in 0.8.0; later versions are not known to keep it."""

ACCELERATOR_PLATFORMS = ("cuda", "gpu", "rocm", "tpu")


def cpu_xla_flags(flags: str, platforms: str | None, accelerator_plugin: bool,
                  jaxlib: tuple[int, ...] | None = None) -> str:
    """``XLA_FLAGS`` with :data:`CPU_OPT_LEVEL` and :data:`CPU_LIBRARY_FUSIONS` added when JAX will run on the CPU:
    ``platforms`` (the value of ``JAX_PLATFORMS``) names only the CPU, or names nothing and no accelerator plugin is
    installed.  A level or a library-fusion choice the flags already make is kept; the library flag is added only for
    a ``jaxlib`` version in :data:`LIBRARY_FUSIONS_JAXLIB` (``None``: unknown, not added)."""
    if platforms:
        cpu_only = not any(p.strip().startswith(ACCELERATOR_PLATFORMS) for p in platforms.split(","))
    else:
        cpu_only = not accelerator_plugin
    if not cpu_only:
        return flags
    added = []
    if "xla_backend_optimization_level" not in flags:
        added.append(CPU_OPT_LEVEL)
    lower, upper = LIBRARY_FUSIONS_JAXLIB
    if "ynn_fusion_type" not in flags and jaxlib is not None and lower <= jaxlib < upper:
        added.append(CPU_LIBRARY_FUSIONS)
    return " ".join([flags.strip(), *added]).strip()


def _jaxlib_version() -> tuple[int, ...] | None:
    """The installed jaxlib's version as integers (``(0, 10, 2)``), from its metadata (JAX is not imported)."""
    import importlib.metadata
    import re

    try:
        version = importlib.metadata.version("jaxlib")
    except importlib.metadata.PackageNotFoundError:
        return None
    parts = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    return tuple(int(x) for x in parts.groups(default="0")) if parts else None


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
                                        _accelerator_plugin_installed(), _jaxlib_version())

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
