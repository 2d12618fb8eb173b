"""The compiled CPU kernels of GD on the ASI network (``_asi_train.cc``: full-batch training, and a block of SGD
steps), as XLA FFI custom calls.

The C++ source ships with the package and is compiled on first use with the machine's C++ compiler (``$CXX``, else
``c++``; ``-O3 -march=native``) against the XLA FFI headers of the installed jaxlib, into
``$XDG_CACHE_HOME/gd-theory-checks/native`` (``~/.cache/gd-theory-checks/native``), one library per source, jaxlib
version, compiler and CPU: a few seconds once per machine.  Only code is cached there, never a measurement.

Where it cannot be used (no compiler, a failed build, ``GD_THEORY_CHECKS_NATIVE=off``, a backend other than the
CPU, inputs of dimension above 2) ``numerics.shallow.train`` runs its XLA loop (``train_jax``), and
``sgd_train_until`` and ``trajectory_run`` theirs: the same steps, results equal to the last bits of a sum's order
(``tests/test_splines.py`` holds each to a plain loop of the paper's step).  :func:`status` says which, and
``results.json`` records it.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

NATIVE_ENV = "GD_THEORY_CHECKS_NATIVE"
"""``off`` (or 0, no, false) turns the compiled kernel off."""

SOURCE = Path(__file__).with_name("_asi_train.cc")
TARGET = "gd_theory_checks_asi_train"
SGD_TARGET = "gd_theory_checks_asi_sgd"
LANES = 4
"""Units per vector step of the kernel (``LANES`` in ``_asi_train.cc``): each network is padded with zero units to a
multiple of it."""
FLAGS = ("-O3", "-march=native", "-std=c++17", "-shared", "-fPIC")


def _disabled() -> bool:
    return os.environ.get(NATIVE_ENV, "").strip().lower() in ("0", "off", "no", "false")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gd-theory-checks" / "native"


def _cpu_signature() -> str:
    """The CPU's model and feature flags (``-march=native`` code runs only where they match)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        import platform

        return platform.machine() + platform.processor()
    lines = [ln for ln in text.splitlines() if ln.startswith(("model name", "flags", "Features", "CPU part"))]
    return "\n".join(sorted(set(lines)))


def _build() -> Path:
    """The compiled library, built if this machine has none for this source, jaxlib and compiler."""
    import jax
    import jaxlib

    compiler = shutil.which(os.environ.get("CXX", "c++"))
    if compiler is None:
        raise RuntimeError("no C++ compiler (set CXX, or install g++)")
    include = jax.ffi.include_dir()
    key = hashlib.sha256("\0".join([SOURCE.read_text(), jaxlib.__version__, compiler, " ".join(FLAGS),
                                    _cpu_signature()]).encode()).hexdigest()[:24]
    folder = _cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, delete=True)
        probe.close()
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="gd-theory-checks-native-"))
    library = folder / f"asi_train_{key}.so"
    if library.exists():
        return library
    fd, partial = tempfile.mkstemp(dir=folder, suffix=".so.partial")
    os.close(fd)
    try:
        done = subprocess.run([compiler, *FLAGS, "-I", include, str(SOURCE), "-o", partial], capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"{compiler} failed: {done.stderr.strip()[-2000:]}")
        os.replace(partial, library)  # atomic: a concurrent build writes the same file
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return library


@functools.lru_cache(maxsize=None)
def _load() -> str | None:
    """Build, load and register the kernel once per process: None when it is in use, else the reason it is not."""
    if _disabled():
        return f"turned off by {NATIVE_ENV}"
    try:
        import jax

        library = ctypes.CDLL(str(_build()))
        jax.ffi.register_ffi_target(TARGET, jax.ffi.pycapsule(library.AsiTrain), platform="cpu")
        jax.ffi.register_ffi_target(SGD_TARGET, jax.ffi.pycapsule(library.AsiSgd), platform="cpu")
    except Exception as exc:  # noqa: BLE001  (any failure means: run the XLA loop, and say why)
        return f"{type(exc).__name__}: {exc}"
    return None


def usable(d: int) -> bool:
    """The compiled kernel can run full-batch training of networks with inputs of dimension ``d`` here."""
    import jax

    return d in (1, 2) and jax.default_backend() == "cpu" and _load() is None


def status() -> str:
    """``compiled`` when full-batch training on the CPU runs the compiled kernel, else why it runs the XLA loop."""
    import jax

    if jax.default_backend() != "cpu":
        return f"xla ({jax.default_backend()} backend)"
    reason = _load()
    return "compiled" if reason is None else f"xla ({reason})"


def _pack(nets):
    """The networks' parameters in the kernel's layout: units concatenated, each network padded with zero units to
    a multiple of LANES, W1 as (2, d, units); with the offsets of the networks' units and their widths."""
    import jax.numpy as jnp

    widths = [int(p["W2"].shape[-1]) for p in nets]
    padded = [-(-n // LANES) * LANES for n in widths]
    offsets = jnp.asarray(np.concatenate([[0], np.cumsum(padded)]), dtype=jnp.int64)

    def pad(a, n, axis):
        width = [(0, 0)] * a.ndim
        width[axis] = (0, n - a.shape[axis])
        return jnp.pad(a, width)

    W1 = jnp.concatenate([pad(jnp.swapaxes(p["W1"], 1, 2), m, 2) for p, m in zip(nets, padded)], axis=2)
    b1 = jnp.concatenate([pad(p["b1"], m, 1) for p, m in zip(nets, padded)], axis=1)
    W2 = jnp.concatenate([pad(p["W2"], m, 1) for p, m in zip(nets, padded)], axis=1)
    b2 = jnp.stack([p["b2"] for p in nets])
    return (W1, b1, W2, b2), offsets, widths, padded


def _unpack(W1, b1, W2, b2, widths, padded):
    import jax.numpy as jnp

    out, start = [], 0
    for n, m in zip(widths, padded):
        out.append({"W1": jnp.swapaxes(W1[:, :, start:start + n], 1, 2), "b1": b1[:, start:start + n],
                    "W2": W2[:, start:start + n], "b2": b2[len(out)]})
        start += m
    return tuple(out)


def _shapes(params):
    import jax

    return tuple(jax.ShapeDtypeStruct(a.shape, a.dtype) for a in params)


def train(nets, etas, X, Y, tol, max_steps, act: str):
    """``numerics.shallow.train_jax`` (full batch, every parameter) through the compiled kernel: returns the
    trained nets, the step count, the final outputs f(X) per net (K, M), the peak of max |r| and its start."""
    import jax
    import jax.numpy as jnp

    params, offsets, widths, padded = _pack(nets)
    eta = jnp.stack([jnp.asarray(e, jnp.float64) for e in etas])
    K, M, f64 = len(nets), X.shape[0], jnp.float64
    shapes = (*_shapes(params), jax.ShapeDtypeStruct((), jnp.int64), jax.ShapeDtypeStruct((K, M), f64),
              jax.ShapeDtypeStruct((K,), f64), jax.ShapeDtypeStruct((K,), f64))
    call = jax.ffi.ffi_call(TARGET, shapes, vmap_method="sequential")
    *params, t, f, peak, rmax0 = call(*params, eta, jnp.asarray(X, f64), jnp.asarray(Y, f64), jnp.asarray(tol, f64),
                                      jnp.asarray(max_steps, jnp.int64), offsets, relu2=np.int64(act == "relu2"))
    return _unpack(*params, widths, padded), t, f, peak, rmax0


def sgd(nets, etas, X, Y, js, act: str):
    """SGD steps of eq. (46) through the compiled kernel, step s on the example ``js[s]`` (loss
    (1/2)(f(x_j) - y_j)^2): the inner loop of ``numerics.shallow.sgd_train_until``; returns the new nets."""
    import jax
    import jax.numpy as jnp

    params, offsets, widths, padded = _pack(nets)
    eta = jnp.stack([jnp.asarray(e, jnp.float64) for e in etas])
    call = jax.ffi.ffi_call(SGD_TARGET, _shapes(params), vmap_method="sequential")
    params = call(*params, eta, jnp.asarray(X, jnp.float64), jnp.asarray(Y, jnp.float64),
                  jnp.asarray(js, jnp.int64), offsets, relu2=np.int64(act == "relu2"))
    return _unpack(*params, widths, padded)
