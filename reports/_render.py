"""Write ``report.md``, a self-contained ``report.html`` and one PNG per claim from a results dict."""

from __future__ import annotations

import base64
import html
import inspect
import io
import json
from collections.abc import Mapping
from pathlib import Path

from reports._figures import figure_for
from reports._files import write_atomic

MAX_ROWS = 30
VERDICT_COLOR = {"holds": "#1a7f37", "falsified": "#cf222e", "out_of_scope": "#9a6700", "error": "#8250df"}


def figure_png(claim: Mapping) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reports import plots

    fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(11.0, 4.2), dpi=100,
                                     gridspec_kw={"width_ratios": [3, 2]})
    for axis, draw in ((ax, figure_for(claim["id"])), (ax_err, plots.error_vs_tolerance)):
        try:
            draw(claim["records"], axis)
        except Exception as exc:  # a broken figure must not lose the report
            axis.clear()
            axis.text(0.5, 0.5, f"figure failed:\n{type(exc).__name__}: {exc}", ha="center", va="center",
                      wrap=True, fontsize=8, transform=axis.transAxes)
            axis.set_axis_off()
    fig.suptitle(f"{claim['id']}: {claim['verdict']}", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def formula_png(latex: str) -> bytes | None:
    """The closed form typeset by Matplotlib's mathtext, or None where mathtext cannot parse it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(0.01, 0.01))
    fig.text(0, 0, "$" + latex.replace(r"\limits", "").replace(r"\displaystyle", "") + "$", fontsize=15)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.08, dpi=110)
    except Exception:
        return None
    finally:
        plt.close(fig)
    return buf.getvalue()


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.4g}"
    if isinstance(x, list):
        return f"[{len(x)} values]" if len(x) > 4 else "[" + ", ".join(_fmt(v) for v in x) + "]"
    return str(x)


def _config_columns(records) -> list[str]:
    cols: list[str] = []
    for r in records:
        for k in r["config"]:
            if k not in cols:
                cols.append(k)
    return cols


def _table_rows(claim: Mapping) -> tuple[list[str], list[list[str]]]:
    records = claim["records"]
    cols = _config_columns(records)
    header = cols + ["status", "error", "tolerance", "reason"]
    shown = sorted(records, key=lambda r: (r["status"] == "pass", r["status"] == "out_of_scope"))[:MAX_ROWS]
    rows = [[_fmt(r["config"].get(c, "")) for c in cols]
            + [r["status"], _fmt(r.get("error")), _fmt(r.get("tolerance")), r.get("reason", "")[:120]]
            for r in shown]
    return header, rows


def _counts(claim) -> str:
    ex = claim["examples"]
    return (f"{ex['pass']} agree, {ex['fail']} disagree, {ex['out_of_scope']} out of scope, {ex['error']} errors "
            f"over {ex['hypothesis_examples']} Hypothesis examples ({ex['shrink_steps']} shrink steps); "
            f"{claim['wall_s']:.1f}s")


def _worst_text(claim) -> str:
    w = claim.get("worst")
    if not w:
        return claim.get("error") or "no configuration was judged"
    label = "smallest counterexample" if claim["verdict"] in ("falsified", "error") else "worst agreement"
    text = f"{label}: {json.dumps(w['config'])}; error {_fmt(w.get('error'))} against tolerance {_fmt(w.get('tolerance'))}"
    if w.get("reason"):
        text += f"; {w['reason']}"
    return text


def _fitted_rows(claim) -> list[list[str]]:
    rows = []
    for name, entries in (claim.get("fitted") or {}).items():
        for e in entries[:MAX_ROWS]:
            interval = e.get("interval")
            rows.append([name, _fmt(e.get("value")), _fmt(interval) if interval is not None else "-",
                         ", ".join(f"{k}={_fmt(v)}" for k, v in e["config"].items() if not isinstance(v, list))])
    return rows


def _markdown(results, pngs) -> str:
    env = results["environment"]
    out = ["# Theorem against experiment", "",
           f"Profile `{env['profile']}`, seed {env['seed']}, commit `{env.get('git_commit')}`, "
           f"{env['started']}, {env['wall_s']:.0f}s; JAX {env['jax']} on {env['backend']}, "
           f"float64 {'on' if env['float64'] else 'OFF'}.", "",
           "| claim | verdict | in scope | worst error / tolerance |", "|---|---|---|---|"]
    for c in results["claims"]:
        ex, w = c["examples"], c.get("worst") or {}
        ratio = (f"{_fmt(w.get('error'))} / {_fmt(w.get('tolerance'))}" if w else "-")
        out.append(f"| [{c['id']}](#{c['id'].replace('.', '')}) | **{c['verdict']}** | {ex['pass'] + ex['fail']} | {ratio} |")
    for c in results["claims"]:
        out += ["", f"## {c['id']}", "", f"**Verdict: {c['verdict']}.** {_counts(c)}", "",
                f"> {c['statement']}", "", f"Source: {c['source']}", "",
                "Closed form:", "", "```", c["closed_form"]["pretty"], "```", "",
                f"LaTeX: `{c['closed_form']['latex']}`", ""]
        if c.get("symbols"):
            out.append("Symbols: " + "; ".join(f"`{k}` {v}" for k, v in c["symbols"].items()))
            out.append("")
        out += [f"Agreement: {c['agreement']['metric']}. Tolerance: {inspect.cleandoc(c['agreement']['reason'])}",
                "", _worst_text(c), ""]
        fitted = _fitted_rows(c)
        if fitted:
            out += ["| fitted | value | interval | configuration |", "|---|---|---|---|"]
            out += ["| " + " | ".join(r) + " |" for r in fitted]
            out.append("")
        header, rows = _table_rows(c)
        if rows:
            out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
            if len(c["records"]) > MAX_ROWS:
                out.append(f"\n({len(c['records']) - MAX_ROWS} more configurations in results.json)")
            out.append("")
        out += [f"![{c['id']}](plots/{pngs[c['id']]})", ""]
    return "\n".join(out) + "\n"


def _html_table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(results, png_bytes) -> str:
    env = results["environment"]
    e = html.escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Theorem against experiment</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}",
        "table{border-collapse:collapse;font-size:12px;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:2px 6px}",
        "th{background:#f6f8fa}pre{background:#f6f8fa;padding:.6em;overflow-x:auto;white-space:pre-wrap}",
        ".v{color:#fff;padding:1px 8px;border-radius:10px;font-weight:600}",
        "blockquote{border-left:3px solid #d0d7de;margin:0;padding-left:1em;color:#444}",
        "section{border-top:1px solid #d0d7de;margin-top:2em}</style></head><body>",
        "<h1>Theorem against experiment</h1>",
        f"<p>Profile <code>{e(env['profile'])}</code>, seed {env['seed']}, commit <code>{e(str(env.get('git_commit')))}</code>, "
        f"{e(env['started'])}, {env['wall_s']:.0f}s; JAX {e(str(env['jax']))} on {e(env['backend'])}, "
        f"float64 {'on' if env['float64'] else 'OFF'}.</p>",
    ]

    def badge(v):
        return f"<span class='v' style='background:{VERDICT_COLOR.get(v, '#57606a')}'>{e(v)}</span>"

    summary = [[c["id"], c["verdict"], str(c["examples"]["pass"] + c["examples"]["fail"]),
                (f"{_fmt((c.get('worst') or {}).get('error'))} / {_fmt((c.get('worst') or {}).get('tolerance'))}"
                 if c.get("worst") else "-")] for c in results["claims"]]
    parts.append(_html_table(["claim", "verdict", "in scope", "worst error / tolerance"], summary))
    for c in results["claims"]:
        parts += [f"<section id='{e(c['id'])}'><h2>{e(c['id'])} {badge(c['verdict'])}</h2>",
                  f"<p>{e(_counts(c))}</p>", f"<blockquote>{e(c['statement'])}</blockquote>",
                  f"<p>Source: {e(c['source'])}</p>",
                  "<p>Closed form:</p>"]
        typeset = formula_png(c["closed_form"]["latex"])
        if typeset is not None:
            parts.append(f"<p><img alt='closed form' src='data:image/png;base64,{base64.b64encode(typeset).decode()}'>"
                         "</p>")
        parts += [f"<pre>{e(c['closed_form']['pretty'])}</pre>",
                  f"<p>LaTeX: <code>{e(c['closed_form']['latex'])}</code></p>"]
        if c.get("symbols"):
            parts.append("<p>Symbols: " + "; ".join(f"<code>{e(k)}</code> {e(v)}" for k, v in c["symbols"].items())
                         + "</p>")
        parts += [f"<p>Agreement: {e(c['agreement']['metric'])}.</p>",
                  f"<pre>{e(inspect.cleandoc(c['agreement']['reason']))}</pre>",
                  f"<p><b>{e(_worst_text(c))}</b></p>"]
        fitted = _fitted_rows(c)
        if fitted:
            parts.append(_html_table(["fitted", "value", "interval", "configuration"], fitted))
        header, rows = _table_rows(c)
        if rows:
            parts.append(_html_table(header, rows))
        b64 = base64.b64encode(png_bytes[c["id"]]).decode()
        parts.append(f"<img alt='{e(c['id'])}' src='data:image/png;base64,{b64}'></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render(results: Mapping, out_dir) -> None:
    """Write the report files for ``results`` into ``out_dir`` (each file replaced atomically)."""
    out_dir = Path(out_dir)
    pngs, png_bytes = {}, {}
    for c in results["claims"]:
        name = c["id"].replace("/", "_") + ".png"
        data = figure_png(c)
        write_atomic(out_dir / "plots" / name, data)
        pngs[c["id"]], png_bytes[c["id"]] = name, data
    write_atomic(out_dir / "report.md", _markdown(results, pngs).encode())
    write_atomic(out_dir / "report.html", _html(results, png_bytes).encode())
