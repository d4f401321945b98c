"""Derive the student release from the instructor's notebooks.

Four steps: write course.toml's points into the nbgrader metadata of each
solution notebook's test cells and into the README's table of exercises (so
points are typed once), let nbgrader's own `generate_assignment` write
exercises/ from solutions/, and compute with PyTorch the answers to every
visible case (mgc/visible_truth.json), so that students check their work
without PyTorch.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC
from pathlib import Path

import nbformat

from mgc.course import cells
from mgc.course.manifest import Assignment, Course, load
from mgc.nbgrader_course import NbgraderError, nbgrader
from mgc.standalone import write_editions


class ReleaseError(Exception):
    """A solution notebook does not match course.toml, or nbgrader failed."""


def sync_points(assignment: Assignment, root: Path | None = None) -> bool:
    """Set each test cell's nbgrader points from the manifest; True if the notebook changed."""
    path = (root or load().root) / assignment.notebook
    notebook = nbformat.read(path, as_version=4)
    by_id = {cells.grade_id(c): c for c in notebook.cells}
    changed = False
    for exercise in assignment.exercises:
        cell = by_id.get(exercise.test_cell)
        if cell is None:
            raise ReleaseError(f"{assignment.notebook} has no test cell with grade_id {exercise.test_cell!r}")
        solution = by_id.get(exercise.cell)
        if solution is None or not cells.nbgrader(solution).get("solution"):
            raise ReleaseError(
                f"{assignment.notebook} has no solution cell {exercise.cell!r} for {exercise.id}"
            )
        meta = cell.metadata["nbgrader"]
        if meta.get("points") != exercise.points:
            meta["points"] = exercise.points
            changed = True
    if changed:
        nbformat.write(notebook, path)
    return changed


TABLE_START = "<!-- the exercises: written from course.toml by `mgc release` -->\n"
TABLE_END = "<!-- end of the exercises -->\n"


def exercise_table(course: Course) -> str:
    """The README's table: each assignment, its exercises and their points."""
    rows = ["| assignment | exercises (points) | total |", "|---|---|---|"]
    for a in course.assignments:
        listed = ", ".join(f"`{e.id.split('.', 1)[1]}` ({e.points:g})" for e in a.exercises)
        rows.append(f"| `{a.id}` | {listed} | {a.max_score:g} |")
    return "\n".join(rows) + "\n"


def sync_readme(course: Course, readme: Path | None = None) -> bool:
    """Write the table of exercises between the README's markers; True if it changed."""
    readme = readme or course.root / "README.md"
    text = readme.read_text(encoding="utf-8")
    try:
        head, rest = text.split(TABLE_START, 1)
        _, tail = rest.split(TABLE_END, 1)
    except ValueError:
        raise ReleaseError(f"{readme.name} has no table markers ({TABLE_START.strip()})") from None
    new = head + TABLE_START + exercise_table(course) + TABLE_END + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def generate(course: Course, release_dir: Path, root: Path | None = None, record: bool = False) -> None:
    """Run nbgrader generate_assignment for every assignment, writing into `release_dir`; with
    `record`, also into the course's gradebook.db, as nbgrader does (autograde needs it there)."""
    root = root or course.root
    if importlib.util.find_spec("nbgrader") is None:
        raise ReleaseError("nbgrader is not installed: pip install 'micrograd-course[nbgrader]'")
    for assignment in course.assignments:
        try:
            nbgrader(
                root,
                "generate_assignment",
                assignment.id,
                "--force",
                *([] if record else ["--no-db"]),
                f"--CourseDirectory.root={root}",
                f"--CourseDirectory.release_directory={release_dir.resolve()}",
                "--log-level=WARN",
            )
            if record and assignment.due is not None:  # nbgrader's lateness, and so its penalty, from it
                due = assignment.due.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                nbgrader(
                    root, "db", "assignment", "add", assignment.id, f"--duedate={due}", "--log-level=WARN"
                )
        except NbgraderError as error:
            raise ReleaseError(str(error)) from None


def visible_truths(course: Course) -> list[dict]:
    """Every answer the visible checks ask mgc.judge.expected for, computed with PyTorch: each
    assignment's visible checks are run on its solution notebook, in the sandbox (where each must pass)."""
    from mgc.course.notebook import read_submission
    from mgc.judge import expected
    from mgc.judge.checks import run_assignment
    from mgc.sandbox.runner import Sandbox

    answers: dict[str, dict] = {}
    with expected.recording() as asked:
        for assignment in course.assignments:
            solution = read_submission(course.root / assignment.notebook, course)
            with Sandbox(solution.code) as sandbox:
                failed = [v for v in run_assignment(assignment, sandbox, None, course) if not v.passed]
            if failed:
                raise ReleaseError(f"{assignment.notebook} fails its own visible check: {failed[0].feedback}")
    for answer in json.loads(json.dumps(asked)):  # as JSON holds them: lists, not tuples
        answers[_answer_key(answer)] = answer
    return [answers[key] for key in sorted(answers)]


def write_visible_truths(course: Course, path: Path | None = None) -> bool:
    """Write the visible cases' answers where mgc.judge.expected reads them (one per line); True if
    they changed. An answer that agrees with the recorded one within the graders' own tolerance
    keeps the recorded digits: PyTorch's float64 reductions differ in the last bits from one CPU
    to another, and a release must not rewrite the file for that."""
    from mgc.judge.expected import SHIPPED, same_answer

    path = path or SHIPPED
    recorded = {}
    if path.exists():
        recorded = {_answer_key(answer): answer for answer in json.loads(path.read_text())}
    answers = []
    for answer in visible_truths(course):
        old = recorded.get(_answer_key(answer))
        keep = old is not None and same_answer(answer["function"], old["result"], answer["result"])
        answers.append(old if keep else answer)
    text = "[\n" + ",\n".join(json.dumps(answer) for answer in answers) + "\n]\n"
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def _answer_key(answer: dict) -> str:
    return json.dumps([answer["function"], answer["args"], answer["kwargs"]])


def release(release_dir: Path | None = None) -> list[Path]:
    """Sync the points, then regenerate the release (the course's own, by default: then its
    assignments and their graded cells are recorded in gradebook.db for `nbgrader autograde`),
    each notebook able to check itself without mgc, in English and in Chinese (mgc.standalone);
    returns the notebooks written."""
    course = load()
    for assignment in course.assignments:
        sync_points(assignment)
    sync_readme(course)
    write_visible_truths(course)
    target = release_dir or course.root / "exercises"
    generate(course, target, record=release_dir is None)  # the course's own release: nbgrader's too
    return write_editions(target, course.root)  # self-checking, and in Chinese beside it
