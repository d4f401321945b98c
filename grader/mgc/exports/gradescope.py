"""Gradescope: the autograder zip (setup.sh, run_autograder and the grader's project), what
run_autograder runs for each submission, and its results.json."""

from __future__ import annotations

import json
import os
import shlex
import stat
import tempfile
import traceback
import zipfile
from pathlib import Path

import nbformat

from mgc.course.manifest import Assignment, Course, load
from mgc.exports import VISIBILITIES
from mgc.exports.bundle import autograder_pyproject, grader_project, torch_pip_args
from mgc.results.result import SubmissionResult
from mgc.sandbox.runner import DEFAULT_SECONDS


def gradescope_results(
    results: list[SubmissionResult],
    visibility: str = "visible",
    output: str = "",
    max_score: float | None = None,
) -> dict:
    """Gradescope's results.json: one test per exercise, feedback as its output. Only results that
    count are summed (not a student's second notebook), and never past `max_score` when given."""
    tests = []
    for r in results:
        if r.reason and not r.verdicts:  # a problem with the upload itself: the student sees it at once
            problem = {"name": "submission", "score": 0, "max_score": 0, "output": r.reason}
            tests.append(problem | {"visibility": "visible"})
        for v in r.verdicts:
            tests.append(
                {
                    "name": v.exercise,
                    "score": min(v.points, v.max_points) if r.counts else 0,
                    "max_score": v.max_points,
                    "status": "passed" if v.passed and r.counts else "failed",
                    "output": v.feedback or "passed",
                    "visibility": visibility,
                }
            )
    score = sum(t["score"] for t in tests)
    data = {
        "score": score if max_score is None else max(0, min(score, max_score)),
        "tests": tests,
        "visibility": visibility if tests else "visible",
        "stdout_visibility": "hidden",
    }
    if output:
        data["output"] = output
    return data


SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image, from the folder the
# zip was unpacked into (/autograder/source). It installs the grader into its own virtual
# environment, then makes the grader and that environment readable by root only.
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${MGC_VENV:-/autograder/mgc-venv}"
export DEBIAN_FRONTEND=noninteractive
# the system's interpreters only: one under a private home (pyenv, conda) could not be started by
# uid 65534, and the fallback confinement runs student code as that user
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
updated=""
install() {  # Debian packages, only those missing (Gradescope's base image lacks bubblewrap)
    [ -n "$updated" ] || apt-get update -qq
    updated=yes
    apt-get install -y -qq "$@" >/dev/null
}
# bubblewrap confines student code where the container allows user namespaces; where it does not,
# student code runs as uid 65534 instead (mgc picks the strongest that works)
command -v bwrap >/dev/null || install bubblewrap
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null \\
        && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    install python3.11
    python=python3.11
fi
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    install "${python}-venv" || install python3-venv
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q TORCH_PIP_ARGS
"$venv/bin/python" -m pip install -q -e "$source_dir[grading]"
"$venv/bin/python" -c 'import mgc.grading.run, mgc.judge.checks'
chmod 700 "$source_dir" "$venv"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this, as root, for every submission (from its copy at /autograder/run_autograder).
# It grades the ASSIGNMENT assignment: exactly one NOTEBOOK, found in /autograder/submission.
# Only this script and the grader it starts write results.json; student code runs confined.
# AUTOGRADER_ROOT (instead of /autograder) and MGC_VENV let it run elsewhere, as the tests do.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
venv="${MGC_VENV:-$root/mgc-venv}"
results="$root/results/results.json"
mkdir -p "$root/results"
# the grader, its environment and the results: root's alone, whatever confinement is in force
chmod 700 "$root/source" "$venv" "$root/results"
rm -f "$results"
cd "$root/results" || exit 1
"$venv/bin/python" -I -m mgc.exports.gradescope \\
    --root "$root" --assignment ASSIGNMENT --time-limit TIME_LIMIT --visibility VISIBILITY
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$results" ]; then
    printf '{"score": 0, "tests": [], "output": "%s"}\\n' \\
        "The autograder failed (exit status $status) and graded nothing. Please tell your instructor." \\
        > "$results"
fi
exit 0
"""


def build_gradescope_zip(
    out: Path, assignment_id: str, time_limit: float = DEFAULT_SECONDS, visibility: str = "visible"
) -> Path:
    """The autograder zip for one assignment, laid out as Gradescope unpacks it into
    /autograder/source: setup.sh, run_autograder and the grader's project at the root."""
    assignment = load().assignment(assignment_id)  # KeyError names the assignments there are
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown Gradescope visibility {visibility!r}")
    scripts = {
        "setup.sh": SETUP_SH.replace("TORCH_PIP_ARGS", " ".join(map(shlex.quote, torch_pip_args()))),
        "run_autograder": RUN_AUTOGRADER.replace("ASSIGNMENT", assignment.id)
        .replace("NOTEBOOK", assignment.notebook_name)
        .replace("TIME_LIMIT", f"{time_limit:g}")
        .replace("VISIBILITY", visibility),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in scripts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        z.writestr("pyproject.toml", autograder_pyproject())
        for path, name in grader_project():
            z.write(path, name)
    return out


def submitted_notebooks(folder: Path) -> list[Path]:
    """Every notebook under `folder` (links listed, never followed; checkpoints skipped)."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in (".ipynb_checkpoints", "__MACOSX"))
        found += [Path(parent) / f for f in files if f.endswith(".ipynb")]
        found += [Path(parent) / d for d in dirs if d.endswith(".ipynb")]
    return sorted(found)


def _which(path: Path, course: Course) -> str:
    """What a notebook of the upload is, by its own cells, for a message."""
    from mgc.course.notebook import NotebookError, read_submission

    try:
        found = read_submission(path, course).assignment
    except NotebookError as error:
        return f"unreadable: {error}"
    return f"the {found.id} notebook" if found else "not a notebook of this course"


def grade_gradescope_submission(
    assignment: Assignment, folder: Path, time_limit: float = DEFAULT_SECONDS
) -> tuple[SubmissionResult | None, str]:
    """Grade the one notebook of `assignment` in `folder`, whatever the browser named it (its own
    cells say which assignment a notebook is): (its result, a message for the student). None, or
    more than one, of this assignment: (None, the reason). Other notebooks are never graded."""
    from mgc.course.notebook import NotebookError, read_submission
    from mgc.grading.run import Options, grade_file

    course = load()
    found = submitted_notebooks(folder) if folder.is_dir() else []
    ours, others = [], []
    for path in found:
        try:
            (ours if read_submission(path, course).assignment == assignment else others).append(path)
        except NotebookError:
            others.append(path)
    named = [p for p in ours if p.name == assignment.notebook_name]
    ours = named if len(ours) > 1 and len(named) == 1 else ours  # the release's name settles a tie
    others += [p for p in found if p not in ours and p not in others]
    note = "".join(f" Not graded: {p.relative_to(folder)} ({_which(p, course)})." for p in others)
    if not ours:
        message = f"No {assignment.id} notebook in your submission, so nothing was graded."
        return None, message + f" Upload your {assignment.notebook_name}." + note
    if len(ours) > 1:
        listed = ", ".join(str(p.relative_to(folder)) for p in ours)
        return (
            None,
            f"Your submission has {len(ours)} {assignment.id} notebooks ({listed}), so nothing was graded. "
            "Upload exactly one.",
        )
    notebook = ours[0]
    shown = str(notebook.relative_to(folder))
    with tempfile.TemporaryDirectory(prefix="mgc-submission-") as private:  # root's alone: mode 700
        copy = Path(private) / assignment.notebook_name
        try:  # read once, never through a link; what is graded is this private copy
            nbformat.write(read_submission(notebook, course).notebook, copy)
        except NotebookError as error:
            return None, f"{error}. Nothing was graded." + note
        result = grade_file(copy, "submission", Options(time_limit=time_limit), course, expected=assignment)
    if not result.graded:
        return result, f"{shown} could not be graded: {result.reason}" + note
    return result, f"Graded {shown}: {result.score:g} of {assignment.max_score:g} points." + note


def write_gradescope_results(results_json: Path, data: dict) -> None:
    """Write results.json whole, replacing (never writing through) whatever is there."""
    results_json.parent.mkdir(parents=True, exist_ok=True)
    temporary = results_json.with_name(f".{results_json.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(data, indent=2) + "\n")
    os.replace(temporary, results_json)


def run_gradescope(
    assignment_id: str,
    root: Path = Path("/autograder"),
    time_limit: float = DEFAULT_SECONDS,
    visibility: str = "visible",
) -> dict:
    """What run_autograder does: grade root/submission, write root/results/results.json."""
    from mgc.sandbox import SandboxError
    from mgc.sandbox.runner import confinement, describe_confinement

    assignment = load().assignment(assignment_id)
    result, message = None, ""
    try:
        mode = confinement()
        print(describe_confinement(), flush=True)
        if mode == "none" and os.environ.get("MGC_SANDBOX") != "none":
            message = "The autograder cannot confine student code here, so it graded nothing."
        else:
            result, message = grade_gradescope_submission(assignment, root / "submission", time_limit)
    except SandboxError as error:
        message = f"The autograder cannot run student code here ({error}), so it graded nothing."
    except Exception as error:  # the grader's own fault: said, never a partial score
        traceback.print_exc()
        result = None
        message = f"The autograder broke ({type(error).__name__}: {error}) and graded nothing."
    data = gradescope_results([result] if result else [], visibility, message, assignment.max_score)
    write_gradescope_results(root / "results" / "results.json", data)
    print(message)
    return data


def gradescope_main(argv: list[str] | None = None) -> int:
    """run_autograder's entry point: `python -c '...gradescope_main()' --assignment ID ...`."""
    import argparse

    p = argparse.ArgumentParser(prog="run_autograder")
    p.add_argument("--assignment", required=True)
    p.add_argument("--root", type=Path, default=Path("/autograder"))
    p.add_argument("--time-limit", type=float, default=DEFAULT_SECONDS)
    p.add_argument("--visibility", choices=VISIBILITIES, default="visible")
    args = p.parse_args(argv)
    run_gradescope(args.assignment, args.root, args.time_limit, args.visibility)
    return 0


def add_arguments(parser) -> None:
    """`mgc export gradescope ASSIGNMENT`'s own options."""
    parser.add_argument("--time-limit", type=float, default=DEFAULT_SECONDS, help="seconds per exercise")
    parser.add_argument(
        "--visibility", default="visible", choices=VISIBILITIES, help="when students see the results"
    )


def export(args) -> Path:
    """`mgc export gradescope ASSIGNMENT`: the autograder zip."""
    out = args.out or Path(f"build/gradescope-{args.assignment}.zip")
    return build_gradescope_zip(out, args.assignment, args.time_limit, args.visibility)


if __name__ == "__main__":
    raise SystemExit(gradescope_main())
