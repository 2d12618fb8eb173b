"""Figures of the splines family, drawn from stored records alone."""

from __future__ import annotations

import numpy as np

from reports import plots
from reports._figures import figure


def _judged(records):
    return [r for r in records if r["status"] in ("pass", "fail") and r.get("series")]


def _color(record) -> str:
    return "tab:blue" if record["status"] == "pass" else "tab:red"


@figure("splines.curvature_density")
def zeta(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel="zeta(x), Theorem 2 closed form (SymPy)",
                                ylabel="Monte Carlo p_C(x) E[W^2 | C = x]")


@figure("splines.natural_spline")
def natural_spline(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel="g* + u x + v from zeta (kernel system (22))",
                                ylabel="SciPy natural CubicSpline")


@figure("splines.spline_rate", "splines.spline_rate_bound", "splines.polyharmonic_rate", "splines.sgd_rate")
def rate(records, ax):
    """Error against width (log-log) with each fit and the n^{-1/2} reference; inset: the widest
    network, g* and the adjusted data of the first record."""
    judged = _judged(records)
    for r in judged:
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        color = _color(r)
        ax.scatter(np.repeat(w[None], e.shape[0], 0).ravel(), e.ravel(), s=4, color=color, alpha=0.3)
        slope = r["fitted"]["slope"]["value"]
        pref = r["fitted"]["prefactor"]["value"]
        ax.plot(w, pref * w**slope, color=color, lw=0.6, alpha=0.6)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 1.0 * w**-0.5, "k--", lw=1.2, label="n^{-1/2}")
        slopes = [r["fitted"]["slope"]["value"] for r in judged]
        ax.set_title(f"fitted slopes {min(slopes):.3f} .. {max(slopes):.3f}", fontsize=8)
        ins = ax.inset_axes([0.6, 0.6, 0.38, 0.38])
        s = judged[0]["series"]
        ins.plot(s["x"], s["g"], color="tab:orange", lw=1, label="g*")
        ins.plot(s["x"], s["f"], color="tab:blue", lw=0.8, ls="--", label=f"net n={int(w[-1])}")
        ins.scatter(s["data_x"], s["data_y"], s=8, color="black", zorder=3)
        ins.tick_params(labelsize=5)
        ins.legend(fontsize=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width n")
    ax.set_ylabel("sup_S |f(., theta*) - g*|")
    ax.legend(fontsize=7, loc="lower left")


@figure("splines.polyharmonic_limit")
def polyharmonic(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel="polyharmonic spline sum lambda_j |x - x_j|^3 + <u, x> + v",
                                ylabel="infinite-width kernel limit (25)")


@figure("splines.output_layer_only")
def output_only(records, ax):
    judged = _judged(records)
    for r in judged:
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        color = _color(r)
        ax.scatter(np.repeat(w[None], e.shape[0], 0).ravel(), e.ravel(), s=4, color=color, alpha=0.3)
        ax.plot(w, r["fitted"]["prefactor"]["value"] * w ** r["fitted"]["slope"]["value"], color=color, lw=0.6)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 0.3 * w**-0.5, "k--", label="n^{-1/2}")
        ax.plot(w, 3.0 * w**-1.5, "k:", label="n^{-3/2}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width n")
    ax.set_ylabel("sup_S |f_all - f_output only|")
    ax.legend(fontsize=7)


@figure("splines.trajectory_smoothing")
def trajectory(records, ax):
    for k, r in enumerate(_judged(records)):
        s = r["series"]
        ax.plot(s["a_mu_t"], s["to_spline"], color=_color(r), lw=0.6, alpha=0.5,
                label="GD to smoothing spline at M/(eta_bar t)" if k == 0 else None)
        ax.plot(s["a_mu_t"], s["to_interp"], color="tab:gray", lw=0.5, alpha=0.4,
                label="GD to interpolating spline" if k == 0 else None)
        if k == 0:
            ax.plot(s["a_mu_t"], s["allowance"], "k--", lw=0.8, label="allowance max_k |h1 - h2|")
    ax.axhline(0.2036, color="k", lw=0.5, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("eta_bar mu_max t / M")
    ax.set_ylabel("distance on the data / ||y||_2")
    ax.legend(fontsize=6)


@figure("splines.other_activation")
def other_activation(records, ax):
    plots.predicted_vs_measured(records, ax, xlabel="solution of (6): L = d^3, penalty (g''')^2 / zeta_2",
                                ylabel="infinite-width z_+^2/2 network (kernel interpolant)")
    judged = _judged(records)
    if judged:
        s = judged[0]["series"]
        ins = ax.inset_axes([0.6, 0.08, 0.38, 0.38])
        ins.plot(s["x"], s["g"], color="tab:blue", lw=1)
        ins.scatter(s["data_x"], s["data_y"], s=8, color="black", zorder=3)
        ins.tick_params(labelsize=5)


@figure("splines.trajectory_network")
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
                    label=f"n = {n}" if k == 0 else None)
        if k == 0:
            ax.plot(s["eta_mu_t"], s["allowance"], "k--", lw=0.8, label="allowance max_k |h1 - h2|")
    ax.set_xscale("log")
    ax.set_xlabel("eta_bar mu_max t / M")
    ax.set_ylabel("||f_t^(n)(X) - h_lambda(t)(X)||_2 / ||y||_2")
    ax.legend(fontsize=6)


@figure("splines.trajectory_width_rate")
def width_rate(records, ax):
    """D_n against n (log-log), each configuration's fit, and the n^{-1/2} line."""
    judged = _judged(records)
    for r in judged:
        w = np.asarray(r["series"]["widths"], dtype=float)
        e = np.asarray(r["series"]["errors"], dtype=float)
        ok = np.asarray(r["series"]["stable"], dtype=bool)
        color = _color(r)
        ax.scatter(np.repeat(w[None], e.shape[0], 0)[ok], e[ok], s=4, color=color, alpha=0.3)
        ax.plot(w, r["fitted"]["prefactor"]["value"] * w ** r["fitted"]["slope"]["value"], color=color, lw=0.5,
                alpha=0.6)
    if judged:
        w = np.asarray(judged[0]["series"]["widths"], dtype=float)
        ax.plot(w, 2.0 * w**-0.5, "k--", lw=1.2, label="n^{-1/2}")
        slopes = [r["fitted"]["slope"]["value"] for r in judged]
        ax.set_title(f"fitted slopes {min(slopes):.3f} .. {max(slopes):.3f}", fontsize=8)
        ax.legend(fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("width n")
    ax.set_ylabel("max_t sup_S |f_t^(n) - f_t^inf|")
