"""The command line: listing, verifying, reporting, comparing, and refusing bad input cleanly."""

import json
import os
import subprocess
import time
import sys
from pathlib import Path

import pytest

import theorems
from theorems import _results
from theorems._cli import main
from theorems._verify import summary_table

FAST = ["shrinkage.filter_exact", "--examples", "2"]


def _run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_names_every_claim(capsys):
    code, out, _ = _run(["list"], capsys)
    assert code == 0
    for claim in theorems.all_claims():
        assert claim.id in out


def test_verify_writes_results_report_and_plots(tmp_path, capsys):
    code, out, _ = _run(["verify", *FAST, "--out", str(tmp_path)], capsys)
    assert code == 0
    assert "shrinkage.filter_exact" in out and "holds" in out
    data = _results.load(tmp_path / "results.json")
    assert data["schema_version"] == _results.SCHEMA_VERSION
    env = data["environment"]
    for key in ("python", "jax", "jaxlib", "numpy", "scipy", "sympy", "hypothesis", "backend", "devices",
                "float64", "git_commit", "profile", "seed", "started", "wall_s"):
        assert key in env
    assert env["float64"] is True
    (claim,) = data["claims"]
    assert claim["verdict"] == "holds"
    assert set(claim["examples"]) >= {"pass", "fail", "out_of_scope", "error"}
    assert claim["records"] and all("config" in r for r in claim["records"])
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html and "<script" not in html and "src='http" not in html
    assert claim["closed_form"]["latex"] in (tmp_path / "report.md").read_text()
    assert (tmp_path / "plots" / "shrinkage.filter_exact.png").read_bytes()[:4] == b"\x89PNG"
    assert not list(tmp_path.glob(".*tmp")), "no temporary files left behind"


def test_report_rerenders_from_results_file(tmp_path, capsys):
    assert _run(["verify", *FAST, "--out", str(tmp_path), "--no-report"], capsys)[0] == 0
    assert not (tmp_path / "report.html").exists()
    code, _, _ = _run(["report", str(tmp_path)], capsys)
    assert code == 0
    assert "shrinkage.filter_exact" in (tmp_path / "report.html").read_text()


@pytest.mark.parametrize("argv, message", [
    (["verify", "no.such_claim"], "unknown claim or family"),
    (["verify", "nosuchfamily"], "unknown claim or family"),
])
def test_unknown_claim_is_refused_and_writes_nothing(tmp_path, capsys, argv, message):
    code, _, err = _run([*argv, "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    assert message in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag", [["--examples", "-3"], ["--examples", "0"], ["--examples", "many"],
                                  ["--seed", "-1"], ["--profile", "fast"]])
def test_bad_numbers_are_refused(tmp_path, capsys, flag):
    with pytest.raises(SystemExit) as exc:
        main(["verify", "shrinkage", *flag, "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    assert "error: argument" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[]", "JSON object"),
    ('{"schema_version": 99, "claims": []}', "schema_version"),
    ('{"schema_version": 1, "claims": [{"id": "x"}]}', "lacks"),
])
def test_malformed_baseline_is_refused_before_running(tmp_path, capsys, content, message):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    code, _, err = _run(["verify", *FAST, "--baseline", str(baseline), "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    assert message in err
    assert not (tmp_path / "out" / "results.json").exists()


def test_missing_baseline_is_refused(tmp_path, capsys):
    code, _, err = _run(["compare", str(tmp_path / "absent.json"), str(tmp_path / "absent.json")], capsys)
    assert code == 2 and "cannot read" in err


def _results_with(verdicts):
    return {"schema_version": 1, "environment": {},
            "claims": [{"id": cid, "family": cid.split(".")[0], "statement": "", "source": "", "verdict": v,
                        "examples": {}, "worst": None, "fitted": {}, "records": []}
                       for cid, v in verdicts.items()]}


@pytest.mark.parametrize("base, new, code", [
    ({"a.x": "holds"}, {"a.x": "holds"}, 0),
    ({"a.x": "holds"}, {"a.x": "falsified"}, 1),
    ({"a.x": "holds"}, {"a.x": "error"}, 1),
    ({"a.x": "holds", "a.y": "holds"}, {"a.x": "holds"}, 1),   # a claim that held is gone
    ({"a.x": "falsified"}, {"a.x": "holds"}, 0),               # an improvement is no regression
    ({"a.x": "holds"}, {"a.x": "holds", "a.z": "falsified"}, 0),
])
def test_compare_exits_non_zero_exactly_on_regression(tmp_path, capsys, base, new, code):
    b, r = tmp_path / "b.json", tmp_path / "r.json"
    b.write_text(json.dumps(_results_with(base)))
    r.write_text(json.dumps(_results_with(new)))
    got, out, _ = _run(["compare", str(b), str(r)], capsys)
    assert got == code
    assert ("REGRESSION" in out) == (code == 1)


def test_verify_exits_non_zero_when_baseline_claim_no_longer_holds(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    fake = _results_with({"shrinkage.filter_exact": "holds"})
    baseline.write_text(json.dumps(fake))
    assert _run(["verify", *FAST, "--baseline", str(baseline), "--out", str(tmp_path / "a")], capsys)[0] == 0
    # A baseline in which the claim was falsified: holding now is an improvement, still exit 0.
    fake["claims"][0]["verdict"] = "falsified"
    baseline.write_text(json.dumps(fake))
    assert _run(["verify", *FAST, "--baseline", str(baseline), "--out", str(tmp_path / "b")], capsys)[0] == 0


def test_interrupted_run_leaves_no_results_file(tmp_path, capsys, monkeypatch):
    import theorems._runner as runner

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_claim", boom)
    code, _, err = _run(["verify", *FAST, "--out", str(tmp_path)], capsys)
    assert code == 130 and err.strip().splitlines()[-1].startswith("interrupted (SIGINT): 0 of 1 claims")
    assert not (tmp_path / "results.json").exists()


def test_atomic_write_keeps_old_file_when_serialisation_fails(tmp_path):
    path = tmp_path / "results.json"
    _results.write_json_atomic(path, {"ok": 1})
    with pytest.raises(ValueError):
        _results.write_json_atomic(path, {"bad": float("nan")})
    assert json.loads(path.read_text()) == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_module_entry_point_exit_code_for_unknown_claim(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "theorems", "verify", "bogus.claim", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert proc.returncode == 2
    assert "unknown claim or family: 'bogus.claim'" in proc.stderr
    assert "Traceback" not in proc.stderr


CONFIG = {"n": 16, "bias": "grid", "bias_seed": 0, "activation": "relu", "width": 0.1, "q": 20,
          "frequency": 2, "noise": 0.1, "target_seed": 1}


def _alpha(fraction):
    from theorems.shrinkage.network import stability_limit

    return fraction * stability_limit(CONFIG)


def test_check_reruns_one_configuration(capsys):
    code, out, _ = _run(["check", "shrinkage.filter_exact", "--config",
                         json.dumps({**CONFIG, "alpha": _alpha(0.5)})], capsys)
    assert code == 0 and "agrees" in out


def test_check_prints_the_measured_value_and_its_interval(capsys):
    code, out, _ = _run(["check", "ntk.decay_law", "--config",
                         '{"d": 2, "bias": 1, "parity": "odd", "shift": 2}'], capsys)
    assert code == 0 and "predicted -2, measured -2" in out and "interval [" in out


def test_check_refuses_a_target_scale_that_is_not_positive(capsys):
    config = {"init": "uniform", "p1": 1.0, "p2": 2.0, "M": 4, "scale": "dev", "data_seed": 1, "trend": 0.0,
              "offset": 0.0, "frac": 0.8, "init_seed": 1, "target_scale": 0}
    code, _, err = _run(["check", "splines.spline_rate", "--config", json.dumps(config)], capsys)
    assert code == 2 and "target_scale = 0.0 must be positive" in err


@pytest.mark.parametrize("config, message", [
    ('{"n": 16, "alpha": NaN}', "NaN is not a valid value"),
    ('{"n": 16, "alpha": Infinity}', "Infinity is not a valid value"),
    ("[1, 2]", "non-empty JSON object"),
    ("{n: 16}", "not valid JSON"),
    ('{"n": [16]}', "'n' must be a number, got [16]"),
])
def test_check_refuses_malformed_configurations(capsys, config, message):
    code, _, err = _run(["check", "shrinkage.filter_exact", "--config", config], capsys)
    assert code == 2 and message in err


def test_check_refuses_learning_rate_past_the_stability_limit(capsys):
    code, _, err = _run(["check", "shrinkage.filter_exact", "--config",
                         json.dumps({**CONFIG, "alpha": _alpha(1.5)})], capsys)
    assert code == 2
    assert "outside the theorem's assumptions" in err and "2/s_max^2" in err


def test_check_refuses_a_negative_grid_size(capsys):
    code, _, err = _run(["check", "shrinkage.filter_exact", "--config",
                         json.dumps({**CONFIG, "n": -4, "alpha": 0.01})], capsys)
    assert code == 2 and "'n' = -4 is not one of" in err


def test_check_refuses_unknown_claim(capsys):
    code, _, err = _run(["check", "shrinkage.nope", "--config", "{}"], capsys)
    assert code == 2 and "unknown claim" in err and "python -m theorems list" in err


BASELINE_TEXT = """# a comment
# profile: ci
# seed: 0
a.x  holds
a.y  falsified -- the summary's law, off for ReLU
"""


def test_text_baseline_is_read_with_its_reasons(tmp_path):
    path = tmp_path / "baseline.txt"
    path.write_text(BASELINE_TEXT)
    base = _results.read_baseline(path)
    assert base["expected"] == {"a.x": "holds", "a.y": "falsified"}
    assert base["reasons"] == {"a.y": "the summary's law, off for ReLU"}
    assert base["profile"] == "ci" and base["seed"] == 0


@pytest.mark.parametrize("content, message", [
    ("a.x  holds\na.x  holds\n", "twice"),
    ("a.x  maybe\n", "unknown verdict"),
    ("a.x  falsified\n", "give the reason"),
    ("a.x\n", "expected 'CLAIM_ID VERDICT"),
    ("# only a comment\n", "no claim lines"),
])
def test_malformed_text_baseline_is_refused(tmp_path, capsys, content, message):
    path = tmp_path / "baseline.txt"
    path.write_text(content)
    code, _, err = _run(["verify", *FAST, "--baseline", str(path), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and message in err
    assert not (tmp_path / "out").exists()


def test_binary_baseline_is_refused_with_one_line(tmp_path, capsys):
    path = tmp_path / "baseline.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    code, _, err = _run(["compare", str(path), str(path)], capsys)
    assert code == 2 and "not a text file" in err and "Traceback" not in err


@pytest.mark.parametrize("verdict, code", [("holds", 0), ("falsified", 1)])
def test_compare_against_a_text_baseline(tmp_path, capsys, verdict, code):
    path, results = tmp_path / "baseline.txt", tmp_path / "r.json"
    path.write_text(BASELINE_TEXT)
    results.write_text(json.dumps(_results_with({"a.x": verdict, "a.y": "falsified"})))
    got, out, _ = _run(["compare", str(path), str(results)], capsys)
    assert got == code and ("REGRESSION" in out) == (code == 1)


def test_recording_a_baseline_keeps_the_reviewed_reasons_and_flags_new_ones(tmp_path, capsys):
    path, results = tmp_path / "baseline.txt", tmp_path / "r.json"
    path.write_text(BASELINE_TEXT)
    results.write_text(json.dumps(_results_with({"a.x": "falsified", "a.y": "falsified", "a.z": "holds"})))
    code, out, _ = _run(["baseline", str(results), "--out", str(path)], capsys)
    assert code == 0 and "a.x" in out  # the new non-holds verdict is listed for review
    base = _results.read_baseline(path)
    assert base["expected"] == {"a.x": "falsified", "a.y": "falsified", "a.z": "holds"}
    assert base["reasons"]["a.y"] == "the summary's law, off for ReLU"
    assert base["reasons"]["a.x"].startswith("REVIEW:")


def test_comparing_two_full_runs_prints_what_moved(tmp_path, capsys):
    before = _results_with({"a.x": "holds"})
    after = _results_with({"a.x": "holds"})
    for run, ratio in ((before, 0.5), (after, 0.75)):
        run["claims"][0]["examples"] = {"pass": 20, "fail": 0, "out_of_scope": 1, "error": 0}
        run["claims"][0]["worst"] = {"error": ratio, "tolerance": 1.0}
    b, r = tmp_path / "b.json", tmp_path / "r.json"
    b.write_text(json.dumps(before))
    r.write_text(json.dumps(after))
    code, out, _ = _run(["compare", str(b), str(r)], capsys)
    assert code == 0 and "worst error/tolerance 0.5 -> 0.75" in out


def _without_timings(results):
    return _results.without_timings(results)


def test_parallel_workers_give_the_serial_results(tmp_path, capsys):
    """Claims are independent given the seed: two workers write the same results.json as one, timings aside,
    in the order of the selection."""
    selection = ["shrinkage.basis_step_exact", "shrinkage.sinc_cliff", "ntk.spectrum_circle", "--examples", "3",
                 "--seed", "5", "--no-report"]
    assert _run(["verify", *selection, "--jobs", "1", "--out", str(tmp_path / "serial")], capsys)[0] == 0
    assert _run(["verify", *selection, "--jobs", "2", "--out", str(tmp_path / "parallel")], capsys)[0] == 0
    serial = _results.load(tmp_path / "serial" / "results.json")
    parallel = _results.load(tmp_path / "parallel" / "results.json")
    assert [c["id"] for c in parallel["claims"]] == selection[:3]
    assert _without_timings(serial) == _without_timings(parallel)


def test_claims_that_share_runs_go_to_one_worker():
    from theorems import _parallel

    claims = theorems.select(["splines"])
    groups = {g[0].id: [c.id for c in g] for g in _parallel.groups(claims)}
    assert groups["splines.spline_rate"] == ["splines.spline_rate", "splines.spline_rate_bound"]
    assert groups["splines.trajectory_network"] == ["splines.trajectory_network", "splines.trajectory_width_rate"]


def test_workers_share_the_cores_without_overlap():
    from theorems._parallel import cores_of

    for cores in ([0], [0, 1], [3, 5, 6, 9], list(range(16))):
        for workers in range(1, 2 * len(cores) + 2):
            shares = [cores_of(w, workers, cores) for w in range(workers)]
            assert all(s and s <= set(cores) for s in shares)
            assert set().union(*shares) == set(cores)
            if workers <= len(cores):
                assert sum(map(len, shares)) == len(cores)  # a partition: every core, none twice
            else:
                assert all(len(s) == 1 for s in shares)
                counts = [sum(c in s for s in shares) for c in cores]
                assert max(counts) - min(counts) <= 1  # one core each, in turn


def test_each_worker_keeps_to_its_own_cores(all_cores):
    """XLA sizes its CPU thread pool by the cores a process may use: workers that each saw every core
    oversubscribed them."""
    from theorems._parallel import worker_pool

    if len(all_cores) < 2:
        pytest.skip("needs two cores")
    own = os.sched_getaffinity(0)
    os.sched_setaffinity(0, all_cores)  # all of the run's cores, as verify has them (a test worker keeps a share)
    try:
        with worker_pool(2) as pool:
            for future in [pool.submit(time.sleep, 0.5) for _ in range(2)]:  # both busy: both workers started
                future.result()
            first, second = (os.sched_getaffinity(p.pid) for p in pool._processes.values())
    finally:
        os.sched_setaffinity(0, own)
    assert first and second and not first & second and first | second == set(all_cores)


def test_cpu_runs_compile_at_llvm_level_one_unless_told_otherwise():
    from numerics import CPU_OPT_LEVEL, cpu_xla_flags

    assert cpu_xla_flags("", None, accelerator_plugin=False) == CPU_OPT_LEVEL
    assert cpu_xla_flags("--xla_dump_to=/tmp/x", "cpu", accelerator_plugin=True) == f"--xla_dump_to=/tmp/x {CPU_OPT_LEVEL}"
    assert cpu_xla_flags("--xla_backend_optimization_level=3", None, False) == "--xla_backend_optimization_level=3"
    assert cpu_xla_flags("", None, accelerator_plugin=True) == ""  # a GPU's programs keep XLA's default
    assert cpu_xla_flags("", "cuda,cpu", accelerator_plugin=True) == ""
    assert cpu_xla_flags("", "tpu", accelerator_plugin=False) == ""


def test_cpu_runs_hand_nothing_to_the_ynnpack_library_where_jaxlib_knows_the_flag():
    from numerics import CPU_LIBRARY_FUSIONS, CPU_OPT_LEVEL, LIBRARY_FUSIONS_JAXLIB, cpu_xla_flags

    assert cpu_xla_flags("", None, False, (0, 10, 2)) == f"{CPU_OPT_LEVEL} {CPU_LIBRARY_FUSIONS}"
    assert cpu_xla_flags("", "cpu", True, LIBRARY_FUSIONS_JAXLIB[0]) == f"{CPU_OPT_LEVEL} {CPU_LIBRARY_FUSIONS}"
    # XLA aborts on a flag it does not know: none for a jaxlib without it, or of unknown version
    for version in ((0, 8, 0), LIBRARY_FUSIONS_JAXLIB[1], (1, 0, 0), None):
        assert cpu_xla_flags("", None, False, version) == CPU_OPT_LEVEL
    # the user's own choice is kept, and a GPU's programs keep XLA's defaults
    mine = "--xla_cpu_experimental_ynn_fusion_type=dot,reduce"
    assert cpu_xla_flags(mine, None, False, (0, 10, 2)) == f"{mine} {CPU_OPT_LEVEL}"
    assert cpu_xla_flags("", None, True, (0, 10, 2)) == ""


def test_this_process_runs_with_the_flags_its_jaxlib_accepts():
    import jax.numpy as jnp

    from numerics import LIBRARY_FUSIONS_JAXLIB, _accelerator_plugin_installed, _jaxlib_version

    version = _jaxlib_version()
    assert version is not None and len(version) == 3
    lower, upper = LIBRARY_FUSIONS_JAXLIB
    if lower <= version < upper and not _accelerator_plugin_installed() and not os.environ.get("JAX_PLATFORMS"):
        assert "--xla_cpu_experimental_ynn_fusion_type=" in os.environ["XLA_FLAGS"]
    assert float(jnp.ones(3).sum()) == 3.0  # XLA started with them


def test_results_record_the_xla_flags_the_run_had():
    from theorems._results import environment

    assert environment("ci", 0, 0.0, 1.0)["xla_flags"] == os.environ.get("XLA_FLAGS", "")


def test_describe_shows_every_key_of_an_example_and_a_check_command_that_runs(capsys):
    from theorems import _keys

    assert main(["describe", "ntk.spectrum_circle"]) == 0
    out = capsys.readouterr().out
    keys = _keys.declared(theorems.get("ntk.spectrum_circle"))
    example = json.loads(out.split("simplest draw):\n")[1].splitlines()[0])
    assert set(example) == {"d", "bias", "k"}
    for name in example:
        assert f"{name}: {keys[name].describe()}".split(":")[0] in out and keys[name].doc.split()[0] in out
    command = out.strip().splitlines()[-1].strip()
    assert command.startswith("python -m theorems check ntk.spectrum_circle --config ")
    assert main(["check", "ntk.spectrum_circle", "--config", json.dumps(example), "--seed", "0"]) == 0
    assert main(["describe", "ntk.no_such_claim"]) == 2


def test_summary_gives_the_ratio_and_a_bound_claims_margin():
    def claim(cid, worst, records=()):
        return {"id": cid, "verdict": "holds", "examples": {"pass": 3, "fail": 0, "out_of_scope": 1, "error": 0},
                "worst": worst, "records": list(records)}

    bound = {"error": 0.0, "tolerance": 0.0, "predicted": -0.5, "interval": [-0.7, -0.45], "status": "pass"}
    table = summary_table({"claims": [claim("a.ratio", {"error": 0.25, "tolerance": 0.5}),
                                      claim("a.bound", bound, [bound])]})
    rows = {line.split()[0]: line for line in table.splitlines()[2:]}
    assert rows["a.ratio"].endswith(" 0.5") and rows["a.bound"].endswith("bound met by 0.2")
    assert "worst error/tolerance" in table.splitlines()[0]


def test_the_console_script_is_the_command_line():
    import importlib
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    module, _, name = project["scripts"]["gd-theory-checks"].partition(":")
    assert getattr(importlib.import_module(module), name) is main
