"""mgc: the instructor's and the student's command for micrograd-course.

mgc list [--json]                    the course: assignments, exercises, points
mgc grade PATH... [--json FILE]      grade submitted notebooks (hidden checks)
mgc check NOTEBOOK                   a student's own check (visible cases only)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from mgc.sandbox.runner import DEFAULT_SECONDS


def cmd_list(args: argparse.Namespace) -> int:
    from mgc.course.manifest import load

    course = load()
    if args.json:
        print(json.dumps(course.to_json(), indent=2))
        return 0
    for a in course.assignments:
        print(f"{a.id}: {a.title} ({a.notebook}, {a.max_score:g} points)")
        for e in a.exercises:
            print(f"  {e.id:<24} {e.points:>3g}  {', '.join(e.symbols)}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from mgc.grading.run import Options, grade_paths
    from mgc.results.gradebook import GradebookError, graded_paths, write_csv, write_json
    from mgc.results.report import print_gradebook, print_submission
    from mgc.results.summary import print_summary, summarize, write_summary
    from mgc.sandbox.runner import SandboxError, describe_confinement

    console = Console(stderr=False)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    if jobs > 1:  # the workers' imports (torch) start now, beside the work before grading
        from mgc.grading.run import PRELOAD
        from mgc.grading.workers import prestart

        prestart(PRELOAD)
    missing = [p for p in args.paths if not (p.exists() or p.is_symlink())]
    if args.summary and args.summary.suffix not in (".md", ".html"):
        print(f"mgc grade: --summary {args.summary}: write it as .md or .html", file=sys.stderr)
        return 2
    if missing:
        print(f"mgc grade: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    if args.resume and not (args.json or args.csv):
        print("mgc grade: --resume needs the --json or --csv gradebook to resume", file=sys.stderr)
        return 2
    try:
        books = [f for f in (args.json, args.csv) if f]
        held = [graded_paths(f) for f in books]  # refuses, before any grading, a file no gradebook
        skip = frozenset().union(*held) if args.resume else frozenset()
        print(describe_confinement())
    except (SandboxError, GradebookError) as error:
        print(f"mgc grade: {error}", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    options = Options(visible_only=False, seed=seed, time_limit=args.time_limit)
    done: list = []

    def finished(result) -> None:
        done.append(result)
        if not args.gradebook_only:
            print_submission(result, console, args.details)

    interrupted = False
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        results = grade_paths(args.paths, options, finished, jobs, not args.no_progress, skip)
    except KeyboardInterrupt:
        interrupted, results = True, done
    if not results and not interrupted:
        if skip:
            print("mgc grade: every notebook is in the gradebook already (--resume)")
            return 0
        print(f"mgc grade: no notebooks found under {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    print_gradebook(results, console)
    summaries = summarize(results)
    print_summary(summaries, console)
    if args.summary:
        write_summary(summaries, args.summary)
    print(f"The random cases of this run come back with --seed {seed}.")
    if args.json:
        write_json(results, args.json, seed)
    if args.csv:
        write_csv(results, args.csv)
    if args.gradescope:
        from mgc.exports.platforms import gradescope_results

        args.gradescope.parent.mkdir(parents=True, exist_ok=True)
        data = gradescope_results(results, args.gradescope_visibility)
        args.gradescope.write_text(json.dumps(data, indent=2) + "\n")
    if interrupted:
        kept = " and ".join(str(f) for f in (args.json, args.csv) if f) or "no file (give --json or --csv)"
        print(
            f"mgc grade: interrupted after {len(results)} notebook(s); their results are in {kept}. "
            "Run the same command with --resume to grade the rest.",
            file=sys.stderr,
        )
        return 130
    lost = [r for r in results if not r.graded]
    if lost:
        print(f"mgc grade: {len(lost)} notebook(s) could not be graded:", file=sys.stderr)
        for r in lost:
            print(f"  {r.path}: {r.error}", file=sys.stderr)
        return 1
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM ends a grading run as Ctrl-C does: what is graded so far is written."""
    raise KeyboardInterrupt


def cmd_check(args: argparse.Namespace) -> int:
    from mgc.grading.run import Options, grade_paths
    from mgc.results.report import print_submission

    if not args.notebook.is_file():
        print(f"mgc check: no such notebook: {args.notebook}", file=sys.stderr)
        return 2
    results = grade_paths([args.notebook], Options(visible_only=True, time_limit=args.time_limit))
    result = results[0]
    print_submission(result, Console())
    if result.assignment is None:
        print(result.error, file=sys.stderr)
        return 2
    print("These are the lecture's cases only; the graders also try random and awkward inputs.")
    return 0 if all(e.status == "passed" for e in result.exercises) else 1


def cmd_release(args: argparse.Namespace) -> int:
    from mgc.release import ReleaseError, release

    try:
        written = release(args.to)
    except ReleaseError as error:
        print(f"mgc release: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"released {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from mgc.course.manifest import load
    from mgc.exports.platforms import build_gradescope_zip, write_classroom_template

    known = [a.id for a in load().assignments]
    if args.assignment not in known:
        problem = f"no assignment {args.assignment!r}." if args.assignment else "which assignment?"
        what = "One zip per assignment" if args.platform == "gradescope" else "One workflow per assignment"
        print(f"mgc export {args.platform}: {problem} {what}: {', '.join(known)}", file=sys.stderr)
        return 2
    if args.platform == "gradescope":
        out = args.out or Path(f"build/gradescope-{args.assignment}.zip")
        build_gradescope_zip(out, args.assignment, args.time_limit, args.visibility)
    else:
        out = args.out or Path(f"build/classroom-{args.assignment}")
        out = write_classroom_template(out, args.assignment)
    print(f"wrote {out}")
    return 0


def cmd_passed(args: argparse.Namespace) -> int:
    from mgc.exports.platforms import passed

    try:
        ok = passed(args.exercise, args.results)
    except (OSError, ValueError, KeyError) as error:
        print(f"mgc passed: cannot read {args.results}: {error}", file=sys.stderr)
        return 2
    print(f"{args.exercise}: {'passed' if ok else 'not passed'}")
    return 0 if ok else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mgc", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    ls = sub.add_parser("list", help="print the course's assignments and exercises")
    ls.add_argument("--json", action="store_true", help="as JSON")
    ls.set_defaults(run=cmd_list)

    grade = sub.add_parser("grade", help="grade submissions with the hidden graders")
    grade.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a notebook, an assignment folder, or a folder of them",
    )
    grade.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the results as JSON (other notebooks' rows are kept)",
    )
    grade.add_argument(
        "--seed", type=int, default=None, help="seed for the random cases (default: fresh each run)"
    )
    grade.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_SECONDS,
        help=f"seconds per exercise (default {DEFAULT_SECONDS:g})",
    )
    grade.add_argument(
        "--no-details", dest="details", action="store_false", help="tables only, no feedback text"
    )
    grade.add_argument("--gradebook-only", action="store_true", help="print the gradebook only")
    grade.add_argument(
        "--jobs", "-j", type=int, default=1, help="grade N notebooks at once (0: one per core)"
    )
    grade.add_argument("--no-progress", action="store_true", help="no progress bar")
    grade.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="also write a CSV gradebook (other notebooks' rows are kept)",
    )
    grade.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also write the class summary (.md or .html): pass rates, a histogram, the frequent hints",
    )
    grade.add_argument(
        "--resume",
        action="store_true",
        help="grade only the notebooks the --json or --csv gradebook has no up-to-date graded row for: "
        "new ones, ones changed since, and ones that could not be graded",
    )
    grade.add_argument("--gradescope", type=Path, metavar="FILE", help="also write Gradescope's results.json")
    grade.add_argument(
        "--gradescope-visibility",
        default="visible",
        choices=["visible", "hidden", "after_due_date", "after_published"],
        help="when Gradescope shows the results to students",
    )
    grade.set_defaults(run=cmd_grade)

    check = sub.add_parser("check", help="check your notebook against the lecture's cases")
    check.add_argument("notebook", type=Path)
    check.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_SECONDS,
        help=f"seconds per exercise (default {DEFAULT_SECONDS:g})",
    )
    check.set_defaults(run=cmd_check)

    rel = sub.add_parser("release", help="regenerate the student release from solutions/ with nbgrader")
    rel.add_argument("--to", type=Path, default=None, help="release folder (default: exercises/)")
    rel.set_defaults(run=cmd_release)

    export = sub.add_parser("export", help="an autograder for Gradescope or a workflow for GitHub Classroom")
    export.add_argument("platform", choices=["gradescope", "classroom"])
    export.add_argument(
        "assignment", nargs="?", default=None, help="the assignment this autograder or workflow grades"
    )
    export.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Gradescope: the zip (build/gradescope-ASSIGNMENT.zip); Classroom: the template "
        "repository to write .github/ into (build/classroom-ASSIGNMENT)",
    )
    export.add_argument(
        "--time-limit", type=float, default=DEFAULT_SECONDS, help="Gradescope: seconds per exercise"
    )
    export.add_argument(
        "--visibility",
        default="visible",
        choices=["visible", "hidden", "after_due_date", "after_published"],
        help="Gradescope: when students see the results",
    )
    export.set_defaults(run=cmd_export)

    done = sub.add_parser("passed", help="exit 0 if EXERCISE passed in an `mgc grade --json` file")
    done.add_argument("exercise")
    done.add_argument("results", type=Path)
    done.set_defaults(run=cmd_passed)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from mgc.course.manifest import ManifestError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ManifestError as error:
        print(f"mgc: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
