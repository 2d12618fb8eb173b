"""What the first screen of a report says, shared by the HTML, the markdown and the CI outputs: totals, claims
grouped by family with one number each, and for each claim its worst case or counterexample with the command
that reproduces it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reports import _records, _text

VERDICT_ORDER = ("holds", "falsified", "out_of_scope", "error")
_COUNTED = {"holds": ("holds", "hold"), "falsified": ("falsified", "falsified"),
            "out_of_scope": ("out of scope", "out of scope"), "error": ("error", "errors")}


def totals_text(claims: Sequence[Mapping]) -> str:
    """'27 claims: 26 hold, 1 falsified'."""
    counts = {v: sum(1 for c in claims if c["verdict"] == v) for v in VERDICT_ORDER}
    others = sorted({c["verdict"] for c in claims} - set(VERDICT_ORDER))
    parts = [f"{counts[v]} {_COUNTED[v][counts[v] != 1]}" for v in VERDICT_ORDER if counts[v]]
    parts += [f"{sum(1 for c in claims if c['verdict'] == v)} {v}" for v in others]
    return f"{_text.plural(len(claims), 'claim')}: " + ", ".join(parts)


def by_family(claims: Sequence[Mapping]) -> dict[str, list[Mapping]]:
    groups: dict[str, list[Mapping]] = {}
    for c in claims:
        groups.setdefault(c.get("family") or c["id"].split(".")[0], []).append(c)
    return groups


def judged_text(claim: Mapping) -> str:
    """'24 of 26' configurations judged (the others fell outside the assumptions or raised)."""
    ex = claim["examples"]
    judged = ex["pass"] + ex["fail"]
    total = judged + ex["out_of_scope"] + ex["error"]
    return str(judged) if judged == total else f"{judged} of {total}"


def headline_text(claim: Mapping) -> str:
    """The summary's last column: the worst error / tolerance, or for bound claims the smallest margin."""
    q, margin = _records.headline(claim)
    if margin is not None:
        return f"bound met by {_text.number(margin, 3)}"
    return _text.ratio_text(q)


@dataclass
class Case:
    """A configuration a report singles out: the shrunk counterexample, or the worst agreement."""
    label: str
    record: Mapping
    command: str

    def text(self) -> str:
        r = self.record
        out = f"{self.label}: {_text.config_json(r['config'])}"
        if isinstance(r.get("error"), (int, float)):
            out += (f"; error {_text.number(r['error'])} against tolerance {_text.number(r.get('tolerance'))}"
                    f" (error / tolerance {_text.ratio_text(_records.ratio(r))})")
        if isinstance(r.get("measured"), (int, float)) and isinstance(r.get("predicted"), (int, float)):
            out += f"; predicted {_text.number(r['predicted'])}, measured " + \
                _text.with_interval(r["measured"], r.get("interval"))
        if r.get("reason"):
            out += f"; {r['reason']}"
        return out


def cases(claim: Mapping, seed) -> list[Case]:
    """The shrunk counterexample's failing configurations, or the worst agreement, each with its command."""
    failing = [r for r in claim.get("counterexample") or [] if r["status"] in ("fail", "error")]
    if failing:
        label = "smallest counterexample" if len(failing) == 1 else "a configuration of the smallest counterexample"
        return [Case(label, r, _text.check_command(claim["id"], r["config"], seed)) for r in failing]
    w = claim.get("worst")
    if not w:
        return []
    by_search = claim["verdict"] == "error" or (claim["verdict"] == "falsified" and
                                                "pooled" not in (claim.get("falsified_by") or []))
    label = "smallest counterexample" if by_search else "worst agreement"
    return [Case(label, w, _text.check_command(claim["id"], w["config"], seed))]


def _num(x) -> float | None:
    """A number stored in results.json (non-finite numbers are stored as their repr, 'inf')."""
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _level_text(level) -> str:
    return f"1 - {1 - float(level):.2g}"


def pooled_cell(claim: Mapping) -> str:
    """The summary's pooled column: the claim-level estimate with its interval, I^2 and the resolution."""
    p = claim.get("pooled")
    if not p:
        s = claim.get("shifted")
        return "" if not s else f"detects shifts {_thresholds(s)}"
    est = p.get("estimate")
    shown = (_text.with_interval(est, p.get("interval")) if est is not None
             else "deviation " + _text.with_interval(p["deviation"], p.get("deviation_interval")))
    return f"{shown}; I² {100 * p['i2']:.0f}%; resolves {_text.number(_num(p['resolution']), 2)}"


def _thresholds(s: Mapping) -> str:
    """A run's thresholds (theorems/_resolution.py) in words."""
    def side(v):
        return f"≥ {_text.number(_num(v), 3)}" if v is not None else f"none up to {_text.number(_num(s.get('most')), 2)}"
    return f"{side(s.get('below'))} below, {side(s.get('above'))} above ({s['unit']})"


def shifted_text(claim: Mapping) -> list[str]:
    """What a claim judged configuration by configuration would have detected, in a sentence."""
    s = claim.get("shifted")
    if not s or claim.get("pooled"):
        return []
    return [f"Resolution of this run: judged again with the prediction moved (nothing measured again), its "
            f"{s['k']} configurations would have reported the claim falsified for shifts {_thresholds(s)}; the "
            "shift detected with probability 95% is the 95th percentile of this threshold over seeds "
            "(python -m theorems calibrate, reports/resolution.csv)."]


def pooled_text(claim: Mapping) -> list[str]:
    """The claim-level estimate in sentences: the estimate, its interval and level, the heterogeneity, the
    resolution, and for a pooled falsification the configurations that drive it and what the deviation goes
    with."""
    p = claim.get("pooled")
    if not p:
        return shifted_text(claim)
    side = "two-sided" if p["sides"] == "two" else "one-sided (an upper bound: falsified when the interval lies wholly above)"
    est = p.get("estimate")
    shown = (_text.with_interval(est, [v if _num(v) is not None and abs(_num(v)) != float("inf") else "inf"
                                        for v in p["interval"]])
             if est is not None else "deviation " + _text.with_interval(p["deviation"], p.get("deviation_interval")))
    verdict = ("excludes the prediction: the claim is falsified by its configurations together" if p["falsified"]
               else "contains the prediction" if p["sides"] == "two" else "does not lie above the prediction")
    out = [f"Pooled over {p['k']} configurations ({p['fitted']}, random effects, Paule-Mandel tau², Hartung-Knapp "
           f"t with {p['dof']} degrees of freedom, {side}): {shown} at level {_level_text(p['level'])}, "
           f"against the prediction {_text.number(p.get('predicted'))}; the interval {verdict}. Heterogeneity: "
           f"tau {_text.number(p['tau'], 3)}, I² {100 * p['i2']:.0f}%, Q {_text.number(p['q'], 3)} on {p['dof']} "
           f"degrees of freedom.",
           f"Resolution: a true {p['fitted']} {_text.number(_num(p['resolution']), 3)} from the prediction"
           f"{'' if p['sides'] == 'two' else ' (above it)'} is detected with probability at least 95% by this run's "
           f"tests (pooled standard error {_text.number(p['se'], 3)}; the per-configuration intervals' half-widths "
           f"median {_text.number(_median([c['half_width'] for c in p.get('configurations') or []]), 3)})."]
    if p["falsified"]:
        drivers = "; ".join(f"{_text.config_json(d['config'])}: {_text.number(d['value'])} (se "
                            f"{_text.number(d['se'], 2)}, Q term {_text.number(d['q_term'], 3)})"
                            for d in p.get("drivers") or [])
        out.append(f"Driven most by: {drivers}.")
        mods = []
        for name, m in (p.get("moderators") or {}).items():
            if m["kind"] == "regression":
                mods.append(f"{name}: {_text.number(m['coefficient'], 3)} per unit (se {_text.number(m['se'], 2)}, "
                            f"p {_text.number(m['p'], 2)}, over {_text.number(m['range'][0], 3)}.."
                            f"{_text.number(m['range'][1], 3)})")
            else:
                mods.append(f"{name}: " + ", ".join(f"{g} {_text.number(v['estimate'], 3)} (k {v['k']})"
                                                     for g, v in m["groups"].items()))
        if mods:
            out.append("Meta-regression of the deviation on what varies: " + "; ".join(mods) + ".")
    return out


def _median(values) -> float | None:
    values = sorted(v for v in values if isinstance(v, (int, float)))
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def no_case_text(claim: Mapping) -> str:
    return claim.get("error") or "no configuration was judged"


def counts_text(claim: Mapping) -> str:
    ex = claim["examples"]
    return (f"{ex['pass']} agree, {ex['fail']} disagree, {ex['out_of_scope']} out of scope, {ex['error']} errors "
            f"over {ex['hypothesis_examples']} Hypothesis examples ({ex['shrink_steps']} shrink steps); "
            f"{claim['wall_s']:.1f} s")


def environment_text(env: Mapping) -> str:
    return (f"Profile {env.get('profile')}, seed {env.get('seed')}, commit {env.get('git_commit')}, "
            f"{env.get('started')}, {env.get('wall_s', 0):.0f} s; JAX {env.get('jax')} on {env.get('backend')}, "
            f"float64 {'on' if env.get('float64') else 'OFF'}.")


def anchor(claim_id: str) -> str:
    """The HTML id of a claim's section."""
    return "claim-" + "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in claim_id)
