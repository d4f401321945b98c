"""mgc: the instructor's and the student's command for micrograd-course.

mgc list [--json]                    the course: assignments, exercises, points
mgc grade PATH... [--json FILE]      grade submitted notebooks (hidden checks)
mgc check NOTEBOOK                   a student's own check (visible cases only)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console


def cmd_list(args: argparse.Namespace) -> int:
    from mgc.manifest import load

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
    from mgc.grading import Options, grade_paths
    from mgc.report import print_gradebook, print_submission, write_json

    console = Console(stderr=False)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"mgc grade: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    options = Options(visible_only=False, seed=args.seed, time_limit=args.time_limit)
    show = None if args.gradebook_only else (lambda r: print_submission(r, console, args.details))
    results = grade_paths(args.paths, options, on_done=show)
    if not results:
        print(f"mgc grade: no notebooks found under {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    print_gradebook(results, console)
    if args.json:
        write_json(results, args.json)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from mgc.grading import Options, grade_paths
    from mgc.report import print_submission

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
    grade.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    grade.add_argument(
        "--seed", type=int, default=None, help="seed for the random cases (default: fresh each run)"
    )
    grade.add_argument("--time-limit", type=float, default=10.0, help="seconds per exercise (default 10)")
    grade.add_argument(
        "--no-details", dest="details", action="store_false", help="tables only, no feedback text"
    )
    grade.add_argument("--gradebook-only", action="store_true", help="print the gradebook only")
    grade.set_defaults(run=cmd_grade)

    check = sub.add_parser("check", help="check your notebook against the lecture's cases")
    check.add_argument("notebook", type=Path)
    check.add_argument("--time-limit", type=float, default=10.0, help="seconds per exercise (default 10)")
    check.set_defaults(run=cmd_check)

    rel = sub.add_parser("release", help="regenerate the student release from solutions/ with nbgrader")
    rel.add_argument("--to", type=Path, default=None, help="release folder (default: exercises/)")
    rel.set_defaults(run=cmd_release)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
