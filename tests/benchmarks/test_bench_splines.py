"""The spline training kernel: full-batch GD on the ASI network of Jin & Montufar (numerics.shallow.train).

The figure of merit is nanoseconds per neuron-sample-step: wall time / (runs x sum of widths x M x steps),
the two ASI copies of a width-n network counted as one network of width n.  The sweep is the dev profile's:
widths 32..32768 trained in one loop, 16 runs (4 configurations x 4 seeds) vmapped, M = 3 and M = 6 data
points, a fixed number of steps (tolerance 0, so every run takes them all).  Three ways of running the same
runs: ``lax.map`` over them in one compiled function (what ``numerics.shallow.spline_distance_runs`` does),
``vmap`` over them (what it did before: slower, see ``numerics.shallow._compiled_runs``), and a plain Python
loop calling one compiled run at a time.  ``nox -s bench`` prints them side by side in the group
``spline-train``; each test records its ns per neuron-sample-step in ``extra_info``.

Beside them, the machine's limit for this kernel, measured in the same run: a step of one unit of one ASI copy
costs at least ``FLOPS_PER_UNIT_STEP(M)`` floating-point operations (for each data point: the pre-activation, the
activation and its derivative, and the three gradient sums; then the four updates; then the new network's
pre-activation, activation and output sum on every data point), and a float64 matrix product (NumPy's BLAS, one
thread) shows how many operations per second one core of this machine does at best.  The ratio, per
neuron-sample-step (both copies, divided by M), is what a kernel at the core's peak would take; a run uses one
core per worker process.
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
        return nx.train(nets, etas, X, Y, 0.0, STEPS)

    return jax.jit(jax.vmap(one, in_axes=(0, 0, None, None)))


@functools.lru_cache(maxsize=None)
def _mapped_train():
    def one(a, X, Y):
        return nx.train(a[0], a[1], X, Y, 0.0, STEPS)

    return jax.jit(lambda nets, etas, X, Y: jax.lax.map(lambda a: one(a, X, Y), (nets, etas)))


@functools.lru_cache(maxsize=None)
def _single_train():
    return jax.jit(lambda nets, etas, X, Y: nx.train(nets, etas, X, Y, 0.0, STEPS))


def _run_batched(nets, etas, X, Y):
    return jax.block_until_ready(_batched_train()(nets, etas, X, Y))


def _run_mapped(nets, etas, X, Y):
    return jax.block_until_ready(_mapped_train()(nets, etas, X, Y))


def _run_loop(nets, etas, X, Y):
    out = []
    for i in range(RUNS):
        one = tuple(jax.tree.map(lambda a: a[i], net) for net in nets)
        out.append(jax.block_until_ready(_single_train()(one, tuple(e[i] for e in etas), X, Y)))
    return out


def FLOPS_PER_UNIT_STEP(M: int) -> int:
    """Operations of one GD step for one unit of one copy (d = 1): per data point 2 (pre-activation, FMA) + 1
    (relu) + 2 (output-weight gradient, FMA) + 1 (derivative) + 1 (bias gradient) + 2 (input-weight gradient,
    FMA), then 7 for the three updates, then per data point 2 + 1 + 2 to evaluate the new network."""
    return 9 * M + 7 + 5 * M


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
