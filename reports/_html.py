"""The self-contained ``report.html``: no script, no network; figures and formulas inlined as PNG.

Its first screen is the run's environment, the totals, a line of contents, and the claims grouped by family
(each id a link to its section, each verdict coloured, one number each).  A claim's section gives its
statement, its closed form (typeset once), its figure, the counterexample or worst case with the command that
reproduces it, and one table with a row per configuration, the first rows open and the rest folded.
"""

from __future__ import annotations

import base64
import html
import inspect
from collections.abc import Mapping

from reports import _formula, _summary, _tables, _text

VERDICT_COLOR = {"holds": "#1a7f37", "falsified": "#cf222e", "out_of_scope": "#9a6700", "error": "#8250df"}
OPEN_ROWS = 8  # rows shown before the fold
MAX_ROWS = 60  # rows written at all; results.json holds every one

CSS = """
body{font-family:system-ui,sans-serif;max-width:1140px;margin:1.5em auto;padding:0 1em;color:#1f2328;line-height:1.4}
h1{margin-bottom:.2em}h2{margin:.6em 0 .2em}section h3{margin:.2em 0;font-size:1.3em}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;font-size:12px;margin:.4em 0}td,th{border:1px solid #d0d7de;padding:2px 6px;
vertical-align:top}th{background:#f6f8fa;text-align:left}
td.n{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}td.r{min-width:18em}
tr.role td{background:#fff8c5;font-weight:600}.tw{overflow-x:auto}
.v{color:#fff;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;white-space:nowrap}
.s-fail,.s-error{color:#cf222e;font-weight:600}.s-out_of_scope{color:#6e7781}
.totals{font-size:1.15em;font-weight:600}.env{color:#57606a;font-size:13px}
nav{background:#f6f8fa;padding:.4em .8em;border-radius:6px}
blockquote{border-left:3px solid #d0d7de;margin:.5em 0;padding-left:1em;color:#444}
section{scroll-margin-top:.5em;border-top:1px solid #d0d7de;margin-top:1.6em;padding-top:.6em}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre;margin:.3em 0}
pre.text{white-space:pre}pre.cmd{white-space:pre-wrap;overflow-wrap:anywhere}
.case{margin:.6em 0}.case b{overflow-wrap:anywhere}
details{margin:.3em 0}summary{cursor:pointer;color:#0969da}.up{float:right;font-size:12px;font-weight:400}
h2.family{margin-top:1.5em;border-bottom:2px solid #1f2328}img{max-width:100%}.muted{color:#57606a;font-size:13px}
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _badge(verdict: str) -> str:
    return (f"<span class='v' style='background:{VERDICT_COLOR.get(verdict, '#57606a')}'>"
            f"{_e(_text.VERDICT_WORDS.get(verdict, verdict))}</span>")


def _png(data: bytes, alt: str, cls: str = "") -> str:
    return (f"<img{f' class={cls!r}' if cls else ''} alt='{_e(alt)}' "
            f"src='data:image/png;base64,{base64.b64encode(data).decode()}'>")


def _rows_html(t: _tables.Table, rows) -> str:
    out = []
    for row in rows:
        cells = []
        for i, (cell, numeric) in enumerate(zip(row.cells, t.numeric)):
            cls = "n" if numeric else ("r" if t.header[i] == "reason" else "")
            if t.header[i] == "status":
                cls = f"s-{row.status}"
            cells.append(f"<td{f' class={cls!r}' if cls else ''}>{_e(cell)}</td>")
        out.append(f"<tr{' class=role' if row.role else ''}>" + "".join(cells) + "</tr>")
    return "".join(out)


def table_html(t: _tables.Table) -> str:
    """The table: the first :data:`OPEN_ROWS` rows open, up to :data:`MAX_ROWS` behind a fold, and the cut
    stated when there are more."""
    if not t.rows:
        return ""
    # a long name may break after an underscore, and nowhere else
    head = "<thead><tr>" + "".join(f"<th>{_e(h).replace('_', '_<wbr>')}</th>" for h in t.header) + "</tr></thead>"
    shown = t.rows[:MAX_ROWS]
    parts = []
    fixed = _tables.fixed_text(t)
    if fixed:
        parts.append(f"<p class='muted'>{_e(fixed)}</p>")
    parts.append(f"<div class='tw'><table>{head}<tbody>{_rows_html(t, shown[:OPEN_ROWS])}</tbody></table></div>")
    if len(shown) > OPEN_ROWS:
        rest = shown[OPEN_ROWS:]
        parts.append(f"<details><summary>{_text.plural(len(rest), 'more configuration')}</summary>"
                     f"<div class='tw'><table>{head}<tbody>{_rows_html(t, rest)}</tbody></table></div></details>")
    if t.total > len(shown):
        parts.append(f"<p class='muted'>showing {len(shown)} of {t.total} rows; all in results.json</p>")
    return "".join(parts)


def _summary_html(results: Mapping) -> list[str]:
    claims = results["claims"]
    groups = _summary.by_family(claims)
    nav = " &middot; ".join(f"<a href='#family-{_e(f)}'>{_e(f)}</a> ({len(cs)})" for f, cs in groups.items())
    parts = [f"<p class='totals'>{_e(_summary.totals_text(claims))}</p>",
             f"<nav>Contents: <a href='#summary'>summary</a> &middot; {nav} &middot; "
             "<a href='#reading'>reading this report</a></nav>",
             "<h2 id='summary'>Summary</h2><table><thead><tr><th>claim</th><th>verdict</th>"
             "<th>configurations judged</th><th>worst error / tolerance</th><th>pooled estimate; resolution</th>"
             "</tr></thead><tbody>"]
    for family, cs in groups.items():
        parts.append(f"<tr><th colspan='5'><a href='#family-{_e(family)}'>{_e(family)}</a>: "
                     f"{_e(_summary.totals_text(cs))}</th></tr>")
        for c in cs:
            parts.append(f"<tr><td><a href='#{_e(_summary.anchor(c['id']))}'>{_e(c['id'])}</a></td>"
                         f"<td>{_badge(c['verdict'])}</td><td class='n'>{_e(_summary.judged_text(c))}</td>"
                         f"<td class='n'>{_e(_summary.headline_text(c))}</td>"
                         f"<td class='n'>{_e(_summary.pooled_cell(c))}</td></tr>")
    parts.append("</tbody></table>")
    return parts


def _formula_html(claim: Mapping) -> str:
    cf = claim["closed_form"]
    png = _formula.formula_png(cf["latex"])
    shown = (f"<p>{_png(png, cf.get('text') or cf['latex'])}</p>" if png is not None
             else f"<pre class='text'>{_e(cf['pretty'])}</pre>")
    return (shown + f"<details><summary>LaTeX and SymPy text of the closed form</summary>"
            f"<pre>{_e(cf['latex'])}</pre><pre>{_e(cf.get('text', ''))}</pre></details>")


def _claim_html(c: Mapping, png: bytes, seed) -> list[str]:
    parts = [f"<section id='{_e(_summary.anchor(c['id']))}'><h3>{_e(c['id'])} {_badge(c['verdict'])}"
             "<a class='up' href='#summary'>summary</a></h3>",
             f"<p class='muted'>{_e(_summary.counts_text(c))}</p>",
             f"<blockquote>{_e(c['statement'])}</blockquote>",
             f"<p class='muted'>Source: {_e(c['source'])}</p>",
             _formula_html(c)]
    if c.get("symbols"):
        parts.append("<p class='muted'>Symbols: "
                     + "; ".join(f"<code>{_e(k)}</code> {_e(v)}" for k, v in c["symbols"].items()) + "</p>")
    parts.append(f"<p>{_png(png, 'figure of ' + c['id'])}</p>")
    cases = _summary.cases(c, seed)
    for case in cases:
        parts.append(f"<div class='case'><b>{_e(case.text())}</b><br>Reproduce it:"
                     f"<pre class='cmd'>{_e(case.command)}</pre></div>")
    if not cases:
        parts.append(f"<p><b>{_e(_summary.no_case_text(c))}</b></p>")
    pooled = _summary.pooled_text(c)
    if pooled:
        parts.append("<div class='pooled'>" + "".join(f"<p>{_e(line)}</p>" for line in pooled) + "</div>")
    parts.append(table_html(_tables.table(c)))
    reason = "".join(f"<p>{_e(p)}</p>" for p in _text.paragraphs(inspect.cleandoc(c["agreement"]["reason"])))
    parts.append(f"<details><summary>Agreement: {_e(c['agreement']['metric'])}; why this tolerance</summary>"
                 f"{reason}</details></section>")
    return parts


READING = """<section id='reading'><h2>Reading this report</h2>
<p>Each claim's figure is drawn from the configurations in its table. On the right of most figures is what decides
the verdict: error over tolerance for each configuration (below the dashed line agrees), against the
configuration key that matters for the claim; for a one-sided bound, each fitted interval against the bound. A
star marks the shrunk counterexample of a falsified claim, which also heads its table.</p>
<p>The command under a counterexample or worst case measures that configuration again with the run's seed
(a configuration's random draws are a function of the seed and the configuration) and prints the same error and
tolerance. Every configuration of the run, with its full measurements, is in <code>results.json</code>.</p>
</section>"""


def html_report(results: Mapping, png_bytes: Mapping[str, bytes]) -> str:
    env = results["environment"]
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>Theorem against experiment</title><style>{CSS}</style></head><body>",
             "<h1>Theorem against experiment</h1>",
             f"<p class='env'>{_e(_summary.environment_text(env))}</p>"]
    parts += _summary_html(results)
    for family, cs in _summary.by_family(results["claims"]).items():
        parts.append(f"<h2 id='family-{_e(family)}' class='family'>{_e(family)}</h2>")
        for c in cs:
            parts += _claim_html(c, png_bytes[c["id"]], env.get("seed"))
    parts += [READING, "</body></html>"]
    return "\n".join(parts)
