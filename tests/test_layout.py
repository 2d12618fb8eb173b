"""The shape of the code: families as small packages, light metadata, reports drawn from results alone,
declared configuration keys."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import theorems
from theorems import _keys, _registry

ROOT = Path(__file__).resolve().parents[1]
FAMILY_MODULES = ("__init__", "claims", "configurations", "planted")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_listing_the_claims_imports_neither_jax_nor_sympy():
    code = ("import sys, theorems; ids = [c.id for c in theorems.all_claims()]; "
            "heavy = {'jax', 'sympy', 'scipy', 'hypothesis', 'matplotlib'} & set(sys.modules); "
            "print(len(ids), sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    count, heavy = out.stdout.split(" ", 1)
    assert int(count) == len(theorems.all_claims()) and heavy.strip() == "[]", out.stdout


def test_reports_never_import_theorems_or_numerics():
    for path in (ROOT / "reports").glob("*.py"):
        bad = {m for m in _imports(path) if m.split(".")[0] in ("theorems", "numerics")}
        assert not bad, f"{path.name} imports {bad}: reports render from results.json alone"


@pytest.mark.parametrize("family", sorted(_registry.families()))
def test_a_family_is_a_package_of_small_modules(family):
    package = ROOT / "theorems" / family
    for name in FAMILY_MODULES:
        assert (package / f"{name}.py").is_file(), f"{family} lacks {name}.py"
    for path in package.glob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 450, f"{path.relative_to(ROOT)} has {lines} lines: split it by topic"


@pytest.mark.parametrize("claim", theorems.all_claims(), ids=lambda c: c.id)
@pytest.mark.parametrize("scale", ["dev", "thorough"])
def test_every_drawn_configuration_is_declared(claim, scale):
    keys = importlib.import_module(f"{claim.package}.configurations").KEYS
    profile = theorems.PROFILES["ci" if scale == "dev" else "thorough"]
    strategy = claim.configurations(profile)

    @settings(max_examples=15, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draw(data):
        for config in data.draw(strategy):
            assert not _keys.problems(keys, config), (config, _keys.problems(keys, config))

    draw()


def test_key_declarations_refuse_what_they_should():
    n = _keys.Key(int, "grid size", low=2, high=128)
    assert n.problem("n", 16) is None
    assert "integer" in n.problem("n", 2.7)
    assert "below" in n.problem("n", -4)
    assert "above" in n.problem("n", 100000)
    assert "number" in n.problem("n", "16")
    act = _keys.Key(str, "activation", choices=("relu", "step"))
    assert "one of" in act.problem("activation", "tanh")
    assert _keys.problems({"n": n}, {"n": 16, "m": 3}) == ["unknown key 'm' (keys: n)"]
