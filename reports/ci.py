"""Outputs a CI system reads: JUnit XML (one test case per claim) and a markdown summary for a job page.

A claim's test case fails when its verdict is not the expected one (the baseline's, ``reports/baseline.txt``; a
claim the baseline does not name is expected to hold): a documented finding such as a claim expected to be
falsified passes, with its counterexample and the command that reproduces it in the case's output.  A claim whose
experiment raised is a JUnit error.  ``python -m theorems verify --junit FILE --summary FILE`` writes both; on
GitHub Actions ``--summary "$GITHUB_STEP_SUMMARY"`` puts the summary on the job's page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from reports import _summary, _text
from reports._files import write_atomic
from reports._markdown import summary_md

SUITE = "gd-theory-checks"


def _expected(claim: Mapping, expected: Mapping[str, str] | None) -> str:
    return (expected or {}).get(claim["id"], "holds")


def _details(claim: Mapping, seed, expected: str, reason: str | None) -> str:
    lines = [f"verdict: {claim['verdict']} (expected: {expected}{'; ' + reason if reason else ''})",
             _summary.counts_text(claim)]
    cases = _summary.cases(claim, seed)
    for case in cases:
        lines += [case.text(), "reproduce: " + case.command]
    if not cases:
        lines.append(_summary.no_case_text(claim))
    lines += _summary.pooled_text(claim)
    return "\n".join(lines)


def junit_xml(results: Mapping, expected: Mapping[str, str] | None = None,
              reasons: Mapping[str, str] | None = None) -> str:
    """JUnit XML for ``results``: a test suite per family, a test case per claim."""
    env = results.get("environment") or {}
    seed = env.get("seed")
    reasons = reasons or {}
    root = ET.Element("testsuites", name=SUITE)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for family, claims in _summary.by_family(results["claims"]).items():
        suite = ET.SubElement(root, "testsuite", name=family, timestamp=str(env.get("started", "")))
        props = ET.SubElement(suite, "properties")
        for key in ("profile", "seed", "git_commit", "jax", "backend"):
            ET.SubElement(props, "property", name=key, value=str(env.get(key)))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        wall = 0.0
        for c in claims:
            want = _expected(c, expected)
            case = ET.SubElement(suite, "testcase", classname=family, name=c["id"],
                                 time=f"{float(c.get('wall_s') or 0.0):.3f}")
            details = _details(c, seed, want, reasons.get(c["id"]))
            counts["tests"] += 1
            wall += float(c.get("wall_s") or 0.0)
            if c["verdict"] == "error" and want != "error":
                counts["errors"] += 1
                err = ET.SubElement(case, "error", type="experiment raised",
                                    message=f"{c['id']}: {(c.get('error') or 'the experiment raised')[:300]}")
                err.text = details
            elif c["verdict"] != want:
                counts["failures"] += 1
                fail = ET.SubElement(case, "failure", type="unexpected verdict",
                                     message=f"{c['id']}: expected {want}, got {c['verdict']}")
                fail.text = details
            ET.SubElement(case, "system-out").text = details
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
        suite.set("time", f"{wall:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{float(env.get('wall_s') or 0.0):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def markdown_summary(results: Mapping, expected: Mapping[str, str] | None = None,
                     reasons: Mapping[str, str] | None = None) -> str:
    """A short markdown page: totals, unexpected verdicts, the claims by family, and each counterexample with the
    command that reproduces it."""
    env = results.get("environment") or {}
    claims = results["claims"]
    reasons = reasons or {}
    unexpected = [c for c in claims if c["verdict"] != _expected(c, expected)]
    out = ["## Theorem against experiment", "", _summary.environment_text(env), ""]
    if unexpected:
        out += [f"**{_text.plural(len(unexpected), 'unexpected verdict')}:**", ""]
        out += [f"- `{c['id']}`: expected {_expected(c, expected)}, got **{c['verdict']}**" for c in unexpected]
    else:
        out.append("Every verdict is the expected one" + (" (against the baseline)." if expected else "."))
    out += [""] + summary_md(results, links=False)
    shown = [c for c in claims if c["verdict"] != "holds" or c in unexpected]
    for c in shown:
        out += ["", f"### `{c['id']}`: {_text.VERDICT_WORDS.get(c['verdict'], c['verdict'])}"]
        if reasons.get(c["id"]):
            out += ["", f"Expected {_expected(c, expected)}: {reasons[c['id']]}"]
        cases = _summary.cases(c, env.get("seed"))
        for case in cases:
            out += ["", case.text(), "", "```sh", case.command, "```"]
        if not cases:
            out += ["", _summary.no_case_text(c)]
        for line in _summary.pooled_text(c):
            out += ["", line]
    return "\n".join(out) + "\n"


def write(results: Mapping, *, junit: Path | None = None, summary: Path | None = None,
          expected: Mapping[str, str] | None = None, reasons: Mapping[str, str] | None = None) -> None:
    """Write the JUnit XML to ``junit`` and the markdown summary to ``summary`` (each where given, atomically)."""
    if junit is not None:
        write_atomic(junit, junit_xml(results, expected, reasons).encode())
    if summary is not None:
        write_atomic(summary, markdown_summary(results, expected, reasons).encode())
