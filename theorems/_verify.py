"""``verify``: resolve the run asked for (a selection, a profile, a seed, or the interrupted run ``--resume``
completes), run its claims in worker processes keeping each result as it finishes, write ``results.json``, the
report and the CI outputs, and print the summary and the comparison with a baseline."""

from __future__ import annotations

import secrets
import signal
import sys
import time
from pathlib import Path

from theorems import _registry, _results
from theorems._claim import DEFAULT_PROFILE, PROFILES, Profile
from theorems._cli import EXIT_INTERRUPTED, EXIT_OK, EXIT_REGRESSION, UsageError, _writable_folder


def _previous_timings(out: Path) -> dict[str, float]:
    try:
        return {c["id"]: float(c.get("wall_s") or 0.0) for c in _results.load(out / "results.json")["claims"]}
    except (_results.ResultsFileError, TypeError, ValueError):
        return {}


def _resolve_run(args) -> tuple[tuple, Profile, dict | None]:
    """The claims, profile, seed and examples of the run asked for; with ``--resume``, those not given are the
    interrupted run's, and a run that differs from it is refused."""
    from theorems import _partial

    state = _partial.read(args.out) if args.resume else None
    claims = _registry.select(args.selection or (state["claims"] if state is not None else ()))
    if state is not None:
        args.profile = args.profile or state["profile"]
        args.seed = state["seed"] if args.seed is None else args.seed
        args.examples = state.get("examples") if args.examples is None else args.examples
    args.profile = args.profile or DEFAULT_PROFILE
    if args.profile not in PROFILES:
        raise UsageError(f"--resume: the unfinished run's profile {args.profile!r} is not one of this suite's")
    profile = PROFILES[args.profile]
    if profile.claims is not None:
        if not args.selection and state is None:
            claims = _registry.select(profile.claims)
        outside = [c.id for c in claims if c.id not in profile.claims]
        if outside:
            raise UsageError(f"the {profile.name} profile sizes only {', '.join(profile.claims)}; "
                             f"not {', '.join(outside)}")
    if args.seed is None:
        args.seed = 0 if profile.derandomize else secrets.randbelow(2**31)
    return claims, profile, state


def verify(args) -> int:
    """The ``verify`` command."""
    from concurrent.futures.process import BrokenProcessPool

    from theorems import _parallel, _partial
    from theorems._process import StderrProgress
    from theorems._runner import ERROR

    claims, profile, state = _resolve_run(args)
    baseline = _results.read_baseline(args.baseline) if args.baseline is not None else None
    ident = _partial.identity(profile.name, args.seed, args.examples, [c.id for c in claims])
    if state is not None:
        differs = _partial.mismatch(state, ident)
        if differs:
            raise UsageError(f"--resume: {differs}; run without --resume to start afresh")
    for f in (f for f in (args.junit, args.summary) if f is not None):
        if f.is_dir():
            raise UsageError(f"{f} is a directory; give a file to write")
    _writable_folder(args.out)
    for f in (f for f in (args.junit, args.summary) if f is not None):
        _writable_folder(f.parent)
    kept = _partial.kept(args.out, ident["claims"]) if state is not None else {}
    todo = [c for c in claims if c.id not in kept]
    if state is None:
        started = time.time()
        if _partial.start(args.out, ident, started):
            print(f"discarded the unfinished run in {_partial.folder(args.out)} (--resume completes one)",
                  file=sys.stderr)
    else:
        started = state["started"]
    jobs = args.jobs if args.jobs is not None else _parallel.default_jobs()
    jobs = max(1, min(jobs, len(_parallel.groups(todo))))
    print(f"profile {profile.name}, seed {args.seed}, {len(claims)} claims"
          + (f" ({len(kept)} finished before, kept in {_partial.folder(args.out)})" if state is not None else "")
          + f", {jobs} worker{'s' if jobs > 1 else ''}", file=sys.stderr)
    t0 = time.perf_counter()
    done = list(kept)

    def report(claim_id, result):
        done.append(claim_id)
        newline = "\n" if sys.stderr.isatty() and jobs <= 1 else ""
        print(f"{newline}[{len(done)}/{len(claims)}] {claim_id}: {result['verdict']} ({result['wall_s']:.1f}s)",
              file=sys.stderr)

    try:
        ran = _parallel.run(todo, profile, seed=args.seed, examples=args.examples, jobs=jobs, report=report,
                            progress=StderrProgress(), timings=_previous_timings(args.out),
                            keep=_partial.folder(args.out))
    except (KeyboardInterrupt, BrokenProcessPool) as exc:
        _partial.add_elapsed(args.out, time.perf_counter() - t0)
        finished = len(_partial.kept(args.out, ident["claims"]))
        newline = "\n" if sys.stderr.isatty() else ""  # after a progress line rewritten in place
        kept_line = (f"{finished} of {len(claims)} claims finished, kept in {_partial.folder(args.out)}; "
                     f"'python -m theorems verify --resume --out {args.out}' runs the rest")
        if isinstance(exc, BrokenProcessPool):
            print(f"{newline}error: a worker process died ({exc}); {kept_line}", file=sys.stderr)
            return EXIT_REGRESSION
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"{newline}interrupted ({signal.Signals(signum).name}): {kept_line}", file=sys.stderr)
        return EXIT_INTERRUPTED + signum
    by_id = {**kept, **{r["id"]: r for r in ran}}
    out = [by_id[c.id] for c in claims]
    wall = float(state["elapsed_s"]) if state is not None else 0.0
    results = {
        "schema_version": _results.SCHEMA_VERSION,
        "environment": _results.environment(profile.name, args.seed, started, wall + time.perf_counter() - t0),
        "claims": out,
    }
    _results.write_json_atomic(args.out / "results.json", results)
    _partial.finish(args.out)
    if not args.no_report:
        from reports import render

        render(results, args.out)
    if args.junit or args.summary:
        from reports import ci

        ci.write(results, junit=args.junit, summary=args.summary, expected=baseline and baseline["expected"],
                 reasons=baseline and baseline["reasons"])
    print(summary_table(results))
    claim_s = sum(float(c.get("wall_s") or 0.0) for c in out)
    compile_s = sum(float(c.get("compile_s") or 0.0) for c in out)
    if claim_s > 0:
        print(f"\nclaims {claim_s:.0f} s in all ({results['environment']['wall_s']:.0f} s wall), of which JAX "
              f"compiling {compile_s:.0f} s ({100 * compile_s / claim_s:.0f}%)")
    print(f"\nwrote {args.out / 'results.json'}" + ("" if args.no_report else f" and {args.out / 'report.html'}"))
    status = EXIT_OK
    if baseline is not None:
        lines, regressed = _results.compare(baseline, results, only_run=bool(args.selection))
        print(f"\nagainst {args.baseline}:")
        print("\n".join("  " + line for line in lines))
        status = EXIT_REGRESSION if regressed else status
    errors = [c["id"] for c in out if c["verdict"] == ERROR]
    if errors:
        print(f"\nthe experiment raised for: {', '.join(errors)}", file=sys.stderr)
        status = EXIT_REGRESSION
    return status


def summary_table(results: dict) -> str:
    """One line per claim; the last column is the worst configuration's error / tolerance as one ratio (at most
    1 where the claim agrees), or, for a one-sided bound whose tolerance is 0, the margin by which it holds."""
    from reports._summary import headline_text

    rows = [("claim", "verdict", "configs", "in scope", "worst error/tolerance")]
    for c in results["claims"]:
        ex = c["examples"]
        total = ex["pass"] + ex["fail"] + ex["out_of_scope"] + ex["error"]
        worst = headline_text(c)  # the ratio, or for a one-sided bound its margin
        rows.append((c["id"], c["verdict"], str(total), str(ex["pass"] + ex["fail"]), worst))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
