"""``python -m theorems`` (or ``gd-theory-checks``): list, describe, verify, report, check, compare, baseline,
calibrate."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

from theorems import _registry, _results
from theorems._claim import DEFAULT_PROFILE, PROFILES

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


MAX_EXAMPLES = 1000
"""The most Hypothesis examples per claim ``--examples`` takes: 16 times the thorough profile's 60, hours for
the training claims (a batch of up to 5 configurations an example); more is a typo, and a longer search is
better run as several runs with different seeds."""


def _examples(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_EXAMPLES:
        raise argparse.ArgumentTypeError(f"at most {MAX_EXAMPLES} examples per claim, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {text!r}") from None
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError(f"the seed must lie in [0, 2^31), got {value}")
    return value


DESCRIPTION = """Property-based checks of theorems on the spectral and implicit bias of gradient descent: each claim
is a closed form, an experiment measuring the same quantity, and a derived tolerance; a run gives a verdict per
claim (holds, falsified with the smallest counterexample, out of scope, error) and a report."""

EPILOG = """exit codes:
  0  every claim ran and (with --baseline) none regressed; check: the configuration agrees
  1  a regression against the baseline, an experiment that raised; check: it disagrees
  2  bad input (unknown claim, invalid configuration or option, unreadable file, unwritable folder),
     refused before anything runs
  130, 143  interrupted by Ctrl-C or SIGTERM (verify keeps the claims finished: --resume)

examples:
  python -m theorems list
  python -m theorems describe splines.spline_rate
  python -m theorems verify shrinkage --profile ci --seed 0 --out reports/shrinkage
  python -m theorems verify --baseline reports/baseline.txt --jobs 2
  python -m theorems check shrinkage.filter_exact --config '{"n": 16, "q": 10}' --seed 0
  python -m theorems compare reports/baseline.txt reports/latest/results.json
  python -m theorems calibrate shrinkage.filter_exact --seeds 300 --workers 1"""


def _parser() -> argparse.ArgumentParser:
    prog = "gd-theory-checks" if Path(sys.argv[0]).name == "gd-theory-checks" else "python -m theorems"
    p = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("list", help="list the claims with their ids, sources and statements")

    d = sub.add_parser("describe", help="a claim's statement, source, tolerance, configuration keys with their "
                                        "types and domains, and an example configuration")
    d.add_argument("claim", metavar="CLAIM", help="a claim id (see list)")

    v = sub.add_parser("verify", help="run claims and write results.json and a report")
    v.add_argument("selection", nargs="*", metavar="CLAIM_OR_FAMILY",
                   help="claim ids or family names (default: all claims)")
    v.add_argument("--profile", choices=sorted(PROFILES), default=None,
                   help=f"how hard to look (default: {DEFAULT_PROFILE}, or the resumed run's)")
    v.add_argument("--examples", type=_examples, default=None,
                   help=f"Hypothesis examples per claim, 1 to {MAX_EXAMPLES} (default: the profile's)")
    v.add_argument("--seed", type=_seed, default=None,
                   help="seed of the search (default: 0 on the ci profile, a fresh one recorded in "
                        "results.json otherwise, or the resumed run's)")
    v.add_argument("--out", type=Path, default=Path("reports/latest"),
                   help="report directory; claims finished are kept in OUT/.partial/ until the run completes")
    v.add_argument("--resume", action="store_true",
                   help="complete the interrupted run in --out, running only the claims it had not finished; "
                        "refused if the seed, profile, --examples, selection or code differ (those not given "
                        "are the interrupted run's)")
    v.add_argument("--baseline", type=Path, default=None,
                   help="expected verdicts (reports/baseline.txt, or a results.json): exit 1 if a claim "
                        "expected to hold does not")
    v.add_argument("--no-report", action="store_true", help="write results.json only")
    v.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML: a test case per claim, failed "
                   "when its verdict is not the baseline's (every claim expected to hold without --baseline)")
    v.add_argument("--summary", type=Path, metavar="FILE", help="also write a markdown summary (e.g. "
                   "$GITHUB_STEP_SUMMARY)")
    v.add_argument("--jobs", type=_positive_int, default=None,
                   help="worker processes running claims side by side (default: one per core; 1 runs every "
                        "claim in this process); the results do not depend on it")

    r = sub.add_parser("report", help="re-render a report from a results file")
    r.add_argument("directory", nargs="?", type=Path, default=Path("reports/latest"),
                   help="a folder holding results.json; report.html and report.md are written beside it "
                        "(default: %(default)s)")

    k = sub.add_parser("check", help="check one configuration of one claim (re-run a counterexample)")
    k.add_argument("claim", metavar="CLAIM", help="a claim id (see list)")
    k.add_argument("--config", required=True,
                   help="the configuration, as a JSON object (copy one from a report or from describe)")
    k.add_argument("--seed", type=_seed, default=0,
                   help="the seed of the run the configuration comes from: a report's numbers are reproduced "
                        "with its run's seed (default: %(default)s)")

    c = sub.add_parser("compare", help="compare a run's verdicts with the expected ones; exit 1 on a regression")
    c.add_argument("baseline", type=Path, help="reports/baseline.txt, or a results.json")
    c.add_argument("results", type=Path, help="a results.json")

    cal = sub.add_parser("calibrate", help="run claims over many seeds and bound their false-alarm rates")
    cal.add_argument("selection", nargs="+", metavar="CLAIM_OR_FAMILY", help="claim ids or family names")
    cal.add_argument("--seeds", type=_positive_int, default=300, help="independent seeds per claim (default: "
                     "%(default)s, which bounds a rate without false alarms below 1%% at 95%% confidence)")
    cal.add_argument("--first-seed", type=_seed, default=None,
                     help="the first seed (default: 0, or with --extend where the table's rows end)")
    cal.add_argument("--extend", action="store_true",
                     help="add the seeds run now to the table's rows of the claims instead of replacing them (the "
                          "rows must end at --first-seed and have been measured with this checkout's theorems/ and "
                          "numerics/); the power curves are drawn again over all their runs")
    cal.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="default: %(default)s")
    cal.add_argument("--examples", type=_examples, default=None, help="Hypothesis examples per run (default: the "
                     "profile's; the table then measures the profile's own runs)")
    cal.add_argument("--workers", type=_positive_int, default=None, help="worker processes (default: one per core)")
    cal.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="a Dask scheduler's address (tcp://host:8786) to run on an existing cluster")
    cal.add_argument("--engine", choices=("auto", "dask", "process"), default="auto",
                     help="dask (Dask distributed, pip install 'gd-theory-checks[distributed]'), process (the "
                          "standard library's process pool on this machine), auto: dask when installed")
    cal.add_argument("--baseline", type=Path, default=Path("reports/baseline.txt"),
                     help="expected verdicts: only claims expected to hold are calibrated (default: %(default)s)")
    cal.add_argument("--out", type=Path, default=Path("reports/calibration.csv"),
                     help="the table; rows of the same claim and profile are replaced (default: %(default)s)")
    cal.add_argument("--resolution", type=Path, default=Path("reports/resolution.csv"),
                     help="the power curves of the claims that pool their configurations (detection rate against a "
                          "shift of the prediction); each run's numbers go beside it, in NAME_runs.json "
                          "(default: %(default)s)")

    b = sub.add_parser("baseline", help="record the verdicts of a results file as the expected ones")
    b.add_argument("results", type=Path, help="a results.json (a ci-profile run, seed 0)")
    b.add_argument("--out", type=Path, default=Path("reports/baseline.txt"),
                   help="the baseline file; its reasons for verdicts other than holds are kept (default: %(default)s)")
    return p


EXIT_INTERRUPTED = 128  # + the signal's number: 130 for SIGINT (Ctrl-C), 143 for SIGTERM


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: raised in the main thread wherever it is, like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _interruptible():
    """SIGINT and SIGTERM raise :class:`Interrupted` while the command runs (restored afterwards)."""
    def handler(signum, frame):
        raise Interrupted(signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, action in previous.items():
            signal.signal(sig, action)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with _interruptible():
            commands = {"list": _list, "describe": _describe, "verify": _verify_command, "report": _report, "check": _check,
                        "compare": _compare, "baseline": _baseline, "calibrate": _calibrate}
            return commands[args.command](args)
    except (UsageError, _registry.UnknownClaimError, _results.ResultsFileError) as exc:
        msg = exc.args[0] if exc.args else str(exc)
        if isinstance(exc, _registry.UnknownClaimError) and "Run 'python" not in msg:
            msg += ". Run 'python -m theorems list' for the claim ids."
        print(f"error: {msg}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the output piped into a reader that stopped early (| head): not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"interrupted ({signal.Signals(signum).name})", file=sys.stderr)
        return EXIT_INTERRUPTED + signum


def _list(args) -> int:
    for family, claims in _registry.families().items():
        print(f"{family}")
        for c in claims:
            first = c.statement.strip().split(". ")[0].rstrip(".")
            print(f"  {c.id}")
            print(textwrap.indent(textwrap.fill(first + ".", 96), "      "))
            print(f"      source: {c.source}")
    return EXIT_OK


def _verify_command(args) -> int:
    from theorems._verify import verify

    return verify(args)


def _describe(args) -> int:
    from theorems._describe import describe

    print(describe(_registry.get(args.claim)))
    return EXIT_OK


def _calibrate(args) -> int:
    from theorems import _calibrate, _parallel

    ids = [c.id for c in _registry.select(args.selection)]
    try:
        _calibrate.expected_holds(ids, args.baseline)
    except _calibrate.CalibrationError as exc:
        raise UsageError(str(exc)) from None
    if args.out.is_dir():
        raise UsageError(f"--out {args.out} is a directory; give a file to write")
    _writable_folder(args.out.parent)
    if args.resolution.is_dir():
        raise UsageError(f"--resolution {args.resolution} is a directory; give a file to write")
    _writable_folder(args.resolution.parent)
    runs = args.resolution.with_name(args.resolution.stem + "_runs.json")
    first_seed, old = args.first_seed or 0, {}
    if args.extend:
        try:
            first_seed, old = _calibrate.extension(args.out, ids, args.profile, args.first_seed)
        except _calibrate.CalibrationError as exc:
            raise UsageError(str(exc)) from None
    workers = args.workers or _parallel.default_jobs()
    per_seed: dict[str, list[dict]] = {}
    try:
        rows = _calibrate.calibrate(ids, args.profile, args.seeds, first_seed=first_seed, examples=args.examples,
                                    workers=workers, scheduler=args.scheduler, engine=args.engine,
                                    progress=_calibrate.log, per_seed=per_seed)
    except _calibrate.CalibrationError as exc:
        raise UsageError(str(exc)) from None
    if args.extend:
        rows = [_calibrate.extended(old[row["claim"]], row) for row in rows]
        per_seed = {c: _calibrate.kept_runs(runs, c, args.profile) + r for c, r in per_seed.items()}
    _calibrate.write(args.out, _calibrate.merge(args.out, rows))
    print(_calibrate.table(rows), end="")
    row_of = {row["claim"]: row for row in rows}
    curves = [row for claim_id in ids for row in _calibrate.resolution_rows(
        claim_id, args.profile, row_of[claim_id]["commit"], per_seed.get(claim_id, []),
        int(row_of[claim_id]["first_seed"]))]
    if curves:
        _calibrate.write(args.resolution, _calibrate.merge(args.resolution, curves), _calibrate.RESOLUTION_COLUMNS)
        for claim_id in ids:
            if any(x.get("judged") for x in per_seed.get(claim_id, [])):
                _calibrate.write_runs(runs, _calibrate.merge_runs(runs, {claim_id: per_seed[claim_id]}, args.profile,
                                                                  row_of[claim_id]["commit"]))
    for claim_id in ids:
        res = _calibrate.resolution_at(per_seed.get(claim_id, []))
        if res:
            print(f"{claim_id}: shifts of the prediction detected in 95% of {res['seeds']} seeds: "
                  f"{res['below']} below, {res['above']} above ({res['unit']}; none: not up to the largest "
                  "looked at)")
    return EXIT_OK


def _writable_folder(out: Path) -> None:
    """Refuse an output folder that cannot be written, before anything runs: create it (and its parents) and a
    probe file in it, then remove the probe (and, when refused, the folders created)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a directory")
    missing = []
    parent = out
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    created = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
        fd, probe = tempfile.mkstemp(prefix=".write-probe.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise UsageError(f"--out {out}: cannot write there ({exc.strerror or exc})") from None


def _report(args) -> int:
    from reports import render

    results = _results.load(args.directory / "results.json", for_report=True)
    _writable_folder(args.directory)
    render(results, args.directory)
    print(f"wrote {args.directory / 'report.md'} and {args.directory / 'report.html'}")
    return EXIT_OK


def parse_config(text: str) -> dict:
    """A configuration from JSON: an object of finite numbers, strings, booleans and lists of finite numbers
    (what ``results.json`` records; the claim's declared keys then say which is which)."""
    import json
    import math

    def no_constants(name):
        raise UsageError(f"--config: {name} is not a valid value; give a finite number")

    try:
        config = json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--config is not valid JSON: {exc}") from None
    if not isinstance(config, dict) or not config:
        raise UsageError("--config must be a non-empty JSON object, e.g. '{\"n\": 16, \"q\": 10}'")
    for key, value in config.items():
        entries = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                               for v in value):
            raise UsageError(f"--config: {key!r} must be a number, a string or a list of numbers")
        if not all(isinstance(v, (int, float, str, bool)) for v in entries):
            raise UsageError(f"--config: {key!r} must be a number or a string, got {type(value).__name__}")
        if any(isinstance(v, float) and not math.isfinite(v) for v in entries):
            raise UsageError(f"--config: {key!r} is {value}; give a finite number")
    return config


def _check(args) -> int:
    from theorems import _keys
    from theorems._process import single_threaded_blas
    from theorems._runner import CRASH, PASS, SKIP, evaluate_batch

    claim = _registry.get(args.claim)
    try:
        config = _keys.checked(claim, parse_config(args.config))
    except ValueError as exc:
        raise UsageError(f"--config: {exc}") from None
    with single_threaded_blas():
        (record,) = evaluate_batch(claim, [config], args.seed)
    status = record["status"]
    if status == SKIP:
        raise UsageError(f"{claim.id}: the configuration is outside the theorem's assumptions: {record['reason']}")
    if status == CRASH:
        raise UsageError(f"{claim.id}: the configuration could not be run: {record['reason']}")
    print(f"{claim.id}: {'agrees' if status == PASS else 'DISAGREES'}: error {record['error']:.6g}, "
          f"tolerance {record['tolerance']:.6g}")
    predicted, measured = record["predicted"], record["measured"]
    if isinstance(predicted, (int, float)) and isinstance(measured, (int, float)):
        interval = record.get("interval")
        print(f"  predicted {predicted:.6g}, measured {measured:.6g}"
              + (f", interval [{interval[0]:.6g}, {interval[1]:.6g}]" if interval else ""))
    if "first" in record:  # a claim that replicates a disagreement before it counts
        print(f"  {record['reason']}")
    return EXIT_OK if status == PASS else EXIT_REGRESSION


def _compare(args) -> int:
    baseline = _results.read_baseline(args.baseline)
    results = _results.load(args.results)
    lines, regressed = _results.compare(baseline, results)
    print("\n".join(lines))
    if "results" in baseline:  # two full runs: what moved in the numbers, for information
        moved = _results.numeric_differences(baseline["results"], results)
        print("\n".join(["numbers that moved:", *moved]) if moved else "no count or worst error/tolerance moved")
    return EXIT_REGRESSION if regressed else EXIT_OK


def _baseline(args) -> int:
    results = _results.load(args.results)
    reasons = {}
    if args.out.exists():
        reasons = _results.read_baseline(args.out)["reasons"]
    text = _results.baseline_text(results, reasons)
    _results.write_text_atomic(args.out, text)
    review = [line for line in text.splitlines() if "REVIEW:" in line]
    print(f"wrote {args.out} ({len(results['claims'])} claims)")
    if review:
        print("give a reason for each of these lines (after ' -- '):\n" + "\n".join(review))
    return EXIT_OK
