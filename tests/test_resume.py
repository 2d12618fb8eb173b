"""Runs that survive: a ``verify`` stopped by Ctrl-C or SIGTERM keeps the claims it finished, and
``verify --resume`` completes it to the results of an uninterrupted run; what a run records can be checked again
as it stands."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import theorems
from theorems import _keys, _partial, _results
from theorems._cli import main, parse_config

ROOT = Path(__file__).resolve().parents[1]
# Two cheap claims of the ci profile (about a second each with 4 examples on a warm process), the first
# falsified, so that the run records a counterexample too.
CLAIMS = ["shrinkage.bandwidth_sqrt_q", "shrinkage.threshold_kappa"]
RUN = ["--profile", "ci", "--seed", "0", "--examples", "4", "--no-report"]


def _without_timings(results):
    return _results.without_timings(results)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted")
    assert main(["verify", *CLAIMS, *RUN, "--jobs", "1", "--out", str(out)]) == 0
    return _results.load(out / "results.json")


# ``python -m theorems`` whose claims after the first wait (up to a minute) before they run, so that a signal sent
# once the first is kept lands mid-run however fast or loaded the machine is (serial runs: the claims run in this
# process).
HELD = ("import sys, time\n"
        "import theorems._runner as runner\n"
        "run, seen = runner.run_claim, []\n"
        "def held(claim, *args, **kwargs):\n"
        "    if seen:\n"
        "        time.sleep(60)\n"
        "    seen.append(claim.id)\n"
        "    return run(claim, *args, **kwargs)\n"
        "runner.run_claim = held\n"
        "from theorems._cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")


def _interrupted(out: Path, jobs: int, send) -> tuple[int, str]:
    """Run CLAIMS in a fresh process, and ``send(process)`` a signal as soon as a claim has been kept."""
    command = ["-c", HELD] if jobs == 1 else ["-m", "theorems"]
    proc = subprocess.Popen([sys.executable, *command, "verify", *CLAIMS, *RUN, "--jobs", str(jobs),
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not _partial.kept(out, CLAIMS):
            assert proc.poll() is None, f"the run ended before a signal was sent: {proc.communicate()}"
            assert time.monotonic() < deadline, "no claim was kept in time"
            time.sleep(0.02)
        send(proc)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, err


def _resume(out: Path, monkeypatch) -> list[str]:
    """``verify --resume`` in this process; the ids of the claims it ran."""
    import theorems._runner as runner

    ran, run_claim = [], runner.run_claim

    def spy(claim, *args, **kwargs):
        ran.append(claim.id)
        return run_claim(claim, *args, **kwargs)

    monkeypatch.setattr(runner, "run_claim", spy)
    assert main(["verify", "--resume", "--out", str(out), "--jobs", "1", "--no-report"]) == 0
    return ran


def _assert_resumed_to(out: Path, kept: dict, ran: list[str], uninterrupted):
    resumed = _results.load(out / "results.json")
    assert _without_timings(resumed) == _without_timings(uninterrupted)
    assert sorted(ran) == sorted(set(CLAIMS) - set(kept)), "only the claims not kept run again"
    for claim in resumed["claims"]:
        if claim["id"] in kept:  # the record kept, timing and all, not a new run of the claim
            assert claim == kept[claim["id"]]
    assert not _partial.folder(out).exists()


def test_an_interrupted_run_resumes_to_the_uninterrupted_results(tmp_path, monkeypatch, uninterrupted):
    out = tmp_path / "run"
    code, err = _interrupted(out, jobs=1, send=lambda proc: proc.send_signal(signal.SIGINT))
    assert code == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(f"interrupted (SIGINT): 1 of {len(CLAIMS)} claims finished")
    kept = _partial.kept(out, CLAIMS)
    assert list(kept) == CLAIMS[:1] and not (out / "results.json").exists()
    state = _partial.read(out)
    ran = _resume(out, monkeypatch)
    _assert_resumed_to(out, kept, ran, uninterrupted)
    env = _results.load(out / "results.json")["environment"]
    started = datetime.datetime.fromtimestamp(state["started"], datetime.timezone.utc)
    assert env["started"] == started.isoformat(timespec="seconds"), "the run started when its first part did"
    assert env["wall_s"] >= state["elapsed_s"] > 0


@pytest.mark.slow
def test_ctrl_c_stops_the_worker_processes_and_the_run_resumes(tmp_path, monkeypatch, uninterrupted):
    """Ctrl-C in a terminal reaches every process of the group: the workers ignore it, the parent stops them
    and prints one line."""
    out = tmp_path / "run"
    code, err = _interrupted(out, jobs=2, send=lambda proc: os.killpg(proc.pid, signal.SIGINT))
    assert code == 130, err
    assert "Traceback" not in err and err.count("interrupted") == 1
    assert err.strip().splitlines()[-1].startswith("interrupted (SIGINT): ")
    kept = _partial.kept(out, CLAIMS)
    assert kept and not (out / "results.json").exists()
    _assert_resumed_to(out, kept, _resume(out, monkeypatch), uninterrupted)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_that_dies_stops_the_run_and_keeps_what_finished(tmp_path, spawned_workers):
    """A worker killed from outside (the kernel's out-of-memory killer, say) ends the run with one line, exit 1,
    and the claims finished kept for --resume."""
    out = tmp_path / "run"

    def kill_a_worker(proc):
        os.kill(spawned_workers(proc.pid)[0], signal.SIGKILL)

    code, err = _interrupted(out, jobs=2, send=kill_a_worker)
    assert code == 1, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: a worker process died")
    assert _partial.kept(out, CLAIMS) and _partial.read(out)["claims"] == CLAIMS


def _fake_result(claim_id):
    return {"id": claim_id, "family": claim_id.split(".")[0], "statement": "", "source": "", "verdict": "holds",
            "examples": {"pass": 1, "fail": 0, "out_of_scope": 0, "error": 0}, "worst": None, "fitted": {},
            "records": [], "wall_s": 0.0}


def test_sigterm_stops_a_run_and_keeps_what_finished(tmp_path, capsys, monkeypatch):
    import theorems._runner as runner

    def run_claim(claim, *args, **kwargs):
        if claim.id == CLAIMS[1]:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)  # the handler raises in this sleep
        return _fake_result(claim.id)

    monkeypatch.setattr(runner, "run_claim", run_claim)
    code = main(["verify", *CLAIMS, *RUN, "--jobs", "1", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 143
    assert err.strip().splitlines()[-1].startswith(f"interrupted (SIGTERM): 1 of {len(CLAIMS)} claims finished")
    assert list(_partial.kept(tmp_path, CLAIMS)) == CLAIMS[:1]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is restored"


def _state(out, **changes):
    """An unfinished run of CLAIMS in ``out``, with ``changes`` to its recorded state."""
    ident = _partial.identity("ci", 0, None, CLAIMS)
    _partial.start(out, ident, time.time())
    path = _partial.folder(out) / _partial.STATE
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.mark.parametrize("argv, changes, message", [
    (["--seed", "1"], {}, "the seed is 1, the unfinished run's is 0"),
    (["--profile", "dev"], {}, "the profile is dev, the unfinished run's is ci"),
    (["--examples", "3"], {}, "the --examples is 3"),
    (CLAIMS[:1], {}, "the selection is shrinkage.bandwidth_sqrt_q, the unfinished run's is"),
    ([], {"commit": "0" * 40}, "the commit of the code is"),
    ([], {"versions": {"numpy": "0.1"}}, "the unfinished run used"),
])
def test_resume_refuses_a_different_run(tmp_path, capsys, monkeypatch, argv, changes, message):
    import theorems._runner as runner

    monkeypatch.setattr(runner, "run_claim", lambda *a, **k: pytest.fail("nothing runs"))
    _state(tmp_path, **changes)
    code = main(["verify", "--resume", "--out", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_resume_without_an_unfinished_run_is_refused(tmp_path, capsys):
    assert main(["verify", "--resume", "--out", str(tmp_path)]) == 2
    assert "no unfinished run in" in capsys.readouterr().err


def test_a_fresh_run_discards_the_kept_claims(tmp_path, capsys, monkeypatch):
    import theorems._runner as runner

    _state(tmp_path)
    _partial.keep(_partial.folder(tmp_path), {**_fake_result(CLAIMS[0]), "verdict": "falsified"})
    monkeypatch.setattr(runner, "run_claim", lambda claim, *a, **k: _fake_result(claim.id))
    assert main(["verify", *CLAIMS, *RUN, "--jobs", "1", "--out", str(tmp_path)]) == 0
    assert "discarded the unfinished run" in capsys.readouterr().err
    verdicts = [c["verdict"] for c in _results.load(tmp_path / "results.json")["claims"]]
    assert verdicts == ["holds"] * len(CLAIMS) and not _partial.folder(tmp_path).exists()


def _recorded_configs(results):
    for claim in results["claims"]:
        configs = [r["config"] for r in claim["records"] + (claim.get("counterexample") or [])]
        configs += [e["config"] for entries in claim["fitted"].values() for e in entries]
        configs += [claim["worst"]["config"]] if claim.get("worst") else []
        yield theorems.get(claim["id"]), configs


def test_every_configuration_a_run_records_is_accepted_as_it_stands(uninterrupted):
    count = 0
    for claim, configs in _recorded_configs(uninterrupted):
        for config in configs:
            given = parse_config(json.dumps(config))
            assert _keys.checked(claim, given) == given, (claim.id, config)
            count += 1
    assert count >= 10, "the run recorded configurations to check"


def test_a_recorded_counterexample_checks_again_to_the_recorded_error(uninterrupted, capsys):
    (claim,) = [c for c in uninterrupted["claims"] if c["verdict"] == "falsified"]
    worst = claim["worst"]
    code = main(["check", claim["id"], "--config", json.dumps(worst["config"])])
    out = capsys.readouterr().out
    assert code == 1 and f"DISAGREES: error {worst['error']:.6g}, tolerance {worst['tolerance']:.6g}" in out
