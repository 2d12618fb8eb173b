"""Figures of the splines family, drawn from stored records alone."""

from __future__ import annotations

import numpy as np

from reports import plots
from reports._figures import figure


def _judged(records):
    return [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]


def _color(record) -> str:
    return "tab:blue" if record["status"] == "pass" else "tab:red"


@figure("splines.curvature_density", by="init")
def zeta(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel=r"$\zeta(x)$, Theorem 2 closed form",
                                ylabel=r"Monte Carlo $p_C(x)\,E[W^2 \mid C = x]$")


@figure("splines.curvature_density_multid", by="d")
def zeta_multid(records, ax):
    """Each estimate of zeta(V, c) over Theorem 19's value, against the offset in units of sigma_b / sigma_w, one
    marker per band of the sphere, with one Monte Carlo standard error as a bar."""
    markers = ("o", "s", "^", "v", "D", "x")
    for r in _judged(records):
        offs = np.asarray(r["series"]["offsets"], dtype=float)
        pred = np.asarray(r["predicted"], dtype=float).reshape(-1, offs.size)
        meas = np.asarray(r["measured"], dtype=float).reshape(pred.shape)
        se = np.asarray(r["series"]["se"], dtype=float).reshape(pred.shape)
        u = offs * float(r["config"]["p1"]) / float(r["config"]["p2"])
        for k in range(pred.shape[0]):
            ax.errorbar(u, meas[k] / pred[k], yerr=se[k] / pred[k], fmt=markers[k % len(markers)], ms=2.5, lw=0.5,
                        color=_color(r), alpha=0.5)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.plot([], [], "o", ms=3, color="tab:blue", label="a band's estimate / Theorem 19 (bar: 1 s.e.)")
    ax.set_xlabel(r"offset $c\,\sigma_w/\sigma_b$")
    ax.set_ylabel(r"Monte Carlo $\zeta(V, c)$ / Theorem 19")
    ax.legend(fontsize=7)


@figure("splines.gaussian_limit_2d", by="p2")
def gaussian_limit_2d(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel=r"solution of problem (8) with Theorem 19's $\zeta$ (grid)",
                                ylabel="network limit: arc-cosine kernel interpolant")


@figure("splines.polyharmonic_limit_3d", by="M")
def polyharmonic_limit_3d(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel=r"polyharmonic spline $\sum_j \lambda_j |x - x_j|^3$ + affine",
                                ylabel=r"network limit: kernel of $V \sim U(S^2)$, $B \sim U(-a_b, a_b)$")


@figure("splines.natural_spline", by="M")
def natural_spline(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel=r"$g^* + u x + v$ from $\zeta$ (kernel system (22))",
                                ylabel="SciPy natural cubic spline")


def _widths_and_fits(judged, ax) -> None:
    """Each configuration's distances against width (dots, one per seed) and its fitted power law (line)."""
    for r in judged:
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        ok = np.asarray(r["series"].get("stable", np.ones(e.shape, bool)), dtype=bool)
        if ok.shape != e.shape:
            ok = np.ones(e.shape, bool)
        color = _color(r)
        ax.scatter(np.repeat(w[None], e.shape[0], 0)[ok], e[ok], s=4, color=color, alpha=0.3)
        fit = r.get("fitted") or {}
        if "slope" in fit and "prefactor" in fit:
            ax.plot(w, fit["prefactor"]["value"] * w ** fit["slope"]["value"], color=color, lw=0.6, alpha=0.6)
        if r.get("role") == "counterexample":
            plots.mark_counterexample(ax, w[-1:], np.nanmean(np.where(ok, e, np.nan), axis=0)[-1:])
    ax.plot([], [], "o-", ms=2, lw=0.6, color="tab:blue", label="a configuration: seeds (dots), power-law fit")
    if any(r["status"] == "fail" for r in judged):
        ax.plot([], [], "o-", ms=2, lw=0.6, color="tab:red", label="a disagreeing configuration")


@figure("splines.spline_rate", "splines.polyharmonic_rate", "splines.sgd_rate", by="init")
def rate(records, ax):
    """Error against width (log-log) with each fit and the n^{-1/2} reference; above the data: the widest
    network, g* and the adjusted data of the first configuration."""
    judged = _judged(records)
    _widths_and_fits(judged, ax)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 1.0 * w**-0.5, "k--", lw=1.2, label="$n^{-1/2}$")
        slopes = [r["fitted"]["slope"]["value"] for r in judged]
        ax.set_title(f"fitted slopes {min(slopes):.3f} to {max(slopes):.3f}", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width $n$")
    ax.set_ylabel(r"$\sup_S |f(\cdot, \theta^*) - g^*|$")
    ax.legend(fontsize=7, loc="lower left")
    if judged and "g" in judged[0]["series"]:
        s = judged[0]["series"]
        ins = ax.inset_axes(plots.reserve_top(ax))
        ins.plot(s["x"], s["g"], color="tab:orange", lw=1, label="$g^*$")
        ins.plot(s["x"], s["f"], color="tab:blue", lw=0.8, ls="--", label=f"network, $n = {int(w[-1])}$")
        ins.scatter(s["data_x"], s["data_y"], s=8, color="black", zorder=3, label="adjusted data")
        ins.tick_params(labelsize=5)
        ins.legend(fontsize=5)


@figure("splines.spline_rate_bound", by="init", verdict_panel=False)
def rate_bound(records, ax):
    """Theorem 1 as an upper bound: each configuration's fitted exponent with its interval against -1/2; a
    configuration contradicts the bound only when its whole interval lies above it."""
    plots.bound_intervals(records, ax, by="init")


@figure("splines.polyharmonic_limit", by="M")
def polyharmonic(records, ax):
    plots.predicted_vs_measured(
        records, ax, xlabel=r"polyharmonic spline $\sum_j \lambda_j |x - x_j|^3 + \langle u, x\rangle + v$",
        ylabel="infinite-width kernel limit (25)")


@figure("splines.output_layer_only", by="init")
def output_only(records, ax):
    judged = _judged(records)
    _widths_and_fits(judged, ax)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 0.3 * w**-0.5, "k--", label="$n^{-1/2}$")
        ax.plot(w, 3.0 * w**-1.5, "k:", label="$n^{-3/2}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width $n$")
    ax.set_ylabel(r"$\sup_S |f_{\mathrm{all}} - f_{\mathrm{output\ only}}|$")
    ax.legend(fontsize=7)


@figure("splines.trajectory_smoothing", by="M")
def trajectory(records, ax):
    for k, r in enumerate(_judged(records)):
        s = r["series"]
        ax.plot(s["a_mu_t"], s["to_spline"], color=_color(r), lw=0.6, alpha=0.5,
                label=r"GD to the smoothing spline at $M/(\bar\eta t)$" if k == 0 else None)
        ax.plot(s["a_mu_t"], s["to_interp"], color="tab:gray", lw=0.5, alpha=0.4,
                label="GD to the interpolating spline" if k == 0 else None)
        if k == 0:
            ax.plot(s["a_mu_t"], s["allowance"], "k--", lw=0.8,
                    label=r"allowance $\max_k |h_1 - h_2|$ (first configuration)")
    ax.axhline(0.2036, color="k", lw=0.5, ls=":", label=r"$\max_s\, 1/(1+s) - e^{-s} = 0.2036$")
    ax.set_xscale("log")
    ax.set_xlabel(r"$\bar\eta\, \mu_{\max} t / M$")
    ax.set_ylabel(r"distance on the data $/ \|y\|_2$")
    ax.legend(fontsize=6)


@figure("splines.other_activation", by="M")
def other_activation(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel=r"solution of (6): $L = d^3$, penalty $(g''')^2 / \zeta_2$",
                                ylabel=r"infinite-width $z_+^2/2$ network (kernel interpolant)")
    judged = _judged(records)
    if judged:
        s = judged[0]["series"]
        ins = ax.inset_axes([0.6, 0.08, 0.38, 0.38])  # below the diagonal, where agreeing data never are
        ins.plot(s["x"], s["g"], color="tab:blue", lw=1)
        ins.scatter(s["data_x"], s["data_y"], s=8, color="black", zorder=3)
        ins.tick_params(labelsize=5)


@figure("splines.trajectory_network", by="frac")
def network_trajectory(records, ax):
    """Distance on the data to the smoothing spline at M / (eta_bar t) against eta_bar mu_max t / M, per width
    (first judged record; the others faint), with the allowance of the infinite-width trajectory."""
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    for k, r in enumerate(_judged(records)):
        s = r["series"]
        d = np.asarray(s["to_spline"], dtype=float)
        for j, n in enumerate(s["widths"]):
            color = cmap(j / max(1, len(s["widths"]) - 1)) if r["status"] == "pass" else "tab:red"
            ax.plot(s["eta_mu_t"], d[j], color=color, lw=0.8 if k == 0 else 0.3, alpha=1.0 if k == 0 else 0.3,
                    label=f"$n = {n}$" if k == 0 else None)
        if k == 0:
            ax.plot(s["eta_mu_t"], s["allowance"], "k--", lw=0.8, label=r"allowance $\max_k |h_1 - h_2|$")
    ax.set_xscale("log")
    ax.set_xlabel(r"$\bar\eta\, \mu_{\max} t / M$")
    ax.set_ylabel(r"$\|f_t^{(n)}(X) - h_{\lambda(t)}(X)\|_2 / \|y\|_2$")
    ax.legend(fontsize=6)


@figure("splines.trajectory_width_rate", by="init")
def width_rate(records, ax):
    """D_n against n (log-log), each configuration's fit, and the n^{-1/2} line."""
    judged = _judged(records)
    _widths_and_fits(judged, ax)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 2.0 * w**-0.5, "k--", lw=1.2, label="$n^{-1/2}$")
        slopes = [r["fitted"]["slope"]["value"] for r in judged if "slope" in (r.get("fitted") or {})]
        if slopes:
            ax.set_title(f"fitted slopes {min(slopes):.3f} to {max(slopes):.3f}", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width $n$")
    ax.set_ylabel(r"$\max_t \sup_S |f_t^{(n)} - f_t^{\infty}|$")
    ax.legend(fontsize=7)
