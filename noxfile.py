"""Sessions: ``nox -s verify`` runs the claims, ``nox -s cli -- ARGS`` any command of the command line (``nox -s cli
-- describe splines.spline_rate``), ``nox -s tests`` the fast test tier, ``nox -s tests_slow`` the slow one,
``nox -s bench`` the benchmarks, ``nox -s baseline`` re-records the expected verdicts, ``nox -s calibrate -- CLAIM
... --seeds N`` measures false-alarm rates over many seeds on Dask distributed."""

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "verify"]
nox.options.reuse_existing_virtualenvs = True

BASELINE = "reports/baseline.txt"

# One BLAS thread (the runner limits it too, through threadpoolctl): on a small machine OpenBLAS's threads
# and XLA's compete for the same cores, and a 128 x 128 SVD then takes a hundred times longer.
ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
XDIST = ("-n", "auto", "--maxprocesses", "8", "--dist", "loadscope")
"""pytest-xdist: a worker per core, at most 8 (each imports JAX and holds its compilations, about 1 GB)."""


@nox.session
def verify(session: nox.Session) -> None:
    """Run every claim (or the selection given after --) and compare with the committed baseline."""
    session.install(".")
    args = session.posargs or []
    session.run("python", "-m", "theorems", "verify", "--baseline", BASELINE, *args, env=ENV)


@nox.session
def cli(session: nox.Session) -> None:
    """Any command of the command line, its arguments after --: ``nox -s cli -- list``, ``nox -s cli -- check
    CLAIM --config '{...}' --seed S`` (without arguments: the commands and their options)."""
    session.install(".")
    session.run("python", "-m", "theorems", *(session.posargs or ["--help"]), env=ENV)


@nox.session
def tests(session: nox.Session) -> None:
    """The fast test tier (what CI runs); the benchmark kernels run once each, untimed.  The test modules are
    spread over one pytest-xdist worker per core (at most 8; each module on one worker, so that its fixtures are
    made once): on two cores the tier takes 0.53 times its serial time.  ``-- -n 0`` runs it in one process.
    Dask distributed (the ``distributed`` extra) is installed too, so that ``calibrate``'s local cluster is tested."""
    session.install(".[test,distributed]")
    session.run("python", "-m", "pytest", "tests", "-m", "not slow", "--benchmark-disable", *XDIST, *session.posargs,
                env=ENV)


@nox.session
def tests_slow(session: nox.Session) -> None:
    """The slow test tier: every claim and every planted wrong version end to end, and the long checks."""
    session.install(".[test]")
    session.run("python", "-m", "pytest", "tests", "-m", "slow", "--benchmark-disable", *session.posargs, env=ENV)


@nox.session
def bench(session: nox.Session) -> None:
    """pytest-benchmark over the experiment kernels: batched JAX against a per-configuration loop."""
    session.install(".[test]")
    session.run("python", "-m", "pytest", "tests/benchmarks", "--benchmark-only",
                "--benchmark-group-by=group", "--benchmark-columns=min,median,mean,stddev,rounds",
                *session.posargs, env=ENV)


@nox.session
def baseline(session: nox.Session) -> None:
    """Re-record reports/baseline.txt from a ci-profile run, seed 0 (review the diff before committing it)."""
    session.install(".")
    session.run("python", "-m", "theorems", "verify", "--profile", "ci", "--out", "reports/_baseline_run",
                "--no-report", env=ENV)
    session.run("python", "-m", "theorems", "baseline", "reports/_baseline_run/results.json", "--out", BASELINE,
                env=ENV)


@nox.session
def calibrate(session: nox.Session) -> None:
    """Run claims over many seeds and write their false-alarm rates to reports/calibration.csv, on a local Dask
    cluster (one worker per core; --workers N, or --scheduler ADDRESS for a running cluster): ``nox -s calibrate
    -- shrinkage.filter_exact --seeds 300``."""
    session.install(".[distributed]")
    session.run("python", "-m", "theorems", "calibrate", *(session.posargs or ["--help"]), env=ENV)
