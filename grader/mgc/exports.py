"""Grades for other places: a CSV gradebook, Gradescope, GitHub Classroom.

Each export is derived from the grading results and course.toml; none grades
anything itself. Gradescope and GitHub Classroom run `mgc grade` on their own
machines and read what it writes.
"""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from pathlib import Path

from mgc.grading import SubmissionResult
from mgc.manifest import ROOT, Course, load
from mgc.sandbox import DEFAULT_SECONDS

# ---- CSV gradebook ---------------------------------------------------------------------


def write_csv(results: list[SubmissionResult], path: Path, course: Course | None = None) -> None:
    """One row per submission: student, assignment, score, max_score, then one column per exercise."""
    course = course or load()
    exercise_ids = [e.id for e in course.exercises]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "score", "max_score", *exercise_ids])
        for r in sorted(results, key=lambda r: (r.student, r.assignment or "")):
            scores = {e.id: e.score for e in r.exercises}
            writer.writerow(
                [
                    r.student,
                    r.assignment or "",
                    r.score,
                    r.max_score,
                    *(scores.get(i, "") for i in exercise_ids),
                ]
            )


# ---- Gradescope ----------------------------------------------------------------------------


def gradescope_results(results: list[SubmissionResult], visibility: str = "visible") -> dict:
    """Gradescope's results.json: one test per exercise, feedback as its output."""
    tests = []
    for r in results:
        if r.error and not r.exercises:
            tests.append({"name": "submission", "score": 0, "max_score": 0, "output": r.error})
        for e in r.exercises:
            tests.append(
                {
                    "name": e.id,
                    "score": e.score,
                    "max_score": e.max_score,
                    "status": "passed" if e.status == "passed" else "failed",
                    "output": e.feedback or "passed",
                    "visibility": visibility,
                }
            )
    return {
        "score": sum(r.score for r in results),
        "tests": tests,
        "visibility": visibility,
        "stdout_visibility": "hidden",
    }


SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip python3-venv util-linux >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q torch==2.13.0
/autograder/venv/bin/pip install -q -e '/autograder/source[grading]'
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT lets it be tried outside Gradescope.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
mgc="${MGC:-$root/venv/bin/mgc}"
mkdir -p "$root/results"
"$mgc" grade "$root/submission" --no-progress --gradebook-only --time-limit TIME_LIMIT \\
    --gradescope "$root/results/results.json" --gradescope-visibility VISIBILITY
status=$?
if [ ! -s "$root/results/results.json" ]; then
    printf '{"score": 0, "output": "The grader could not run (exit status %s).", "tests": []}\\n' "$status" \\
        > "$root/results/results.json"
fi
"""

SOURCE_FILES = ["pyproject.toml", "README.md", "course.toml"]
SOURCE_TREES = ["reference/micrograd", "grader/mgc"]


def build_gradescope_zip(out: Path, time_limit: float = DEFAULT_SECONDS, visibility: str = "visible") -> Path:
    """The autograder zip: setup.sh, run_autograder, and this package's source to install."""
    if visibility not in ("visible", "hidden", "after_due_date", "after_published"):
        raise ValueError(f"unknown Gradescope visibility {visibility!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    run = RUN_AUTOGRADER.replace("TIME_LIMIT", f"{time_limit:g}").replace("VISIBILITY", visibility)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", run)):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            z.writestr(info, text)
        for name in SOURCE_FILES:
            z.write(ROOT / name, f"source/{name}")
        for tree in SOURCE_TREES:
            for path in sorted((ROOT / tree).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    z.write(path, f"source/{path.relative_to(ROOT)}")
    return out


# ---- GitHub Classroom ------------------------------------------------------------------------


def classroom_workflow(course: Course | None = None, package: str = "micrograd-course[grading]") -> str:
    """A GitHub Actions workflow for GitHub Classroom: grade once, then one autograding test
    per exercise (worth its points), read back from the results by `mgc passed`."""
    course = course or load()
    lines = [
        "# Generated by `mgc export classroom`: autograding for GitHub Classroom.",
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
        "          pip install torch==2.13.0",
        f"          pip install '{package}'",
        "      - name: Grade every notebook",
        "        run: mgc grade . --no-progress --json mgc-results.json",
    ]
    runners = []
    for exercise in course.exercises:
        step_id = exercise.id.replace(".", "-").replace("_", "-")
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
        *(
            f"          {r.upper().replace('-', '_')}_RESULTS: ${{{{ steps.{r}.outputs.result }}}}"
            for r in runners
        ),
        "        with:",
        f"          runners: {','.join(runners)}",
    ]
    return "\n".join(lines) + "\n"


def passed(exercise_id: str, results_json: Path) -> bool:
    """True if some submission in an `mgc grade --json` file passed `exercise_id`."""
    data = json.loads(results_json.read_text())
    return any(
        e["id"] == exercise_id and e["status"] == "passed"
        for s in data["submissions"]
        for e in s["exercises"]
    )
