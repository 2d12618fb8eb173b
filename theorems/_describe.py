"""``python -m theorems describe CLAIM``: what a claim states, where it comes from, how it is judged, and which
keys its configurations hold (from the family's declared ``KEYS``), with an example configuration to start from."""

from __future__ import annotations

import json
import textwrap
import warnings

from theorems._claim import PROFILES, Claim


def example_batch(claim: Claim, profile: str = "ci") -> tuple:
    """The simplest batch the claim's strategy draws on ``profile`` (Hypothesis's minimal example: the same
    every time)."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NonInteractiveExampleWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        return find(claim.configurations(PROFILES[profile]), lambda batch: True,
                    settings=settings(database=None, derandomize=True, max_examples=50,
                                      suppress_health_check=list(HealthCheck)))


def resolution_texts(claim: Claim) -> list[str]:
    """How the claim states its resolution, if it has one: its configurations pooled, or each judged configuration
    judged again with the prediction moved."""
    texts = []
    if claim.pooling is not None:
        texts.append(f"resolution: the fitted {claim.pooling.label} of each configuration is pooled into one "
                     "random-effects estimate and interval (theorems/_pooling.py); a run states the deviation it "
                     "detects with probability 95%")
    if claim.shift is not None:
        texts.append(f"resolution: each judged configuration is judged again with the prediction moved "
                     f"({claim.shift.unit}); a run states the smallest shift on each side it would have detected "
                     "(theorems/_resolution.py)")
    return texts


def describe(claim: Claim) -> str:
    """The text ``describe`` prints."""
    from theorems import _keys

    wrap = lambda text, indent="  ": textwrap.indent(textwrap.fill(" ".join(str(text).split()), 100), indent)
    batch = example_batch(claim)
    config = dict(batch[0])
    keys = _keys.declared(claim) or {}
    lines = [claim.id, "", "statement:", wrap(claim.statement), "", "source:", wrap(claim.source), "",
             f"closed form: {claim.closed_form}"]
    if claim.symbols:
        lines += ["symbols:"] + [f"  {name}: {doc}" for name, doc in claim.symbols.items()]
    lines += ["", f"agreement: {claim.agreement.name}", wrap(claim.agreement.reason)]
    lines += [line for text in resolution_texts(claim) for line in ("", wrap(text, ""))]
    lines += ["", f"configuration keys (declared in {claim.package}.configurations.KEYS):"]
    for name in config:
        key = keys.get(name)
        lines.append(wrap(f"{name}: {key.describe() if key is not None else 'not declared'}"))
    example = json.dumps(config, sort_keys=False)
    lines += ["", "an example configuration (the ci profile's simplest draw):", f"  {example}", "",
              "check it (exit 0: agrees, 1: disagrees, 2: outside the assumptions or not valid):",
              f"  python -m theorems check {claim.id} --config '{example}' --seed 0"]
    return "\n".join(lines)
