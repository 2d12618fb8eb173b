"""What a claim's stored records say, read the same way by tables, figures and summaries.

A claim's ``records`` are the configurations its search generated; a falsified claim's ``counterexample`` is the
batch Hypothesis shrank to, measured after the search, and usually not among the records.  Everything a report
shows is drawn from :func:`shown_records`, which puts the counterexample first (tagged ``"role":
"counterexample"``), so that its table, its figure and its bold line speak of the same configuration.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

JUDGED = ("pass", "fail")
_ORDER = {"error": 0, "fail": 1, "pass": 2, "out_of_scope": 3}


def _key(config: Mapping) -> str:
    return json.dumps(config, sort_keys=True)


def shown_records(claim: Mapping) -> list[dict]:
    """The records a report shows: the shrunk counterexample's (tagged) first, then the search's records without
    the configurations already shown, with the worst agreement of a claim that holds tagged ``"worst"``."""
    shown: list[dict] = []
    seen: set[str] = set()
    for r in claim.get("counterexample") or []:
        if r["status"] in ("fail", "error"):
            shown.append({**r, "role": "counterexample"})
            seen.add(_key(r["config"]))
    worst = claim.get("worst") or {}
    worst_key = _key(worst["config"]) if worst.get("config") is not None and not shown else None
    for r in claim.get("records") or []:
        k = _key(r["config"])
        if k in seen:
            continue
        seen.add(k)
        shown.append({**r, "role": "worst"} if k == worst_key else dict(r))
    return shown


def ratio(record: Mapping) -> float | None:
    """error / tolerance (below 1 agrees); 0 for an exact agreement within a zero tolerance; None if unjudged."""
    err, tol = record.get("error"), record.get("tolerance")
    if not isinstance(err, (int, float)) or not isinstance(tol, (int, float)):
        return None
    if tol > 0:
        return err / tol
    return 0.0 if err <= 0 else math.inf


def is_bound(record: Mapping) -> bool:
    """A one-sided bound judged by an interval: the tolerance is zero and the error is how far the whole interval
    lies past the bound (zero while any part of it is on the bound's side)."""
    return record.get("tolerance") == 0 and record.get("interval") is not None \
        and isinstance(record.get("predicted"), (int, float))


def bound_margin(record: Mapping) -> float | None:
    """For a one-sided bound (:func:`is_bound`): how far the interval's lower end lies below the bound (the suite's
    bounds are upper bounds on an exponent, contradicted when the whole interval lies above it); else None."""
    if not is_bound(record):
        return None
    return float(record["predicted"]) - float(record["interval"][0])


def ordered(records: Sequence[Mapping]) -> list[Mapping]:
    """Counterexample first, then errors, disagreements, the worst agreement and the other agreements from the
    largest error / tolerance down (for one-sided bounds from the smallest margin up), and configurations outside
    the assumptions last."""

    def key(r):
        q = ratio(r)
        margin = bound_margin(r)
        closeness = -q if q is not None and margin is None else (margin if margin is not None else 0.0)
        return (r.get("role") != "counterexample", _ORDER.get(r["status"], 4), r.get("role") != "worst", closeness)

    return sorted(records, key=key)


def fixed_and_varying(records: Sequence[Mapping]) -> tuple[dict, list[str]]:
    """The configuration keys with one value in every record (and that value), and the keys that vary."""
    keys: list[str] = []
    for r in records:
        keys.extend(k for k in r["config"] if k not in keys)
    fixed, varying = {}, []
    for k in keys:
        values = {json.dumps(r["config"].get(k)) for r in records}
        if len(values) == 1 and len(records) > 1:
            fixed[k] = records[0]["config"].get(k)
        else:
            varying.append(k)
    return fixed, varying


def headline(claim: Mapping) -> tuple[float | None, float | None]:
    """A claim's summary figure: (worst error / tolerance, smallest bound margin); the margin stands in for the
    ratio where every judged configuration is a one-sided bound (whose ratio is 0 / 0 while it holds)."""
    worst = claim.get("worst")
    q = ratio(worst) if worst else None
    judged = [r for r in claim.get("records") or [] if r["status"] in JUDGED]
    if claim.get("verdict") == "holds" and judged and all(is_bound(r) for r in judged):
        return None, min(bound_margin(r) for r in judged)
    return q, None
