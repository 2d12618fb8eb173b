"""A pytest plugin: chosen claims run as test items of a researcher's own test suite.

Installed with the package (entry point ``gd_theory_checks`` in the group ``pytest11``), it adds nothing to a run
unless claims are named::

    pytest --gd-claims splines.natural_spline,shrinkage --gd-profile ci --gd-seed 0
    pytest --gd-claims quadratic --gd-baseline reports/baseline.txt

or in the ini file, one claim id or family per line under ``gd_claims``.  Each claim is one test item, which
passes when the claim's verdict is the expected one: ``holds``, or the verdict a baseline file records (so a
documented finding such as a falsified claim passes as long as it stays falsified).  A failing item prints the
verdict, the worst configuration and the ``check`` command that re-runs it.  Loading the plugin imports nothing
but this module; the claims' code is imported when the items are collected, JAX when one runs.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("gd-theory-checks", "theorem claims as test items")
    group.addoption("--gd-claims", default=None, metavar="IDS",
                    help="comma-separated claim ids or families to run as test items")
    group.addoption("--gd-profile", default="ci", metavar="PROFILE", help="dev, ci or thorough (default: ci)")
    group.addoption("--gd-seed", type=int, default=0, metavar="S", help="the search's seed (default: 0)")
    group.addoption("--gd-baseline", default=None, metavar="FILE",
                    help="expected verdicts (a baseline.txt or results.json); default: every claim holds")
    parser.addini("gd_claims", type="linelist", help="claim ids or families to run as test items")


def _names(config) -> list[str]:
    given = config.getoption("--gd-claims")
    if given:
        return [n.strip() for n in given.split(",") if n.strip()]
    return list(config.getini("gd_claims"))


class ClaimFailed(Exception):
    pass


class ClaimItem(pytest.Item):
    """One claim, run on the chosen profile and seed."""

    def __init__(self, *, claim_id: str, expected: str, **kwargs):
        super().__init__(**kwargs)
        self.claim_id, self.expected = claim_id, expected

    def runtest(self):
        from theorems import _registry
        from theorems._claim import PROFILES
        from theorems._runner import run_claim

        profile, seed = self.config.getoption("--gd-profile"), self.config.getoption("--gd-seed")
        result = run_claim(_registry.get(self.claim_id), PROFILES[profile], seed=seed)
        self.user_properties.append(("verdict", result["verdict"]))
        if result["verdict"] != self.expected:
            worst = result.get("counterexample") or (result.get("worst") or {}).get("config")
            if isinstance(worst, list):
                worst = worst[0] if worst else None
            import json

            command = (f"python -m theorems check {self.claim_id} --config '{json.dumps(worst)}' --seed {seed}"
                       if worst else "")
            raise ClaimFailed(f"{self.claim_id}: {result['verdict']} (expected {self.expected}) on the {profile} "
                              f"profile, seed {seed}\n  worst: {result.get('worst')}\n  {command}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"claim {self.claim_id}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    names = _names(config)
    if not names:
        return
    from theorems import _registry, _results

    profile = config.getoption("--gd-profile")
    from theorems._claim import PROFILES

    if profile not in PROFILES:
        raise pytest.UsageError(f"--gd-profile: {profile!r} is not one of {', '.join(sorted(PROFILES))}")
    try:
        claims = _registry.select(names)
    except _registry.UnknownClaimError as exc:
        raise pytest.UsageError(str(exc)) from None
    expected = {}
    if config.getoption("--gd-baseline"):
        from pathlib import Path

        try:
            expected = _results.read_baseline(Path(config.getoption("--gd-baseline")))["expected"]
        except _results.ResultsFileError as exc:
            raise pytest.UsageError(f"--gd-baseline: {exc}") from None
    items.extend(ClaimItem.from_parent(session, name=c.id, claim_id=c.id, expected=expected.get(c.id, "holds"))
                 for c in claims)
