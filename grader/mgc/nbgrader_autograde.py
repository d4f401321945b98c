"""nbgrader's autograde with mgc as the judge: student code runs only in mgc's sandbox.

Stock `nbgrader autograde` executes each submission in a Jupyter kernel that
runs as the instructor, beside `gradebook.db`; the student's own cells run
first and can patch whatever the test cells call, or write the gradebook. This
preprocessor takes the place of nbgrader's `Execute` in
`Autograde.autograde_preprocessors` (see nbgrader_config.py). It starts no
kernel and executes no cell. It writes the sanitized notebook that nbgrader
hands it (locked test cells already restored from the source) to a private
temporary file, grades it with `mgc.grading.run.grade_file` (every exercise in
its own confined child), and turns each verdict into the outputs of that
exercise's test cell:

- passed: one line on stdout, so nbgrader's `SaveAutoGrades` gives the points;
- failed: an `error` output whose message is mgc's feedback, so it gives 0.

nbgrader therefore records exactly the scores `mgc grade --seed N` gives the
notebook nbgrader graded (its copy, with the locked cells restored). A graded
code cell that mgc cannot match to an exercise gets an error output too: with
no output at all, SaveAutoGrades would give it full points.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Float, Int

from mgc.course.cells import grade_id, is_test_cell
from mgc.course.manifest import Assignment, Course, load
from mgc.course.notebook import missing_test_cells
from mgc.grading.run import Options, grade_file, warm_up
from mgc.judge.checks import draw_seed
from mgc.judge.verdict import Status
from mgc.results.result import SubmissionResult
from mgc.sandbox.runner import DEFAULT_SECONDS


@functools.cache
def run_seed() -> int:
    """This process's seed for the random cases: one `nbgrader autograde` run, one seed."""
    return draw_seed()


# ---- the notebook's test cells and their verdicts ---------------------------------------------


def test_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The graded code cells that are not answers: the ones SaveAutoGrades scores by their outputs."""
    return [c for c in nb.cells if c.cell_type == "code" and is_test_cell(c)]


def assignment_of(nb: nbformat.NotebookNode, course: Course) -> Assignment | None:
    """The assignment this notebook's own cells name (Course.assignment_of: the one rule)."""
    return course.assignment_of(grade_id(c) for c in nb.cells)


def passed_output(exercise_id: str, points: float, note: str = "") -> nbformat.NotebookNode:
    text = f"{exercise_id}: passed, {points:g} of {points:g} points (graded by mgc in its sandbox)\n"
    text += note.strip() + "\n" if note.strip() else ""
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def failed_output(ename: str, message: str) -> nbformat.NotebookNode:
    """An error output: SaveAutoGrades scores its cell 0, and the feedback shows `message`."""
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def verdict_outputs(assignment: Assignment, result: SubmissionResult) -> dict[str, nbformat.NotebookNode]:
    """{test cell grade_id: its output} for every exercise of the assignment."""
    by_id = {v.exercise: v for v in result.verdicts}
    outputs = {}
    for exercise in assignment.exercises:
        verdict = by_id.get(exercise.id)
        if verdict is None:
            output = failed_output("GraderError", f"{exercise.id}: mgc reported no verdict")
        elif verdict.status is Status.PASSED:
            output = passed_output(exercise.id, verdict.points, verdict.message)
        else:
            output = failed_output("CheckFailure", verdict.feedback)
        outputs[exercise.test_cell] = output
    return outputs


# ---- grading ----------------------------------------------------------------------------------


def grade_copy(
    nb: nbformat.NotebookNode, assignment: Assignment, options: Options, student: str
) -> SubmissionResult:
    """Grade `nb` with mgc's graders, from a copy in a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="mgc-autograde-") as folder:
        path = Path(folder) / assignment.notebook_name
        nbformat.write(nb, path)
        return grade_file(path, student, options, expected=assignment)


def _source_test_cell(assignment: Assignment, exercise, nb_minor: int) -> nbformat.NotebookNode:
    """The exercise's test cell as the course's source notebook has it (for nbgrader to score)."""
    source = nbformat.read(load().root / assignment.notebook, as_version=4)
    (cell,) = [c for c in source.cells if grade_id(c) == exercise.test_cell]
    if nb_minor < 5:  # cell ids came with nbformat 4.5
        cell.pop("id", None)
    return cell


class ForgetUnknownCells(Preprocessor):
    """Before nbgrader's own checks (first of `Autograde.sanitize_preprocessors`): a graded cell
    whose grade_id the release does not have (renamed, or from another release), or has already
    given (a cell copied and pasted in Jupyter carries its metadata), would make nbgrader refuse the
    whole notebook. Such a test cell is dropped (SandboxGrade puts the release's back), and any other
    such cell loses its nbgrader metadata: mgc grades the code, as `mgc grade` does."""

    enabled = Bool(True, help="on unless configured off").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = assignment_of(nb, load())
        if assignment is None:
            return nb, resources
        source = nbformat.read(load().root / assignment.notebook, as_version=4)
        known = {grade_id(c) for c in source.cells} - {""}
        kept, seen = [], set()
        for cell in nb.cells:
            gid = grade_id(cell)
            if not gid or (gid in known and gid not in seen):
                seen.add(gid)
                kept.append(cell)
            elif not is_test_cell(cell):  # %r: a student's name never reaches the terminal raw
                self.log.warning("mgc: %r is unknown or a copy: graded as plain code", gid)
                del cell.metadata["nbgrader"]
                kept.append(cell)
            else:
                self.log.warning("mgc: test cell %r is unknown or a copy: the release's is used", gid)
        nb.cells = kept
        return nb, resources


# ---- the preprocessor -------------------------------------------------------------------------


class SandboxGrade(Preprocessor):
    """Grade the notebook with mgc's sandboxed graders and write each test cell's verdict as its
    outputs, for nbgrader's SaveAutoGrades to record. Replaces nbgrader's Execute."""

    enabled = Bool(True, help="on unless configured off; nbconvert's default is off").tag(config=True)
    seed = Int(
        None,
        allow_none=True,
        help="seed of the random cases; by default one is drawn per process, so a whole "
        "`nbgrader autograde` run uses one (`mgc grade --seed N` repeats a run's cases)",
    ).tag(config=True)
    time_limit = Float(DEFAULT_SECONDS, help="seconds each exercise may take in the sandbox").tag(config=True)

    def options(self) -> Options:
        return Options(seed=self.seed if self.seed is not None else run_seed(), time_limit=self.time_limit)

    def grade(self, nb, assignment: Assignment, options: Options, resources) -> SubmissionResult:
        student = resources.get("nbgrader", {}).get("student") or "student"
        warm_up()  # everything grading imports is loaded before the notebook is read (once per process)
        self.log.info("mgc: grading %s's %s in the sandbox (seed %d)", student, assignment.id, options.seed)
        return grade_copy(nb, assignment, options, student)

    def preprocess(self, nb, resources):
        assignment = assignment_of(nb, load())
        outputs: dict[str, nbformat.NotebookNode] = {}
        if assignment is not None:
            result = self.grade(nb, assignment, self.options(), resources)
            if not result.graded:  # nbgrader then reports this notebook as failed, and records nothing
                why = result.reason or "; ".join(v.message for v in result.not_graded)
                raise RuntimeError(f"mgc could not grade {result.student}'s {assignment.id}: {why}")
            outputs = verdict_outputs(assignment, result)
        if assignment is not None:  # from an older release: its test cells are put back, to be scored
            missing = missing_test_cells(nb, assignment.exercises)
            nb.cells += [_source_test_cell(assignment, e, nb.nbformat_minor) for e in missing]
        for cell in test_cells(nb):
            output = outputs.get(grade_id(cell))
            if output is None:
                reason = (
                    "this notebook's test cells belong to no single assignment of course.toml"
                    if assignment is None
                    else f"{assignment.id} has no exercise with this test cell"
                )
                output = failed_output("NotGraded", f"{grade_id(cell)}: not graded by mgc: {reason}")
            cell.outputs = [output]
            cell.execution_count = None
        return nb, resources
