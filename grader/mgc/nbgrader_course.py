"""Drive the real nbgrader on a class: a course folder, autograde, feedback, export.

Used by the test that checks nbgrader and `mgc grade` agree, and by
bench/grading.py. Every step is nbgrader's own command-line app; nothing of
nbgrader is re-implemented here.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mgc.course.manifest import course_root


class NbgraderError(Exception):
    """An nbgrader command failed; the message holds the end of its output."""


def nbgrader(course: Path, *args: str, timeout: float = 1800) -> str:
    """Run `nbgrader ARGS` in the course folder, with this environment's bin/ on PATH (for alembic)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = [os.path.join(bin_dir, "nbgrader"), *args]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        raise NbgraderError(f"nbgrader {' '.join(args)} failed:\n{output}")
    return done.stdout + done.stderr


def make_course(folder: Path, submissions: Path) -> Path:
    """A fresh nbgrader course in `folder`: this course's config and solutions, and a class
    laid out as nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(course_root() / "nbgrader_config.py", folder)
    shutil.copytree(course_root() / "solutions", folder / "solutions")
    for notebook in sorted(submissions.glob("*/*/*.ipynb")):
        student, assignment = notebook.parent.parent.name, notebook.parent.name
        target = folder / "submitted" / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, target)
    return folder


def assignments_in(course: Path) -> list[str]:
    return sorted({p.name for p in (course / "submitted").glob("*/*")})


def release(course: Path, assignment: str) -> None:
    nbgrader(course, "generate_assignment", assignment, "--force")


# nbgrader 0.9.6's own autograde steps, Execute (a kernel per notebook) first: what this course's
# nbgrader_config.py replaces, for comparing with stock nbgrader (bench/grading.py)
STOCK_AUTOGRADE = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
STOCK_SANITIZE = [  # nbgrader 0.9.6's own sanitizing steps, run before the autograde steps
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
STOCK = "--Autograde.autograde_preprocessors=" + json.dumps(STOCK_AUTOGRADE)


def autograde(course: Path, assignment: str, *options: str) -> str:
    """`nbgrader autograde ASSIGNMENT` ("*" for all) with the course's config, which grades through
    mgc's SandboxGrade; `options` are extra settings, such as `--SandboxGrade.seed=8`, or STOCK.
    Returns nbgrader's log."""
    return nbgrader(course, "autograde", assignment, "--create", "--force", *options)


def feedback(course: Path, assignment: str) -> None:
    nbgrader(course, "generate_feedback", assignment, "--force")


def export(course: Path) -> dict[tuple[str, str], float]:
    """nbgrader's CSV export, as {(student, assignment): raw score}."""
    nbgrader(course, "export", "--to", "grades.csv")
    with open(course / "grades.csv", newline="") as f:
        return {(row["student_id"], row["assignment"]): float(row["raw_score"]) for row in csv.DictReader(f)}
