"""Rendering of theorem-against-experiment reports from a ``results.json``.

Runs write their reports under this folder (``reports/latest/`` by default);
``reports/baseline.json`` is the committed result the regression check compares
against.
"""

from reports._render import render

__all__ = ["render"]
