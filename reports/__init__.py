"""Rendering of theorem-against-experiment reports from a ``results.json``.

Runs write their reports under this folder (``reports/latest/`` by default);
``reports/baseline.txt`` holds the expected verdicts the regression check compares
against.  :mod:`reports.ci` writes what a CI system reads (JUnit XML, a markdown summary).
"""

from reports._render import render

__all__ = ["render"]
