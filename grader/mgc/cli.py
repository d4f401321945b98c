"""mgc: the instructor's and the student's command for micrograd-course.

mgc list [--json]                    the course: assignments, exercises, points
mgc grade PATH... [--json FILE]      grade submitted notebooks (hidden checks)
mgc check NOTEBOOK                   a student's own check (visible cases only)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from mgc.course.manifest import load
from mgc.exports import VISIBILITIES
from mgc.exports.lms import FORMATS as LMS_FORMATS
from mgc.results.report import plain_line
from mgc.sandbox.runner import DEFAULT_SECONDS
from mgc.term import account
from mgc.term.roster import RosterError

GUESSABLE_BITS = 40  # a seed below 2**40 is tried one by one, from a case, in hours


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


def seed_of(args: argparse.Namespace) -> int:
    """The run's seed: --seed, or --seed-file's (drawn and kept there, readable by you alone, on first
    use), or a fresh one."""
    from mgc.judge.checks import draw_seed

    if args.seed is not None:
        return args.seed
    if args.seed_file is None:
        return draw_seed()
    if args.seed_file.exists():
        return int(args.seed_file.read_text().strip())
    args.seed_file.parent.mkdir(parents=True, exist_ok=True)
    seed = draw_seed()
    fd = os.open(args.seed_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{seed}\n")
    return seed


def cmd_grade(args: argparse.Namespace) -> int:
    from mgc.grading.run import Options, grade_paths
    from mgc.results import gradebook
    from mgc.results.report import print_gradebook, print_submission
    from mgc.results.summary import print_summary, summarize, write_summary
    from mgc.sandbox import SandboxError
    from mgc.sandbox.runner import describe_confinement

    console = Console(stderr=False)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    from mgc.grading.run import PRELOAD
    from mgc.grading.workers import prestart

    prestart(PRELOAD)  # the workers' imports (torch) start now, beside the work before grading
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
        roster = _roster(args.roster)
        shard = _shard(args.shard)
    except (RosterError, ValueError) as error:
        print(f"mgc grade: {error}", file=sys.stderr)
        return 2
    books = [f for f in (args.json, args.csv) if f]
    try:
        held = [gradebook.graded_paths(f) for f in books]  # refuses, before any grading, a file no gradebook
        skip = frozenset().union(*held) if args.resume else frozenset()
        print(describe_confinement())
    except (SandboxError, gradebook.GradebookError) as error:
        print(f"mgc grade: {error}", file=sys.stderr)
        return 2
    try:
        seed = seed_of(args)
    except (OSError, ValueError) as error:
        print(f"mgc grade: the seed file {args.seed_file}: {error}", file=sys.stderr)
        return 2
    if seed < 2**GUESSABLE_BITS:
        print(
            f"mgc grade: --seed {seed} is small enough to be found from one random case a student sees in "
            "their feedback, and with it every other: let mgc draw the seed, and keep the one it prints",
            file=sys.stderr,
        )
    options = Options(visible_only=False, seed=seed, time_limit=args.time_limit)
    done: list = []

    def finished(result) -> None:
        done.append(result)
        if not (args.gradebook_only or args.quiet):
            print_submission(result, console, args.details)

    interrupted = False
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        results = grade_paths(
            args.paths, options, finished, jobs, not args.no_progress, skip, shard, args.student
        )
    except KeyboardInterrupt:
        interrupted, results = True, done
    if not results and not interrupted:
        if skip:
            print("mgc grade: every notebook is in the gradebook already (--resume)")
            return 0
        print(f"mgc grade: no notebooks found under {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    # the whole gradebook, this run's rows merged in, every student on the roster accounted for:
    # what is written, printed and summarized
    whole = gradebook.merged(gradebook.read(books[0]) if books else [], results)
    graded = sorted({r.assignment for r in whole if r.assignment})
    if not shard:  # a part's rows are accounted for when the parts are merged (mgc gradebook merge)
        whole = account(whole, load(), roster, graded)
    for book in books:
        gradebook.save(whole, book, seed)
    print_gradebook(whole, console)
    if not args.gradebook_only:
        summaries = summarize(whole)
        print_summary(summaries, console)
        if args.summary:
            write_summary(summaries, args.summary)
    print(f"The random cases of this run come back with --seed {seed}: keep it private, as the cases are.")
    if args.gradescope:
        from mgc.exports.gradescope import gradescope_results

        args.gradescope.parent.mkdir(parents=True, exist_ok=True)
        data = gradescope_results(results, args.gradescope_visibility)
        args.gradescope.write_text(json.dumps(data, indent=2) + "\n")
    if interrupted:
        kept = " and ".join(str(f) for f in books) or "no file (give --json or --csv)"
        print(
            f"mgc grade: interrupted after {len(results)} notebook(s); their results are in {kept}. "
            "Run the same command with --resume to grade the rest.",
            file=sys.stderr,
        )
        return 130
    lost = [(r, v) for r in results for v in r.not_graded] + [
        (r, None) for r in results if not r.verdicts and not r.graded
    ]
    if lost:
        print(
            f"mgc grade: {len(lost)} exercise(s) or notebook(s) could not be graded; grade them again:",
            file=sys.stderr,
        )
        for r, v in lost:
            what = f"{r.path} {v.exercise}: {v.message}" if v else f"{r.path}: {r.reason}"
            print(f"  {plain_line(what)}", file=sys.stderr)
        return 1
    return 0


def _roster(path: Path | None):
    from mgc.term.roster import read_roster

    return read_roster(path) if path else None


def _shard(text: str | None) -> tuple[int, int] | None:
    """--shard K/N: (K, N), 1 <= K <= N."""
    if not text:
        return None
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text}: write it K/N, as 2/3 for the second of three parts") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard {text}: K must be from 1 to N")
    return k, n


def cmd_merge(args: argparse.Namespace) -> int:
    """mgc gradebook merge OUT PART...: the parts of a sharded run, as one run would have written them."""
    from mgc.course.manifest import load
    from mgc.results import gradebook
    from mgc.term import account
    from mgc.term.roster import RosterError

    try:
        roster = _roster(args.roster)
        rows: list = []
        for part in args.parts:
            if not part.exists():
                raise gradebook.GradebookError(f"no such gradebook: {part}")
            rows = gradebook.merged(rows, gradebook.read(part))
    except (gradebook.GradebookError, RosterError) as error:
        print(f"mgc gradebook merge: {error}", file=sys.stderr)
        return 2
    seeds = {r.seed for r in rows if r.seed is not None}
    if len(seeds) > 1:
        print(
            f"mgc gradebook merge: the parts were graded with different seeds ({sorted(seeds)})",
            file=sys.stderr,
        )
        return 2
    rows = account(rows, load(), roster, sorted({r.assignment for r in rows if r.assignment}))
    gradebook.save(rows, args.out, next(iter(seeds), None))
    print(f"wrote {args.out}: {len(rows)} rows from {len(args.parts)} parts")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """mgc feedback GRADEBOOK --out DIR [--zip FILE --lms L]: a page per student and assignment."""
    from mgc.course.manifest import load
    from mgc.results import gradebook
    from mgc.results.feedback import write_pages, write_zip
    from mgc.term.roster import RosterError

    try:
        rows = gradebook.read(args.gradebook)
        roster = _roster(args.roster)
    except (gradebook.GradebookError, RosterError) as error:
        print(f"mgc feedback: {error}", file=sys.stderr)
        return 2
    if not rows:
        print(f"mgc feedback: no gradebook at {args.gradebook}", file=sys.stderr)
        return 2
    pages = write_pages(rows, args.out, load())
    print(f"wrote {len(pages)} feedback pages into {args.out}")
    if args.zip:
        written = write_zip(rows, args.zip, args.lms, load(), roster)
        print(f"wrote {written}, laid out for {args.lms}'s feedback upload")
    return 0


def cmd_export_grades(args: argparse.Namespace) -> int:
    """mgc export grades --to canvas|moodle|csv --gradebook FILE --roster FILE --out FILE."""
    from mgc.course.manifest import load
    from mgc.exports.lms import not_graded, write_grades
    from mgc.results import gradebook
    from mgc.term import account
    from mgc.term.roster import RosterError

    try:
        roster = _roster(args.roster)
        rows = gradebook.read(args.gradebook)
    except (gradebook.GradebookError, RosterError) as error:
        print(f"mgc export grades: {error}", file=sys.stderr)
        return 2
    course = load()
    assignments = args.assignment or sorted(
        {r.assignment for r in rows if r.assignment},
        key=lambda a: [x.id for x in course.assignments].index(a),
    )
    rows = account(rows, course, roster, assignments)
    out = write_grades(rows, roster, course, args.to, args.out, assignments)
    print(f"wrote {out}: {len(roster.students)} students, {', '.join(assignments)}")
    blank = not_graded(rows)
    if blank:
        print(
            f"mgc export grades: {len(blank)} score(s) left blank, not graded: grade them again",
            file=sys.stderr,
        )
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
    from mgc.i18n import UI, translated

    results = grade_paths([args.notebook], Options(visible_only=True, time_limit=args.time_limit))
    result = results[0]
    lang = args.lang or _language(args.notebook)
    result = replace(result, verdicts=tuple(translated(v, lang) for v in result.verdicts))
    print_submission(result, Console())
    if result.assignment is None:
        print(plain_line(result.reason), file=sys.stderr)
        return 2
    print(UI[lang]["lecture_only"])
    return 0 if all(v.passed for v in result.verdicts) else 1


def _language(notebook: Path) -> str:
    """The language a notebook is written in (its metadata says), English if it cannot be read."""
    from mgc.i18n import language_of

    try:
        return language_of(json.loads(notebook.read_bytes()))
    except (OSError, ValueError):
        return "en"


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
    from mgc.exports import platform

    known = [a.id for a in load().assignments]
    if args.assignment not in known:
        problem = f"no assignment {args.assignment!r}." if args.assignment else "which assignment?"
        print(
            f"mgc export {args.platform}: {problem} One per assignment: {', '.join(known)}", file=sys.stderr
        )
        return 2
    print(f"wrote {platform(args.platform).export(args)}")
    return 0


def cmd_passed(args: argparse.Namespace) -> int:
    from mgc.exports.classroom import passed
    from mgc.results.gradebook import GradebookError

    try:
        ok = passed(args.exercise, args.results)
    except (OSError, ValueError, KeyError, GradebookError) as error:
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
        "--student",
        metavar="NAME",
        help="every notebook under PATH is this student's (a regrade of one student's folder)",
    )
    seeds = grade.add_mutually_exclusive_group()
    seeds.add_argument(
        "--seed", type=int, default=None, help="seed for the random cases (default: fresh each run)"
    )
    seeds.add_argument(
        "--seed-file",
        type=Path,
        metavar="FILE",
        help="the term's seed, private in FILE: drawn and written (mode 600) on first use, then read",
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
        "--quiet",
        "-q",
        action="store_true",
        help="print the gradebook and the class summary, no table per notebook",
    )
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
        "--roster", type=Path, metavar="FILE", help="the class roster (an LMS's CSV): a row for every student"
    )
    grade.add_argument(
        "--shard",
        metavar="K/N",
        help="grade the K-th of N parts of the class (merge them: mgc gradebook merge)",
    )
    grade.add_argument(
        "--gradescope-visibility",
        default="visible",
        choices=VISIBILITIES,
        help="when Gradescope shows the results to students",
    )
    grade.set_defaults(run=cmd_grade)

    check = sub.add_parser("check", help="check your notebook against the lecture's cases")
    check.add_argument("notebook", type=Path)
    check.add_argument(
        "--lang", choices=["en", "zh"], default=None, help="feedback language (default: the notebook's)"
    )
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

    from mgc.exports import PLATFORMS, platform

    export = sub.add_parser("export", help="an autograder for a platform: " + ", ".join(PLATFORMS))
    platforms = export.add_subparsers(dest="platform", required=True)
    for name in PLATFORMS:
        module = platform(name)
        one = platforms.add_parser(name, help=module.__doc__.splitlines()[0])
        one.add_argument("assignment", nargs="?", default=None, help="the assignment it grades")
        one.add_argument("--out", type=Path, default=None, help="where to write it (default: under build/)")
        module.add_arguments(one)
        one.set_defaults(run=cmd_export)

    grades = platforms.add_parser("grades", help="the gradebook as an LMS imports it")
    grades.add_argument("--to", required=True, choices=LMS_FORMATS, help="the LMS's format")
    grades.add_argument(
        "--gradebook", required=True, type=Path, help="an mgc grade --json (or --csv) gradebook"
    )
    grades.add_argument("--roster", required=True, type=Path, help="the class roster (the LMS's own export)")
    grades.add_argument("--out", required=True, type=Path, help="the file to import")
    grades.add_argument("--assignment", action="append", help="only these assignments (default: all graded)")
    grades.set_defaults(run=cmd_export_grades)

    book = sub.add_parser("gradebook", help="gradebooks: merge the parts of a sharded run")
    books = book.add_subparsers(dest="action", required=True)
    merge = books.add_parser("merge", help="join gradebooks (mgc grade --shard K/N) into one")
    merge.add_argument("out", type=Path, help="the gradebook to write (.json or .csv)")
    merge.add_argument("parts", nargs="+", type=Path, help="the parts")
    merge.add_argument("--roster", type=Path, help="the class roster: a row for every student")
    merge.set_defaults(run=cmd_merge)

    feedback = sub.add_parser("feedback", help="a feedback page per student and assignment, from a gradebook")
    feedback.add_argument("gradebook", type=Path, help="an mgc grade --json gradebook")
    feedback.add_argument("--out", type=Path, default=Path("feedback-pages"), help="the folder for the pages")
    feedback.add_argument(
        "--zip", type=Path, help="also a zip of them, laid out for the LMS's feedback upload"
    )
    feedback.add_argument(
        "--lms", default="moodle", choices=("canvas", "moodle"), help="whose layout the zip has"
    )
    feedback.add_argument("--roster", type=Path, help="the class roster (names and ids for the LMS's layout)")
    feedback.set_defaults(run=cmd_feedback)

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
