"""Figures of the ntk family, drawn from stored records alone."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np

from reports import _records, plots
from reports._figures import figure

JUDGED = ("pass", "fail")
D_COLORS = {2: "tab:blue", 3: "tab:orange", 4: "tab:green", 5: "tab:purple", 6: "tab:brown", 7: "tab:gray",
            8: "tab:olive", 9: "tab:cyan", 10: "tab:pink"}


def _degrees(config) -> list[int]:
    """The target degrees of a training configuration ("1,2,4" -> [1, 2, 4])."""
    return [int(x) for x in str(config["degrees"]).split(",")]


@figure("ntk.spectrum_circle", "ntk.spectrum_sphere", by="k")
def spectrum(records, ax):
    """Closed-form mu_k against quadrature, log-log in k, per (d, bias)."""
    groups = {}
    for r in records:
        if r["status"] not in JUDGED or r.get("predicted") is None:
            continue
        key = (r["config"]["d"], r["config"]["bias"])
        groups.setdefault(key, []).append((r["config"]["k"], float(r["predicted"]), float(r["measured"]), r))
    for (dim, b), rows in sorted(groups.items()):
        rows.sort(key=lambda x: x[0])
        ks = np.array([x[0] for x in rows], dtype=float)
        p = np.array([x[1] for x in rows])
        mvals = np.array([x[2] for x in rows])
        ok = (ks > 0) & (p > 1e-14)
        line, = ax.plot(ks[ok], p[ok], "-", lw=0.8, label=f"closed form, $d = {dim}$, bias {b}")
        ok2 = (ks > 0) & (mvals > 1e-14)
        ax.plot(ks[ok2], mvals[ok2], "o", ms=3, color=line.get_color())
        if ok.sum() >= 2:
            kk = ks[ok][-1]
            ax.plot(ks[ok], p[ok][-1] * (ks[ok] / kk) ** (-float(dim)), ":", color=line.get_color(), lw=0.8)
        for k, _, m, r in rows:
            if r.get("role") == "counterexample" and k > 0 and m > 1e-14:
                plots.mark_counterexample(ax, [k], [m])
    ax.plot([], [], "o", ms=3, color="0.4", label="quadrature")
    ax.plot([], [], ":", color="0.4", label=r"$k^{-d}$")
    if any(k > 0 and max(p, m) > 1e-14 for rows in groups.values() for k, p, m, _ in rows):
        ax.set_xscale("log")  # (a log axis with nothing positive on it cannot be drawn)
        ax.set_yscale("log")
    ax.set_xlabel("degree $k$")
    ax.set_ylabel(r"$\mu_k$")
    ax.legend(fontsize=6)


@figure("ntk.decay_law", by="d")
def decay(records, ax):
    """Local exponents s(k) against k, coloured by d, with -d dotted."""
    seen = set()
    for r in records:
        if r["status"] not in JUDGED or not r.get("series"):
            continue
        d = r["config"]["d"]
        color = "tab:red" if r["status"] == "fail" else D_COLORS.get(d, "black")
        ax.plot(r["series"]["k"], r["series"]["local_exponent"], "o-", ms=2, lw=0.6, color=color,
                label=None if d in seen else f"$d = {d}$")
        if d not in seen:
            ax.axhline(-d, color=color, ls=":", lw=0.8)
        seen.add(d)
    ax.plot([], [], ":", color="0.4", label="$-d$")
    ax.set_xscale("log")
    ax.set_xlabel("degree $k$")
    ax.set_ylabel(r"local exponent $\log(\mu_{2k}/\mu_k)/\log 2$")
    ax.legend(fontsize=6, ncol=2)


def _shown(records):
    """The configuration a residual figure draws: the shrunk counterexample, else the largest error/tolerance."""
    judged = [r for r in records if r["status"] in JUDGED and r.get("series")]
    if not judged:
        return None, 0
    ce = plots.counterexamples(judged)
    return (ce[0] if ce else max(judged, key=lambda r: _records.ratio(r) or 0.0)), len(judged)


def _projection_curves(records, ax, *, prediction: str, measured: str, detail, xlabel: str) -> None:
    """One configuration (the counterexample, else the worst): per degree k the measured <r_t,phi_k>/<r_0,phi_k>
    (dots, labelled ``measured``), the prediction (line, ``prediction``) and the damped-deviations allowance around
    it (band), which decides the verdict; ``detail(config)`` names the configuration in the title."""
    r, count = _shown(records)
    if r is None:
        ax.set_axis_off()
        return
    tt = np.asarray(r["series"]["t"], float)
    pred = np.asarray(r["predicted"], float)
    bound = np.asarray(r["series"]["bound"], float)
    values = np.array([r["series"][f"degree_{kk}"] for kk in _degrees(r["config"])], dtype=float)
    for j, kk in enumerate(_degrees(r["config"])):
        line, = ax.plot(tt, pred[:, j], "-", lw=0.9, label=f"$k = {kk}$")
        color = line.get_color()
        ax.fill_between(tt, pred[:, j] - bound[:, j], pred[:, j] + bound[:, j], color=color, alpha=0.15, lw=0)
        ax.plot(tt, values[j], "o", ms=2.5, color=color)
    ax.plot([], [], "-", color="0.3", label=prediction)
    ax.plot([], [], "o", ms=2.5, color="0.3", label=measured)
    ax.fill_between([], [], [], color="0.3", alpha=0.15, label="allowance (damped deviations)")
    role = "shrunk counterexample" if r.get("role") == "counterexample" else f"worst of {count} configurations"
    ax.set_title(f"{role}: {detail(r['config'])}, error / tolerance {_records.ratio(r):.3g}", fontsize=8)
    lo, hi = min(np.nanmin(values), np.nanmin(pred)), max(np.nanmax(values), np.nanmax(pred))
    # the band, wider later on, is cut to the data; the legend goes in the band left free below them
    ax.set_ylim(lo - 0.7 * (hi - lo), hi + 0.15 * (hi - lo))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$\langle r_t, \phi_k\rangle / \langle r_0, \phi_k\rangle$")
    ax.legend(fontsize=6, loc="lower right", ncol=3)


@figure("ntk.learning_rates", by="eta_frac")
def residual_curves(records, ax):
    """GD's projections on the target harmonics against (1 - eta mu_k)^t, with the allowance that decides."""
    _projection_curves(records, ax, prediction=r"$(1 - \eta\mu_k)^t$", measured="measured", xlabel="GD step $t$",
                       detail=lambda c: f"$d = {c['d']}$, $\\eta$ = {c['eta_frac']:.3g} of the stability limit")


@figure("ntk.damped_deviations_identity", by="eta_frac")
def damped_deviations(records, ax):
    """The final residual r_T of GD against the right side of the discrete damped-deviations identity."""
    plots.predicted_vs_measured(records, ax, xlabel="damped-deviations right side, entry by entry",
                                ylabel="GD's final residual $r_T$")


@figure("ntk.gram_spectrum", by="d")
def gram_rate(records, ax):
    """Mean eigenvalue error against n (circles, solid) and m (squares, dashed), log-log, coloured by d, with the
    slope -1/2; above the data, one configuration's top eigenvalues against mu_k with multiplicity."""
    seen = set()
    for r in records:
        if r["status"] not in JUDGED or not r.get("series"):
            continue
        s, e = np.asarray(r["series"]["size"], float), np.asarray(r["series"]["mean_error"], float)
        d = r["config"]["d"]
        color = "tab:red" if r["status"] == "fail" else D_COLORS.get(d, "black")
        ax.plot(s, e, "o-" if r["config"]["axis"] == "n" else "s--", ms=3, lw=0.6, alpha=0.7, color=color,
                label=None if d in seen else f"$d = {d}$")
        seen.add(d)
    xs = np.array([64.0, 4096.0])
    ax.plot(xs, 0.3 * xs ** -0.5, "k:", lw=1, label=r"slope $-1/2$")
    ax.plot([], [], "o-", ms=3, color="0.4", label=r"against $n$: $H/n$ vs $\mu_k$")
    ax.plot([], [], "s--", ms=3, color="0.4", label=r"against $m$: $H_m/n$ vs $H/n$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("sample size $n$ or width $m$")
    ax.set_ylabel(r"rms eigenvalue error, top $\sum_{k \leq 2} N(d,k)$")
    ax.legend(fontsize=6, loc="lower left", ncol=2)
    for r in records:
        if r["status"] in JUDGED and r.get("series", {}).get("empirical_top"):
            inset = ax.inset_axes(plots.reserve_top(ax))
            e = np.asarray(r["series"]["empirical_top"], float)
            p = np.asarray(r["series"]["mu_with_multiplicity"], float)
            idx = np.arange(1, e.size + 1)
            inset.plot(idx, p, "k-", lw=0.8, drawstyle="steps-mid")
            inset.plot(idx, e, "o", ms=2)
            inset.set_title(f"$d = {r['config']['d']}$: eigenvalues (dots), $\\mu_k$ with multiplicity (line)",
                            fontsize=5)
            inset.set_xscale("log")
            inset.set_yscale("log")
            inset.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            inset.tick_params(labelsize=5)
            break


@figure("ntk.nonuniform_data", by="concentration")
def nonuniform(records, ax):
    """The measured deviation term against the concentration c of the input distribution."""
    judged = [r for r in records if r["status"] in JUDGED and r.get("series")]
    for status, (color, marker) in plots.STATUS_STYLE.items():
        sel = [r for r in judged if r["status"] == status]
        if sel:
            ax.scatter([r["config"]["concentration"] for r in sel], [r["series"]["deviation_max"] for r in sel],
                       s=10, c=color, marker=marker, label=plots.STATUS_LABEL[status])
    ax.set_xlabel(r"concentration $c$ (inputs: normalised $N(c e_1, I)$; $c = 0$ uniform)")
    ax.set_ylabel(r"$\max_s \|(T - T^n_{K_s}) r_s\| + \|\rho_s\|/\eta$")
    ax.legend(fontsize=7)


@figure("ntk.cao_spectrum", by="k")
def cao_spectrum(records, ax):
    """Cao's kernel: closed-form mu_k (lines) and quadrature (dots) against k, per (d_S, bias); odd degrees
    without bias are zero and left off the log axis."""
    groups = {}
    for r in records:
        if r["status"] in JUDGED and r.get("predicted") is not None:
            groups.setdefault((r["config"]["sphere_dim"], r["config"]["bias"]), []).append(r)
    for (ds, b), rows in sorted(groups.items()):
        rows.sort(key=lambda r: r["config"]["k"])
        ks = np.array([r["config"]["k"] for r in rows], float)
        p = np.array([float(r["predicted"]) for r in rows])
        mv = np.array([float(r["measured"]) for r in rows])
        ok = p > 1e-14
        line, = ax.plot(ks[ok], p[ok], "-", lw=0.8, label=f"$d_S = {ds}$, bias {b}")
        ok2 = mv > 1e-14
        ax.plot(ks[ok2], mv[ok2], "o", ms=3, color=line.get_color())
    if groups:
        ax.set_yscale("log")
    ax.set_xlabel("degree $k$")
    ax.set_ylabel(r"$\mu_k$ of $u\kappa_0/2 + \kappa_1$ on $S^{d_S}$")
    ax.legend(fontsize=5, ncol=2)


@figure("ntk.cao_decay_in_degree", "ntk.cao_decay_in_dimension", by="bias")
def cao_theorem_4_3(records, ax):
    """Theorem 4.3: mu_k against the fitted variable (k, or d_S), log-log, each fit's window; the bound's slope
    drawn dotted through the last point (red: a window steeper than the bound)."""
    for r in records:
        if r["status"] not in JUDGED or not r.get("series", {}).get("x"):
            continue
        x, mu = np.asarray(r["series"]["x"], float), np.asarray(r["series"]["mu"], float)
        c = r["config"]
        label = f"$k$, $d_S = {c['sphere_dim']}$" if "sphere_dim" in c else f"$d_S$, $k = {c['k']}$"
        line, = ax.plot(x, mu, "o-", ms=2, lw=0.6, color="tab:red" if r["status"] == "fail" else None,
                        label=f"{label}: fitted {float(r['measured']):.2f}")
        ax.plot(x, mu[-1] * (x / x[-1]) ** float(r["predicted"]), ":", lw=0.8, color=line.get_color())
    ax.plot([], [], ":", color="0.4", label="bound's slope")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("degree $k$ ($k \\gg d$) or sphere dimension $d_S$ ($d \\gg k$)")
    ax.set_ylabel(r"$\mu_k$")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(list(uniq.values())[:12], list(uniq)[:12], fontsize=5)


@figure("ntk.cao_experiment", by="eta_frac")
def cao_projections(records, ax):
    """Cao et al.'s plot on their network: one configuration (the counterexample, else the worst), |v_k^T (y -
    f_t(X))| / |v_k^T y| for k = 1, 2, 4 on a log scale (dots) against exp(-r_k t) at Cao's eigenvalue mu_k (line);
    the title gives mu_1/mu_2 and mu_2/mu_4 measured (from the fitted rates) against 13.23 and 100.42."""
    r, count = _shown(records)
    if r is None:
        ax.set_axis_off()
        return
    tt = np.asarray(r["series"]["t"], float)
    for j, kk in enumerate((1, 2, 4)):
        meas = np.abs(np.asarray(r["series"][f"degree_{kk}"], float))
        line, = ax.semilogy(tt, np.exp(-float(r["predicted"][j]) * tt), "-", lw=0.9, label=f"$k = {kk}$")
        ax.semilogy(tt, np.maximum(meas, 1e-12), "o", ms=1.8, color=line.get_color())
    ax.plot([], [], "-", color="0.3", label=r"$e^{-r_k t}$, $r_k = -\log(1 - \eta m \mu_k)$")
    ax.plot([], [], "o", ms=2, color="0.3", label=r"$|v_k^T r_t| / |v_k^T y|$")
    f, c = r.get("fitted", {}), r["config"]
    ratios = ""
    if "mu_ratio_1_2" in f:
        m24 = float(f['mu_ratio_2_4']['value'])
        ratios = (f"; $\\mu_1/\\mu_2$ {float(f['mu_ratio_1_2']['value']):.3g} (13.23), $\\mu_2/\\mu_4$ "
                  f"{m24:.3g} (100.4)" if np.isfinite(m24) else
                  f"; $\\mu_1/\\mu_2$ {float(f['mu_ratio_1_2']['value']):.3g} (13.23), degree 4 not measured")
    role = "shrunk counterexample" if r.get("role") == "counterexample" else f"worst of {count}"
    ax.set_title(f"{role}: amplitudes {c['amplitudes']}, $\\eta$ = {float(c['eta_frac']):.3g} of the limit{ratios}",
                 fontsize=7)
    ax.set_ylim(1e-3, 2)
    ax.set_xlabel("GD step $t$")
    ax.set_ylabel("normalised projection")
    ax.legend(fontsize=6, loc="lower left", ncol=2)


@figure("ntk.cao_block_bound", by="block")
def cao_block(records, ax):
    """Theorem 4.2 on one configuration (the counterexample, else the one with the largest eps): the block
    projection n^{-1/2}||V^T (y - yhat(t))|| (dots), the bound 2 (1 - lambda_{r_k})^t n^{-1/2}||V^T y|| (line) and
    the bound plus the damped deviations and the leakage, eps's allowance (band)."""
    judged = [x for x in records if x["status"] in JUDGED and x.get("series")]
    if not judged:
        ax.set_axis_off()
        return
    ce = plots.counterexamples(judged)
    pool = [x for x in judged if x["config"]["block"] > 1] or judged   # block 1's ||V^T y|| is the labels' mean
    r = ce[0] if ce else max(pool, key=lambda x: float(x["fitted"]["eps"]["relative"]))
    tt = np.asarray(r["series"]["t"], float)
    b = np.asarray(r["predicted"], float)
    allow = b + np.asarray(r["series"]["deviation"]) + np.asarray(r["series"]["leakage"])
    ax.semilogy(tt, b, "-", color="tab:blue", lw=1, label=r"$2(1-\lambda_{r_k})^t\, n^{-1/2}\|V^T y\|$")
    ax.fill_between(tt, b, allow, color="tab:blue", alpha=0.15, lw=0, label="+ damped deviation + leakage")
    ax.semilogy(tt, np.asarray(r["series"]["network"]), "o", ms=1.5, color="black",
                label=r"$n^{-1/2}\|V^T (y - \hat y(t))\|$")
    c, f = r["config"], r["fitted"]
    ax.set_title(f"block {c['block']} ($r_k$ = {f['lambda_hat_r']['r']}), {c['target']}: eps = "
                 f"{f['eps']['value']:.2g}, max damped deviation {f['damped_deviation_max']['value']:.2g}, "
                 f"leakage {f['leakage_max']['value']:.2g}", fontsize=7)
    net = np.asarray(r["series"]["network"], float)
    ax.set_ylim(max(1e-4 * b[0], 0.5 * np.min(net[net > 0])), 2 * max(b[0], net.max()))
    ax.set_xlabel("GD step $t$ ($\\eta m = 1$)")
    ax.set_ylabel("block projection")
    ax.legend(fontsize=6, loc="lower left")


@figure("ntk.flow_rates", by="degrees")
def flow_curves(records, ax):
    """The flow's projections on the target harmonics against e^{-mu_k t}, with the continuous damped-deviations
    allowance around them."""
    _projection_curves(records, ax, prediction=r"$e^{-\mu_k t}$", measured="flow (diffrax)",
                       xlabel="flow time $t$", detail=lambda c: f"$d = {c['d']}$, horizon $S = {c['horizon']}$")


@figure("ntk.gd_to_flow", by="d")
def gd_to_flow(records, ax):
    """GD's distance to the flow at time t_c against its step, eta lambda_max on the x axis, log-log, one line per
    configuration (red: outside the allowance), with the slope 1 dotted."""
    shown = False
    for r in records:
        if r["status"] not in JUDGED or not r.get("series", {}).get("eta_lambda"):
            continue
        x, e = np.asarray(r["series"]["eta_lambda"], float), np.asarray(r["series"]["error"], float)
        ax.plot(x, e, "o-", ms=2, lw=0.6, color="tab:red" if r["status"] == "fail" else "tab:blue", alpha=0.7)
        if not shown:
            ax.plot(x, e[-1] * x / x[-1], ":", color="0.3", lw=1.0, label="slope 1 (Euler)")
            shown = True
    ax.plot([], [], "o-", ms=2, color="tab:blue", label="RMS $|r_{GD} - r_{flow}|$ on the training set")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel(r"$\eta\,\lambda_{max}$ (empirical $H_0/n$)")
    ax.set_ylabel("distance to the flow at $t_c$")
    ax.legend(fontsize=6)
