"""The report: its structure (contents, links, totals, one table row per configuration, the cut stated), a
falsified claim's counterexample in its table and figure, the commands that reproduce a case, every formula
typeset, the CI outputs (JUnit XML, markdown summary), and, where Chromium is installed, the page as a browser
lays it out.

The renders use ``tests/data/results_dev_seed1.json.gz``: dev-profile runs with seed 1 (every claim, cut to a
few configurations each, numbers other than configurations rounded to 4 digits; the claims added or whose records
changed since 08ab30f from a run at a later commit, eight records each with the worst).  Rendering the fast tier's
selection takes about 10 s on the 2-core machine; every claim's figure is drawn in the slow tier.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports import _formula, _records, _render, _summary, _tables, ci
from reports._html import MAX_ROWS, OPEN_ROWS

DATA = Path(__file__).resolve().parent / "data" / "results_dev_seed1.json.gz"
FAST_CLAIMS = ("shrinkage.bandwidth_sqrt_q", "ntk.spectrum_circle", "ntk.learning_rates", "splines.spline_rate_bound",
               "splines.curvature_density", "shrinkage.basis_monotonic_dst")


def _results(ids=None) -> dict:
    with gzip.open(DATA, "rt") as fh:
        data = json.load(fh)
    if ids is not None:
        data["claims"] = [c for c in data["claims"] if c["id"] in ids]
    return data


class _Page(HTMLParser):
    """The parts of report.html the tests look at: ids, links, sections, table rows, images, text."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.sections, self.images = set(), [], [], []
        self.stack, self.rows, self.text = [], [], []
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag == "details":
            self.stack.append("details")
        if tag == "tr":
            self._row = {"section": self.sections[-1] if self.sections else None, "cells": [],
                         "folded": "details" in self.stack, "class": a.get("class")}
        if tag in ("td", "th") and self._row is not None:
            self._cell = {"tag": tag, "class": a.get("class"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "details" and self.stack:
            self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            self._row["cells"].append(self._cell)
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell["text"] += data


def _page(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    results = _results(FAST_CLAIMS)
    out = tmp_path_factory.mktemp("report")
    _render.render(results, out, strict=True)
    return results, out


def test_first_screen_has_totals_contents_and_a_link_to_every_claim(rendered):
    results, out = rendered
    html = (out / "report.html").read_text()
    page = _page(html)
    verdicts = [c["verdict"] for c in results["claims"]]
    totals = f"{len(verdicts)} claims: {verdicts.count('holds')} hold, {verdicts.count('falsified')} falsified"
    assert totals in html
    for c in results["claims"]:
        anchor = _summary.anchor(c["id"])
        assert f"#{anchor}" in page.links, f"the summary does not link {c['id']}"
        assert anchor in page.ids and anchor in page.sections
    for href in page.links:
        assert href.startswith("#") and href[1:] in page.ids, f"dangling link {href}"
    assert any(h.startswith("#family-") for h in page.links), "no contents line linking the families"
    assert "background:#cf222e'>falsified" in html and "background:#1a7f37'>holds" in html
    assert "<script" not in html and "http" not in "".join(page.images), "the page must be self-contained"


def test_one_row_per_configuration_failures_first_and_the_cut_stated(rendered):
    results, out = rendered
    page = _page((out / "report.html").read_text())
    for c in results["claims"]:
        body = [r for r in page.rows if r["section"] == _summary.anchor(c["id"])
                and all(cell["tag"] == "td" for cell in r["cells"])]
        assert len(body) == len(_records.shown_records(c)), c["id"]
        assert len([r for r in body if not r["folded"]]) <= OPEN_ROWS
    many = copy.deepcopy(_results(["ntk.spectrum_circle"]))
    claim = many["claims"][0]
    claim["records"] = [{**claim["records"][0], "config": {**claim["records"][0]["config"], "k": k}}
                        for k in range(MAX_ROWS + 40)]
    claim["records"][50]["status"] = "fail"
    from reports._html import table_html

    t = _tables.table(claim)
    assert t.rows[0].status == "fail", "disagreements come first"
    assert t.rows[1].role == "worst" and t.rows[2].role is None
    html = table_html(t)
    assert f"showing {MAX_ROWS} of {MAX_ROWS + 40} rows; all in results.json" in html
    assert html.count("<tr") == MAX_ROWS + 2  # two header rows: the open table and the folded one


def test_fitted_quantities_are_columns_not_rows():
    claim = _results(["splines.spline_rate"])["claims"][0]
    t = _tables.table(claim)
    assert len(t.rows) == len(_records.shown_records(claim))
    assert "prefactor" in t.header and "largest_width_error" in t.header
    assert "slope" not in t.header, "the fitted slope is the measured value, shown once"
    assert "init" in t.header and "p1" not in t.header and t.fixed.get("p1") == 1.0


def test_a_falsified_claim_shows_its_shrunk_counterexample_in_table_and_figure(rendered):
    results, out = rendered
    claim = next(c for c in results["claims"] if c["id"] == "shrinkage.bandwidth_sqrt_q")
    (ce,) = [r for r in claim["counterexample"] if r["status"] == "fail"]
    assert all(r["config"] != ce["config"] for r in claim["records"]), "the fixture's counterexample is not a record"
    shown = _records.shown_records(claim)
    assert shown[0]["config"] == ce["config"] and shown[0]["role"] == "counterexample"
    t = _tables.table(claim)
    assert t.rows[0].role == "counterexample" and "relu" in t.rows[0].cells
    html = (out / "report.html").read_text()
    section = html[html.index(f"id='{_summary.anchor(claim['id'])}'"):]
    assert "smallest counterexample: " + json.dumps(ce["config"]).replace('"', "&quot;")[:40] in section
    drawn = []
    from reports import plots

    original = plots.mark_counterexample
    plots.mark_counterexample = lambda ax, xs, ys, **kw: (drawn.append((list(xs), list(ys))),
                                                          original(ax, xs, ys, **kw))
    try:
        _render.figure_png(claim)
    finally:
        plots.mark_counterexample = original
    assert any(abs(ys[0] - ce["measured"]) < 1e-12 for _, ys in drawn), "the counterexample is not plotted"


def test_the_reproducing_command_carries_the_seed_and_the_exact_configuration(rendered):
    results, out = rendered
    seed = results["environment"]["seed"]
    md = (out / "report.md").read_text()
    commands = re.findall(r"^python -m theorems check .*$", md, flags=re.M)
    assert len(commands) == len(results["claims"])
    for c in results["claims"]:
        (case,) = _summary.cases(c, seed)
        argv = shlex.split(case.command)
        assert argv[:5] == ["python", "-m", "theorems", "check", c["id"]]
        assert json.loads(argv[argv.index("--config") + 1]) == case.record["config"]
        assert argv[argv.index("--seed") + 1] == str(seed)
        assert case.command in md


def test_every_closed_form_is_typeset_once():
    results = _results()
    for c in results["claims"]:
        assert _formula.formula_png(c["closed_form"]["latex"]) is not None, c["id"]
    assert r"\left\{\substack{" in _formula.to_mathtext(r"\begin{cases} 1 & \text{for}\: x > 0 \\0 & "
                                                       r"\text{otherwise} \end{cases}")


def test_numbers_are_not_wrapped_and_reasons_not_cut(rendered):
    results, out = rendered
    html = (out / "report.html").read_text()
    assert "td.n{white-space:nowrap" in html
    page = _page(html)
    numeric = [cell for r in page.rows for cell in r["cells"] if cell["class"] == "n"]
    assert numeric and all(re.fullmatch(r"[-+0-9.e\[\], a-z]*", cell["text"]) for cell in numeric)
    claim = copy.deepcopy(next(c for c in results["claims"] if c["id"] == "shrinkage.basis_monotonic_dst"))
    reason = "a reason of many words, " * 12 + "ending on the word <strong> & 'quoted'"
    (outside,) = [r for r in claim["records"] if r["status"] == "out_of_scope"]
    outside["reason"] = reason
    from reports._html import table_html

    assert f"<td class='r'>{html_escape(reason)}</td>" in table_html(_tables.table(claim))


def test_bound_claims_give_a_margin_not_zero_over_zero():
    claim = _results(["splines.spline_rate_bound"])["claims"][0]
    text = _summary.headline_text(claim)
    judged = [r for r in claim["records"] if r["status"] == "pass"]
    margin = min(r["predicted"] - r["interval"][0] for r in judged)
    assert text == f"bound met by {margin:.3g}"
    assert "0 / 0" not in (_tables.table(claim).rows[0].cells[-1])


def test_figures_drawn_in_worker_processes_are_those_drawn_here():
    claims = _results(FAST_CLAIMS)["claims"][:2]
    assert _render.figure_pngs(claims, workers=2) == [_render.figure_png(c) for c in claims]


def test_a_few_figures_are_drawn_here_and_many_over_the_cores():
    assert _render.figure_workers(_render.FIGURES_PER_WORKER - 1) == 1
    assert _render.figure_workers(10**6) == len(os.sched_getaffinity(0))


@pytest.mark.slow
def test_every_claims_figure_draws():
    """Every claim's figure in the fixture (39, about 60 s), none falling back to the words 'figure failed'."""
    for c in _results()["claims"]:
        png = _render.figure_png(c, strict=True)
        assert png[:4] == b"\x89PNG" and len(png) > 5000, c["id"]


def _junit(results, expected=None, reasons=None):
    root = ET.fromstring(ci.junit_xml(results, expected, reasons))
    assert root.tag == "testsuites"
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for t in cases if t.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for t in cases if t.find("error") is not None)
        for t in cases:
            assert t.get("name") and t.get("classname") and float(t.get("time")) >= 0
    return root


def test_junit_passes_a_documented_finding_and_fails_an_unexpected_verdict():
    results = _results()
    baseline = {c["id"]: "holds" for c in results["claims"]}
    baseline["shrinkage.bandwidth_sqrt_q"] = "falsified"
    baseline["ntk.cao_decay_in_dimension"] = "falsified"
    root = _junit(results, baseline, {"shrinkage.bandwidth_sqrt_q": "a documented finding"})
    assert root.get("tests") == str(len(results["claims"])) and root.get("failures") == "0"
    case = next(t for t in root.iter("testcase") if t.get("name") == "shrinkage.bandwidth_sqrt_q")
    out = case.find("system-out").text
    assert "smallest counterexample" in out and "python -m theorems check shrinkage.bandwidth_sqrt_q" in out
    assert "a documented finding" in out

    root = _junit(results)  # no baseline: every claim is expected to hold
    failed = [t for t in root.iter("testcase") if t.find("failure") is not None]
    assert sorted(t.get("name") for t in failed) == ["ntk.cao_decay_in_dimension", "shrinkage.bandwidth_sqrt_q"]
    assert all("expected holds, got falsified" in t.find("failure").get("message") for t in failed)

    raised = copy.deepcopy(results)
    raised["claims"][0].update(verdict="error", error="ValueError: boom <&>")
    root = _junit(raised, baseline)
    assert root.get("errors") == "1" and "boom <&>" in next(root.iter("error")).get("message")


def test_markdown_summary_names_unexpected_verdicts_and_counterexamples():
    results = _results()
    baseline = {c["id"]: "holds" for c in results["claims"]}
    baseline["ntk.cao_decay_in_dimension"] = "falsified"   # the fixture's other documented finding
    text = ci.markdown_summary(results, baseline)
    assert "1 unexpected verdict" in text and "`shrinkage.bandwidth_sqrt_q`: expected holds, got **falsified**" in text
    assert "37 hold, 2 falsified" in text and "```sh\npython -m theorems check shrinkage.bandwidth_sqrt_q" in text
    baseline["shrinkage.bandwidth_sqrt_q"] = "falsified"
    assert "Every verdict is the expected one (against the baseline)." in ci.markdown_summary(results, baseline)


def test_verify_writes_junit_and_summary_and_the_printed_command_reproduces_the_numbers(tmp_path, capsys):
    """One cheap falsified claim end to end (about 10 s): the report's command, run as printed, gives the
    report's error and tolerance."""
    from theorems._cli import main

    out = tmp_path / "run"
    code = main(["verify", "shrinkage.bandwidth_sqrt_q", "--profile", "ci", "--seed", "3", "--examples", "2",
                 "--out", str(out), "--baseline", str(Path(__file__).resolve().parents[1] / "reports" / "baseline.txt"),
                 "--junit", str(tmp_path / "junit.xml"), "--summary", str(tmp_path / "summary.md")])
    capsys.readouterr()
    assert code == 0
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.get("failures") == "0" and root.get("tests") == "1"
    assert "shrinkage.bandwidth_sqrt_q" in (tmp_path / "summary.md").read_text()
    claim = json.loads((out / "results.json").read_text())["claims"][0]
    (case,) = _summary.cases(claim, 3)
    command = re.search(r"^python -m theorems check .*$", (out / "report.md").read_text(), flags=re.M).group(0)
    assert command == case.command
    code = main(shlex.split(command)[3:])
    printed = capsys.readouterr().out
    assert code == (0 if case.record["status"] == "pass" else 1)
    assert f"error {case.record['error']:.6g}, tolerance {case.record['tolerance']:.6g}" in printed


def test_a_junit_path_that_is_a_directory_is_refused_before_anything_runs(tmp_path, capsys):
    from theorems._cli import main

    code = main(["verify", "shrinkage.filter_exact", "--out", str(tmp_path / "out"), "--junit", str(tmp_path)])
    assert code == 2 and "is a directory" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_page_in_chromium(rendered, tmp_path):
    """Headless Chromium at 1280 px (about 5 s): a screenshot, and the page's height per claim."""
    results, out = rendered
    probe = tmp_path / "probe.html"
    probe.write_text((out / "report.html").read_text().replace(
        "</body>", "<script>document.title='H='+document.documentElement.scrollHeight+' W='+"
                   "document.documentElement.scrollWidth</script></body>"))
    base = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900"]
    dom = subprocess.run([*base, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    height, width = map(int, re.search(r"<title>H=(\d+) W=(\d+)</title>", dom).groups())
    assert width <= 1280, "the page is wider than the window"
    assert height / len(results["claims"]) < 2200, f"{height} px for {len(results['claims'])} claims"
    shot = tmp_path / "top.png"
    subprocess.run([*base, f"--screenshot={shot}", (out / "report.html").as_uri()], capture_output=True,
                   timeout=120, check=True)
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 20000
