"""Figures of the ntk family, drawn from stored records alone."""

from __future__ import annotations

import numpy as np

from reports._figures import figure

JUDGED = ("pass", "fail")


def _degrees(config) -> list[int]:
    """The target degrees of a training configuration ("1,2,4" -> [1, 2, 4])."""
    return [int(x) for x in str(config["degrees"]).split(",")]


@figure("ntk.spectrum_circle", "ntk.spectrum_sphere")
def spectrum(records, ax):
    """Closed-form mu_k against quadrature, log-log in k, per (d, bias)."""
    groups = {}
    for r in records:
        if r["status"] not in JUDGED or r.get("predicted") is None:
            continue
        key = (r["config"]["d"], r["config"]["bias"])
        groups.setdefault(key, []).append((r["config"]["k"], float(r["predicted"]), float(r["measured"])))
    for (dim, b), rows in sorted(groups.items()):
        rows.sort()
        ks = np.array([x[0] for x in rows], dtype=float)
        p = np.array([x[1] for x in rows])
        mvals = np.array([x[2] for x in rows])
        ok = (ks > 0) & (p > 1e-14)
        line, = ax.plot(ks[ok], p[ok], "-", lw=0.8, label=f"closed form d={dim} bias={b}")
        ok2 = (ks > 0) & (mvals > 1e-14)
        ax.plot(ks[ok2], mvals[ok2], "o", ms=3, color=line.get_color())
        if ok.sum() >= 2:
            kk = ks[ok][-1]
            ax.plot(ks[ok], p[ok][-1] * (ks[ok] / kk) ** (-float(dim)), ":", color=line.get_color(), lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("degree k")
    ax.set_ylabel("mu_k (line: closed form; dots: quadrature; dotted: k^-d)")
    ax.legend(fontsize=6)


@figure("ntk.decay_law")
def decay(records, ax):
    """Local exponents s(k) against k, and -d."""
    for r in records:
        if r["status"] not in JUDGED or not r.get("series"):
            continue
        line, = ax.plot(r["series"]["k"], r["series"]["local_exponent"], "o-", ms=2, lw=0.6)
        ax.axhline(-r["config"]["d"], color=line.get_color(), ls=":", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("degree k")
    ax.set_ylabel("local exponent log(mu_2k/mu_k)/log 2  (dotted: -d)")


@figure("ntk.learning_rates", "ntk.cao_experiment")
def residual_curves(records, ax):
    """Per-degree <r_t,phi_k>/<r_0,phi_k> (dots) against (1 - eta mu_k)^t (lines), a few configurations."""
    shown = 0
    for r in records:
        if r["status"] not in JUDGED or not r.get("series") or shown >= 3:
            continue
        tt = np.asarray(r["series"]["t"], float)
        pred = np.asarray(r["predicted"], float)
        for j, kk in enumerate(_degrees(r["config"])):
            line, = ax.plot(tt, np.asarray(r["series"][f"degree_{kk}"]), "o", ms=2)
            ax.plot(tt, pred[:, j], "-", lw=0.8, color=line.get_color(),
                    label=f"k={kk}, d={r['config']['d']}" if shown == 0 else None)
        shown += 1
    ax.set_xlabel("GD step t")
    ax.set_ylabel("<r_t, phi_k> / <r_0, phi_k>  (line: (1 - eta mu_k)^t)")
    ax.legend(fontsize=6)


@figure("ntk.gram_spectrum")
def gram_rate(records, ax):
    """Mean eigenvalue error against n (circles) and m (squares), log-log, with the slope -1/2."""
    for r in records:
        if r["status"] not in JUDGED or not r.get("series"):
            continue
        s, e = np.asarray(r["series"]["size"], float), np.asarray(r["series"]["mean_error"], float)
        ax.plot(s, e, "o-" if r["config"]["axis"] == "n" else "s--", ms=3, lw=0.6, alpha=0.7)
    xs = np.array([64.0, 4096.0])
    ax.plot(xs, 0.3 * xs ** -0.5, "k:", lw=1, label="slope -1/2")
    ax.set_xscale("log")
    ax.set_yscale("log")
    inset = ax.inset_axes([0.62, 0.6, 0.36, 0.37])
    for r in records:
        if r["status"] in JUDGED and r.get("series", {}).get("empirical_top"):
            e = np.asarray(r["series"]["empirical_top"], float)
            p = np.asarray(r["series"]["mu_with_multiplicity"], float)
            idx = np.arange(1, e.size + 1)
            inset.plot(idx, p, "k-", lw=0.8, drawstyle="steps-mid")
            inset.plot(idx, e, "o", ms=2)
            inset.set_title(f"d={r['config']['d']}: eigenvalues (dots) vs mu_k x N(d,k)", fontsize=5)
            break
    inset.set_xscale("log")
    inset.set_yscale("log")
    inset.tick_params(labelsize=5)
    ax.set_xlabel("n (circles: H/n vs mu_k) or m (squares: H_m/n vs H/n)")
    ax.set_ylabel("rms eigenvalue error, top sum_{k<=2} N(d,k)")
    ax.legend(fontsize=6, loc="lower left")


@figure("ntk.nonuniform_data")
def nonuniform(records, ax):
    """The measured deviation term against the concentration c of the input distribution."""
    judged = [r for r in records if r["status"] in JUDGED and r.get("series")]
    ax.scatter([r["config"]["concentration"] for r in judged], [r["series"]["deviation_max"] for r in judged], s=10)
    ax.set_xlabel("concentration c (inputs: normalised N(c e_1, I); c = 0 uniform)")
    ax.set_ylabel("max_s ||(T - T^n_{K_s}) r_s|| + ||rho_s||/eta")
