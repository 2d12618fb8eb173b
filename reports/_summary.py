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
    label = "smallest counterexample" if claim["verdict"] in ("falsified", "error") else "worst agreement"
    return [Case(label, w, _text.check_command(claim["id"], w["config"], seed))]


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
