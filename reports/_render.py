"""Write ``report.md``, a self-contained ``report.html`` and one PNG per claim from a results dict."""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from reports import _records
from reports._figures import figure_for, options_for
from reports._files import write_atomic

PNG_COLOURS = 256  # figures are line art on white: a palette PNG keeps them exact to the eye at a third the size


def _palette_png(raw: bytes) -> bytes:
    """``raw`` (an RGBA PNG from Matplotlib) as a palette PNG of at most :data:`PNG_COLOURS` colours."""
    from PIL import Image

    image = Image.open(io.BytesIO(raw)).convert("RGB").quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT,
                                                                dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(raw) else raw


def figure_png(claim: Mapping, *, strict: bool = False) -> bytes:
    """The claim's figure (its registered drawing) beside the panel that decides its verdict, as a PNG; both
    are drawn from :func:`reports._records.shown_records`, so a falsified claim's counterexample is in them.

    A drawing that raises leaves the words 'figure failed' and the exception in its place, so that a broken
    figure never loses the report; ``strict`` raises instead (for tests)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reports import plots

    records = _records.shown_records(claim)
    options = options_for(claim["id"])
    if options.verdict_panel:
        fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2), dpi=100, gridspec_kw={"width_ratios": [3, 2]})
        draws = [figure_for(claim["id"]), lambda rs, ax: plots.verdict_panel(rs, ax, by=options.by)]
    else:
        fig, ax = plt.subplots(1, 1, figsize=(7.5, 4.2), dpi=100)
        axes, draws = [ax], [figure_for(claim["id"])]
    for axis, draw in zip(axes, draws):
        try:
            draw(records, axis)
        except Exception as exc:
            if strict:
                raise
            axis.clear()
            axis.text(0.5, 0.5, f"figure failed:\n{type(exc).__name__}: {exc}", ha="center", va="center",
                      wrap=True, fontsize=8, transform=axis.transAxes)
            axis.set_axis_off()
    fig.suptitle(f"{claim['id']}: {claim['verdict']}", fontsize=10)
    buf = io.BytesIO()
    try:
        fig.tight_layout()
        fig.savefig(buf, format="png")
    except Exception as exc:  # e.g. a label mathtext cannot parse: laid out only when saved
        plt.close(fig)
        if strict:
            raise
        fig = plt.figure(figsize=(11.0, 1.0), dpi=100)
        fig.text(0.5, 0.5, f"{claim['id']}: figure failed: {type(exc).__name__}: {str(exc).strip()[:200]}",
                 ha="center", va="center", fontsize=8, wrap=True, usetex=False, parse_math=False)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    plt.close(fig)
    return _palette_png(buf.getvalue())


FIGURES_PER_WORKER = 6
"""Below this many figures per worker process the figures are drawn here: a spawned worker takes about a second
to import Matplotlib."""


def figure_workers(figures: int) -> int:
    """Worker processes for drawing ``figures`` figures: one per core this process may use, at most one per
    :data:`FIGURES_PER_WORKER` figures (1: draw them here)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, figures // FIGURES_PER_WORKER))


def figure_pngs(claims: Sequence[Mapping], *, strict: bool = False, workers: int | None = None) -> list[bytes]:
    """:func:`figure_png` of every claim, in order, drawn in ``workers`` spawned processes (default
    :func:`figure_workers`): Matplotlib's layout and text measurement is single-threaded Python, and a whole
    ci run's 39 figures took about 30 s in one process.  The figures are the same byte for byte."""
    workers = figure_workers(len(claims)) if workers is None else workers
    draw = functools.partial(figure_png, strict=strict)
    if workers <= 1:
        return [draw(c) for c in claims]
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # the caller may hold JAX's threads: no fork
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(draw, claims))


def render(results: Mapping, out_dir, *, strict: bool = False) -> None:
    """Write the report files for ``results`` into ``out_dir`` (each file replaced atomically); ``strict``: a
    figure that cannot be drawn raises (see :func:`figure_png`)."""
    from reports._html import html_report
    from reports._markdown import markdown_report

    out_dir = Path(out_dir)
    pngs, png_bytes = {}, {}
    for c, data in zip(results["claims"], figure_pngs(results["claims"], strict=strict)):
        name = c["id"].replace("/", "_") + ".png"
        write_atomic(out_dir / "plots" / name, data)
        pngs[c["id"]], png_bytes[c["id"]] = name, data
    write_atomic(out_dir / "report.md", markdown_report(results, pngs).encode())
    write_atomic(out_dir / "report.html", html_report(results, png_bytes).encode())
