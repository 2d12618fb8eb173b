"""The runner's verdicts on small synthetic claims whose truth is known."""

import json

import numpy as np
import pytest
import sympy
from hypothesis import strategies as st

import theorems
from theorems import Claim, Measurement, max_abs_error
from theorems._strategies import batches

x = sympy.Symbol("x")


def _claim(measure, assumptions=lambda c: None, closed_form=2 * x):
    return Claim(
        id="toy.double",
        statement="The experiment doubles its input.",
        source="synthetic",
        closed_form=closed_form,
        symbols={"x": "input"},
        predict=lambda expr, config: float(expr.subs(x, config["x"])),
        measure=lambda configs, keys: [measure(c) for c in configs],
        configurations=lambda profile: batches(st.fixed_dictionaries({"kind": st.just("toy")}),
                                               st.fixed_dictionaries({"x": st.integers(0, 1000)}), max_size=3),
        assumptions=assumptions,
        agreement=max_abs_error(lambda p, m, c: 1e-12, reason="exact"),
    )


def test_holds_when_every_configuration_agrees(dev):
    result = theorems.run_claim(_claim(lambda c: Measurement(value=2.0 * c["x"])), dev)
    assert result["verdict"] == theorems.HOLDS
    assert result["examples"]["pass"] >= dev.min_in_scope
    assert result["worst"]["error"] == 0.0


def test_falsified_with_the_smallest_counterexample(dev):
    # The experiment is wrong from x = 37 on: Hypothesis must shrink to exactly x = 37.
    claim = _claim(lambda c: Measurement(value=2.0 * c["x"] + (c["x"] >= 37)))
    result = theorems.run_claim(claim, theorems.PROFILES["thorough"], seed=3)
    assert result["verdict"] == theorems.FALSIFIED
    assert [r["config"]["x"] for r in result["counterexample"]] == [37]
    assert result["worst"]["predicted"] == 74.0 and result["worst"]["measured"] == 75.0


def test_wrong_closed_form_is_falsified(dev):
    claim = _claim(lambda c: Measurement(value=2.0 * c["x"])).with_closed_form(2 * x + sympy.Rational(1, 10**6))
    assert theorems.run_claim(claim, dev)["verdict"] == theorems.FALSIFIED


def test_out_of_scope_configurations_never_count(dev):
    claim = _claim(lambda c: Measurement(value=-1.0), assumptions=lambda c: "outside the theorem")
    result = theorems.run_claim(claim, dev)
    assert result["verdict"] == theorems.OUT_OF_SCOPE
    assert result["examples"]["pass"] == result["examples"]["fail"] == 0
    assert all(r["reason"] == "outside the theorem" for r in result["records"])


def test_measurement_can_declare_itself_out_of_scope(dev):
    claim = _claim(lambda c: Measurement(value=-1.0, scope="did not converge") if c["x"] % 2
                   else Measurement(value=2.0 * c["x"]))
    result = theorems.run_claim(claim, dev)
    assert result["verdict"] == theorems.HOLDS
    assert result["examples"]["out_of_scope"] > 0


def test_an_experiment_that_raises_is_an_error_with_its_message(dev):
    def measure(c):
        raise FloatingPointError("NaN in the Gram matrix")

    result = theorems.run_claim(_claim(measure), dev)
    assert result["verdict"] == theorems.ERROR
    assert "NaN in the Gram matrix" in result["error"]


def test_nan_measurement_is_a_failure_not_a_pass(dev):
    result = theorems.run_claim(_claim(lambda c: Measurement(value=float("nan"))), dev)
    assert result["verdict"] == theorems.FALSIFIED


def test_explicit_examples_are_respected(dev):
    result = theorems.run_claim(_claim(lambda c: Measurement(value=2.0 * c["x"])), dev, examples=2)
    assert result["examples"]["hypothesis_examples"] == 2


def test_configurations_measure_the_same_every_time():
    key_a = theorems._runner.config_key(0, {"x": 1, "n": 4})
    key_b = theorems._runner.config_key(0, {"n": 4, "x": 1})
    key_c = theorems._runner.config_key(1, {"x": 1, "n": 4})
    assert np.array_equal(key_a, key_b) and not np.array_equal(key_a, key_c)


def test_claim_id_must_name_its_family():
    with pytest.raises(ValueError, match="family.name"):
        _claim(lambda c: None).__class__(**{**_claim(lambda c: None).__dict__, "id": "nofamily"})


def test_a_seed_draws_the_same_configurations_in_any_checkout(tmp_path):
    """The ci profile must be deterministic across clones: run the same claim from the source tree and from a
    copy of the packages elsewhere, and compare the configurations drawn."""
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    copy = tmp_path / "copy"
    for package in ("theorems", "numerics", "reports"):
        shutil.copytree(root / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    drawn = []
    for where in (root, copy):
        out = tmp_path / f"out-{len(drawn)}"
        subprocess.run([sys.executable, "-m", "theorems", "verify", "shrinkage.filter_exact", "--profile", "ci",
                        "--examples", "4", "--no-report", "--out", str(out)], cwd=where, check=True,
                       capture_output=True, timeout=600, env={**__import__("os").environ, "PYTHONPATH": str(where)})
        records = json.loads((out / "results.json").read_text())["claims"][0]["records"]
        drawn.append([r["config"] for r in records])
    assert drawn[0] == drawn[1] and len(drawn[0]) >= 4


def test_shrinking_stops_at_the_profile_budget_with_a_failing_batch():
    import dataclasses
    import time

    def slow_wrong(c):
        time.sleep(0.01)
        return Measurement(value=2.0 * c["x"] + (c["x"] >= 3))

    profile = dataclasses.replace(theorems.PROFILES["dev"], shrink_seconds=0.0)
    result = theorems.run_claim(_claim(slow_wrong), profile, seed=1)
    assert result["verdict"] == theorems.FALSIFIED
    assert result["examples"]["shrink_steps"] <= 1
    assert all(r["status"] in ("pass", "fail") for r in result["counterexample"])
    assert any(r["status"] == "fail" for r in result["counterexample"])


def _replicated_claim(first, replicate, seen_keys=None):
    def measure_with(fn, tag):
        def measure(configs, keys):
            if seen_keys is not None:
                seen_keys.setdefault(tag, []).extend(np.asarray(k).tobytes() for k in keys)
            return [fn(c) for c in configs]
        return measure
    import dataclasses
    return dataclasses.replace(_claim(first), measure=measure_with(first, "first"),
                               replicate=measure_with(replicate, "replicate"))


def test_a_disagreement_that_does_not_replicate_is_not_a_falsification(dev):
    # The first measurement is off from x = 37 on, an independent replicate is right: the claim holds, and the
    # records of the configurations that were measured twice keep the first measurement and say so.
    keys = {}
    claim = _replicated_claim(lambda c: Measurement(value=2.0 * c["x"] + (c["x"] >= 37)),
                              lambda c: Measurement(value=2.0 * c["x"]), keys)
    result = theorems.run_claim(claim, dev, seed=5)
    assert result["verdict"] == theorems.HOLDS
    twice = [r for r in result["records"] if "first" in r]
    assert twice and all(r["config"]["x"] >= 37 and r["status"] == "pass" for r in twice)
    assert all(r["first"]["measured"] == r["measured"] + 1 for r in twice)
    assert all("does not replicate" in r["reason"] for r in twice)
    assert not set(keys["replicate"]) & set(keys["first"])  # the replicate's randomness is its own


def test_a_disagreement_that_replicates_is_falsified_with_the_smallest_counterexample(dev):
    wrong = lambda c: Measurement(value=2.0 * c["x"] + (c["x"] >= 37))
    result = theorems.run_claim(_replicated_claim(wrong, wrong), theorems.PROFILES["thorough"], seed=3)
    assert result["verdict"] == theorems.FALSIFIED
    (rec,) = result["counterexample"]
    assert rec["config"]["x"] == 37 and rec["first"]["measured"] == 75.0 and "replicates" in rec["reason"]


def test_a_replicate_outside_the_assumptions_leaves_the_configuration_out_of_scope(dev):
    claim = _replicated_claim(lambda c: Measurement(value=2.0 * c["x"] + 1),
                              lambda c: Measurement(value=2.0 * c["x"] + 1, scope="training did not converge"))
    result = theorems.run_claim(claim, dev)
    assert result["verdict"] == theorems.OUT_OF_SCOPE
    assert all("is not confirmed: the replicate training did not converge" in r["reason"]
               for r in result["records"])


def test_a_run_measures_each_configuration_once_through_search_and_shrinking(dev):
    # Shrinking retries sub-batches of the failing batch: their configurations were measured already, and the
    # counterexample is the records of the smallest failing batch, not a third measurement of it.
    calls = {"first": [], "replicate": []}

    def counting(tag, fn):
        def measure(configs, keys):
            calls[tag].extend(json.dumps(c, sort_keys=True) for c in configs)
            return [fn(c) for c in configs]
        return measure

    wrong = lambda c: Measurement(value=2.0 * c["x"] + (c["x"] >= 37))
    import dataclasses
    claim = dataclasses.replace(_claim(wrong), measure=counting("first", wrong),
                                replicate=counting("replicate", wrong))
    result = theorems.run_claim(claim, theorems.PROFILES["thorough"], seed=3)
    assert result["verdict"] == theorems.FALSIFIED and result["examples"]["shrink_steps"] > 0
    for tag in calls:
        assert calls[tag] and len(calls[tag]) == len(set(calls[tag])), tag
    assert [r["config"]["x"] for r in result["counterexample"]] == [37]


def test_draws_do_not_depend_on_the_numbers_written_in_loaded_code(tmp_path, monkeypatch):
    """Hypothesis collects constants from the source of loaded project modules and draws some choices from
    them; a run must draw from its seed alone, whatever modules are loaded."""
    import importlib
    import sys

    from hypothesis import strategies as st

    from theorems._process import code_independent_draws

    def draws():
        import random

        import hypothesis
        from hypothesis import HealthCheck, settings

        seen = []

        def condition(x):
            seen.append(x)
            return False

        with code_independent_draws():
            try:
                hypothesis.find(st.tuples(st.integers(0, 2**16), st.floats(0.0, 1.0)), condition,
                                settings=settings(max_examples=200, database=None, deadline=None,
                                                  suppress_health_check=list(HealthCheck)),
                                random=random.Random(7))
            except hypothesis.errors.NoSuchExample:
                pass
        return seen

    before = draws()
    module = tmp_path / "planted_constants_module.py"
    module.write_text("A = (" + ", ".join(str(1000 + i) for i in range(300)) + ")\n"
                      "B = (" + ", ".join(f"0.{i:03d}123" for i in range(1, 300)) + ")\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)  # a module under the working directory counts as the project's own
    importlib.import_module("planted_constants_module")
    try:
        assert draws() == before
    finally:
        sys.modules.pop("planted_constants_module", None)


# --- claim-level pooling ------------------------------------------------------------------------------------

def _slope_claim(bias, sides="two"):
    """A toy rate claim: each configuration 'measures' the slope -1/2 + bias + noise with standard error 0.05
    (noise drawn from the configuration's key), and its interval at the splines rate claims' level."""
    import jax
    from scipy import stats

    from theorems import _budget
    from theorems._agreement import inside_interval
    from theorems._pooling import Pooling

    t = float(stats.t.isf((1 - _budget.replicated_level("splines.spline_rate", "dev")) / 2, 22))

    def measure(configs, keys):
        out = []
        for c, k in zip(configs, keys):
            v = -0.5 + bias + 0.05 * float(jax.random.normal(k, ()))
            iv = (v - t * 0.05, v + t * 0.05)
            out.append(Measurement(value=v, interval=iv, fitted={
                "slope": {"value": v, "interval": list(iv), "se": 0.05, "dof": 22},
                "size": {"value": float(c["x"])}}))
        return out

    return Claim(id="toy.rate", statement="The distance falls like n^-1/2.", source="synthetic",
                 closed_form=sympy.Rational(-1, 2), symbols={}, predict=lambda expr, config: float(expr),
                 measure=measure,
                 configurations=lambda profile: batches(st.fixed_dictionaries({"kind": st.just("toy")}),
                                                        st.fixed_dictionaries({"x": st.integers(0, 1000)}),
                                                        max_size=4),
                 assumptions=lambda c: None, agreement=inside_interval("synthetic"),
                 pooling=Pooling(fitted="slope", sides=sides, moderators=("size", "kind"),
                                 level=_budget.pooled_level("splines.spline_rate")))


def test_pooled_estimate_is_stored_and_a_bias_no_configuration_shows_falsifies(dev, tmp_path):
    from reports import _markdown, _summary

    from theorems import _budget

    fine = theorems.run_claim(_slope_claim(0.0), dev, seed=1)
    p = fine["pooled"]
    assert fine["verdict"] == theorems.HOLDS and fine["falsified_by"] == [] and not p["falsified"]
    assert p["k"] == fine["examples"]["pass"] >= dev.min_in_scope
    assert p["level"] == _budget.pooled_level("splines.spline_rate") and p["predicted"] == -0.5
    assert p["interval"][0] < -0.5 < p["interval"][1] and 0 < p["resolution"] < 0.1
    assert {"estimate", "se", "tau2", "i2", "q", "drivers", "moderators", "curve"} <= set(p)
    json.dumps(fine)  # stored as JSON
    # 0.08 above -1/2 in every configuration: inside each interval (half-width 0.17), not in the pooled one
    biased = theorems.run_claim(_slope_claim(0.08), dev, seed=1)
    assert biased["examples"]["fail"] == 0 and biased["counterexample"] is None
    assert biased["verdict"] == theorems.FALSIFIED and biased["falsified_by"] == ["pooled"]
    assert biased["pooled"]["interval"][0] > -0.5 and biased["pooled"]["moderators"]["size"]["kind"] == "regression"
    # the report says so: the pooled estimate in the summary and the claim's section, the drivers named
    results = {"environment": {"profile": "dev", "seed": 1}, "claims": [biased]}
    md = "\n".join(_markdown.summary_md(results))
    assert _summary.pooled_cell(biased) in md and "resolves" in md
    text = " ".join(_summary.pooled_text(biased))
    assert "excludes the prediction" in text and "Driven most by" in text and "size" in text
    assert _summary.cases(biased, 1)[0].label == "worst agreement"
    # as an upper bound the same bias falsifies too; a slope below the bound does not
    assert theorems.run_claim(_slope_claim(0.08, "above"), dev, seed=1)["falsified_by"] == ["pooled"]
    assert theorems.run_claim(_slope_claim(-0.08, "above"), dev, seed=1)["verdict"] == theorems.HOLDS
