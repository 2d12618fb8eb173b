"""The false-alarm budget (theorems/_budget.py) and its measurement (theorems/_calibrate.py, ``calibrate``).

Cost in the fast tier: about 20 s, most of it two calibrations of shrinkage.filter_exact, one seed each, in a
process pool and on a local Dask cluster (the latter skipped when Dask is not installed)."""

from __future__ import annotations

import csv
import importlib.util
import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import theorems
from theorems import _budget, _calibrate, _cli
from theorems._claim import PROFILES

CHEAP = "shrinkage.filter_exact"
ROOT = Path(__file__).resolve().parent.parent


# --- the budget -------------------------------------------------------------------------------------------

def test_the_shares_of_the_statistical_claims_sum_to_at_most_the_run_budget():
    assert _budget.RUN_BUDGET == 0.01
    assert _budget.budget_spent() <= _budget.RUN_BUDGET * (1 + 1e-12)
    assert set(_budget.SHARES) == set(_budget.STATISTICAL_CLAIMS) == set(_budget.TESTS_PER_RUN)
    for claim_id in _budget.STATISTICAL_CLAIMS:
        theorems.get(claim_id)   # every claim named exists
        for scale in _budget.SCALES:
            tests = _budget.TESTS_PER_RUN[claim_id][scale]
            # Bonferroni within the claim: the search's tests' miss chances and the pooled test's add up to the
            # claim's share exactly
            searched = tests * (1 - _budget.level(claim_id, scale))
            assert searched == pytest.approx(_budget.search_share(claim_id), rel=1e-6)
            pooled = 1 - _budget.pooled_level(claim_id) if claim_id in _budget.POOLED_CLAIMS else 0.0
            assert searched + pooled == pytest.approx(_budget.share(claim_id), rel=1e-6)
            tail = math.erfc(_budget.z(claim_id, scale) / math.sqrt(2))
            assert tests * tail == pytest.approx(_budget.search_share(claim_id), rel=1e-6)
    assert _budget.share("shrinkage.filter_exact") == 0.0
    # the claims that pool are the statistical claims with a Claim.pooling
    for claim in theorems.all_claims():
        assert (claim.pooling is not None) == (claim.id in _budget.POOLED_CLAIMS), claim.id


def test_the_budget_counts_with_the_profiles_and_the_families_sizes():
    """The counts in TESTS_PER_RUN are written from the families' sizes: they must agree."""
    from theorems.ntk import configurations as ntk_conf
    from theorems.ntk import dynamics
    from theorems.splines import constants

    # xl, the profile for accelerators, runs only the splines rate claims, which count its own sizes
    xl = PROFILES["xl"]
    assert xl.min_in_scope == constants.XL_MIN_IN_SCOPE and set(xl.claims) <= set(constants.SLOPE_CLAIMS)
    assert xl.max_examples * 4 == constants.JUDGED_PER_RUN["xl"]
    general = {name: p for name, p in PROFILES.items() if name != "xl"}
    for profile in general.values():
        assert profile.min_in_scope == _budget.MIN_IN_SCOPE
        assert profile.max_examples == _budget.EXAMPLES[profile.scale]
    assert dynamics.RECORDED == _budget.RECORDED and ntk_conf.BATCH == 4
    dev_steps = max(ntk_conf.LR_SIZES["dev"]["steps"])
    assert _budget.TESTS_PER_RUN["ntk.learning_rates"]["dev"] == (5 * 4 + 19) * (3 * 41 + dev_steps)
    assert _budget.TESTS_PER_RUN["ntk.learning_rates"]["thorough"] == (
        (60 * 4 + 19) * (3 * 41 + max(ntk_conf.LR_SIZES["thorough"]["steps"])))
    # ntk.cao_experiment: per configuration 3 fitted rates and 3 Rayleigh quotients of the initial kernel
    assert _budget.TESTS_PER_RUN["ntk.cao_experiment"]["thorough"] == (60 * 4 + 19) * 6
    for claim_id in ("ntk.learning_rates", "ntk.cao_experiment", "ntk.nonuniform_data", "ntk.gram_spectrum",
                     "splines.curvature_density", "splines.curvature_density_multid"):
        claim = theorems.get(claim_id)
        for profile in general.values():
            per_config = _budget.TESTS_PER_RUN[claim_id][profile.scale] // (claim.examples_for(profile) * 4 + 19)
            assert per_config * (claim.examples_for(profile) * 4 + 19) == \
                _budget.TESTS_PER_RUN[claim_id][profile.scale], (claim_id, profile.name)
    assert _budget.TESTS_PER_RUN["splines.curvature_density"]["dev"] == (8 * 4 + 19) * constants.ZETA_POINTS
    from theorems.splines import claims_multid

    assert claims_multid.BATCH == 4
    for scale in _budget.SCALES:
        assert _budget.TESTS_PER_RUN[claims_multid.CLAIM_ID][scale] == (
            (_budget.EXAMPLES[scale] * claims_multid.BATCH + 19) * claims_multid.TESTS_PER_CONFIG)
    for claim_id in constants.SLOPE_CLAIMS:
        assert claim_id in _budget.STATISTICAL_CLAIMS
        assert _budget.share(claim_id) == _budget.share("splines.spline_rate")
        for scale in _budget.SCALES:
            assert _budget.TESTS_PER_RUN[claim_id][scale] == constants.JUDGED_PER_RUN[scale] + 19


def test_the_replicated_claims_are_those_that_replicate_and_keep_their_power():
    for claim_id in _budget.STATISTICAL_CLAIMS:
        assert (theorems.get(claim_id).replicate is not None) == (claim_id in _budget.REPLICATED), claim_id
    for claim_id in _budget.REPLICATED:
        for scale in _budget.SCALES:
            a = 1 - _budget.replicated_level(claim_id, scale)
            assert _budget.TESTS_PER_RUN[claim_id][scale] * a**2 == pytest.approx(_budget.search_share(claim_id))
            assert _budget.replicated_level(claim_id, scale) < _budget.level(claim_id, scale)
    with pytest.raises(ValueError):
        _budget.replicated_level("ntk.gram_spectrum", "dev")


def test_the_families_read_their_levels_from_the_budget():
    from theorems.ntk import dynamics, experiments
    from theorems.splines import claims_limits, constants

    for scale in _budget.SCALES:
        assert experiments.GRAM_LEVEL[scale] == _budget.level("ntk.gram_spectrum", scale)
        assert constants.ci_level(scale) == _budget.level("splines.spline_rate", scale)
        assert constants.replicated_ci_level(scale) == _budget.replicated_level("splines.spline_rate", scale)
    assert dynamics.Z_MC == max(_budget.z(c, s) for c in ("ntk.learning_rates", "ntk.nonuniform_data")
                                for s in _budget.SCALES)
    from theorems.ntk import cao_training
    assert cao_training.level() == min(_budget.level("ntk.cao_experiment", s) for s in _budget.SCALES)
    assert claims_limits.ZETA_Z == max(_budget.z("splines.curvature_density", s) for s in _budget.SCALES)
    from theorems.splines import claims_multid

    assert claims_multid.MULTID_Z == max(_budget.z(claims_multid.CLAIM_ID, s) for s in _budget.SCALES)
    # the bound is linear in z: doubling every standard error adds Z_MC times the old terms again
    import numpy as np
    dev, seT, sec = np.ones(4), np.full(4, 0.1), np.full(5, 0.01)
    b0 = dynamics.damped_deviation_bound(0.5, 0.2, dev, 0 * seT, 0 * sec, 0.0)
    b1 = dynamics.damped_deviation_bound(0.5, 0.2, dev, seT, sec, 0.01)
    b2 = dynamics.damped_deviation_bound(0.5, 0.2, dev, 2 * seT, 2 * sec, 0.02)
    np.testing.assert_allclose(b2 - b1, b1 - b0)
    assert (b1 - b0)[0] == pytest.approx(dynamics.Z_MC * 0.02)


# --- the measurement ---------------------------------------------------------------------------------------

def test_clopper_pearson_upper_bound():
    assert _calibrate.upper_bound(0, 300) == pytest.approx(1 - 0.05 ** (1 / 300))
    assert _calibrate.upper_bound(0, 300) < 0.01 < _calibrate.upper_bound(0, 298)
    assert _calibrate.upper_bound(5, 5) == 1.0
    # x = 1 of N: the p with P(Bin(N, p) <= 1) = 0.05
    p = _calibrate.upper_bound(1, 50)
    assert (1 - p) ** 50 + 50 * p * (1 - p) ** 49 == pytest.approx(0.05, rel=1e-6)
    bounds = [_calibrate.upper_bound(x, 100) for x in range(0, 101, 10)]
    assert bounds == sorted(bounds)
    with pytest.raises(ValueError):
        _calibrate.upper_bound(3, 2)


def test_every_verdict_but_holds_counts_as_a_false_alarm(monkeypatch):
    runs = [("a.x", "holds", 1.0), ("a.x", "falsified", 1.0), ("a.x", "error", 2.0), ("a.y", "holds", 1.0),
            ("a.y", "holds", 1.0), ("a.y", "holds", 1.0), ("a.x", "out_of_scope", 1.0)]
    seen = {}

    def fake(tasks, workers):
        seen["tasks"] = list(tasks)
        return iter(runs)

    monkeypatch.setattr(_calibrate, "_process_map", fake)
    rows = _calibrate.calibrate(["a.x", "a.y"], "ci", 3, first_seed=7, engine="process")
    assert [t[2] for t in seen["tasks"]] == [7, 8, 9, 7, 8, 9]
    x, y = rows
    assert (x["false_alarms"], y["false_alarms"]) == (3, 0)
    assert x["verdicts"] == "error:1 falsified:1 holds:1 out_of_scope:1"
    assert float(y["upper_bound"]) == pytest.approx(1 - 0.05 ** (1 / 3), abs=1e-4)


def _check_rows(rows, seeds):
    (row,) = rows
    assert row["claim"] == CHEAP and row["profile"] == "ci" and row["seeds"] == seeds
    assert row["false_alarms"] == 0 and row["verdicts"] == f"holds:{seeds}"
    assert float(row["upper_bound"]) == pytest.approx(_calibrate.upper_bound(0, seeds), abs=1e-4)


def test_the_process_pool_runs_a_claim_over_seeds():
    _check_rows(_calibrate.calibrate([CHEAP], "ci", 1, first_seed=11, workers=1, engine="process"), 1)


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                    reason="Dask distributed not installed (pip install 'gd-theory-checks[distributed]')")
def test_a_local_dask_cluster_runs_a_claim_over_seeds():
    _check_rows(_calibrate.calibrate([CHEAP], "ci", 1, first_seed=11, workers=1, engine="dask"), 1)


def test_the_table_replaces_the_rows_of_the_claims_calibrated_again(tmp_path):
    path = tmp_path / "calibration.csv"
    row = dict.fromkeys(_calibrate.COLUMNS, "")
    _calibrate.write(path, [{**row, "claim": "a.x", "profile": "ci", "seeds": "3"},
                            {**row, "claim": "a.y", "profile": "ci", "seeds": "3"}])
    merged = _calibrate.merge(path, [{**row, "claim": "a.x", "profile": "ci", "seeds": "300"}])
    _calibrate.write(path, merged)
    with path.open(newline="") as f:
        got = list(csv.DictReader(f))
    assert [(r["claim"], r["seeds"]) for r in got] == [("a.x", "300"), ("a.y", "3")]
    assert list(got[0]) == list(_calibrate.COLUMNS)


def test_calibrate_refuses_bad_input_before_running(tmp_path, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("ran")

    monkeypatch.setattr(_calibrate, "_process_map", never)
    monkeypatch.setattr(_calibrate, "_dask_map", never)
    out = ["--out", str(tmp_path / "c.csv")]
    cases = [
        (["shrinkage.bandwidth_sqrt_q"], "expected to be falsified"),
        (["no.such_claim"], "no.such_claim"),
        ([CHEAP, "--out", str(tmp_path)], "is a directory"),
    ]
    for argv, message in cases:
        assert _cli.main(["calibrate", *argv, *out[:0 if "--out" in argv else 2]]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    monkeypatch.setattr(_calibrate, "dask_available", lambda: False)
    assert _cli.main(["calibrate", CHEAP, "--engine", "dask", *out]) == 2
    assert "Dask distributed is not installed" in capsys.readouterr().err
    assert _cli.main(["calibrate", CHEAP, "--engine", "process", "--scheduler", "tcp://x:1", *out]) == 2
    assert "--scheduler" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()
    with pytest.raises(SystemExit):
        _cli.main(["calibrate", CHEAP, "--seeds", "0"])


# --- the power curve -----------------------------------------------------------------------------------------

def _judged(seed, bias, replicated):
    """A run's re-judging record from a pooled estimate of 24 synthetic configurations whose slopes are -1/2 +
    ``bias`` (standard errors 0.05, intervals at the splines rate claims' per-configuration level)."""
    import numpy as np
    from scipy import stats

    from theorems import _pooling

    rng = np.random.default_rng(seed)
    t = stats.t.isf((1 - _budget.replicated_level("splines.spline_rate", "dev")) / 2, 22)
    recs = []
    for i, v in enumerate(-0.5 + bias + rng.normal(0, 0.05, 24)):
        recs.append({"config": {"i": i}, "status": "pass", "predicted": -0.5,
                     "fitted": {"slope": {"value": v, "interval": [v - t * 0.05, v + t * 0.05], "se": 0.05}}})
    pooled = _pooling.pool_records(_pooling.Pooling(), recs, _budget.pooled_level("splines.spline_rate"),
                                   replicated=replicated)
    return {"seed": seed, "verdict": "holds", "judged": _calibrate.rejudging({"pooled": pooled})}


def test_the_power_curve_judges_the_runs_again_with_shifted_predictions():
    runs = [_judged(s, 0.0, replicated=False) for s in range(20)]
    rows = _calibrate.resolution_rows("a.x", "ci", "abc", runs, 0)
    rate = {float(r["delta"]): float(r["detection_rate"]) for r in rows}
    assert min(rate) == -0.3 and max(rate) == 0.3 and rate[0.0] == 0.0
    assert rate[0.3] == rate[-0.3] == 1.0
    up = [rate[d] for d in sorted(rate) if d >= 0]
    assert up == sorted(up)
    assert {r["tests"] for r in rows} == {"pooled+search"} and {r["seeds"] for r in rows} == {20}
    # a run with the slopes 0.1 above: its pooled interval excludes -1/2, and a prediction moved up by 0.1 is met
    (shifted,) = [_judged(0, 0.1, replicated=True)]
    assert _calibrate.rejudge(shifted["judged"], 0.0) and not _calibrate.rejudge(shifted["judged"], 0.1)
    rows = _calibrate.resolution_rows("a.x", "ci", "abc", [shifted], 0)
    assert {r["tests"] for r in rows} == {"pooled"}
    assert _calibrate.resolution_rows("a.y", "ci", "abc", [{"seed": 0, "verdict": "holds", "judged": None}], 0) == []


def test_calibrate_writes_the_power_curve_and_the_runs_beside_it(tmp_path, monkeypatch):
    runs = [("splines.spline_rate", "holds", 1.0, _judged(s, 0.0, replicated=True)) for s in range(3)]
    monkeypatch.setattr(_calibrate, "_process_map", lambda tasks, workers: iter(runs))
    monkeypatch.setattr(_calibrate, "expected_holds", lambda ids, baseline: None)
    out, curve = tmp_path / "c.csv", tmp_path / "r.csv"
    assert _cli.main(["calibrate", "splines.spline_rate", "--seeds", "3", "--engine", "process", "--out", str(out),
                      "--resolution", str(curve)]) == 0
    with curve.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(_calibrate.RESOLUTION_COLUMNS) and len(rows) == 61
    assert {r["claim"] for r in rows} == {"splines.spline_rate"} and {r["seeds"] for r in rows} == {"3"}
    import json

    kept = json.loads((tmp_path / "r_runs.json").read_text())
    assert [r["seed"] for r in kept["splines.spline_rate ci"]["runs"]] == [0, 1, 2]


def test_claims_that_share_runs_are_calibrated_in_one_unit_of_work(monkeypatch):
    """spline_rate_bound reuses spline_rate's sweeps: one task per seed runs both, in that order, whatever the
    order asked for; a claim of its own (and an id the registry does not know) is a unit alone."""
    units = _calibrate.units(["splines.spline_rate_bound", "ntk.decay_law", "splines.spline_rate", "a.x"])
    assert units == [("ntk.decay_law",), ("splines.spline_rate", "splines.spline_rate_bound"), ("a.x",)]
    seen = {}

    def fake(tasks, workers):
        seen["tasks"] = list(tasks)
        return iter([(c, "holds", 1.0) for unit, _, _, _ in seen["tasks"] for c in unit])

    monkeypatch.setattr(_calibrate, "_process_map", fake)
    rows = _calibrate.calibrate(["splines.spline_rate_bound", "splines.spline_rate"], "ci", 2, engine="process")
    assert [(t[0], t[2]) for t in seen["tasks"]] == [(("splines.spline_rate", "splines.spline_rate_bound"), 0),
                                                     (("splines.spline_rate", "splines.spline_rate_bound"), 1)]
    assert [(r["claim"], r["seeds"], r["verdicts"]) for r in rows] == [
        ("splines.spline_rate_bound", 2, "holds:2"), ("splines.spline_rate", 2, "holds:2")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_a_calibration_and_its_workers_at_once(tmp_path, spawned_workers):
    """SIGTERM (or Ctrl-C) during ``calibrate`` stops the workers without waiting for the seeds not yet run, prints
    one line, exits 143 and writes no table."""
    out, curve = tmp_path / "c.csv", tmp_path / "r.csv"
    proc = subprocess.Popen([sys.executable, "-m", "theorems", "calibrate", CHEAP, "--seeds", "200", "--workers", "1",
                             "--engine", "process", "--out", str(out), "--resolution", str(curve)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        first = proc.stderr.readline()  # the first seed's line: the worker is running seeds
        assert first.startswith("[1/200]"), first + proc.stderr.read()
        workers = spawned_workers(proc.pid)
        assert workers
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 143, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "interrupted (SIGTERM)"
    assert not out.exists() and not curve.exists()
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived the calibration"
    assert "[200/200]" not in err, "the remaining seeds were run before stopping"



# --- the committed table ----------------------------------------------------------------------------------

def _committed_rows() -> list[dict[str, str]]:
    with open(ROOT / "reports" / "calibration.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_claim_the_baseline_expects_to_hold_has_a_calibration_row():
    """The table covers every claim a false alarm is defined for (expected 'holds' in reports/baseline.txt), and
    each row's bound is the Clopper-Pearson bound of its own counts."""
    from theorems._results import read_baseline

    expected = read_baseline(ROOT / "reports" / "baseline.txt")["expected"]
    rows = {r["claim"]: r for r in _committed_rows() if r["profile"] == "ci"}
    missing = sorted(c for c, v in expected.items() if v == "holds" and c not in rows)
    assert not missing, f"expected to hold but never calibrated: {missing}"
    for claim, row in rows.items():
        assert expected.get(claim) == "holds", f"{claim} is calibrated but not expected to hold"
        seeds, alarms = int(row["seeds"]), int(row["false_alarms"])
        assert float(row["upper_bound"]) == pytest.approx(_calibrate.upper_bound(alarms, seeds), abs=5e-5)


def test_the_readme_shows_the_committed_calibration_table():
    """Each row of reports/calibration.csv appears in the README's table as it stands (claim, commit, seeds,
    false alarms), so that the figures a reader sees are the measured ones."""
    readme = (ROOT / "README.md").read_text()
    for row in _committed_rows():
        line = (f"| `{row['claim']}` | {row['profile']} | {row['commit'][:7]} | {row['seeds']} (from "
                f"{row['first_seed']}) | ")
        alarms = row["false_alarms"]
        assert line + alarms + " |" in readme or line + f"**{alarms}** |" in readme, \
            f"README lacks the calibration row: {line}{alarms} |"
