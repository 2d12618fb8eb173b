"""An unfinished run: the claims a ``verify`` run has finished, kept until the run completes.

A run keeps each claim's result record in ``OUT/.partial/`` as soon as the claim finishes (one file per claim,
written atomically, by whichever process ran the claim), beside ``run.json``, which says what the run is: its
profile, seed, examples, selection, the git commit of the code and the versions of the libraries that compute
the numbers.  ``results.json`` is written only when every claim has finished, and the folder is then removed;
``report`` and ``compare`` read ``results.json`` alone, so they never see a partial run.

An interrupted run leaves the folder; ``verify --resume`` reads it, refuses a run that differs in any of the
recorded respects (the kept results would then not be those of the run asked for), and runs only the claims
missing.  Claims are independent given the seed (``theorems._parallel``), so the completed ``results.json``
equals that of an uninterrupted run, timings aside.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from theorems._results import REQUIRED_CLAIM_KEYS, ResultsFileError, git_commit, versions, write_json_atomic

FOLDER = ".partial"
STATE = "run.json"
STATE_VERSION = 1


def folder(out: Path) -> Path:
    return Path(out) / FOLDER


def identity(profile: str, seed: int, examples: int | None, claim_ids: Sequence[str]) -> dict[str, Any]:
    """What a run's results depend on: the state a resumed run must share."""
    return {"profile": profile, "seed": seed, "examples": examples, "claims": list(claim_ids),
            "commit": git_commit(), "versions": versions()}


def start(out: Path, ident: Mapping[str, Any], started: float) -> bool:
    """Begin a run's partial state in ``out``, discarding an older one; whether there was one."""
    where = folder(out)
    existed = where.exists()
    if existed:
        shutil.rmtree(where)
    where.mkdir(parents=True)
    write_json_atomic(where / STATE, {"state_version": STATE_VERSION, **ident, "started": started,
                                      "elapsed_s": 0.0})
    return existed


def read(out: Path) -> dict[str, Any]:
    """The recorded state of the unfinished run in ``out``; :class:`ResultsFileError` when there is none."""
    path = folder(out) / STATE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsFileError(f"--resume: no unfinished run in {out} (no {path})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFileError(f"--resume: cannot read {path}: {exc}") from None
    wanted = {"state_version": int, "profile": str, "seed": int, "claims": list, "started": (int, float),
              "elapsed_s": (int, float)}
    if not isinstance(state, dict) or any(not isinstance(state.get(k), t) for k, t in wanted.items()) \
            or state["state_version"] != STATE_VERSION:
        raise ResultsFileError(f"--resume: {path} is not the state of a run of this suite")
    return state


def mismatch(recorded: Mapping[str, Any], wanted: Mapping[str, Any]) -> str | None:
    """How the run ``wanted`` differs from the one ``recorded`` (the first difference), or ``None``."""
    for key, what in (("profile", "profile"), ("seed", "seed"), ("examples", "--examples"),
                      ("claims", "selection"), ("commit", "commit of the code")):
        if recorded.get(key) != wanted[key]:
            def show(v):
                if isinstance(v, list):
                    return " ".join(v)
                return ("the profile's" if key == "examples" else "unknown") if v is None else str(v)
            return f"the {what} is {show(wanted[key])}, the unfinished run's is {show(recorded.get(key))}"
    ours, theirs = wanted["versions"], recorded.get("versions") or {}
    for pkg in ours:
        if ours[pkg] != theirs.get(pkg):
            return f"{pkg} is {ours[pkg]} here, the unfinished run used {theirs.get(pkg)}"
    return None


def _claim_file(where: Path, claim_id: str) -> Path:
    return where / (claim_id.replace("/", "_") + ".json")


def keep(where: Path, result: Mapping[str, Any]) -> None:
    """Keep one finished claim's result record (atomically: a file is complete or absent)."""
    write_json_atomic(_claim_file(where, result["id"]), result)


def kept(out: Path, claim_ids: Iterable[str]) -> dict[str, dict]:
    """The kept result records of ``claim_ids``; an unreadable one counts as not kept (it is run again)."""
    where = folder(out)
    found = {}
    for claim_id in claim_ids:
        try:
            result = json.loads(_claim_file(where, claim_id).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(result, dict) and result.get("id") == claim_id and all(k in result for k in
                                                                              REQUIRED_CLAIM_KEYS):
            found[claim_id] = result
    return found


def add_elapsed(out: Path, seconds: float) -> None:
    """Add the wall time of an interrupted part to the recorded state (the run's ``wall_s`` sums the parts)."""
    path = folder(out) / STATE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        state["elapsed_s"] = float(state.get("elapsed_s") or 0.0) + seconds
        write_json_atomic(path, state)
    except (OSError, ValueError, AttributeError):
        pass  # the timing is for information; the kept results are what matter


def finish(out: Path) -> None:
    """The run is complete (``results.json`` written): remove its partial state."""
    shutil.rmtree(folder(out), ignore_errors=True)
