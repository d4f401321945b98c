"""nbgrader's autograde with mgc as the judge: student code runs only in mgc's sandbox.

Stock `nbgrader autograde` executes each submission in a Jupyter kernel that
runs as the instructor, beside `gradebook.db`; the student's own cells run
first and can patch whatever the test cells call, or write the gradebook. This
preprocessor takes the place of nbgrader's `Execute` in
`Autograde.autograde_preprocessors` (see nbgrader_config.py). It starts no
kernel and executes no cell. It writes the sanitized notebook that nbgrader
hands it (locked test cells already restored from the source) to a private
temporary file, grades it with `mgc.grading.grade_notebook` (every exercise in
its own confined child), and turns each verdict into the outputs of that
exercise's test cell:

- passed: one line on stdout, so nbgrader's `SaveAutoGrades` gives the points;
- failed: an `error` output whose message is mgc's feedback, so it gives 0.

nbgrader therefore records exactly the scores `mgc grade` gives the notebook
nbgrader graded (with the same seed). A graded code cell that mgc cannot match to an exercise gets an error
output too: without a verdict, nbgrader would otherwise give it full points.

To use every core, the run's other submitted notebooks are graded ahead, in
worker processes, in nbgrader's order, while nbgrader is busy with the current
one (`--SandboxGrade.jobs`). A verdict graded ahead is used only when the code
it was given is identical to the code of the notebook nbgrader hands over:
the graders see nothing of a notebook but `mgc.notebook.student_code`, so the
verdict is the one grading this notebook would give. Otherwise (say the
student edited a locked cell, which nbgrader's sanitizing restored) the
notebook is graded again, here.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import tempfile
import threading
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Float, Int

from mgc.grading import Options, SubmissionResult, grade_notebook, warm_up
from mgc.manifest import Assignment, Course, load
from mgc.notebook import is_test_cell, read_notebook, student_code
from mgc.sandbox import DEFAULT_SECONDS
from mgc.workers import run_tasks

_RUN_SEED: int | None = None  # drawn once per process: one `nbgrader autograde` run, one seed


def run_seed() -> int:
    """This process's seed for the random cases, the same for every notebook it grades."""
    global _RUN_SEED
    if _RUN_SEED is None:
        _RUN_SEED = random.SystemRandom().randrange(2**31)
    return _RUN_SEED


# ---- the notebook's test cells and their verdicts ---------------------------------------------


def test_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The graded code cells that are not answers: the ones SaveAutoGrades scores by their outputs."""
    return [c for c in nb.cells if c.cell_type == "code" and is_test_cell(c)]


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def assignment_of(nb: nbformat.NotebookNode, course: Course) -> Assignment | None:
    """The one assignment whose exercises' test cells (by grade_id) this notebook holds; None when
    it holds none, or cells of more than one assignment."""
    owners = {e.test_cell: a for a in course.assignments for e in a.exercises}
    found = {owners[gid].id: owners[gid] for gid in map(_grade_id, test_cells(nb)) if gid in owners}
    return next(iter(found.values())) if len(found) == 1 else None


def passed_output(exercise_id: str, points: float) -> nbformat.NotebookNode:
    text = f"{exercise_id}: passed, {points:g} of {points:g} points (graded by mgc in its sandbox)\n"
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def failed_output(ename: str, message: str) -> nbformat.NotebookNode:
    """An error output: SaveAutoGrades scores its cell 0, and the feedback shows `message`."""
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def verdict_outputs(assignment: Assignment, result: SubmissionResult) -> dict[str, nbformat.NotebookNode]:
    """{test cell grade_id: its output} for every exercise of the assignment."""
    by_id = {e.id: e for e in result.exercises}
    outputs = {}
    for exercise in assignment.exercises:
        verdict = by_id.get(exercise.id)
        if verdict is None:
            output = failed_output("GraderError", f"{exercise.id}: mgc reported no verdict")
        elif verdict.status == "passed":
            output = passed_output(exercise.id, verdict.score)
        elif verdict.status == "failed":
            output = failed_output("CheckFailure", verdict.feedback)
        else:  # the grader itself broke on this exercise: mgc grade scores it 0 as well
            output = failed_output("GraderError", verdict.feedback)
        outputs[exercise.test_cell] = output
    return outputs


# ---- grading ----------------------------------------------------------------------------------


def code_key(assignment: Assignment, nb: nbformat.NotebookNode, options: Options) -> str:
    """Everything a verdict depends on: the assignment, the options, and the code the sandbox is
    given (mgc.notebook.student_code; the graders read nothing else of a notebook)."""
    code = student_code(nb)
    blob = json.dumps([assignment.id, options.seed, options.time_limit, options.visible_only, code])
    return hashlib.sha256(blob.encode()).hexdigest()


def grade_copy(
    nb: nbformat.NotebookNode, assignment: Assignment, options: Options, student: str
) -> SubmissionResult:
    """Grade `nb` with mgc's graders, from a copy in a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="mgc-autograde-") as folder:
        path = Path(folder) / assignment.notebook_name
        nbformat.write(nb, path)
        return grade_notebook(path, assignment, options, student)


def _grade_ahead(job: tuple[str, str, Options]) -> tuple[str, SubmissionResult] | None:
    """In a worker: grade one submitted notebook as handed in; (its code key, the result)."""
    path, student, options = job
    try:
        nb = read_notebook(path)
        assignment = assignment_of(nb, load())
        if assignment is None:
            return None
        return code_key(assignment, nb, options), grade_copy(nb, assignment, options, student)
    except Exception:  # NotebookError and the like: graded again, and reported, when nbgrader reaches it
        return None


Ident = tuple[str, str, str]  # nbgrader's (student, assignment, notebook) ids


class LookAhead:
    """Grades the run's submitted notebooks in worker processes, in nbgrader's order, while
    nbgrader works on earlier ones. Every worker dies with this process."""

    def __init__(self, submissions: dict[Ident, str], options: Options, jobs: int) -> None:
        self.options = options
        self.idents = list(submissions)
        self.error = ""
        self._results: dict[Ident, object] = {}
        self._finished = False
        self._ready = threading.Condition()
        tasks = [(path, ident[0], options) for ident, path in submissions.items()]
        seconds = 120 + 4 * (options.time_limit + 1) * max(len(a.exercises) for a in load().assignments)
        self._thread = threading.Thread(
            target=self._run, args=(tasks, jobs, seconds), name="mgc-look-ahead", daemon=True
        )
        self._thread.start()

    def _run(self, tasks: list, jobs: int, seconds: float) -> None:
        try:
            for index, result in run_tasks(tasks, _grade_ahead, jobs, warm_up, lambda task: seconds):
                with self._ready:
                    self._results[self.idents[index]] = result
                    self._ready.notify_all()
        except Exception as error:  # whatever was not graded ahead is graded when nbgrader reaches it
            self.error = f"{type(error).__name__}: {error}"
        finally:
            with self._ready:
                self._finished = True
                self._ready.notify_all()

    def take(self, ident: Ident) -> tuple[str, SubmissionResult] | None:
        """The (code key, result) graded ahead for `ident`, waiting for it if need be; else None."""
        if ident not in self.idents:
            return None
        with self._ready:
            self._ready.wait_for(lambda: ident in self._results or self._finished)
            found = self._results.pop(ident, None)
        return found if isinstance(found, tuple) else None


def submitted_notebooks(converter) -> dict[Ident, str]:
    """The notebooks this `nbgrader autograde` run will grade, in its order, read from nbgrader's
    Autograde converter: {(student, assignment, notebook): path of the submitted notebook}."""
    coursedir = converter.coursedir
    pattern = re.escape(os.sep).join(
        [
            coursedir.format_path(
                coursedir.submitted_directory, "(?P<student>.*)", "(?P<assignment>.*)", escape=True
            ),
            "(?P<notebook>.*).ipynb",
        ]
    )
    excluded = set(filter(None, (coursedir.student_id_exclude or "").split(",")))
    found = {}
    for folder in sorted(converter.assignments):
        for path in sorted(converter.assignments[folder]):
            match = re.match(pattern, path)
            if match is None or match["student"] in excluded:
                continue
            ident = (match["student"], match["assignment"], match["notebook"])
            done = coursedir.format_path(coursedir.autograded_directory, ident[0], ident[1])
            if converter.force or not os.path.exists(os.path.join(done, ident[2] + ".ipynb")):
                found[ident] = path
    return found


_LOOK_AHEAD: LookAhead | None = None
_LOOK_AHEAD_TRIED = False


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
    jobs = Int(
        0,
        help="worker processes that grade the run's submissions ahead of nbgrader "
        "(0: one per core; 1: none, each notebook is graded when nbgrader reaches it)",
    ).tag(config=True)

    def options(self) -> Options:
        return Options(seed=self.seed if self.seed is not None else run_seed(), time_limit=self.time_limit)

    def look_ahead(self, options: Options) -> LookAhead | None:
        """The process's LookAhead, started on the first notebook; None with jobs=1, when there is
        nothing ahead, or when nbgrader's converter is not the Autograde this was written for."""
        global _LOOK_AHEAD, _LOOK_AHEAD_TRIED
        if not _LOOK_AHEAD_TRIED:
            _LOOK_AHEAD_TRIED = True
            jobs = self.jobs if self.jobs > 0 else (os.cpu_count() or 1)
            converter = getattr(self.parent, "parent", None)
            try:
                from nbgrader.converters import Autograde

                submissions = submitted_notebooks(converter) if isinstance(converter, Autograde) else {}
            except Exception as error:
                self.log.warning("mgc: not grading ahead (%s: %s)", type(error).__name__, error)
                submissions = {}
            if jobs > 1 and len(submissions) > 1:
                self.log.info("mgc: grading %d notebooks ahead in %d workers", len(submissions), jobs)
                _LOOK_AHEAD = LookAhead(submissions, options, jobs)
        return _LOOK_AHEAD if _LOOK_AHEAD is not None and _LOOK_AHEAD.options == options else None

    def grade(self, nb, assignment: Assignment, options: Options, resources) -> SubmissionResult:
        info = resources.get("nbgrader", {})
        student = info.get("student") or "student"
        ahead = self.look_ahead(options)
        found = ahead.take((student, info.get("assignment"), info.get("notebook"))) if ahead else None
        if found is not None and found[0] == code_key(assignment, nb, options):
            self.log.info("mgc: %s's %s graded ahead in the sandbox", student, assignment.id)
            return found[1]
        if ahead is not None and ahead.error:
            self.log.warning("mgc: grading ahead stopped: %s", ahead.error)
        warm_up()  # everything grading imports is loaded before the notebook is read
        self.log.info("mgc: grading %s's %s in the sandbox (seed %d)", student, assignment.id, options.seed)
        return grade_copy(nb, assignment, options, student)

    def preprocess(self, nb, resources):
        assignment = assignment_of(nb, load())
        outputs: dict[str, nbformat.NotebookNode] = {}
        if assignment is not None:
            result = self.grade(nb, assignment, self.options(), resources)
            if not result.graded:  # nbgrader then reports this notebook as failed, and records nothing
                raise RuntimeError(f"mgc could not grade {result.student}'s {assignment.id}: {result.error}")
            outputs = verdict_outputs(assignment, result)
        for cell in test_cells(nb):
            output = outputs.get(_grade_id(cell))
            if output is None:
                reason = (
                    "this notebook's test cells belong to no single assignment of course.toml"
                    if assignment is None
                    else f"{assignment.id} has no exercise with this test cell"
                )
                output = failed_output("NotGraded", f"{_grade_id(cell)}: not graded by mgc: {reason}")
            cell.outputs = [output]
            cell.execution_count = None
        return nb, resources
