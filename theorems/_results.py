"""The ``results.json`` file: its schema, its atomic writing, and comparison of two runs."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from reports._files import write_atomic

SCHEMA_VERSION = 1
REQUIRED_CLAIM_KEYS = ("id", "family", "statement", "source", "verdict", "examples", "worst", "fitted", "records")


class ResultsFileError(ValueError):
    """A results or baseline file that cannot be read as this schema."""


VERSIONED = ("jax", "jaxlib", "numpy", "scipy", "sympy", "hypothesis")
"""The packages whose versions ``results.json`` records (and a resumed run must share)."""


def versions() -> dict[str, str | None]:
    """Python's version and those of :data:`VERSIONED`, read from the installed metadata (nothing imported)."""
    import importlib.metadata as md

    def version(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    return {"python": platform.python_version(), **{pkg: version(pkg) for pkg in VERSIONED}}


def git_commit() -> str | None:
    """The git commit of the checkout run from, else of this source's checkout; ``None`` outside git."""
    for where in (Path.cwd(), Path(__file__).resolve().parent):
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=where,
                                    timeout=10).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            commit = None
        if commit:
            return commit
    return None


def environment(profile: str, seed: int, started: float, wall: float) -> dict[str, Any]:
    """The run's environment.  ``float64`` is read after importing :mod:`numerics`, which turns it on for every
    experiment: with worker processes (``--jobs``) this process may never have imported it.  ``device_kind`` is
    the accelerator's model as JAX names it (``cpu`` on the CPU backend, e.g. ``NVIDIA H200`` on a GPU);
    ``training_kernel`` says whether full-batch training ran the compiled kernel (``numerics._native.status``)."""
    import jax

    import numerics  # noqa: F401  (float64 on, as in every process that runs an experiment)
    from numerics import _native

    devices = jax.devices()
    return {
        **versions(),
        "backend": jax.default_backend(),
        "devices": [str(d) for d in devices],
        "device_kind": devices[0].device_kind,
        "float64": bool(jax.config.read("jax_enable_x64")),
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "training_kernel": _native.status(),
        "git_commit": git_commit(),
        "profile": profile,
        "seed": seed,
        "started": _dt.datetime.fromtimestamp(started, _dt.timezone.utc).isoformat(timespec="seconds"),
        "wall_s": round(wall, 3),
    }


def without_timings(results: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``results`` without what differs between two runs of the same claims with the same seed: the
    environment (start time, wall time, machine) and each claim's ``wall_s`` and ``compile_s``."""
    out = json.loads(json.dumps(results))
    out.pop("environment", None)
    for claim in out["claims"]:
        claim.pop("wall_s", None)
        claim.pop("compile_s", None)
    return out


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON to ``path`` so that the file is either the old one or complete."""
    write_atomic(path, (json.dumps(obj, indent=1, allow_nan=False) + "\n").encode())


def _read_text(path: Path) -> str:
    """The UTF-8 text of ``path``, or :class:`ResultsFileError` saying why it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ResultsFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ResultsFileError(f"{path} is not a text file (not UTF-8)") from None


def load(path: Path, *, for_report: bool = False) -> dict[str, Any]:
    """Read and validate a results file; raise :class:`ResultsFileError` with the reason.

    Every results file must hold what comparing and recording verdicts read (:data:`READ`); with
    ``for_report``, also everything the report is drawn from (:data:`RENDERED`), so that a file lacking a part
    of it is refused before a single figure is written."""
    data = _parse_results(_read_text(path), Path(path))
    if for_report:
        _check_structure(data, RENDERED, Path(path))
    return data


def _parse_results(text: str, path: Path) -> dict[str, Any]:
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
            raise ResultsFileError(f"{path}: claims[{i}] lacks {', '.join(map(repr, missing))}")
    _check_structure(data, READ, path)
    return data


# --- the structure a reader needs ----------------------------------------------------------------------------
# A spec is a type (or a tuple of types) the value must have, a dict of specs for an object's keys (a key
# written "name?" may be absent), or one of the wrappers below.

class _Each:
    """A list (``container=list``) or an object (``container=dict``) each of whose values matches ``spec``."""

    def __init__(self, container: type, spec):
        self.container, self.spec = container, spec


class _Either:
    """``None``, or a value matching ``spec``."""

    def __init__(self, spec):
        self.spec = spec


_NUMBER = (int, float)
_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", dict: "an object", list: "a list",
               bool: "true or false"}

READ = {"claims": _Each(list, {"id": str, "verdict": str})}
"""What comparing runs and recording a baseline read: each claim's id and verdict."""

RENDERED = {
    "environment": {"profile?": _Either(str), "seed?": object, "started?": _Either(str), "wall_s?": _Either(_NUMBER),
                    "backend?": _Either(str), "float64?": object, "jax?": object},
    "claims": _Each(list, {
        "id": str, "verdict": str, "statement": str, "source": str, "wall_s": _NUMBER,
        "closed_form": {"pretty": str, "latex": str},
        "agreement": {"metric": str, "reason": str},
        "examples": {k: int for k in ("pass", "fail", "out_of_scope", "error", "hypothesis_examples",
                                      "shrink_steps")},
        "symbols?": _Either(_Each(dict, str)),
        "worst?": _Either({"config": object}),
        "error?": _Either(str),
        "fitted?": _Either(_Each(dict, _Each(list, {"config": dict}))),
        "records?": _Either(_Each(list, {"config": dict, "status": str, "reason?": str})),
        "pooled?": _Either({"k": int, "level": _NUMBER, "deviation": _NUMBER, "se": _NUMBER, "tau2": _NUMBER,
                            "i2": _NUMBER, "q": _NUMBER, "falsified": bool, "sides": str, "resolution": object}),
        "shifted?": _Either({"unit": str, "k": int, "below": _Either(_NUMBER), "above": _Either(_NUMBER)}),
    }),
}
"""What ``reports.render`` reads from a results dict (``reports/_render.py``; the figures themselves are drawn
inside a guard, so a record they cannot draw costs a figure, not the report)."""


def _problem(value, spec, where: str) -> str | None:
    """Why ``value`` does not match ``spec`` (``where`` names it), or ``None``."""
    if isinstance(spec, _Either):
        return None if value is None else _problem(value, spec.spec, where)
    if isinstance(spec, _Each):
        if not isinstance(value, spec.container):
            return f"{where} must be {_TYPE_NAMES[spec.container]}"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            problem = _problem(v, spec.spec, f"{where}.{k}" if isinstance(value, dict) else f"{where}[{k}]")
            if problem:
                return problem
        return None
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"{where} must be an object"
        for name, sub in spec.items():
            optional = name.endswith("?")
            name = name.rstrip("?")
            inner = f"{where}.{name}" if where else name
            if name not in value:
                if optional:
                    continue
                return f"{where or 'the file'} lacks {name!r}"
            problem = _problem(value[name], sub, inner)
            if problem:
                return problem
        return None
    if spec is object:
        return None
    types = spec if isinstance(spec, tuple) else (spec,)
    if isinstance(value, bool) and bool not in types or not isinstance(value, types):
        return f"{where} must be {_TYPE_NAMES[types[-1]]}, got {json.dumps(value)[:40]}"
    return None


def _check_structure(data: dict[str, Any], spec, path: Path) -> None:
    problem = _problem(data, spec, "")
    if problem:
        raise ResultsFileError(f"{path}: {problem}")


BASELINE_HEADER = """\
# Expected verdicts: what `nox -s verify` and `python -m theorems compare` hold a run against.
# One claim a line: its id, its expected verdict, and after ' -- ' the reason for any verdict but holds.
# A claim expected to hold that does not is a regression; every other change is reported, not failed.
# Re-record with `nox -s baseline` (a ci-profile run, seed 0) and review the diff line by line.
"""
VERDICT_NAMES = ("holds", "falsified", "out_of_scope", "error")


def read_baseline(path: Path) -> dict[str, Any]:
    """Read expected verdicts from a baseline text file, or from a ``results.json`` (its verdicts).

    Returns ``{"source": ..., "profile": ..., "seed": ..., "commit": ..., "expected": {id: verdict},
    "reasons": {id: reason}}``; raises :class:`ResultsFileError` on anything malformed."""
    path = Path(path)
    text = _read_text(path)
    if text.lstrip()[:1] in ("{", "["):
        data = _parse_results(text, path)
        env = data.get("environment") or {}
        return {"source": "results", "profile": env.get("profile"), "seed": env.get("seed"),
                "commit": env.get("git_commit"), "expected": {c["id"]: c["verdict"] for c in data["claims"]},
                "reasons": {}, "results": data}
    meta: dict[str, Any] = {"source": "baseline", "profile": None, "seed": None, "commit": None}
    expected: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped[1:].partition(":")
            if sep and key.strip() in ("profile", "seed", "commit"):
                value = value.strip()
                meta[key.strip()] = int(value) if key.strip() == "seed" and value.isdigit() else value
            continue
        entry, _, reason = stripped.partition(" -- ")
        fields = entry.split()
        if len(fields) != 2:
            raise ResultsFileError(f"{path}:{number}: expected 'CLAIM_ID VERDICT [-- reason]', got {line!r}")
        claim_id, verdict = fields
        if verdict not in VERDICT_NAMES:
            raise ResultsFileError(f"{path}:{number}: unknown verdict {verdict!r} (one of {', '.join(VERDICT_NAMES)})")
        if claim_id in expected:
            raise ResultsFileError(f"{path}:{number}: {claim_id} appears twice")
        if verdict != "holds" and not reason.strip():
            raise ResultsFileError(f"{path}:{number}: {claim_id} is expected {verdict}: give the reason after ' -- '")
        expected[claim_id] = verdict
        if reason.strip():
            reasons[claim_id] = reason.strip()
    if not expected:
        raise ResultsFileError(f"{path}: no claim lines")
    return {**meta, "expected": expected, "reasons": reasons}


def baseline_text(results: dict[str, Any], reasons: dict[str, str] | None = None) -> str:
    """The baseline file recording the verdicts of ``results``; a verdict other than holds keeps its reason from
    ``reasons`` (the previous baseline) when there is one, and otherwise says what the run found, to review."""
    reasons = reasons or {}
    env = results.get("environment") or {}
    lines = [BASELINE_HEADER.rstrip("\n"),
             f"# profile: {env.get('profile')}", f"# seed: {env.get('seed')}", f"# commit: {env.get('git_commit')}"]
    width = max(len(c["id"]) for c in results["claims"])
    for c in results["claims"]:
        line = f"{c['id']:<{width}}  {c['verdict']}"
        if c["verdict"] != "holds":
            reason = reasons.get(c["id"])
            if not reason:
                w = c.get("worst") or {}
                reason = ("REVIEW: " + (c.get("error") or f"counterexample {json.dumps(w.get('config'))}, error "
                                        f"{w.get('error')} against tolerance {w.get('tolerance')}"))
            line += f" -- {' '.join(reason.split())}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either the old one or complete."""
    write_atomic(path, text.encode())


def compare(baseline: dict[str, Any], results: dict[str, Any], *, only_run: bool = False) -> tuple[list[str], bool]:
    """What changed in verdicts between the expected ones (``read_baseline``'s ``expected``, or a results dict)
    and a run.

    A regression is a claim expected to hold that does not hold in the results (or is missing from them, unless
    ``only_run``, which compares only the claims the results contain).  Returns the lines to print and whether
    any change is a regression.
    """
    base = baseline["expected"] if "expected" in baseline else {c["id"]: c["verdict"] for c in baseline["claims"]}
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


def numeric_differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """For information: per claim present in both runs, the counts and the worst error/tolerance that moved."""

    def ratio(c):
        w = c.get("worst") or {}
        err, tol = w.get("error"), w.get("tolerance")
        if not isinstance(err, (int, float)) or not isinstance(tol, (int, float)) or tol <= 0:
            return None
        return err / tol

    old = {c["id"]: c for c in before["claims"]}
    lines = []
    for c in after["claims"]:
        b = old.get(c["id"])
        if b is None:
            continue
        keys = ("pass", "fail", "out_of_scope", "error")
        counts_b = tuple(b["examples"].get(k) for k in keys)
        counts_a = tuple(c["examples"].get(k) for k in keys)
        rb, ra = ratio(b), ratio(c)
        moved = []
        if counts_b != counts_a:
            moved.append(f"pass/fail/out of scope/error {'/'.join(map(str, counts_b))} -> {'/'.join(map(str, counts_a))}")
        if (rb is None) != (ra is None) or (rb is not None and abs(ra - rb) > 1e-9 * max(abs(rb), 1e-300)):
            fmt = lambda r: "-" if r is None else f"{r:.6g}"  # noqa: E731
            moved.append(f"worst error/tolerance {fmt(rb)} -> {fmt(ra)}")
        if moved:
            lines.append(f"  {c['id']}: " + "; ".join(moved))
    return lines
