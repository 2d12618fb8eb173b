"""The paths for accelerators: configurations spread over several devices, the environment a run records, the
large-scale profile ``xl``, and the prepared GPU script.

Several devices are simulated on the CPU (``XLA_FLAGS=--xla_force_host_platform_device_count=4``), which must be
set before JAX starts: those runs are subprocesses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import theorems

ROOT = Path(__file__).resolve().parents[1]

BATCH = textwrap.dedent("""
    import sys
    import numpy as np
    import jax, jax.numpy as jnp
    import numerics
    from numerics import shallow as nx

    out, full = sys.argv[1], sys.argv[2] == "full"
    rng = np.random.default_rng(3)
    C, S, M, E = 5, 2, 4, 9  # 5 configurations on 4 devices: the last block is padded
    widths = (8, 24) if full else (8,)
    X = np.sort(rng.uniform(-2, 2, (C, M, 1)), axis=1)
    Y = rng.normal(size=(C, M))
    XE = np.repeat(np.linspace(-2, 2, E)[None, :, None], C, 0)
    G = rng.normal(size=(C, E))
    seeds = rng.integers(0, 2**31 - 1, (C, S, 2))[..., :len(widths)]
    frac = np.linspace(0.5, 0.9, C)
    tol = np.full(C, 1e-4)
    kw = dict(widths=widths, init="uniform", p1=1.0, p2=2.0)
    runs = {"gd": nx.spline_distance_runs(seeds, *map(jnp.asarray, (X, Y, G, XE, frac, tol)), 300, **kw)}
    if full:
        runs["sgd"] = nx.spline_distance_runs(seeds, *map(jnp.asarray, (X, Y, G, XE, frac, tol)), 200, sgd=True, **kw)
        gaps = np.tile(np.array([1, 3, 5]), (C, 1))
        runs["traj"] = nx.trajectory_runs(seeds, X, Y, XE, jnp.asarray(0.1 + 0.05 * np.arange(C)), gaps, **kw)
    arrays = {f"{name}{i}": np.asarray(a) for name, outs in runs.items() for i, a in enumerate(outs)}
    np.savez(out, devices=jax.local_device_count(), used=nx.config_devices(C), **arrays)
""")


def _run_batch(tmp_path: Path, devices: int, full: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu", "GD_THEORY_CHECKS_JAX_CACHE": "off"}
    flags = [f for f in env.get("XLA_FLAGS", "").split() if "device_count" not in f]
    if devices > 1:
        flags.append(f"--xla_force_host_platform_device_count={devices}")
    env["XLA_FLAGS"] = " ".join(flags)
    out = tmp_path / f"batch{devices}.npz"
    subprocess.run([sys.executable, "-c", BATCH, str(out), "full" if full else "gd"], env=env, check=True,
                   timeout=600)
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def _same_on_one_and_four_devices(tmp_path, full):
    one, four = _run_batch(tmp_path, 1, full), _run_batch(tmp_path, 4, full)
    assert int(one["devices"]) == 1 and int(one["used"]) == 1
    assert int(four["devices"]) == 4 and int(four["used"]) == 4
    keys = sorted(k for k in one if k not in ("devices", "used"))
    assert keys == sorted(k for k in four if k not in ("devices", "used")) and len(keys) == (13 if full else 5)
    for k in keys:
        assert one[k].shape == four[k].shape, k
        assert one[k].shape[0] == 5, k
        np.testing.assert_array_equal(one[k], four[k], err_msg=k)
    # the configurations differ, so a block put back in the wrong place would show
    assert np.unique(one["gd0"][:, 0, 0]).size == 5


def test_configurations_spread_over_four_devices_give_the_one_device_results(tmp_path):
    """GD sweeps (numerics.shallow.spline_distance_runs) on 4 simulated CPU devices, 5 configurations (so one
    block is padded), equal the one-device run bit for bit: each device runs the one-device program on its block
    of configurations.  Two subprocesses, about 10 s of CPU."""
    _same_on_one_and_four_devices(tmp_path, full=False)


@pytest.mark.slow
def test_every_batched_entry_point_is_the_same_on_four_devices(tmp_path):
    """GD, SGD and the trajectories (trajectory_runs) on 4 simulated devices against one, bit for bit (about
    30 s of CPU)."""
    _same_on_one_and_four_devices(tmp_path, full=True)


# --- the environment a run records --------------------------------------------------------------------------------

def test_the_environment_names_the_device_and_float64_without_the_experiments_imported():
    """The parent of worker processes never imports numerics; what it records must still be the truth (float64
    on, as numerics sets it in every process that runs an experiment), and the device's model.  A fresh
    subprocess (about 3 s), so that nothing has imported numerics before."""
    code = ("import json, sys; from theorems import _results; "
            "assert 'numerics' not in sys.modules; print(json.dumps(_results.environment('ci', 0, 0.0, 0.0)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         timeout=300)
    recorded = json.loads(out.stdout)
    assert recorded["float64"] is True
    assert recorded["backend"] == "cpu" and recorded["device_kind"] == "cpu"
    assert recorded["devices"] and all(d.startswith("TFRT_CPU") or "cpu" in d.lower() for d in recorded["devices"])


# --- the xl profile -------------------------------------------------------------------------------------------------

XL_CLAIMS = ("splines.spline_rate", "splines.spline_rate_bound", "splines.polyharmonic_rate")


def test_the_xl_profile_sweeps_widths_to_a_million_planned_as_thorough():
    from theorems._claim import PROFILES
    from theorems.splines import constants

    xl, thorough = PROFILES["xl"], PROFILES["thorough"]
    assert xl.scale == "xl" and xl.claims == XL_CLAIMS
    one, two = constants.WIDTHS["xl"], constants.WIDTHS_2D["xl"]
    # two inputs from 128, where the pre-asymptotic saturation has ended (splines NOTES.md, "Two inputs")
    assert one[0] == 32 and two[0] == 128 and one[-1] == 10**6 and two[-1] == 10**5
    assert two[:len(constants.WIDTHS_2D["thorough"])] == constants.WIDTHS_2D["thorough"]  # thorough's, extended
    for widths in (one, two[1:]):  # half a decade apart, as on thorough
        ratios = np.diff(np.log10(widths))
        assert np.all(ratios > 0.45) and np.all(ratios < 0.55), widths
    # every table keyed by scale has an xl entry (a configuration of scale xl never meets a KeyError)
    tables = [v for v in vars(constants).values() if isinstance(v, dict) and "thorough" in v]
    assert len(tables) >= 12 and all("xl" in t for t in tables)
    assert constants.SEEDS["xl"] >= constants.SEEDS["thorough"]
    assert constants.SEEDS_2D["xl"] >= constants.SEEDS_2D["thorough"]
    assert constants.MAX_STEPS["xl"] >= constants.MAX_STEPS["thorough"]
    # the interval level is Bonferroni over the configurations one search judges, as on thorough
    for claim_id in XL_CLAIMS:
        claim = theorems.get(claim_id)
        assert claim.examples_for(xl) * 4 <= constants.JUDGED_PER_RUN["xl"], claim_id
    assert constants.ci_level("xl") == 1 - (1 - constants.FAMILY_LEVEL) / (
        constants.JUDGED_PER_RUN["xl"] + constants.XL_MIN_IN_SCOPE - 1)
    # one search can judge enough configurations that no second one runs
    assert xl.min_in_scope <= constants.JUDGED_PER_RUN["xl"]


def test_the_xl_sweeps_memory_plan():
    """The initial networks of a batch are the sweep's largest arrays (numerics.shallow.stacked_bytes, checked here
    against what stack_nets builds); at xl a 1-D batch of 4 configurations holds 1.7 GB of them, its replicate
    (twice the seeds) 3.4 GB, a 2-D batch 0.19 GB.  One run's own working set at width 10^6 (M = 5) was measured
    at 0.52 GB (NOTES.md, "The xl profile")."""
    from numerics import shallow as nx
    from theorems.splines import constants

    seeds = np.arange(2 * 3 * 2).reshape(2, 3, 2)
    for d in (1, 2):
        nets = nx.stack_nets(seeds, (8, 20), d, "uniform" if d == 1 else "sphere", 1.0, 2.0)
        built = sum(a.nbytes for net in nets for a in net.values())
        assert built == nx.stacked_bytes(2, 3, (8, 20), d)
    S = constants.SEEDS["xl"]
    one = nx.stacked_bytes(4, S, constants.WIDTHS["xl"], 1)
    assert 1.6e9 < one < 1.8e9
    assert nx.stacked_bytes(4, 2 * S, constants.WIDTHS["xl"], 1) < 3.6e9
    assert nx.stacked_bytes(4, constants.SEEDS_2D["xl"], constants.WIDTHS_2D["xl"], 2) < 0.2e9


def test_the_xl_profile_runs_its_claims_and_refuses_the_others(tmp_path, capsys, monkeypatch):
    import theorems._runner as runner
    from theorems._cli import _parser, main
    from theorems._verify import _resolve_run

    monkeypatch.setattr(runner, "run_claim", lambda *a, **k: pytest.fail("a claim ran"))
    args = _parser().parse_args(["verify", "--profile", "xl", "--out", str(tmp_path / "a")])
    claims, profile, _ = _resolve_run(args)
    assert tuple(c.id for c in claims) == XL_CLAIMS and profile.name == "xl"
    code = main(["verify", "splines.spline_rate", "splines.natural_spline", "--profile", "xl",
                 "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "splines.natural_spline" in err, err
    assert not (tmp_path / "b").exists()


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", ["splines.spline_rate", "splines.polyharmonic_rate"])
def test_the_xl_profile_runs_at_a_small_size(claim_id, monkeypatch):
    """The xl profile end to end with its widths cut to three (its seeds, steps, levels and drawn configurations
    as they are): one example, a minute or two on a small CPU."""
    from theorems._claim import PROFILES
    from theorems._runner import run_claim
    from theorems.splines import constants

    small = (32, 100, 320) if claim_id == "splines.spline_rate" else (32, 100, 316)
    monkeypatch.setitem(constants.WIDTHS if claim_id == "splines.spline_rate" else constants.WIDTHS_2D, "xl", small)
    result = run_claim(theorems.get(claim_id), PROFILES["xl"], seed=0, examples=1)
    assert result["verdict"] in ("holds", "falsified"), result["verdict"]
    judged = [r for r in result["records"] if r["status"] in ("pass", "fail")]
    assert judged
    for r in judged:
        assert r["config"]["scale"] == "xl"
        assert r["series"]["widths"] == list(small)
        assert np.asarray(r["series"]["errors"]).shape == (constants.SEEDS["xl"] if claim_id.endswith("spline_rate")
                                                           else constants.SEEDS_2D["xl"], len(small))


# --- the prepared GPU script ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_gpu_script_runs_its_tiny_selection(tmp_path):
    """reports/gpu/run_gpu.sh with GPU_RUN_TINY=1 (ci sizes, one example per claim, on the CPU): every stage
    completes and writes its results, and the summary names each claim.  Half a minute with a warm compilation
    cache, three minutes cold."""
    env = {**os.environ, "PYTHON": sys.executable, "GPU_RUN_TINY": "1", "GPU_JOBS": "1", "OUT": str(tmp_path),
           "JAX_PLATFORMS": "cpu"}
    out = subprocess.run(["bash", str(ROOT / "reports" / "gpu" / "run_gpu.sh")], env=env, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    for stage in ("thorough", "xl"):
        results = json.loads((tmp_path / stage / "results.json").read_text())
        assert results["environment"]["device_kind"] == "cpu" and results["environment"]["float64"] is True
        assert not (tmp_path / stage / ".partial").exists()
        for claim in results["claims"]:
            assert claim["verdict"] == "holds", claim["id"]
            assert claim["id"] in out.stdout
    assert json.loads((tmp_path / "bench.json").read_text())["benchmarks"]
