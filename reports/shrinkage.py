"""Figures of the shrinkage family, drawn from stored records alone.

Each function draws one claim's figure from its records in ``results.json`` (``config``, ``status``,
``predicted``, ``measured``, ``tolerance``, ``interval``, ``fitted``, ``series``); the guide curves
(1/(2p), exp(-z^2)) are the laws the figures are read against, drawn as plain NumPy.
"""

from __future__ import annotations

import numpy as np

from reports import plots
from reports._figures import figure

ACTIVATION_COLORS = {"step": "tab:blue", "relu": "tab:orange", "sigmoid": "tab:green", "softplus": "tab:purple",
                     "gaussian": "tab:brown", "sinc": "tab:gray"}


@figure("shrinkage.filter_exact", by="q")
def filter_fit(records, ax):
    """GD's fitted values against the filtered fit sum_i m(s_i) (u_i^T y) u_i, entry by entry."""
    plots.predicted_vs_measured(records, ax, xlabel=r"filtered fit $\sum_i m(s_i)\,(u_i^\top y)\,u_i$",
                                ylabel=r"GD fitted values $A w_q$")


def _bandwidth(records, ax, *, paper: bool):
    judged = [r for r in records if r["status"] in ("pass", "fail") and r.get("interval")]
    seen = set()
    for r in sorted(judged, key=lambda r: r.get("role") == "counterexample"):
        act = r["config"]["activation"]
        decay = r["fitted"]["decay_exponent_p"]["value"]
        beta = float(r["measured"])
        lo, hi = r["interval"]
        ax.errorbar([decay], [beta], yerr=[[beta - lo], [hi - beta]], fmt="o" if r["status"] == "pass" else "x",
                    color=ACTIVATION_COLORS.get(act, "black"), ms=4, capsize=2,
                    label=None if act in seen else act)
        seen.add(act)
        ax.plot([decay], [float(r["predicted"])], marker="_", ms=12, color="black")
        if r.get("role") == "counterexample":
            plots.mark_counterexample(ax, [decay], [beta], label=f"shrunk counterexample ({act})")
            ax.annotate(f"{act}, n = {r['config']['n']}: exponent {beta:.3f}\n(claimed {float(r['predicted']):g})",
                        (decay, beta), xytext=(12, -28), textcoords="offset points", fontsize=7,
                        arrowprops=dict(arrowstyle="-", lw=0.6))
    ps = np.linspace(0.8, 3.5, 100)
    ax.plot(ps, 1 / (2 * ps), color="black", lw=0.8, ls=":", label=r"$1/(2p)$")
    if paper:
        ax.axhline(0.5, color="tab:red", lw=0.8, label=r"summary: $\rho \sim \sqrt{q}$ (exponent 1/2)")
    ax.set_xlabel(r"decay exponent $p$ of $s_k \sim (k - 1/2)^{-p}$")
    ax.set_ylabel(r"bandwidth exponent $d\log\rho\,/\,d\log(\alpha q)$ (95% CI)")
    ax.legend(fontsize=7)


@figure("shrinkage.bandwidth_decay_law", by="activation")
def bandwidth_decay_law(records, ax):
    """The measured bandwidth exponent (95% CI) against the fitted decay exponent p, with the law 1/(2p)."""
    _bandwidth(records, ax, paper=False)


@figure("shrinkage.bandwidth_sqrt_q", by="activation")
def bandwidth_sqrt_q(records, ax):
    """As :func:`bandwidth_decay_law`, with the paper's exponent 1/2."""
    _bandwidth(records, ax, paper=True)


@figure("shrinkage.threshold_kappa", by="eps")
def threshold(records, ax):
    """Each component's residual 1 - m_i from GD, rescaled so that the threshold sits at (1, 1/e)."""
    for status, (color, marker) in (("pass", ("tab:blue", "o")), ("fail", ("tab:red", "x"))):
        xs, ys = [], []
        for r in records:
            if r["status"] != status or not r.get("predicted"):
                continue
            kappa = r["predicted"]["kappa"]
            s_i = np.asarray(r["series"]["s"], dtype=float)
            res = np.asarray(r["series"]["residual"], dtype=float)
            xs.append(s_i / kappa)
            ys.append(np.clip(res, 1e-18, None) ** (1.0 / -np.log(r["config"]["eps"])))
        if xs:
            ax.scatter(np.concatenate(xs), np.concatenate(ys), s=6, c=color, marker=marker, alpha=0.5,
                       label=f"{plots.STATUS_LABEL[status]}: components")
    z = np.linspace(0.0, 3.0, 200)
    ax.plot(z, np.exp(-z**2), color="black", lw=0.8, label=r"$e^{-(s/\kappa)^2}$ (gradient-flow limit)")
    ax.axvline(1.0, color="black", ls="--", lw=0.8)
    ax.axhline(np.exp(-1.0), color="tab:red", ls=":", lw=0.8,
               label=r"$(1 - m)^{1/\log(1/\epsilon)} = 1/e \Leftrightarrow 1 - m = \epsilon$")
    ax.set_xlim(0, 3)
    ax.set_xlabel(r"$s_i / \kappa(\epsilon)$")
    ax.set_ylabel(r"$(1 - m_i)^{1/\log(1/\epsilon)}$ from GD")
    ax.legend(fontsize=7)


@figure("shrinkage.basis_step_exact", by="n")
def step_svd(records, ax):
    """The step Jacobian's singular values against the closed form s_k."""
    for status, (color, marker) in (("pass", ("tab:blue", "o")), ("fail", ("tab:red", "x"))):
        ps, ms = [], []
        for r in records:
            if r["status"] != status or not r.get("predicted"):
                continue
            sm = np.asarray(r["series"]["sigma"], dtype=float)
            sp_ = np.asarray(r["predicted"]["sigma"], dtype=float)
            if sm.shape == sp_.shape:
                ps.append(sp_)
                ms.append(sm)
        if ps:
            ps, ms = np.concatenate(ps), np.concatenate(ms)
            ax.scatter(ps, ms, s=6, c=color, marker=marker, alpha=0.5,
                       label=f"{plots.STATUS_LABEL[status]}: {ps.size} singular values")
    lim = ax.get_xlim()
    ax.plot(lim, lim, color="black", lw=0.8, label="$y = x$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"closed form $s_k = 1 / (2 \sin((2k-1)\pi / (2(2n+1))))$")
    ax.set_ylabel(r"$s_k$ of the step Jacobian (SVD)")
    ax.legend(fontsize=7)


@figure("shrinkage.basis_monotonic_dst", by="activation")
def dst_overlap(records, ax):
    """The overlap |<d_k, u_k>| of each active component with the DST-VII vector of its own index."""
    seen = set()
    for r in records:
        if r["status"] not in ("pass", "fail") or "overlap" not in r["series"]:
            continue
        act = r["config"]["activation"]
        ov = np.asarray(r["series"]["overlap"], dtype=float)
        ax.plot(np.arange(1, ov.size + 1), ov, "o-" if r["status"] == "pass" else "x-", ms=3, lw=0.5,
                color=ACTIVATION_COLORS.get(act, "black"), alpha=0.6, label=None if act in seen else act)
        seen.add(act)
    ax.set_xlabel("active component $k$")
    ax.set_ylabel(r"overlap $|\langle d_k, u_k\rangle|$ with the DST-VII vector")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7)


@figure("shrinkage.sinc_cliff", by="width")
def sinc_cliff(records, ax):
    """GD's bandwidth times w against tau(alpha, q), with the configuration's band as a bar: flat at 1 whatever
    tau."""
    ys = []
    for r in records:
        if r["status"] not in ("pass", "fail"):
            continue
        wd = r["config"]["width"]
        tau = r["series"]["tau"]
        below, above = r["series"]["band"]
        ys.append(float(r["measured"]) * wd)
        ax.errorbar([tau], [float(r["predicted"]) * wd], yerr=[[below * wd], [max(above, 0.0) * wd]], fmt="none",
                    capsize=2, alpha=0.3, color="black")
        ax.errorbar([tau], [ys[-1]], yerr=None,
                    fmt="o" if r["status"] == "pass" else "x", ms=4, capsize=2, alpha=0.6,
                    color="tab:blue" if r["status"] == "pass" else "tab:red")
        if r.get("role") == "counterexample":
            plots.mark_counterexample(ax, [tau], [ys[-1]])
    if ys:  # the bars of a configuration with few bandwidth steps reach far: the axis follows the data
        ax.set_ylim(min(0.0, min(ys) - 0.5), max(2.0, max(ys) + 0.5))
    ax.axhline(1.0, color="black", lw=0.8, label=r"closed form $\rho = 1/w$")
    ax.errorbar([], [], yerr=[], fmt="o", color="tab:blue", label="GD")
    ax.errorbar([], [], yerr=[], fmt="none", color="black", alpha=0.3,
                label=r"band $1/w - E - P/(1-\tau) .. 1/w - E + P/\tau$ of $(n, w, \alpha, q)$")
    ax.set_xscale("log")
    ax.set_xlabel(r"$\tau(\alpha, q) = (1 - 2^{-1/q}) / (\alpha (n w)^2)$ (smaller: more GD)")
    ax.set_ylabel(r"GD bandwidth $\rho \times w$")
    ax.legend(fontsize=7)


@figure("shrinkage.threshold_exact", by="eps")
def threshold_exact(records, ax):
    """Each component's residual 1 - m_i from GD against s_i / kappa_exact: the exact split is the corner at (1, 1)."""
    for status, (color, marker) in (("pass", ("tab:blue", "o")), ("fail", ("tab:red", "x"))):
        xs, ys = [], []
        for r in records:
            if r["status"] != status or not r.get("predicted"):
                continue
            s_i = np.asarray(r["series"]["s"], dtype=float)
            res = np.clip(np.asarray(r["series"]["residual"], dtype=float), 1e-300, None)
            keep = r["config"]["alpha"] * s_i**2 <= 1
            xs.append(s_i[keep] / r["predicted"]["kappa"])
            ys.append(np.log(res[keep]) / np.log(r["config"]["eps"]))
        if xs:
            ax.scatter(np.concatenate(xs), np.concatenate(ys), s=6, c=color, marker=marker, alpha=0.5,
                       label=f"{plots.STATUS_LABEL[status]}: components with $\\alpha s_i^2 \\leq 1$")
    ax.axvline(1.0, color="black", ls="--", lw=0.8, label=r"$s = \kappa_{exact} = \sqrt{(1 - \epsilon^{1/q})/\alpha}$")
    ax.axhline(1.0, color="tab:red", ls=":", lw=0.8, label=r"$1 - m = \epsilon$")
    ax.fill_between([0, 1], 1, 40, color="tab:red", alpha=0.08, lw=0)
    ax.fill_between([1, 4], 0, 1, color="tab:red", alpha=0.08, lw=0, label="forbidden by the exact split")
    ax.set_xlim(0, 4)
    ax.set_ylim(0, 8)
    ax.set_xlabel(r"$s_i / \kappa_{exact}(\epsilon)$")
    ax.set_ylabel(r"$\log(1 - m_i) / \log \epsilon$ from GD (above 1: $1 - m_i < \epsilon$)")
    ax.legend(fontsize=7)


@figure("shrinkage.sign_alternation", by="q")
def sign_alternation(records, ax):
    """Each component's fitted coefficient over the target's, minus 1, from GD, against alpha s_i^2, by the parity
    of q: below 0 for alpha s^2 <= 1; above 0 on odd q and below on even q past 1."""
    for parity, color in ((1, "tab:red"), (0, "tab:blue")):
        xs, ys, bad = [], [], []
        for r in records:
            if r["status"] not in ("pass", "fail") or r["config"]["q"] % 2 != parity:
                continue
            xs.append(np.asarray(r["series"]["alpha_s2"], dtype=float))
            ys.append(np.asarray(r["series"]["gain"], dtype=float) - 1.0)
            if r["status"] == "fail":
                bad.append((xs[-1], ys[-1]))
        if xs:
            ax.scatter(np.concatenate(xs), np.concatenate(ys), s=6, c=color, alpha=0.5,
                       label=f"GD, {'odd' if parity else 'even'} q")
        for x, y in bad:
            ax.scatter(x, y, s=20, marker="x", c="black")
    ax.set_yscale("symlog", linthresh=1e-10)
    ax.axvline(1.0, color="black", ls="--", lw=0.8, label=r"$\alpha s^2 = 1$")
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_xlabel(r"$\alpha s_i^2$")
    ax.set_ylabel(r"$u_i^\top H_q u_i - 1$ = GD's $m(s_i) - 1$ (symlog)")
    ax.legend(fontsize=7)


@figure("shrinkage.gaussian_bandwidth", by="width")
def gaussian_bandwidth(records, ax):
    """GD's bandwidth for the Gaussian against sqrt(log(alpha q s_1^2 / ln 2)), both scaled by pi w, with the derived
    bound R (black dashes) and the symbol's estimate (the diagonal)."""
    xs = []
    for r in records:
        if r["status"] not in ("pass", "fail"):
            continue
        wd = r["config"]["width"]
        x = float(np.sqrt(max(np.log(r["series"]["alpha_q_s1_2"] / np.log(2.0)), 0.0)))
        xs.append(x)
        ax.scatter([x], [np.pi * wd * (float(r["measured"]) - 0.5)], s=14,
                   c="tab:blue" if r["status"] == "pass" else "tab:red", marker="o" if r["status"] == "pass" else "x")
        ax.plot([x], [np.pi * wd * (float(r["predicted"]) - 0.5)], marker="_", ms=10, color="black")
        if r.get("role") == "counterexample":
            plots.mark_counterexample(ax, [x], [np.pi * wd * (float(r["measured"]) - 0.5)])
    top = max(xs) if xs else 4.0
    ax.plot([0, top], [0, top], color="tab:gray", lw=0.8, ls=":", label=r"symbol's estimate (reported, not judged)")
    ax.scatter([], [], c="tab:blue", s=14, label=r"GD: $\pi w (\rho - 1/2)$")
    ax.plot([], [], marker="_", ms=10, ls="none", color="black", label=r"bound: $\pi w (R(\alpha q) - 1/2)$")
    ax.set_xlabel(r"$\sqrt{\log(\alpha q s_1^2 / \ln 2)}$")
    ax.set_ylabel(r"$\pi w (\rho - 1/2)$")
    ax.legend(fontsize=7)
