"""The process a run happens in: progress lines on stderr, one BLAS thread, Hypothesis draws from the seed alone,
and the seconds JAX has spent compiling.  Used by the runner around every claim and by the command line."""

from __future__ import annotations

import contextlib
import math
import sys


class StderrProgress:
    """Progress on stderr: one rewritten line on a terminal, a line every ``every`` seconds otherwise."""

    def __init__(self, every: float = 15.0):
        self.every = every
        self._last = -math.inf

    def __call__(self, claim_id: str, done_examples: int, max_examples: int, configs: int,
                 elapsed: float) -> None:
        left = elapsed / done_examples * max(max_examples - done_examples, 0) if done_examples else float("nan")
        line = (f"  {claim_id}: {done_examples}/{max_examples} examples, {configs} configurations, "
                f"{elapsed:5.1f}s elapsed, ~{left:4.0f}s left")
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{line}   ")
        elif elapsed - self._last >= self.every:
            self._last = elapsed
            sys.stderr.write(line + "\n")
        else:
            return
        sys.stderr.flush()


def single_threaded_blas():
    """One BLAS thread for the experiments' dense linear algebra.

    The matrices are small (at most a few thousand wide), and on a small machine
    OpenBLAS's threads compete with XLA's for the same cores: a 128 x 128 SVD took
    210 ms on two threads against 2 ms on one on a busy two-core machine.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


@contextlib.contextmanager
def code_independent_draws():
    """Hypothesis draws without the numbers written in the code that happens to be loaded.

    Hypothesis (6.1xx) draws about one choice in twenty from a pool of constants it collects from the source of
    every loaded module of the project, so the configurations a seed draws would change with any edit to any
    module, and with which families a run imports.  A run draws from the seed alone: the pool is emptied while
    a search runs (and Hypothesis's own fixed constants stay)."""
    try:
        from hypothesis.internal.conjecture import providers

        original = providers._get_local_constants
        empty = providers.Constants()
        cache = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError):  # a Hypothesis without the pool
        yield
        return
    providers._get_local_constants = lambda: empty
    cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.clear()


_COMPILE_EVENTS = ("/jax/core/compile/jaxpr_trace_duration", "/jax/core/compile/jaxpr_to_mlir_module_duration",
                   "/jax/core/compile/backend_compile_duration")
_compile_seconds = [0.0, False]


def compile_seconds() -> float:
    """Seconds this process has spent so far in JAX's tracing, lowering and compilation (loading a compiled
    program from the persistent cache included), summed from JAX's monitoring events."""
    if not _compile_seconds[1]:
        import jax

        def listen(event: str, duration: float, **_) -> None:
            if event in _COMPILE_EVENTS:
                _compile_seconds[0] += duration

        jax.monitoring.register_event_duration_secs_listener(listen)
        _compile_seconds[1] = True
    return _compile_seconds[0]
