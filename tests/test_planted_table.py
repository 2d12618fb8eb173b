"""The table of planted wrong versions, counted: every claim has at least two, at least half of all are planted in
the experiment (:mod:`numerics`), and the kill-rate table (``python -m theorems._planted``) counts them right."""

from __future__ import annotations

import collections

import theorems
from theorems import _planted


def test_every_claim_has_at_least_two_planted_wrong_versions():
    per_claim = collections.Counter(p.claim for p in _planted.entries())
    short = {c.id: per_claim[c.id] for c in theorems.all_claims() if per_claim[c.id] < 2}
    assert not short, f"claims with fewer than two planted wrong versions: {short}"


def test_at_least_half_of_the_planted_versions_are_in_the_experiment():
    entries = _planted.entries()
    in_numerics = sum(p.in_numerics for p in entries)
    assert 2 * in_numerics >= len(entries), f"{in_numerics} of {len(entries)} planted in numerics"


def test_the_kill_rate_table_counts_every_entry():
    entries = _planted.entries()
    table = _planted.kill_rates(entries)
    assert table["all"]["entries"] == len(entries)
    assert table["all"]["caught"] + table["all"]["survives"] == len(entries)
    families = {c.id.split(".")[0] for c in theorems.all_claims()}
    assert set(table) == families | {"all"}
    assert table["all"]["numerics_caught"] == sum(p.in_numerics and p.expected == "falsified" for p in entries)
    for key in ("entries", "caught", "survives", "numerics", "numerics_caught", "fast"):
        assert sum(table[f][key] for f in families) == table["all"][key]
    text = _planted.kill_rate_text(entries)
    assert text.count("\n- ") == table["all"]["survives"]   # every survivor listed with its reason
