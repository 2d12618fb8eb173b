"""Bad input is refused before anything runs, with one line and exit 2, and nothing is left half-written."""

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import theorems
from theorems import _keys, _results
from theorems._cli import MAX_EXAMPLES, main, parse_config
from theorems._runner import _jsonable

FAST = ["shrinkage.filter_exact", "--examples", "2"]


def _refused(argv, capsys, message) -> str:
    """Run ``argv``; assert it exits 2 with one line on stderr containing ``message``."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err, err
    return err


@pytest.fixture
def nothing_runs(monkeypatch):
    import theorems._runner as runner

    monkeypatch.setattr(runner, "run_claim", lambda *a, **k: pytest.fail("a claim ran"))


# --- the output folder -------------------------------------------------------------------------------------

def test_an_unwritable_output_folder_is_refused_before_anything_runs(tmp_path, capsys, nothing_runs):
    if os.geteuid() == 0:
        pytest.skip("permissions do not bind root; test_an_output_folder_in_proc_is_refused covers it")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        _refused(["verify", *FAST, "--out", str(folder)], capsys, "cannot write there")
        _refused(["verify", *FAST, "--out", str(folder / "new" / "out")], capsys, "cannot write there")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
@pytest.mark.parametrize("out", ["/proc/self", "/proc/gd-theory-checks/out"])
def test_an_output_folder_in_proc_is_refused(capsys, nothing_runs, out):
    """/proc takes no new file, even from root: the probe file finds what a permission check would not."""
    _refused(["verify", *FAST, "--out", out], capsys, "cannot write there")


def test_an_output_folder_under_a_file_is_refused(tmp_path, capsys, nothing_runs):
    (tmp_path / "file").write_text("")
    _refused(["verify", *FAST, "--out", str(tmp_path / "file")], capsys, "is not a directory")
    _refused(["verify", *FAST, "--out", str(tmp_path / "file" / "out")], capsys, "cannot write there")


# --- results and baseline files ----------------------------------------------------------------------------

BINARY = b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00"


@pytest.mark.parametrize("argv", [
    ["report", "{dir}"],
    ["compare", "{file}", "{file}"],
    ["compare", "{text}", "{file}"],
    ["baseline", "{file}", "--out", "{dir}/baseline.txt"],
    ["verify", *FAST, "--baseline", "{file}", "--out", "{dir}/out"],
])
def test_a_binary_results_or_baseline_file_is_refused(tmp_path, capsys, nothing_runs, argv):
    (tmp_path / "results.json").write_bytes(BINARY)
    (tmp_path / "baseline.txt").write_text("shrinkage.filter_exact  holds\n")
    names = {"dir": tmp_path, "file": tmp_path / "results.json", "text": tmp_path / "baseline.txt"}
    _refused([a.format(**names) for a in argv], capsys, "is not a text file (not UTF-8)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.txt", "results.json"]


def _complete_results():
    """A results dict holding every part the report reads, one of each."""
    record = {"config": {"n": 16, "activation": "relu"}, "status": "fail", "reason": "", "predicted": [1.0, 2.0],
              "measured": [1.0, 2.5], "error": 0.5, "tolerance": 0.1, "fitted": {}, "series": {}}
    claim = {"id": "shrinkage.filter_exact", "family": "shrinkage", "statement": "A statement.", "source": "A paper",
             "closed_form": {"text": "x**2", "latex": "x^{2}", "pretty": "x^2"}, "symbols": {"x": "a symbol"},
             "agreement": {"metric": "max_abs_error", "reason": "round-off"}, "verdict": "falsified",
             "examples": {"pass": 0, "fail": 1, "out_of_scope": 0, "error": 0, "hypothesis_examples": 1,
                          "shrink_steps": 0, "max_examples": 1},
             "worst": {"config": record["config"], "predicted": [1.0, 2.0], "measured": [1.0, 2.5], "error": 0.5,
                       "tolerance": 0.1, "status": "fail", "reason": ""},
             "counterexample": [record], "error": None,
             "fitted": {"slope": [{"config": record["config"], "value": -0.5, "interval": [-0.6, -0.4]}]},
             "records": [record], "wall_s": 1.5}
    env = {"python": "3.11", "jax": "0.10", "backend": "cpu", "float64": True, "git_commit": None,
           "profile": "ci", "seed": 0, "started": "2026-01-01T00:00:00+00:00", "wall_s": 1.5}
    return {"schema_version": 1, "environment": env, "claims": [claim]}


def _required_paths(spec, prefix=()):
    """The path of every value ``_results.RENDERED`` requires (the first item standing for a list's items)."""
    if isinstance(spec, _results._Each) and spec.container is list:
        yield from _required_paths(spec.spec, prefix + (0,))
    elif isinstance(spec, dict):
        for name, sub in spec.items():
            if not name.endswith("?"):
                yield prefix + (name,)
                yield from _required_paths(sub, prefix + (name,))


REQUIRED = list(_required_paths(_results.RENDERED))


def _without(results, path):
    results = json.loads(json.dumps(results))
    parent = results
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return results


@pytest.fixture
def no_figures(monkeypatch):
    """The report without its figures (Matplotlib), which are drawn inside a guard and are not the point."""
    import reports._formula as formula
    import reports._render as render

    monkeypatch.setattr(render, "figure_png", lambda claim, **kw: b"")
    monkeypatch.setattr(formula, "formula_png", lambda latex, **kw: None)


def test_the_complete_results_render(tmp_path, no_figures):
    from reports import render

    results = _complete_results()
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    render(_results.load(path, for_report=True), tmp_path)
    assert "shrinkage.filter_exact" in (tmp_path / "report.html").read_text()


@pytest.mark.parametrize("path", REQUIRED, ids=lambda p: ".".join(map(str, p)))
def test_a_results_file_lacking_a_part_the_report_reads_is_refused(tmp_path, no_figures, path):
    """Each part the validator requires is one the renderer cannot do without (so the validator refuses no file
    the report could be drawn from), and a file lacking it is refused, naming it."""
    from reports import render

    results = _without(_complete_results(), path)
    with pytest.raises((KeyError, TypeError)):
        render(results, tmp_path / "direct")
    (tmp_path / "results.json").write_text(json.dumps(results))
    with pytest.raises(_results.ResultsFileError, match=repr(path[-1])):
        _results.load(tmp_path / "results.json", for_report=True)


@pytest.mark.parametrize("change, message", [
    ({"wall_s": "1.5"}, "claims[0].wall_s must be a number"),
    ({"examples": {"pass": "0", "fail": 1, "out_of_scope": 0, "error": 0, "hypothesis_examples": 1,
                   "shrink_steps": 0}}, "claims[0].examples.pass must be an integer"),
    ({"records": [{"config": [16], "status": "pass"}]}, "claims[0].records[0].config must be an object"),
    ({"symbols": {"x": 1}}, "claims[0].symbols.x must be a string"),
])
def test_a_results_file_with_a_part_of_the_wrong_type_is_refused(tmp_path, capsys, change, message):
    results = _complete_results()
    results["claims"][0].update(change)
    (tmp_path / "results.json").write_text(json.dumps(results))
    _refused(["report", str(tmp_path)], capsys, message)


def test_report_refuses_a_results_file_lacking_a_key_and_writes_nothing(tmp_path, capsys):
    results = _without(_complete_results(), ("claims", 0, "closed_form", "latex"))
    (tmp_path / "results.json").write_text(json.dumps(results))
    _refused(["report", str(tmp_path)], capsys, "claims[0].closed_form lacks 'latex'")
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"], "no stray plot, no report"


# --- configurations ----------------------------------------------------------------------------------------

FILTER = {"n": 16, "bias": "grid", "bias_seed": 0, "activation": "relu", "width": 0.1, "q": 20, "frequency": 2,
          "noise": 0.1, "target_seed": 1, "alpha": 0.01}
LEARNING_RATES = {"d": 3, "n": 512, "m": 512, "M": 1024, "steps": 64, "bias": 0, "degrees": "1,2,4",
                  "eta_frac": 0.5, "amplitudes": "1,1,1", "seed": 0}
SPLINE_RATE = {"init": "binary", "p1": 1.0, "p2": 2.0, "M": 3, "scale": "dev", "data_seed": 0, "trend": 0.0,
               "init_seed": 0, "frac": 0.6, "offset": 1.651}


@pytest.mark.parametrize("claim, config, message", [
    ("shrinkage.filter_exact", {**FILTER, "n": 100000}, "'n' = 100000 is not one of 8, 12, 16"),
    ("shrinkage.filter_exact", {**FILTER, "q": 2.7}, "'q' must be an integer, got 2.7"),
    ("shrinkage.filter_exact", {**FILTER, "q": 1000}, "'q' = 1000 is above its domain [1, 400]"),
    ("shrinkage.filter_exact", {**FILTER, "steps": 3}, "unknown key 'steps' (keys: activation, alpha"),
    ("shrinkage.filter_exact", {**FILTER, "width": -0.1}, "'width' = -0.1 is not one of"),
    ("shrinkage.filter_exact", {**FILTER, "activation": 3}, "'activation' must be a string, got 3"),
    ("shrinkage.filter_exact", {**FILTER, "n": True}, "'n' must be a number, got True"),
    ("ntk.learning_rates", {**LEARNING_RATES, "m": -4}, "'m' = -4 is not one of"),
    ("ntk.learning_rates", {**LEARNING_RATES, "eta_frac": 1.5}, "'eta_frac' = 1.5 is above its domain"),
    ("ntk.learning_rates", {**LEARNING_RATES, "eta_frac": 1.05}, "at or past the stability limit"),
    ("splines.spline_rate", {**SPLINE_RATE, "frac": 1.2}, "'frac' = 1.2 is above its domain [0.02, 0.95]"),
    ("splines.spline_rate", {**SPLINE_RATE, "M": 3.5}, "'M' must be an integer, got 3.5"),
])
def test_check_refuses_a_configuration_outside_its_declared_keys(capsys, claim, config, message):
    _refused(["check", claim, "--config", json.dumps(config)], capsys, message)


@pytest.mark.parametrize("config, message", [
    ('{"n": NaN}', "NaN is not a valid value"),
    ('{"n": [1, [2]]}', "must be a number, a string or a list of numbers"),
    ('{"n": {"a": 1}}', "must be a number or a string"),
])
def test_check_refuses_what_is_no_configuration(capsys, config, message):
    _refused(["check", "shrinkage.filter_exact", "--config", config], capsys, message)


def test_check_refuses_an_unknown_claim(capsys):
    _refused(["check", "shrinkage.nope", "--config", json.dumps(FILTER)], capsys, "unknown claim 'shrinkage.nope'")


def test_an_integer_written_as_a_float_measures_as_the_integer(capsys):
    """The PRNG key of a configuration hashes its JSON text: q = 20.0 must measure as the drawn q = 20."""
    assert _keys.checked(theorems.get("shrinkage.filter_exact"), {**FILTER, "q": 20.0}) == FILTER
    outputs = []
    for q in ("20", "20.0"):
        config = json.dumps(FILTER).replace('"q": 20', f'"q": {q}')
        assert main(["check", "shrinkage.filter_exact", "--config", config]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("claim", theorems.all_claims(), ids=lambda c: c.id)
def test_every_drawn_configuration_is_accepted_as_a_report_records_it(claim):
    """What the strategies draw, written as ``results.json`` writes it and read back, passes ``check``'s
    validation unchanged (lists of points included)."""
    strategy = claim.configurations(theorems.PROFILES["ci"])

    @settings(max_examples=3, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draw(data):
        for config in data.draw(strategy):
            text = json.dumps(_jsonable(dict(config)))
            checked = _keys.checked(claim, parse_config(text))
            assert json.dumps(checked) == json.dumps(dict(config), default=str)

    draw()


# --- numbers on the command line ---------------------------------------------------------------------------

def test_examples_above_the_cap_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["verify", "shrinkage", "--examples", str(MAX_EXAMPLES + 1), "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    assert f"at most {MAX_EXAMPLES} examples per claim" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_examples_cap_is_documented(capsys):
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    assert f"1 to {MAX_EXAMPLES}" in " ".join(capsys.readouterr().out.split())
