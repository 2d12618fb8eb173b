"""Every registered claim, and every planted wrong version of one, run end to end.

One parametrized test over the claims (as diffrax regresses every solver's order against its claim): each comes
out on the ci profile (seed 0) with the verdict ``reports/baseline.txt`` expects, and a claim that holds does
so on at least ``Profile.min_in_scope`` (20) in-scope configurations.  One parametrized test over each family's
table of planted wrong versions (``theorems/<family>/planted.py``): each comes out as its entry expects.

A claim or entry whose ci run takes under 10 s on a 2-core machine runs in the fast tier; the rest carry the
``slow`` marker (``nox -s tests_slow``).  The claims that reuse another claim's runs within a process
(``splines.spline_rate_bound`` reads ``spline_rate``'s sweeps, ``splines.trajectory_width_rate`` reads
``trajectory_network``'s) cost the full run when alone, so they are slow too.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest

import theorems
from theorems import _planted, _registry, _results

BASELINE = _results.read_baseline(Path(__file__).resolve().parents[1] / "reports" / "baseline.txt")

CHEAP = {  # ci-profile wall time under 10 s on the 2-core machine (reports/ci/results.json, wall_s)
    "ntk.spectrum_circle", "ntk.spectrum_sphere", "ntk.decay_law",
    "shrinkage.filter_exact", "shrinkage.bandwidth_decay_law", "shrinkage.bandwidth_sqrt_q",
    "shrinkage.threshold_kappa", "shrinkage.basis_step_exact", "shrinkage.basis_monotonic_dst",
    "shrinkage.sinc_cliff",
    "splines.curvature_density", "splines.natural_spline", "splines.polyharmonic_limit",
    "splines.trajectory_smoothing", "splines.polyharmonic_limit_3d",
}


def _claim_params():
    return [pytest.param(c.id, id=c.id, marks=() if c.id in CHEAP else pytest.mark.slow)
            for c in theorems.all_claims()]


def _planted_entries():
    entries = []
    for family in _registry.families():
        module = importlib.import_module(f"{_registry._family_modules()[family]}.planted")
        entries.extend(module.PLANTED)
    return entries


PLANTED = _planted_entries()


@pytest.fixture(scope="module")
def ci():
    return theorems.PROFILES["ci"]


@pytest.fixture(scope="module")
def planted_profile():
    """The ci profile with shrinking cut at 20 s: a planted version of an expensive claim still shows a
    counterexample the shrinker has worked on, without the minute a verify run allows it."""
    return dataclasses.replace(theorems.PROFILES["ci"], shrink_seconds=20.0)


def test_the_baseline_names_every_claim_once():
    ids = [c.id for c in theorems.all_claims()]
    assert len(ids) == len(set(ids))
    assert set(BASELINE["expected"]) == set(ids)
    assert BASELINE["profile"] == "ci" and BASELINE["seed"] == 0


@pytest.mark.parametrize("claim_id", _claim_params())
def test_claim_comes_out_as_the_baseline_expects(claim_id, ci):
    result = theorems.run_claim(theorems.get(claim_id), ci, seed=0)
    expected = BASELINE["expected"][claim_id]
    assert result["verdict"] == expected, (result["worst"], result.get("error"))
    if expected == theorems.HOLDS:
        assert result["examples"]["pass"] >= ci.min_in_scope


def test_every_claim_has_a_planted_wrong_version_that_is_caught():
    caught = {p.claim for p in PLANTED if p.expected == _planted.FALSIFIED}
    missing = [c.id for c in theorems.all_claims() if c.id not in caught]
    assert not missing, f"no planted wrong version expected to be falsified for {missing}"
    ids = [p.id for p in PLANTED]
    assert len(ids) == len(set(ids)), "planted entries must have unique names within a claim"
    assert {p.claim for p in PLANTED} <= {c.id for c in theorems.all_claims()}



@pytest.mark.parametrize("entry", [pytest.param(p, id=p.id, marks=() if p.cheap else pytest.mark.slow)
                                   for p in PLANTED])
def test_planted_wrong_version_comes_out_as_expected(entry, planted_profile, monkeypatch):
    """Runs in this process (never through worker processes), so that a patch reaches the code the claim runs;
    every cache is cleared before (nothing measured or compiled with the right code is reused) and after (the
    right code runs again in the tests that follow)."""
    _planted.clear_caches()
    claim = entry.planted_claim()
    assert claim.id == entry.claim
    try:
        calls = _planted.apply(entry, monkeypatch.setattr)
        result = theorems.run_claim(claim, planted_profile, seed=0, examples=entry.examples)
    finally:
        monkeypatch.undo()
        _planted.clear_caches()
    unused = [target for target, n in calls.items() if n == 0]
    assert not unused, f"the planted code was never called: {unused}"
    if entry.expected == _planted.FALSIFIED:
        assert result["verdict"] == theorems.FALSIFIED, (entry.what, result["worst"], result.get("error"))
        if "search" in result["falsified_by"]:
            worst = result["worst"]
            assert worst["status"] == "fail" and worst["error"] > worst["tolerance"]
            assert result["counterexample"]
        else:   # caught by the claim's configurations together, none alone
            assert result["falsified_by"] == ["pooled"] and result["pooled"]["falsified"]
    else:
        assert result["verdict"] == theorems.HOLDS, (entry.what, entry.reason, result["worst"])
    if entry.check is not None:
        entry.check(result)
