"""Plot helpers that claims use for their report figures.

Each takes the claim's stored records (the ``records`` of ``results.json``) and a
Matplotlib ``Axes``; nothing here recomputes an experiment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

STATUS_STYLE = {"pass": ("tab:blue", "o"), "fail": ("tab:red", "x")}


def _judged(records):
    return [r for r in records if r["status"] in STATUS_STYLE and r.get("predicted") is not None]


def predicted_vs_measured(records: Sequence[Mapping], ax, *, xlabel="predicted (closed form)",
                          ylabel="measured (experiment)", log=False) -> None:
    """Every predicted entry against its measured entry, with the line y = x."""
    lo, hi = np.inf, -np.inf
    for status, (color, marker) in STATUS_STYLE.items():
        p, m = [], []
        for r in _judged(records):
            if r["status"] != status:
                continue
            pr = np.ravel(np.asarray(r["predicted"], dtype=float))
            me = np.ravel(np.asarray(r["measured"], dtype=float))
            if pr.shape != me.shape:
                continue
            p.append(pr)
            m.append(me)
        if p:
            p, m = np.concatenate(p), np.concatenate(m)
            ax.scatter(p, m, s=8, c=color, marker=marker, alpha=0.6, label=f"{status} ({len(p)} values)")
            finite = np.isfinite(p) & np.isfinite(m)
            if finite.any():
                lo = min(lo, p[finite].min(), m[finite].min())
                hi = max(hi, p[finite].max(), m[finite].max())
    if np.isfinite(lo):
        ax.plot([lo, hi], [lo, hi], color="black", lw=0.8, label="y = x")
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)


def error_vs_tolerance(records: Sequence[Mapping], ax, *, by: str | None = None) -> None:
    """error / tolerance per configuration (below 1 agrees), optionally against a config key."""
    rs = [r for r in _judged(records) if isinstance(r.get("error"), (int, float))
          and isinstance(r.get("tolerance"), (int, float))]
    xs = [r["config"][by] for r in rs] if by else list(range(len(rs)))
    ratios = [r["error"] / r["tolerance"] if r["tolerance"] > 0 else (0.0 if r["error"] <= 0 else np.inf)
              for r in rs]
    colors = [STATUS_STYLE[r["status"]][0] for r in rs]
    floor = 1e-8
    ax.scatter(xs, np.clip(ratios, floor, 1e8), c=colors, s=12)
    ax.axhline(1.0, color="black", lw=0.8, ls="--", label="tolerance (ratios drawn within [1e-8, 1e8])")
    ax.set_yscale("log")
    ax.set_xlabel(by or "configuration")
    ax.set_ylabel("error / tolerance")
    ax.legend(fontsize=7)


def fitted_with_interval(records: Sequence[Mapping], ax, *, by: str, label: str = "fitted") -> None:
    """Fitted values with their confidence intervals against a config key, and the prediction."""
    rs = [r for r in _judged(records) if r.get("interval") is not None]
    for i, r in enumerate(rs):
        x = r["config"][by] if isinstance(r["config"][by], (int, float)) else i
        v = float(np.asarray(r["measured"], dtype=float))
        lo, hi = r["interval"]
        color = STATUS_STYLE[r["status"]][0]
        ax.errorbar([x], [v], yerr=[[v - lo], [hi - v]], fmt="o", color=color, ms=4, capsize=2)
        ax.plot([x], [float(np.asarray(r["predicted"], dtype=float))], marker="_", ms=14, color="black")
    ax.plot([], [], marker="_", ls="", ms=14, color="black", label="predicted")
    ax.errorbar([], [], yerr=[], fmt="o", color="tab:blue", label=f"{label} (CI)")
    ax.set_xlabel(by)
    ax.legend(fontsize=7)
