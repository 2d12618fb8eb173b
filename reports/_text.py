"""How numbers, configurations and commands are written in a report: one place, so that the HTML, the markdown
and the CI outputs say the same thing in the same way."""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Mapping

VERDICT_WORDS = {"holds": "holds", "falsified": "falsified", "out_of_scope": "out of scope", "error": "error"}
STATUS_WORDS = {"pass": "agrees", "fail": "disagrees", "out_of_scope": "out of scope", "error": "error"}


def number(x, digits: int = 4) -> str:
    """A number in ``digits`` significant figures ('-' for none); lists of up to four entries are written out."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, list):
        return f"[{len(x)} values]" if len(x) > 4 else "[" + ", ".join(number(v, digits) for v in x) + "]"
    return str(x)


def with_interval(value, interval) -> str:
    """``value [lo, hi]``, or the value alone."""
    if interval is None or not isinstance(interval, (list, tuple)) or len(interval) != 2:
        return number(value)
    return f"{number(value)} [{number(interval[0])}, {number(interval[1])}]"


def config_json(config: Mapping) -> str:
    """A configuration as the JSON that ``check --config`` reads (the values exactly as stored)."""
    return json.dumps(dict(config), separators=(", ", ": "))


def check_command(claim_id: str, config: Mapping, seed) -> str:
    """The shell command that measures ``config`` again with the run's seed, and so gives the same numbers.

    A configuration's PRNG key is the run's seed folded with a hash of the configuration, so the seed is part of
    what reproduces a measurement of a stochastic experiment."""
    command = f"python -m theorems check {claim_id} --config {shlex.quote(config_json(config))}"
    return command + (f" --seed {int(seed)}" if isinstance(seed, int) else "")


def ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    if math.isinf(ratio):
        return "inf"
    return number(ratio, 3)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def paragraphs(text: str) -> list[str]:
    """A docstring-like text as paragraphs: single line breaks joined, blank lines kept as breaks."""
    blocks, current = [], []
    for line in text.strip().splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks
