"""A claim's closed form typeset once, by Matplotlib's mathtext, from the LaTeX that SymPy printed.

mathtext knows no environments and no ``\\bmod``: a piecewise ``\\begin{cases} a & c \\\\ b & d \\end{cases}``
becomes a brace before the stacked rows ``a  c`` and ``b  d`` (``\\substack``), nested ones included, and
``\\bmod`` the word mod.  Where mathtext still cannot parse a formula the report shows SymPy's text drawing of
it instead, so every formula is rendered exactly one way.
"""

from __future__ import annotations

import io
import re

_PLAIN = ((r"\limits", ""), (r"\displaystyle", ""), (r"\bmod", r"\ \mathrm{mod}\ "))
_BEGIN, _END = r"\begin{cases}", r"\end{cases}"


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside braces and outside nested cases."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        if text.startswith(_BEGIN, i):
            depth += 1
            i += len(_BEGIN)
            continue
        if text.startswith(_END, i):
            depth -= 1
            i += len(_END)
            continue
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i) and not (sep == "&" and text[i - 1:i] == "\\"):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _cases(body: str) -> str:
    rows = [row for row in _split_top(body, r"\\") if row.strip()]
    stacked = []
    for row in rows:
        cells = _split_top(row, "&")
        expr = to_mathtext(cells[0]).strip()
        cond = to_mathtext(cells[1]).strip() if len(cells) > 1 else ""
        stacked.append(expr + (r"\quad " + cond if cond else ""))
    return r"\left\{\substack{" + r" \\ ".join(stacked) + r"}\right."


def to_mathtext(latex: str) -> str:
    """SymPy's LaTeX rewritten into what mathtext parses (without the surrounding dollars)."""
    for old, new in _PLAIN:
        latex = latex.replace(old, new)
    latex = re.sub(r"\\operatorname\{([^{}]*)\}", r"\\mathrm{\1}", latex)
    out, i = [], 0
    while True:
        start = latex.find(_BEGIN, i)
        if start < 0:
            out.append(latex[i:])
            return "".join(out)
        depth, j = 1, start + len(_BEGIN)
        while depth and j < len(latex):
            if latex.startswith(_BEGIN, j):
                depth, j = depth + 1, j + len(_BEGIN)
            elif latex.startswith(_END, j):
                depth, j = depth - 1, j + len(_END)
            else:
                j += 1
        out += [latex[i:start], _cases(latex[start + len(_BEGIN):j - len(_END)])]
        i = j


def formula_png(latex: str, *, fontsize: float = 15, dpi: int = 100) -> bytes | None:
    """The closed form as a PNG, or None where mathtext cannot parse it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(0.01, 0.01))
    fig.text(0, 0, "$" + to_mathtext(latex) + "$", fontsize=fontsize)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.06, dpi=dpi)
    except Exception:  # noqa: BLE001 - mathtext raises ValueError or ParseException subclasses
        return None
    finally:
        plt.close(fig)
    return buf.getvalue()
