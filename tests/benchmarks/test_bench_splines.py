"""The spline training kernel: full-batch GD on the ASI network of Jin & Montufar (numerics.shallow.train).

The figure of merit is nanoseconds per neuron-sample-step: wall time / (runs x sum of widths x M x steps),
the two ASI copies of a width-n network counted as one network of width n.  The sweep is the dev profile's:
widths 32..32768 trained in one loop, 16 runs (4 configurations x 4 seeds), M = 3 and M = 6 data points, a
fixed number of steps (tolerance 0, so every run takes them all).  Four ways of running the same runs:
``lax.map`` over them of ``numerics.shallow.train``, which on the CPU is the compiled kernel of
``numerics._native`` (what ``numerics.shallow.spline_distance_runs`` does); ``lax.map`` and ``vmap`` over them of
the XLA loop ``train_jax`` (its fallback, and what ran before); and a plain Python loop calling one compiled XLA
run at a time.  ``nox -s bench`` prints them side by side in the group ``spline-train``; each test records its ns
per neuron-sample-step in ``extra_info``, and the compiled kernel's test checks its runs against the XLA loop's.

Beside them, the machine's limit for this kernel, measured in the same run: a step of one unit of one ASI copy
costs at least ``FLOPS_PER_UNIT_STEP(M)`` floating-point operations (the kernel's own count, below), and a
float64 matrix product (NumPy's BLAS, one thread) shows how many operations per second one core of this machine
does at best.  The ratio, per neuron-sample-step (both copies, divided by M), is what a kernel at the core's peak
would take; every variant here runs on one core (a worker process of ``verify`` has one).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import numerics  # noqa: F401  (float64)
from numerics import shallow as nx

WIDTHS = (32, 128, 512, 2048, 8192, 32768)
RUNS, STEPS = 16, 200


def _problem(M: int):
    rng = np.random.default_rng(M)
    X = np.sort(rng.uniform(-2, 2, M))[:, None]
    Y = rng.uniform(-1, 1, M)
    seeds = rng.integers(0, 2**31 - 1, (RUNS, len(WIDTHS)))
    nets = nx.stack_nets(seeds[None], WIDTHS, 1, "gaussian", 1.0, 1.0)
    nets = tuple(jax.tree.map(lambda a: a[0], net) for net in nets)  # (runs, ...) leading axis
    etas = tuple(jax.vmap(lambda p: 0.5 * nx.stability_limit(p, jnp.asarray(X)))(net) for net in nets)
    return nets, etas, jnp.asarray(X), jnp.asarray(Y)


@functools.lru_cache(maxsize=None)
def _batched_train():
    def one(nets, etas, X, Y):
        return nx.train_jax(nets, etas, X, Y, 0.0, STEPS)

    return jax.jit(jax.vmap(one, in_axes=(0, 0, None, None)))


@functools.lru_cache(maxsize=None)
def _mapped_train(loop: str):
    train = {"compiled": nx.train, "xla": nx.train_jax}[loop]

    def one(a, X, Y):
        return train(a[0], a[1], X, Y, 0.0, STEPS)

    return jax.jit(lambda nets, etas, X, Y: jax.lax.map(lambda a: one(a, X, Y), (nets, etas)))


@functools.lru_cache(maxsize=None)
def _single_train():
    return jax.jit(lambda nets, etas, X, Y: nx.train_jax(nets, etas, X, Y, 0.0, STEPS))


def _run_batched(nets, etas, X, Y):
    return jax.block_until_ready(_batched_train()(nets, etas, X, Y))


def _run_mapped(nets, etas, X, Y, loop="xla"):
    return jax.block_until_ready(_mapped_train(loop)(nets, etas, X, Y))


def _run_compiled(nets, etas, X, Y):
    return _run_mapped(nets, etas, X, Y, "compiled")


def _run_loop(nets, etas, X, Y):
    out = []
    for i in range(RUNS):
        one = tuple(jax.tree.map(lambda a: a[i], net) for net in nets)
        out.append(jax.block_until_ready(_single_train()(one, tuple(e[i] for e in etas), X, Y)))
    return out


def FLOPS_PER_UNIT_STEP(M: int) -> int:
    """Operations of the compiled kernel's step for one unit of one copy (d = 1): per data point 2
    (pre-activation, FMA) + 1 (g_j phi'(z), a select) + 1 (bias gradient) + 2 (input-weight gradient, FMA); then 3
    for the output-weight gradient through phi's homogeneity (sum_j g_j phi(z_j) = W1 gW1 + b1 gb1) and 7 for the
    three updates; then per data point 2 + 1 + 2 to evaluate the new network.  The step as the paper writes it
    (the output-weight gradient summed over the data points) takes 3 M - 3 more."""
    return 6 * M + 10 + 5 * M


def _ns_per_unit(seconds: float, M: int) -> float:
    return seconds * 1e9 / (RUNS * sum(WIDTHS) * M * STEPS)


def _record_rate(benchmark, M: int) -> None:
    if benchmark.stats is not None:  # None with --benchmark-disable
        benchmark.extra_info["ns_per_neuron_sample_step"] = _ns_per_unit(benchmark.stats.stats.min, M)


# A round trains 16 networks of every width for 200 steps (seconds): the slow tier and `nox -s bench` run them.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("M", [3, 6])
@pytest.mark.benchmark(group="spline-train")
def test_vmapped_training(benchmark, M):
    problem = _problem(M)
    _run_batched(*problem)  # compile outside the timing
    ps, steps, rmax, _ = benchmark.pedantic(_run_batched, args=problem, rounds=3, iterations=1)
    assert int(np.max(steps)) == STEPS and np.all(np.isfinite(rmax))
    _record_rate(benchmark, M)
    # the batched loop and the plain one train the same networks
    loop = _run_loop(*problem)
    np.testing.assert_allclose(np.asarray(rmax), np.stack([np.asarray(r[2]) for r in loop]), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("M", [3, 6])
@pytest.mark.benchmark(group="spline-train")
def test_mapped_training(benchmark, M):
    problem = _problem(M)
    _run_mapped(*problem)
    ps, steps, rmax, _ = benchmark.pedantic(_run_mapped, args=problem, rounds=3, iterations=1)
    assert int(np.max(steps)) == STEPS and np.all(np.isfinite(rmax))
    _record_rate(benchmark, M)
    np.testing.assert_allclose(np.asarray(rmax), np.asarray(_run_batched(*problem)[2]), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("M", [3, 6])
@pytest.mark.benchmark(group="spline-train")
def test_compiled_kernel_training(benchmark, M):
    from numerics import _native

    assert _native.status() == "compiled", _native.status()
    problem = _problem(M)
    _run_compiled(*problem)
    ps, steps, rmax, growth = benchmark.pedantic(_run_compiled, args=problem, rounds=3, iterations=1)
    assert int(np.max(steps)) == STEPS and np.all(np.isfinite(rmax))
    _record_rate(benchmark, M)
    # the same runs as the XLA loop's, to the last bits of a sum's order
    xla = _run_mapped(*problem)
    np.testing.assert_allclose(np.asarray(rmax), np.asarray(xla[2]), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.asarray(growth), np.asarray(xla[3]), rtol=1e-12)
    for got, want in zip(jax.tree.leaves(ps), jax.tree.leaves(xla[0])):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=0, atol=1e-12)


@pytest.mark.parametrize("M", [3, 6])
@pytest.mark.benchmark(group="spline-train")
def test_per_configuration_loop(benchmark, M):
    problem = _problem(M)
    _run_loop(*problem)
    out = benchmark.pedantic(_run_loop, args=problem, rounds=2, iterations=1)
    assert len(out) == RUNS
    _record_rate(benchmark, M)


@pytest.mark.parametrize("M", [3, 6])
@pytest.mark.benchmark(group="spline-train")
def test_machine_limit(benchmark, M):
    """The core's float64 rate from a 512 x 512 matrix product (2 * 512^3 operations), turned into the time a
    step of the kernel would take at that rate (both ASI copies of a unit, per data point)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((512, 512)), rng.standard_normal((512, 512))
    c = benchmark.pedantic(np.matmul, args=(a, b), rounds=20, iterations=1, warmup_rounds=2)
    assert c.shape == (512, 512)
    if benchmark.stats is not None:
        rate = 2 * 512**3 / benchmark.stats.stats.min
        benchmark.extra_info["flops_per_second"] = rate
        benchmark.extra_info["ns_per_neuron_sample_step"] = 2 * FLOPS_PER_UNIT_STEP(M) / M / rate * 1e9
