"""Extending the suite from outside: a family (with its figure) in another installed package, found through
the entry-point groups, and claims run as test items of another project's pytest through the plugin.  The
example package is ``tests/example_family`` (one claim: gradient descent on a one-dimensional quadratic)."""

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "example_family"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The example package installed (pip, no dependencies, no network) into a folder put on the path."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(target), str(EXAMPLE)],
                   check=True, cwd=build, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert (target / "gd_example_family" / "claims.py").exists()
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])}


def _run(args, env, cwd):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_a_family_from_another_package_is_listed_run_and_drawn(installed, tmp_path):
    listed = _run(["-m", "theorems", "list"], installed, tmp_path)
    assert listed.returncode == 0 and "quadratic.contraction" in listed.stdout
    out = tmp_path / "run"
    run = _run(["-m", "theorems", "verify", "quadratic", "--profile", "ci", "--seed", "0", "--out", str(out),
                "--jobs", "1"], installed, tmp_path)
    assert run.returncode == 0, run.stderr
    (claim,) = json.loads((out / "results.json").read_text())["claims"]
    assert claim["id"] == "quadratic.contraction" and claim["verdict"] == "holds"
    assert claim["examples"]["pass"] >= 1
    # its own figure, registered through gd_theory_checks.figures, is the one drawn in the report
    code = ("from reports import _figures; import gd_example_family.figures as f; "
            "print(_figures.figure_for('quadratic.contraction') is f.contraction)")
    drawn = _run(["-c", code], installed, tmp_path)
    assert drawn.stdout.strip() == "True", drawn.stderr
    assert any("quadratic" in p.name for p in (out / "plots").iterdir())


def test_the_pytest_plugin_runs_claims_as_items(installed, tmp_path):
    ok = _run(["-m", "pytest", "--gd-claims", "quadratic", "-q",
               "-p", "no:cacheprovider", "--rootdir", str(tmp_path)], installed, tmp_path)
    assert ok.returncode == 0 and "1 passed" in ok.stdout, ok.stdout + ok.stderr
    # expecting another verdict than the one it gets fails the item, with the check command to re-run it
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("quadratic.contraction falsified -- expected to fail here\n")
    bad = _run(["-m", "pytest", "--gd-claims", "quadratic", "--gd-baseline",
                str(baseline), "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)], installed, tmp_path)
    assert bad.returncode == 1 and "holds (expected falsified)" in bad.stdout, bad.stdout
    unknown = _run(["-m", "pytest", "--gd-claims", "quadratic.nope", "-q",
                    "-p", "no:cacheprovider", "--rootdir", str(tmp_path)], installed, tmp_path)
    assert unknown.returncode == 4 and "unknown claim" in unknown.stderr + unknown.stdout


def test_the_plugin_is_registered_and_imports_nothing_heavy():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"]["gd_theory_checks"] == "theorems.pytest_plugin"
    # and pytest found it through the installed entry point (the items above ran without -p)
    assert any(e.value == "theorems.pytest_plugin" for e in metadata.entry_points(group="pytest11"))
    code = ("import sys, theorems.pytest_plugin; "
            "print(sorted(m for m in ('jax', 'sympy', 'scipy', 'hypothesis', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
