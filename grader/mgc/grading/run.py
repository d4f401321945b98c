"""Grade submissions: find them, run each exercise's check on each, collect scores and feedback.

Each submission's exercises are graded one by one, in this process, with the
checks that the pytest graders (mgc/graders/) run for an instructor: the same
`run_check`, the same cases (`case_rng`), the same sandbox. Calling them
directly spares each notebook pytest's own start-up (a third of its grading
time), and `import torch` is paid once per process, not once per student.
Student code itself only ever runs in the sandbox's child processes.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from mgc.course.manifest import Assignment, Course, load
from mgc.course.notebook import (
    NotebookError,
    digest,
    missing_cell_note,
    missing_test_cells,
    read_notebook,
    student_code,
)
from mgc.grading.workers import Lost, run_tasks
from mgc.judge.tamper import reaches
from mgc.sandbox.runner import DEFAULT_SECONDS, Limits, Sandbox, SandboxError


@dataclass
class ExerciseResult:
    id: str
    score: float
    max_score: float
    status: str  # "passed", "failed", "error" when the grader itself broke, or "not graded"
    feedback: str = ""


@dataclass
class SubmissionResult:
    path: str
    student: str
    assignment: str | None
    exercises: list[ExerciseResult] = field(default_factory=list)
    error: str = ""
    graded: bool = True  # False: no grader could finish it; its score means nothing
    duplicate_of: str = ""  # the notebook that counts instead, for a student's second notebook
    review: list[str] = field(default_factory=list)  # code that reaches for the grader (mgc.judge.tamper)
    grader_pid: int = 0  # the process that graded it (not exported): shows workers are reused
    seed: int | None = None  # of the run's random cases
    sha256: str = ""  # of the notebook as it was graded

    @property
    def counts(self) -> bool:
        """Whether this score belongs in the gradebook (graded, and not a second copy)."""
        return self.graded and not self.duplicate_of

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
            "graded": self.graded,
            "duplicate_of": self.duplicate_of,
            "review": self.review,
            "seed": self.seed,
            "sha256": self.sha256,
            "exercises": [asdict(e) for e in self.exercises],
        }


@dataclass(frozen=True)
class Options:
    visible_only: bool = False
    seed: int | None = None  # None: drawn once per run, the same random cases for the whole class
    time_limit: float = DEFAULT_SECONDS
    guarded: bool = True  # Limits.guarded: off only in tests


# ---- finding submissions ------------------------------------------------------------------


def find_notebooks(path: Path) -> list[Path]:
    """PATH itself if it is a notebook file, else every notebook under it, symbolic links included
    (so that read_notebook can refuse them by name) but never followed into folders."""
    if path.is_file() or path.is_symlink():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or folder: {path}")
    found = []
    for folder, dirs, files in os.walk(path):  # followlinks=False: a linked folder is not entered
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
        found += [Path(folder) / f for f in files if f.endswith(".ipynb")]
        found += [Path(folder) / d for d in dirs if d.endswith(".ipynb")]  # a folder named like one
    return sorted(found)


def which_assignment(path: Path, course: Course) -> Assignment | None:
    """The assignment a notebook belongs to: by file name, by its test cells, or by its folder."""
    ids = {a.id: a for a in course.assignments}
    for a in course.assignments:
        if path.name == a.notebook_name:
            return a
    with contextlib.suppress(Exception):  # an unreadable notebook is reported when it is graded
        for cell in read_notebook(path).cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            for a in course.assignments:
                if grade_id.startswith(f"test-{a.id}-"):
                    return a
    return ids.get(path.parent.name)


def student_name(path: Path, root: Path) -> str:
    """Who handed in `path`, found under `root` (what was given on the command line): the first
    folder under `root` not named after an assignment (class/ada/engine/engine.ipynb: ada); else
    `root` itself or the folder above it (ada/engine, or ada); for a notebook not named as the
    release names it, lying loose in the class folder, its own name (class/ada.ipynb: ada)."""
    assignments = {a.id for a in load().assignments}
    notebooks = {a.notebook_name for a in load().assignments}
    if root.is_dir() and path != root:
        folders = path.relative_to(root).parts[:-1]
        for folder in folders:
            if folder not in assignments:
                return folder
        if not folders and path.name not in notebooks:
            return path.stem
        start = Path(os.path.abspath(root))
    else:
        start = Path(os.path.abspath(path)).parent
    for folder in (start, *start.parents):
        if folder.name and folder.name not in assignments:
            return folder.name
    return path.stem


# ---- grading one submission ------------------------------------------------------------------


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


def grade_exercise(exercise_id: str, sandbox: Sandbox, seed: int | None) -> tuple[str, str]:
    """(status, feedback) of one exercise: "passed"; "failed" with the check's feedback; or "error"
    when the grader itself broke. With no seed, the lecture's cases only."""
    from mgc.judge.checks import CheckFailure, case_rng, run_check  # here: only workers need the checks

    try:
        run_check(exercise_id, sandbox, None if seed is None else case_rng(seed, exercise_id))
    except (CheckFailure, SandboxError, NotebookError) as failure:
        return "failed", str(failure)
    except Exception as error:  # the grader's own bug: reported as such, never as the student's
        return "error", f"the grader broke: {type(error).__name__}: {error}"
    return "passed", ""


def grade_notebook(path: Path, assignment: Assignment, options: Options, student: str) -> SubmissionResult:
    """Run the assignment's graders on one notebook."""
    try:
        notebook = read_notebook(path)
    except NotebookError as error:
        return scored_zero(path, student, assignment, "failed", str(error))
    result = SubmissionResult(str(path), student, assignment.id, grader_pid=os.getpid())
    code = student_code(notebook)
    result.review = reaches(code)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**31)
    seconds = options.time_limit
    limits = Limits(load_seconds=seconds, request_seconds=seconds, guarded=options.guarded)
    with Sandbox(code, limits) as sandbox:
        outcomes = {
            e.id: grade_exercise(e.id, sandbox, None if options.visible_only else seed)
            for e in assignment.exercises
        }
    missing = {e.id for e in missing_test_cells(notebook, assignment.exercises)}
    for exercise in assignment.exercises:
        status, feedback = outcomes[exercise.id]
        if exercise.id in missing:
            feedback += missing_cell_note(exercise)
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
            tasks.append(Task(notebook, assignment, student_name(notebook, root)))
    return tasks


def first_of_each(tasks: list[Task]) -> dict[int, Task]:
    """For a student who handed in two notebooks for one assignment: {index of each later one:
    the task that counts}. One in the student's own folder wins over one lying loose in the class
    folder under their name (which anyone uploading to a flat folder can choose), then the one named
    as the release names it, then the shallowest."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, task in enumerate(tasks):
        if task.assignment is not None:
            groups.setdefault((task.student, task.assignment.id), []).append(i)
    later = {}
    for indices in groups.values():

        def rank(i: int) -> tuple:
            task = tasks[i]
            loose = task.student not in task.notebook.parent.parts
            release_named = task.notebook.name == task.assignment.notebook_name
            return (loose, not release_named, len(task.notebook.parts), i)

        first, *rest = sorted(indices, key=rank)
        later |= dict.fromkeys(rest, tasks[first])
    return later


def grade_task(task: Task, options: Options) -> SubmissionResult:
    """Grade one task; a notebook of no known assignment is reported, not graded, and a grader
    that breaks on one notebook reports it as not graded instead of ending the run."""
    if task.assignment is None:
        names = ", ".join(a.notebook_name for a in load().assignments)
        message = f"{task.notebook.name} is not one of this course's notebooks ({names})"
        return scored_zero(task.notebook, task.student, None, "failed", message)
    try:
        return grade_notebook(task.notebook, task.assignment, options, task.student)
    except Exception as error:  # the grader's own failure on this notebook: the others go on
        return not_graded(task, f"the grader failed on it ({type(error).__name__}: {str(error)[:200]})")


# imported once per run, for every worker, by the fork server they are forked from
PRELOAD = ("mgc.grading.dies_with_parent", "torch", "mgc.grading.run", "mgc.judge.checks", "mgc.probes.payload")  # noqa: E501


def warm_up(hidden: bool = True) -> None:
    """Import everything grading needs before any student code runs, once per process: the
    checks, the payloads, and torch for the hidden cases (the visible ones' answers are shipped)."""
    if hidden:
        import torch  # noqa: F401

    import mgc.judge.checks
    import mgc.probes.payload

    for probe in ("operation", "graph", "train", "backward"):
        mgc.probes.payload.payload(probe, {"builder": "neuron"} if probe == "graph" else {})


def _grade_in_worker(job: tuple[Task, Options]) -> SubmissionResult:
    return grade_task(*job)


def _task_seconds(job: tuple[Task, Options]) -> float:
    """How long a worker may spend on one notebook before it is presumed stuck."""
    task, options = job
    exercises = len(task.assignment.exercises) if task.assignment else 1
    return 120 + 4 * (options.time_limit + 1) * exercises


def not_graded(task: Task, reason: str) -> SubmissionResult:
    """A submission no grader could finish: reported as such, never as a silent 0."""
    message = f"not graded: {reason}; grade it again on its own"
    result = scored_zero(task.notebook, task.student, task.assignment, "not graded", message)
    result.graded = False
    return result


def grade_paths(
    paths: list[Path],
    options: Options | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
    jobs: int = 1,
    progress: bool = False,
    skip: frozenset[str] = frozenset(),
) -> list[SubmissionResult]:
    """Grade every notebook found under `paths` (but those whose path is in `skip`), in order; a
    broken one scores 0 and never stops the others. With jobs > 1, a pool of worker processes
    (each reused for many submissions) grades in parallel."""
    options = options or Options()
    if options.seed is None:
        options = replace(options, seed=random.SystemRandom().randrange(2**31))
    tasks = [t for t in find_tasks(paths, load()) if str(t.notebook) not in skip]
    digests = [digest(t.notebook) for t in tasks]  # before grading: a later change shows as a change
    results: dict[int, SubmissionResult] = {}
    quiet = not progress or not sys.stderr.isatty()
    bar = tqdm(total=len(tasks), unit="notebook", disable=quiet, file=sys.stderr, leave=False)

    def finished(index: int, result: SubmissionResult) -> None:
        result.seed, result.sha256 = options.seed, digests[index]
        results[index] = result
        if on_done is not None:
            bar.clear()  # the submission's table is printed where the bar was, then the bar comes back
            on_done(result)
        bar.update()

    later = first_of_each(tasks)
    todo = [i for i in range(len(tasks)) if i not in later]
    for i, first in later.items():
        task = tasks[i]
        message = f"a second {task.assignment.id} notebook from {task.student}: only {first.notebook} counts"
        result = scored_zero(task.notebook, task.student, task.assignment, "failed", message)
        result.duplicate_of = str(first.notebook)
        finished(i, result)
    if jobs <= 1 or len(todo) <= 1:
        warm_up(hidden=not options.visible_only)
        for i in todo:
            finished(i, grade_task(tasks[i], options))
    else:
        jobs_ = [(tasks[i], options) for i in todo]
        runs = run_tasks(jobs_, _grade_in_worker, jobs, warm_up, _task_seconds, preload=PRELOAD)
        for k, result in runs:
            if isinstance(result, Lost):
                result = not_graded(tasks[todo[k]], f"{result.reason} ({result.tries} tries)")
            finished(todo[k], result)
    bar.close()
    return [results[i] for i in range(len(tasks))]
