"""A claim's table: one row per configuration, a column per varying configuration key and per fitted quantity.

Keys that take one value in every configuration are stated once above the table instead of in every row; the
shrunk counterexample (or, for a claim that holds, the worst agreement) comes first, then the disagreements, then
the agreements from the largest error / tolerance down, and the configurations outside the theorem's assumptions
last, with their reasons in full.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reports import _records, _text

ROLE_WORDS = {"counterexample": "shrunk counterexample", "worst": "worst agreement"}


@dataclass
class Row:
    cells: list[str]
    status: str
    role: str | None = None


@dataclass
class Table:
    header: list[str]
    numeric: list[bool]  # which columns hold numbers (never wrapped)
    rows: list[Row]
    fixed: dict = field(default_factory=dict)
    total: int = 0


def _scalar(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _fitted_columns(records: Sequence[Mapping]) -> list[str]:
    """Fitted quantities with a number for a value, except those that repeat the measured value."""
    names: list[str] = []
    repeats: dict[str, bool] = {}
    for r in records:
        for name, entry in (r.get("fitted") or {}).items():
            if not isinstance(entry, Mapping) or not _scalar(entry.get("value")):
                continue
            if name not in names:
                names.append(name)
                repeats[name] = True
            measured = r.get("measured")
            if not (_scalar(measured) and abs(entry["value"] - measured) <= 1e-12 * max(1.0, abs(measured))):
                repeats[name] = False
    return [n for n in names if not repeats[n]]


def _ratio_cell(r: Mapping) -> str:
    margin = _records.bound_margin(r)
    if margin is not None:
        return (f"bound met by {_text.number(margin, 3)}" if r["status"] == "pass"
                else f"past the bound by {_text.number(r.get('error'), 3)}")
    return _text.ratio_text(_records.ratio(r))


def table(claim: Mapping, records: Sequence[Mapping] | None = None) -> Table:
    """The table of ``claim`` (from :func:`reports._records.shown_records` unless ``records`` is given)."""
    records = _records.ordered(_records.shown_records(claim) if records is None else records)
    fixed, varying = _records.fixed_and_varying(records)
    judged = [r for r in records if r["status"] in _records.JUDGED]
    scalar = any(_scalar(r.get("predicted")) and _scalar(r.get("measured")) for r in judged)
    fitted = _fitted_columns(records)
    reasons = any(r.get("reason") for r in records)
    header = (["", *varying, "status"] + (["predicted", "measured"] if scalar else []) + fitted
              + ["error / tolerance"] + (["reason"] if reasons else []))
    numeric_keys = [all(_scalar(r["config"].get(k)) for r in records) for k in varying]
    numeric = ([False] + numeric_keys + [False] + [True] * ((2 if scalar else 0) + len(fitted) + 1)
               + ([False] if reasons else []))
    rows = []
    for r in records:
        cells = [ROLE_WORDS.get(r.get("role"), ""), *(_text.number(r["config"].get(k)) for k in varying),
                 _text.STATUS_WORDS.get(r["status"], r["status"])]
        if scalar:
            cells += [_text.number(r.get("predicted")), _text.with_interval(r.get("measured"), r.get("interval"))
                      if _scalar(r.get("measured")) else _text.number(r.get("measured"))]
        for name in fitted:
            entry = (r.get("fitted") or {}).get(name) or {}
            cells.append(_text.with_interval(entry.get("value"), entry.get("interval")))
        cells.append(_ratio_cell(r) if r["status"] in _records.JUDGED else "-")
        if reasons:
            cells.append(r.get("reason") or "")
        rows.append(Row(cells, r["status"], r.get("role")))
    return Table(header, numeric, rows, fixed, len(records))


def fixed_text(t: Table) -> str:
    """'In every configuration: d = 2, bias = 0.' or ''."""
    if not t.fixed:
        return ""
    return "In every configuration: " + ", ".join(f"{k} = {_text.number(v)}" for k, v in t.fixed.items()) + "."
