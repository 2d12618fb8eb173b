"""Plot helpers that claims use for their report figures, and the panel that decides a verdict.

Each takes the claim's records (:func:`reports._records.shown_records`: the shrunk counterexample first, tagged
``"role": "counterexample"``) and a Matplotlib ``Axes``; nothing here recomputes an experiment.  Labels are
mathtext.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from reports import _records

STATUS_STYLE = {"pass": ("tab:blue", "o"), "fail": ("tab:red", "x")}
STATUS_LABEL = {"pass": "agrees", "fail": "disagrees"}
COUNTEREXAMPLE_STYLE = dict(marker="*", s=170, c="gold", edgecolors="black", linewidths=0.8, zorder=6)
CATEGORY_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:gray", "tab:olive")


def _judged(records):
    return [r for r in records if r["status"] in STATUS_STYLE and r.get("predicted") is not None]


def counterexamples(records) -> list[Mapping]:
    return [r for r in records if r.get("role") == "counterexample"]


def mark_counterexample(ax, xs, ys, label: str = "shrunk counterexample") -> None:
    """A star on the shrunk counterexample's points (labelled once)."""
    ax.scatter(np.ravel(xs), np.ravel(ys), label=label, **COUNTEREXAMPLE_STYLE)


def reserve_top(ax, fraction: float = 0.42) -> list[float]:
    """Widen the y-range so that the data fill the lower ``1 - fraction`` of the axes, and return the bounds (in
    axes coordinates) of the band freed above it: an inset placed there covers no data."""
    lo, hi = ax.get_ylim()
    if ax.get_yscale() == "log":
        llo, lhi = math.log10(lo), math.log10(hi)
        ax.set_ylim(lo, 10 ** (llo + (lhi - llo) / (1 - fraction)))
    else:
        ax.set_ylim(lo, lo + (hi - lo) / (1 - fraction))
    return [0.55, 1 - fraction + 0.06, 0.43, fraction - 0.09]


def predicted_vs_measured(records: Sequence[Mapping], ax, *, xlabel="predicted (closed form)",
                          ylabel="measured (experiment)", log=False) -> None:
    """Every predicted entry against its measured entry, with the line y = x; the counterexample starred."""
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
            ax.scatter(p, m, s=8, c=color, marker=marker, alpha=0.6,
                       label=f"{STATUS_LABEL[status]} ({p.size} values)")
            finite = np.isfinite(p) & np.isfinite(m)
            if finite.any():
                lo = min(lo, p[finite].min(), m[finite].min())
                hi = max(hi, p[finite].max(), m[finite].max())
    for r in counterexamples(_judged(records)):
        pr = np.ravel(np.asarray(r["predicted"], dtype=float))
        me = np.ravel(np.asarray(r["measured"], dtype=float))
        if pr.shape == me.shape:
            worst = int(np.nanargmax(np.abs(pr - me))) if pr.size else 0
            mark_counterexample(ax, pr[worst:worst + 1], me[worst:worst + 1],
                                label="shrunk counterexample (its largest deviation)")
            break
    if np.isfinite(lo):
        ax.plot([lo, hi], [lo, hi], color="black", lw=0.8, label="$y = x$")
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)


def _numeric(values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def choose_key(records: Sequence[Mapping]) -> str | None:
    """The configuration key with the most distinct values among the judged records, numbers before strings."""
    rs = _judged(records)
    best, best_score = None, (0, 0)
    for key in (rs[0]["config"] if rs else {}):
        values = [r["config"].get(key) for r in rs]
        distinct = len({str(v) for v in values})
        score = (int(_numeric(values)), distinct)
        if distinct > 1 and score > best_score:
            best, best_score = key, score
    return best


def _positions(ax, records, by: str | None, axis: str = "x") -> np.ndarray:
    """Where each record sits along ``axis``: its value of ``by``, or a category position with the category as
    tick label, or its rank among the configurations (integer ticks)."""
    from matplotlib.ticker import MaxNLocator

    set_label = ax.set_xlabel if axis == "x" else ax.set_ylabel
    values = [r["config"].get(by) for r in records] if by else []
    if by and _numeric(values):
        xs = np.asarray(values, dtype=float)
        positive = xs[xs > 0]
        if positive.size == xs.size and positive.size and positive.max() / positive.min() > 30:
            (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
        if all(float(v).is_integer() for v in values):
            (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
        set_label(by)
        return xs
    if by:
        categories = sorted({str(v) for v in values})
        xs = np.array([categories.index(str(v)) for v in values], dtype=float)
        (ax.set_xticks if axis == "x" else ax.set_yticks)(range(len(categories)), categories)
        (ax.set_xlim if axis == "x" else ax.set_ylim)(-0.5, len(categories) - 0.5)
        set_label(by)
        return xs + np.random.default_rng(0).uniform(-0.15, 0.15, xs.size)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    set_label("configuration")
    return np.arange(len(records), dtype=float)


def verdict_panel(records: Sequence[Mapping], ax, *, by: str | None = None) -> None:
    """The quantity that decides the verdict, per configuration: for one-sided bounds each interval against the
    bound (:func:`bound_intervals`), otherwise error over tolerance (:func:`error_vs_tolerance`)."""
    judged = _judged(records)
    by = by if by is not None else choose_key(records)
    if judged and all(_records.is_bound(r) for r in judged):
        bound_intervals(records, ax, by=by)
    else:
        error_vs_tolerance(records, ax, by=by)


def error_vs_tolerance(records: Sequence[Mapping], ax, *, by: str | None = None) -> None:
    """error / tolerance per configuration against the configuration key ``by`` (below the dashed line agrees);
    an error of exactly zero is drawn on its own line at the foot of the panel, not clipped to a floor."""
    rs = [r for r in _judged(records) if _records.ratio(r) is not None]
    if not rs:
        ax.text(0.5, 0.5, "no configuration was judged", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    xs = _positions(ax, rs, by)
    q = np.array([_records.ratio(r) for r in rs], dtype=float)
    finite_pos = q[np.isfinite(q) & (q > 0)]
    zero_at = (finite_pos.min() if finite_pos.size else 1.0) / 30
    top_at = max(finite_pos.max() if finite_pos.size else 1.0, 1.0) * 30
    ys = np.where(q == 0, zero_at if finite_pos.size else 0.0, np.where(np.isinf(q), top_at, q))
    for status, (color, marker) in STATUS_STYLE.items():
        sel = np.array([r["status"] == status for r in rs])
        if sel.any():
            ax.scatter(xs[sel], ys[sel], c=color, marker=marker, s=14, label=STATUS_LABEL[status])
    ce = np.array([r.get("role") == "counterexample" for r in rs])
    if ce.any():
        mark_counterexample(ax, xs[ce], ys[ce])
    ax.axhline(1.0, color="black", lw=0.8, ls="--", label="tolerance (below: agrees)")
    if not finite_pos.size and not np.isinf(q).any():  # every error exactly zero: a linear axis shows it plainly
        ax.scatter([], [])
        ax.set_ylim(-0.1, 1.3)
        ax.set_ylabel("error / tolerance (every error is 0)")
        ax.legend(fontsize=7, loc="center right")
        return
    if not (q == 0).any() and not np.isinf(q).any() and finite_pos.max() / finite_pos.min() < 10:
        ax.set_ylim(0, max(1.1, 1.1 * finite_pos.max()))  # within a decade: a linear axis reads better
        ax.set_ylabel("error / tolerance")
        ax.legend(fontsize=7)
        return
    ax.set_yscale("log")
    if (q == 0).any():
        ax.axhline(zero_at, color="0.6", lw=0.6, ls=":")
        ax.text(0.01, zero_at, " error = 0", transform=ax.get_yaxis_transform(), va="bottom", fontsize=7,
                color="0.3")
    if np.isinf(q).any():
        ax.text(0.01, top_at, " tolerance 0, error > 0", transform=ax.get_yaxis_transform(), va="bottom",
                fontsize=7, color="0.3")
    ax.set_ylabel("error / tolerance")
    ax.legend(fontsize=7)


def bound_intervals(records: Sequence[Mapping], ax, *, by: str | None = None,
                    label: str = "fitted value and interval") -> None:
    """A one-sided bound: each configuration's interval (sorted by its fitted value) against the bound, which a
    configuration contradicts only when its whole interval lies past it; coloured by the key ``by``."""
    rs = sorted([r for r in _judged(records) if r.get("interval") is not None],
                key=lambda r: float(r["measured"]))
    if not rs:
        ax.set_axis_off()
        return
    categories = sorted({str(r["config"].get(by)) for r in rs}) if by else ["all"]
    colors = {c: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, c in enumerate(categories)}
    numeric_by = by and _numeric([r["config"].get(by) for r in rs]) and len(categories) > len(CATEGORY_COLORS)
    seen = set()
    for i, r in enumerate(rs):
        v = float(r["measured"])
        lo, hi = r["interval"]
        cat = "all" if not by or numeric_by else str(r["config"].get(by))
        color = "tab:red" if r["status"] == "fail" else colors.get(cat, "tab:blue")
        name = label if not by or numeric_by else f"{by} = {cat}"
        ax.errorbar([v], [i], xerr=[[v - lo], [hi - v]], fmt="o", ms=3, capsize=2, color=color,
                    label=None if name in seen else name)
        seen.add(name)
        if r.get("role") == "counterexample":
            mark_counterexample(ax, [v], [i])
    bound = float(rs[0]["predicted"])
    ax.axvline(bound, color="black", ls="--", lw=1.0, label=f"bound {bound:g} (contradicted by an interval wholly "
                                                             "to its right)")
    ax.set_ylim(-0.4 * len(rs) - 1, len(rs))  # the legend goes in the band below the intervals
    ax.set_ylabel("configurations, by fitted value")
    ax.set_yticks([])
    ax.set_xlabel("fitted exponent and its interval")
    ax.legend(fontsize=6, loc="lower center", ncol=2)

