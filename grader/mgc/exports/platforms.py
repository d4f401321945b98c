"""Grades for other places: a CSV gradebook, Gradescope, GitHub Classroom.

Each export is derived from the grading results and course.toml; none grades
anything itself. Gradescope and GitHub Classroom run `mgc grade` on their own
machines and read what it writes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import tempfile
import tomllib
import traceback
import zipfile
from pathlib import Path

import nbformat

from mgc.course.manifest import ROOT, Assignment, Course, load
from mgc.grading.run import SubmissionResult
from mgc.sandbox.runner import DEFAULT_SECONDS

# ---- CSV gradebook ---------------------------------------------------------------------


# ---- Gradescope ----------------------------------------------------------------------------

TORCH_FILE = ROOT / "torch-cpu.txt"  # the one PyTorch install of the project: the CPU build


def torch_pip_args(text: str | None = None) -> tuple[str, ...]:
    """pip's arguments for PyTorch's CPU build, as torch-cpu.txt writes them."""
    text = TORCH_FILE.read_text(encoding="utf-8") if text is None else text
    return tuple(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


TORCH_PIP_ARGS = torch_pip_args()

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


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
        if r.error and not r.exercises:
            tests.append({"name": "submission", "score": 0, "max_score": 0, "output": r.error})
        for e in r.exercises:
            tests.append(
                {
                    "name": e.id,
                    "score": min(e.score, e.max_score) if r.counts else 0,
                    "max_score": e.max_score,
                    "status": "passed" if e.status == "passed" and r.counts else "failed",
                    "output": e.feedback or "passed",
                    "visibility": visibility,
                }
            )
    score = sum(t["score"] for t in tests)
    data = {
        "score": score if max_score is None else max(0, min(score, max_score)),
        "tests": tests,
        "visibility": visibility,
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
"$venv/bin/python" -I -c 'import sys; import mgc.exports.platforms as p; sys.exit(p.gradescope_main())' \\
    --root "$root" --assignment ASSIGNMENT --time-limit TIME_LIMIT --visibility VISIBILITY
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$results" ]; then
    printf '{"score": 0, "tests": [], "output": "%s"}\\n' \\
        "The autograder failed (exit status $status) and graded nothing. Please tell your instructor." \\
        > "$results"
fi
exit 0
"""

# What the autograder installs: the grader package and the manifest it reads (mgc.course.manifest reads
# course.toml beside grader/). Not the reference engine, the solutions, the release or the samples.
SOURCE_FILES = ["README.md", "course.toml", "torch-cpu.txt"]
SOURCE_TREES = ["grader/mgc"]


def grader_project() -> list[tuple[Path, str]]:
    """The files of the grader's project that an autograder ships, besides its pyproject.toml:
    (where the file is, its name in the project)."""
    files = [(ROOT / name, name) for name in SOURCE_FILES]
    for tree in SOURCE_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append((path, str(path.relative_to(ROOT))))
    return files


def autograder_pyproject(text: str | None = None) -> str:
    """The project's pyproject.toml with only the packages shipped in the autograder (those under
    grader/), so that it installs without the reference engine."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8") if text is None else text
    config = tomllib.loads(text)["tool"]["setuptools"]
    dirs = {name: d for name, d in config["package-dir"].items() if d.startswith("grader/")}
    packages = [p for p in config["packages"] if p.split(".")[0] in dirs]
    lines = {
        "package-dir": "{ " + ", ".join(f'"{n}" = "{d}"' for n, d in dirs.items()) + " }",
        "packages": "[" + ", ".join(f'"{p}"' for p in packages) + "]",
    }
    for key, value in lines.items():
        text, count = re.subn(rf"^{key}\s*=.*$", f"{key} = {value}", text, flags=re.MULTILINE)
        if count != 1:
            raise ValueError(f"pyproject.toml: expected one `{key} =` line, found {count}")
    written = tomllib.loads(text)["tool"]["setuptools"]
    assert written["package-dir"] == dirs and written["packages"] == packages
    return "# The course's pyproject.toml, less the packages the autograder does not ship.\n" + text


def build_gradescope_zip(
    out: Path, assignment_id: str, time_limit: float = DEFAULT_SECONDS, visibility: str = "visible"
) -> Path:
    """The autograder zip for one assignment, laid out as Gradescope unpacks it into
    /autograder/source: setup.sh, run_autograder and the grader's project at the root."""
    assignment = load().assignment(assignment_id)  # KeyError names the assignments there are
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown Gradescope visibility {visibility!r}")
    scripts = {
        "setup.sh": SETUP_SH.replace("TORCH_PIP_ARGS", " ".join(map(shlex.quote, TORCH_PIP_ARGS))),
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


def _named(paths: list[Path], folder: Path, course: Course) -> str:
    """The notebooks found, for a message: each with the assignment it belongs to, if any."""
    owners = {a.notebook_name: a.id for a in course.assignments}
    described = []
    for path in paths:
        owner = owners.get(path.name)
        where = path.relative_to(folder)
        described.append(f"{where} (the {owner} assignment's notebook)" if owner else str(where))
    return ", ".join(described)


def grade_gradescope_submission(
    assignment: Assignment, folder: Path, time_limit: float = DEFAULT_SECONDS
) -> tuple[SubmissionResult | None, str]:
    """Grade the one notebook of `assignment` in `folder`: (its result, a message for the student).
    No such notebook, or more than one: (None, the reason). Other notebooks are never graded."""
    from mgc.course.notebook import NotebookError, read_notebook
    from mgc.grading.run import Options, grade_paths

    course = load()
    wanted = assignment.notebook_name
    found = submitted_notebooks(folder) if folder.is_dir() else []
    candidates = [p for p in found if p.name == wanted]
    others = [p for p in found if p.name != wanted]
    if not candidates:
        message = f"No {wanted} in your submission, so nothing was graded. Upload your {wanted}"
        if others:
            return None, f"{message}. Found instead, and not graded: {_named(others, folder, course)}."
        return None, message + "."
    if len(candidates) > 1:
        return None, (
            f"Your submission has {len(candidates)} files named {wanted} "
            f"({', '.join(str(p.relative_to(folder)) for p in candidates)}), so nothing was graded. "
            f"Upload exactly one {wanted}."
        )
    notebook = candidates[0]
    note = (
        f" Not graded (not this assignment's notebook): {_named(others, folder, course)}." if others else ""
    )
    with tempfile.TemporaryDirectory(prefix="mgc-submission-") as private:  # root's alone: mode 700
        copy = Path(private) / wanted
        try:  # read once, never through a link; what is graded is this private copy
            nbformat.write(read_notebook(notebook), copy)
        except NotebookError as error:
            return None, f"{error}. Nothing was graded." + note
        [result] = grade_paths([copy], Options(time_limit=time_limit))
    result.path = str(notebook.relative_to(folder))
    result.student = "submission"
    if result.assignment != assignment.id:
        return None, f"{result.path} could not be graded as the {assignment.id} assignment." + note
    if not result.graded:
        return result, f"{result.path} could not be graded: {result.error}" + note
    return result, f"Graded {result.path}: {result.score:g} of {assignment.max_score:g} points." + note


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
    from mgc.sandbox.runner import SandboxError, confinement, describe_confinement

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


# ---- GitHub Classroom ------------------------------------------------------------------------


CLASSROOM_GRADER = ".github/mgc"  # where the template repository carries the grader's project


def classroom_workflow(assignment_id: str, course: Course | None = None) -> str:
    """A GitHub Actions workflow for one assignment's template repository: install the grader it
    carries in .github/mgc, grade once, then one autograding test per exercise (worth its points),
    read back from the results by `mgc passed`, and the reporter that sends the grade to Classroom."""
    course = course or load()
    assignment = course.assignment(assignment_id)
    torch = " ".join(map(shlex.quote, TORCH_PIP_ARGS))
    lines = [
        f"# Generated by `mgc export classroom {assignment.id}`: autograding for GitHub Classroom.",
        "name: Autograding",
        "on: [push, repository_dispatch]",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  grade:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        "          python-version: '3.11'",
        "      - name: Install the grader",
        "        run: |",
        "          sudo apt-get install -y -qq bubblewrap",
        f"          python -m pip install -q {torch}",
        f"          python -m pip install -q -e '{CLASSROOM_GRADER}[grading]'",
        f"      - name: Grade {assignment.notebook_name}",
        "        run: mgc grade . --no-progress --gradebook-only --json mgc-results.json || true",
    ]
    runners = []
    for exercise in assignment.exercises:
        step_id = exercise.id.replace(".", "_")  # the reporter reads <STEP ID, upper-cased>_RESULTS
        runners.append(step_id)
        lines += [
            f"      - name: {exercise.id}",
            f"        id: {step_id}",
            "        uses: classroom-resources/autograding-command-grader@v1",
            "        with:",
            f"          test-name: {exercise.id}",
            f"          command: mgc passed {exercise.id} mgc-results.json",
            "          timeout: 1",
            f"          max-score: {exercise.points:g}",
        ]
    lines += [
        "      - name: Autograding reporter",
        "        uses: classroom-resources/autograding-grading-reporter@v1",
        "        env:",
        *(f"          {r.upper()}_RESULTS: ${{{{ steps.{r}.outputs.result }}}}" for r in runners),
        "        with:",
        f"          runners: {','.join(runners)}",
    ]
    return "\n".join(lines) + "\n"


def write_classroom_template(out: Path, assignment_id: str) -> Path:
    """Into the template repository at `out`: the assignment's workflow and, in .github/mgc, the
    grader's project it installs (as the Gradescope autograder ships it: no solutions)."""
    workflow = out / ".github" / "workflows" / "classroom.yml"
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(classroom_workflow(assignment_id), encoding="utf-8")
    grader = out / CLASSROOM_GRADER
    if grader.exists():
        shutil.rmtree(grader)
    grader.mkdir(parents=True)
    (grader / "pyproject.toml").write_text(autograder_pyproject(), encoding="utf-8")
    for path, name in grader_project():
        (grader / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, grader / name)
    return workflow


def passed(exercise_id: str, results_json: Path) -> bool:
    """True if some submission in an `mgc grade --json` file passed `exercise_id`."""
    data = json.loads(results_json.read_text())
    return any(
        e["id"] == exercise_id and e["status"] == "passed"
        for s in data["submissions"]
        for e in s["exercises"]
    )
