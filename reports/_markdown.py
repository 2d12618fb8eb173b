"""``report.md``: the same report as the HTML in GitHub-flavoured markdown, figures linked from ``plots/``."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from reports import _summary, _tables, _text

MD_ROWS = 15


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def md_anchor(claim_id: str) -> str:
    """GitHub's anchor of the heading ``## claim_id`` (punctuation other than - and _ dropped)."""
    return "".join(ch for ch in claim_id.lower() if ch.isalnum() or ch in "-_")


def summary_md(results: Mapping, *, links: bool = True) -> list[str]:
    """The totals and the claims grouped by family, as markdown lines."""
    claims = results["claims"]
    out = [f"**{_summary.totals_text(claims)}**", "",
           "| claim | verdict | configurations judged | worst error / tolerance | pooled estimate; resolution |",
           "|---|---|--:|--:|--:|"]
    for family, cs in _summary.by_family(claims).items():
        out.append(f"| **{family}**: {_summary.totals_text(cs)} | | | | |")
        for c in cs:
            name = f"[{c['id']}](#{md_anchor(c['id'])})" if links else f"`{c['id']}`"
            verdict = _text.VERDICT_WORDS.get(c["verdict"], c["verdict"])
            verdict = verdict if c["verdict"] == "holds" else f"**{verdict.upper()}**"
            out.append(f"| {name} | {verdict} | {_summary.judged_text(c)} | {_summary.headline_text(c)} | "
                       f"{_cell(_summary.pooled_cell(c))} |")
    return out


def table_md(t: _tables.Table, rows: int = MD_ROWS) -> list[str]:
    if not t.rows:
        return []
    out = []
    fixed = _tables.fixed_text(t)
    if fixed:
        out += [fixed, ""]
    header = [h or "row" for h in t.header]
    out += ["| " + " | ".join(header) + " |",
            "|" + "".join("--:|" if n else "---|" for n in t.numeric)]
    out += ["| " + " | ".join(_cell(c) for c in row.cells) + " |" for row in t.rows[:rows]]
    if t.total > rows:
        out += ["", f"(showing {rows} of {t.total} rows; all in results.json)"]
    return out


def markdown_report(results: Mapping, pngs: Mapping[str, str]) -> str:
    env = results["environment"]
    out = ["# Theorem against experiment", "", _summary.environment_text(env), ""]
    out += summary_md(results)
    for family, cs in _summary.by_family(results["claims"]).items():
        out += ["", f"# {family}"]
        for c in cs:
            verdict = _text.VERDICT_WORDS.get(c["verdict"], c["verdict"])
            out += ["", f"## {c['id']}", "", f"**Verdict: {verdict}.** {_summary.counts_text(c)}", "",
                    f"> {c['statement']}", "", f"Source: {c['source']}", "",
                    "```math", c["closed_form"]["latex"], "```", ""]
            if c.get("symbols"):
                out += ["Symbols: " + "; ".join(f"`{k}` {v}" for k, v in c["symbols"].items()), ""]
            out += [f"![{c['id']}](plots/{pngs[c['id']]})", ""]
            cases = _summary.cases(c, env.get("seed"))
            for case in cases:
                out += [f"**{case.text()}**", "", "```sh", case.command, "```", ""]
            if not cases:
                out += [f"**{_summary.no_case_text(c)}**", ""]
            for line in _summary.pooled_text(c):
                out += [line, ""]
            out += table_md(_tables.table(c))
            reason = " ".join(_text.paragraphs(inspect.cleandoc(c["agreement"]["reason"])))
            out += ["", f"Agreement: {c['agreement']['metric']}. Tolerance: {reason}"]
    return "\n".join(out) + "\n"
