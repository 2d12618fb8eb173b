"""The ``results.json`` file: its schema, its atomic writing, and comparison of two runs."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
REQUIRED_CLAIM_KEYS = ("id", "family", "statement", "source", "verdict", "examples", "worst", "fitted", "records")


class ResultsFileError(ValueError):
    """A results or baseline file that cannot be read as this schema."""


def environment(profile: str, seed: int, started: float, wall: float) -> dict[str, Any]:
    import importlib.metadata as md

    import jax

    def version(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    commit = None
    for where in (Path.cwd(), Path(__file__).resolve().parent):  # the checkout run from, else the source's
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=where,
                                    timeout=10).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            commit = None
        if commit:
            break
    return {
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("jax", "jaxlib", "numpy", "scipy", "sympy", "hypothesis")},
        "backend": jax.default_backend(),
        "devices": [str(d) for d in jax.devices()],
        "float64": bool(jax.config.read("jax_enable_x64")),
        "git_commit": commit,
        "profile": profile,
        "seed": seed,
        "started": _dt.datetime.fromtimestamp(started, _dt.timezone.utc).isoformat(timespec="seconds"),
        "wall_s": round(wall, 3),
    }


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON to ``path`` so that the file is either the old one or complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w") as fh:
            json.dump(obj, fh, indent=1, allow_nan=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def load(path: Path) -> dict[str, Any]:
    """Read and validate a results file; raise :class:`ResultsFileError` with the reason."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ResultsFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ResultsFileError(f"{path}: expected a JSON object at the top level")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ResultsFileError(f"{path}: schema_version is {version!r}, this suite reads {SCHEMA_VERSION}")
    claims = data.get("claims")
    if not isinstance(claims, list):
        raise ResultsFileError(f"{path}: 'claims' must be a list")
    for i, c in enumerate(claims):
        if not isinstance(c, dict):
            raise ResultsFileError(f"{path}: claims[{i}] is not an object")
        missing = [k for k in REQUIRED_CLAIM_KEYS if k not in c]
        if missing:
            raise ResultsFileError(f"{path}: claims[{i}] lacks {', '.join(missing)}")
    return data


def compare(baseline: dict[str, Any], results: dict[str, Any], *, only_run: bool = False) -> tuple[list[str], bool]:
    """What changed between two runs.

    A regression is a claim that holds in the baseline and does not hold in the
    results (or is missing from them, unless ``only_run``, which compares only
    the claims the results contain).  Returns the lines to print and whether any
    change is a regression.
    """
    base = {c["id"]: c["verdict"] for c in baseline["claims"]}
    new = {c["id"]: c["verdict"] for c in results["claims"]}
    lines: list[str] = []
    regressed = False
    for cid in sorted(set(base) | set(new)):
        b, n = base.get(cid), new.get(cid)
        if n is None:
            if only_run:
                continue
            reg = b == "holds"
            lines.append(f"{'REGRESSION' if reg else 'missing':10s} {cid}: {b} in the baseline, not run")
        elif b is None:
            lines.append(f"{'new':10s} {cid}: {n}")
            continue
        elif b == n:
            continue
        else:
            reg = b == "holds"
            lines.append(f"{'REGRESSION' if reg else 'changed':10s} {cid}: {b} -> {n}")
        regressed = regressed or reg
    if not lines:
        lines.append(f"no change in verdicts ({len(new)} claims compared)")
    return lines, regressed
