"""Grade submissions: find them, run the pytest graders on each, collect scores and feedback.

Each submission is graded by running its assignment's test module
(mgc/graders/test_<assignment>.py) with pytest, in this process, so that
`import torch` and pytest's own start-up are paid once, not once per student.
Student code itself only ever runs in the sandbox's child processes.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import random
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pytest
from tqdm import tqdm

from mgc.manifest import Assignment, Course, load
from mgc.notebook import NotebookError, read_notebook
from mgc.sandbox import DEFAULT_SECONDS, SandboxError

GRADERS = Path(__file__).resolve().parent / "graders"


@dataclass
class ExerciseResult:
    id: str
    score: float
    max_score: float
    status: str  # "passed", "failed", or "error" when the grader itself broke
    feedback: str = ""


@dataclass
class SubmissionResult:
    path: str
    student: str
    assignment: str | None
    exercises: list[ExerciseResult] = field(default_factory=list)
    error: str = ""
    grader_pid: int = 0  # the process that graded it (not exported): shows workers are reused

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "student": self.student,
            "assignment": self.assignment,
            "score": self.score,
            "max_score": self.max_score,
            "error": self.error,
            "exercises": [asdict(e) for e in self.exercises],
        }


@dataclass(frozen=True)
class Options:
    visible_only: bool = False
    seed: int | None = None  # None: drawn once per run, the same random cases for the whole class
    time_limit: float = DEFAULT_SECONDS


# ---- finding submissions ------------------------------------------------------------------


def find_notebooks(path: Path) -> list[Path]:
    """PATH itself if it is a file, else every notebook under it (checkpoints excluded)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or folder: {path}")
    return sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def which_assignment(path: Path, course: Course) -> Assignment | None:
    """The assignment a notebook belongs to: by file name, by its test cells, or by its folder."""
    ids = {a.id: a for a in course.assignments}
    for a in course.assignments:
        if path.name == a.notebook_name:
            return a
    with contextlib.suppress(NotebookError):
        for cell in read_notebook(path).cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            for a in course.assignments:
                if grade_id.startswith(f"test-{a.id}-"):
                    return a
    return ids.get(path.parent.name)


def student_name(path: Path, assignment: Assignment | None, root: Path) -> str:
    """The nearest folder above the notebook that is not named after its assignment."""
    for folder in path.parents:
        if assignment is None or folder.name != assignment.id:
            return folder.name or str(folder)
        if folder == root.parent:
            break
    return path.stem


# ---- grading one submission ------------------------------------------------------------------


class _Collector:
    """A pytest plugin that keeps each exercise's outcome and clean feedback."""

    def __init__(self) -> None:
        self.outcomes: dict[str, tuple[str, str]] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("exercise")
        if marker is None or (report.when != "call" and not report.failed):
            return
        from mgc.checks import CheckFailure  # imported here: it brings torch, which only workers need

        exercise_id = marker.args[0]
        if report.passed:
            self.outcomes[exercise_id] = ("passed", "")
        elif call.excinfo is not None:
            error = call.excinfo.value
            if isinstance(error, CheckFailure | SandboxError | NotebookError):
                self.outcomes[exercise_id] = ("failed", str(error))
            else:
                self.outcomes[exercise_id] = ("error", f"the grader broke: {type(error).__name__}: {error}")


def scored_zero(
    path: Path, student: str, assignment: Assignment | None, status: str, message: str
) -> SubmissionResult:
    """A submission that could not be graded: every exercise 0, each with the reason."""
    exercises = (
        []
        if assignment is None
        else [ExerciseResult(e.id, 0, e.points, status, message) for e in assignment.exercises]
    )
    return SubmissionResult(str(path), student, getattr(assignment, "id", None), exercises, error=message)


def grade_notebook(path: Path, assignment: Assignment, options: Options, student: str) -> SubmissionResult:
    """Run the assignment's graders on one notebook."""
    try:
        read_notebook(path)
    except NotebookError as error:
        return scored_zero(path, student, assignment, "failed", str(error))
    result = SubmissionResult(str(path), student, assignment.id, grader_pid=os.getpid())
    collector = _Collector()
    args = [
        str(GRADERS / f"test_{assignment.id}.py"),
        f"--submission={path}",
        f"--time-limit={options.time_limit}",
        f"--rootdir={GRADERS}",
        "-c",
        str(GRADERS / "pytest.ini"),
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    if options.visible_only:
        args.append("--visible-only")
    if options.seed is not None:
        args.append(f"--grading-seed={options.seed}")
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(args, plugins=[collector])
    for exercise in assignment.exercises:
        status, feedback = collector.outcomes.get(
            exercise.id, ("error", "the grader did not report on this exercise")
        )
        score = exercise.points if status == "passed" else 0
        result.exercises.append(ExerciseResult(exercise.id, score, exercise.points, status, feedback))
    return result


@dataclass(frozen=True)
class Task:
    """One notebook to grade, and what it was recognised as."""

    notebook: Path
    assignment: Assignment | None
    student: str


def find_tasks(paths: list[Path], course: Course) -> list[Task]:
    tasks = []
    for root in paths:
        for notebook in find_notebooks(root):
            assignment = which_assignment(notebook, course)
            tasks.append(Task(notebook, assignment, student_name(notebook, assignment, root)))
    return tasks


def grade_task(task: Task, options: Options) -> SubmissionResult:
    """Grade one task; a notebook of no known assignment is reported, not graded."""
    if task.assignment is None:
        names = ", ".join(a.notebook_name for a in load().assignments)
        message = f"{task.notebook.name} is not one of this course's notebooks ({names})"
        return scored_zero(task.notebook, task.student, None, "failed", message)
    return grade_notebook(task.notebook, task.assignment, options, task.student)


def _warm_worker() -> None:
    """Pay for the heavy imports once per worker, not once per submission."""
    import torch  # noqa: F401

    import mgc.checks  # noqa: F401


def grade_paths(
    paths: list[Path],
    options: Options | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
    jobs: int = 1,
    progress: bool = False,
) -> list[SubmissionResult]:
    """Grade every notebook found under `paths`, in order; a broken one scores 0 and never stops
    the others. With jobs > 1, a pool of worker processes (each reused for many submissions)
    grades in parallel."""
    options = options or Options()
    if options.seed is None:
        options = replace(options, seed=random.SystemRandom().randrange(2**31))
    tasks = find_tasks(paths, load())
    results: dict[int, SubmissionResult] = {}
    bar = tqdm(total=len(tasks), unit="notebook", disable=not progress, file=sys.stderr, leave=False)

    def finished(index: int, result: SubmissionResult) -> None:
        results[index] = result
        bar.update()
        if on_done is not None:
            on_done(result)

    if jobs <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            finished(i, grade_task(task, options))
    else:
        context = multiprocessing.get_context("spawn")  # never fork a process that has loaded torch
        workers = min(jobs, len(tasks))
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_worker) as pool:
            futures = {pool.submit(grade_task, task, options): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # a worker that died takes one submission, not the class
                    task = tasks[i]
                    message = f"the grading worker failed: {type(error).__name__}: {error}"
                    result = scored_zero(task.notebook, task.student, task.assignment, "error", message)
                finished(i, result)
    bar.close()
    return [results[i] for i in range(len(tasks))]
