"""Grade submissions: find them, read each once, grade it in the sandbox with the judge, collect results.

One notebook's way: a Task (the file and the student it belongs to) -> read_submission (the course
module: bytes, digest, cells, and the assignment its own cells name) -> grade_submission (the
tamper scan, a Sandbox, judge.run_assignment) -> a SubmissionResult (results module) -> the
gradebook, the report, the summary, the exports. Student code only ever runs in the sandbox's
children; this process, and the workers that grade in parallel, never import it.
"""

from __future__ import annotations

import functools
import os
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from mgc.course.manifest import Assignment, Course, load
from mgc.course.notebook import (
    NotebookError,
    Submission,
    missing_cell_note,
    missing_test_cells,
    read_submission,
)
from mgc.grading.workers import Lost, run_tasks
from mgc.results.result import TIED, Outcome, SubmissionResult
from mgc.sandbox.runner import DEFAULT_SECONDS, Limits, Sandbox


@dataclass(frozen=True)
class Options:
    visible_only: bool = False  # the lecture's cases only, as `mgc check` runs them
    seed: int | None = None  # of the random cases: None is a fresh one (once per run in grade_paths)
    time_limit: float = DEFAULT_SECONDS
    guarded: bool = True  # Limits.guarded: off only in tests


@dataclass(frozen=True)
class Task:
    """One notebook to grade, and the student it belongs to."""

    notebook: Path
    student: str


# ---- finding submissions ------------------------------------------------------------------


def find_notebooks(path: Path) -> list[Path]:
    """PATH itself if it is a notebook file, else every notebook under it, symbolic links included
    (so that read_submission can refuse them by name) but never followed into folders."""
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


def student_of(path: Path, root: Path, course: Course) -> str:
    """Who handed in `path`, found under `root` (what was given on the command line), by the one
    rule: in a class folder, the name of its first level (class/ada/engine/x.ipynb and class/ada.ipynb
    are ada's, whatever folders lie deeper); in one student's folder (one that holds assignment
    folders or notebooks), that folder's name; for a notebook or an assignment folder given alone,
    the first folder above it not named after an assignment."""
    assignments = {a.id for a in course.assignments}
    root = Path(os.path.abspath(root))
    if root.is_dir() and not root.is_symlink() and root.name not in assignments:
        if _one_students(root, frozenset(assignments)):
            return root.name
        first = Path(os.path.abspath(path)).relative_to(root).parts[0]
        return first.removesuffix(".ipynb")
    start = root if root.is_dir() else root.parent
    return next((f.name for f in (start, *start.parents) if f.name and f.name not in assignments), root.stem)


@functools.cache
def _one_students(folder: Path, assignments: frozenset[str] | set[str]) -> bool:
    """Whether `folder` is one student's: it holds a folder or notebook named after an assignment,
    and nothing that could be another student's (a folder, or a notebook, named otherwise). The
    entries are the students' own names: one upload called engine.ipynb among a class's, or a
    student whose id is an assignment's name, must not make the class one student's."""
    named = [entry.removesuffix(".ipynb") in assignments for entry in _submission_entries(folder)]
    return any(named) and all(named)


def _submission_entries(folder: Path) -> list[str]:
    """The entries of `folder` that can hold a submission: folders and notebooks, hidden ones aside."""
    found = []
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        if entry.name.endswith(".ipynb") or entry.is_dir(follow_symlinks=False):
            found.append(entry.name)
    return found


def find_tasks(paths: list[Path], course: Course, student: str | None = None) -> list[Task]:
    """Every notebook under `paths`, each with its student: `student` when the instructor names one
    (a regrade of one student's folder, whatever its folders are called), else by student_of."""
    return [Task(n, student or student_of(n, root, course)) for root in paths for n in find_notebooks(root)]


def assignment_named_by(path: Path, course: Course) -> Assignment | None:
    """The assignment a file's folders or name mention, if one does: what a file that cannot be read is
    most likely an attempt at (its own cells decide for a notebook that can)."""
    names = {a.id: a for a in course.assignments}
    return next(
        (names[p.removesuffix(".ipynb")] for p in reversed(path.parts) if p.removesuffix(".ipynb") in names),
        None,
    )


# ---- grading one submission ------------------------------------------------------------------


def unreadable(path: Path, student: str, assignment: Assignment | None, reason: str) -> SubmissionResult:
    """A file that is not a notebook of this course: the reason, and no score."""
    from mgc.judge.verdict import Verdict

    verdicts = (
        tuple(Verdict.failing(e.id, e.points, reason) for e in assignment.exercises) if assignment else ()
    )
    return SubmissionResult(
        student,
        assignment.id if assignment else None,
        os.path.abspath(path),
        verdicts,
        Outcome.UNREADABLE,
        reason,
    )


def grade_submission(
    submission: Submission, student: str, options: Options, course: Course
) -> SubmissionResult:
    """Run the assignment's checks on a notebook read and identified already: the lecture's cases
    and, unless `visible_only`, random ones from `options.seed` (a fresh seed when it is None, so
    that no front door grades only the cases every student has seen)."""
    from mgc.judge.checks import draw_seed, run_assignment  # here: only the processes that grade need them
    from mgc.judge.tamper import reaches

    assignment = submission.assignment
    code = submission.code
    seconds = options.time_limit
    limits = Limits(load_seconds=seconds, request_seconds=seconds, guarded=options.guarded)
    seed = None if options.visible_only else draw_seed() if options.seed is None else options.seed
    with Sandbox(code, limits) as sandbox:
        verdicts = run_assignment(assignment, sandbox, seed, course)
    missing = {e.id: e for e in missing_test_cells(submission.notebook, assignment.exercises)}
    verdicts = [
        replace(v, message=v.message + missing_cell_note(missing[v.exercise])) if v.exercise in missing else v
        for v in verdicts
    ]
    path = os.path.abspath(submission.path)
    return SubmissionResult(
        student,
        assignment.id,
        path,
        tuple(verdicts),
        review=tuple(reaches(code)),
        grader_pid=os.getpid(),
        sha256=submission.sha256,
        code_digest=submission.code_digest,
    )


def grade_file(
    path: Path,
    student: str,
    options: Options,
    course: Course | None = None,
    expected: Assignment | None = None,
) -> SubmissionResult:
    """Read and grade one notebook. With `expected` (a platform that knows which assignment it grades), a
    notebook whose cells say it is another one scores nothing and says so."""
    course = course or load()
    try:
        submission = read_submission(path, course)
    except NotebookError as error:
        return unreadable(path, student, expected or assignment_named_by(path, course), str(error))
    found = submission.assignment
    if found is None:
        names = ", ".join(a.id for a in course.assignments)
        reason = f"{path.name} holds none of the test cells of this course's notebooks ({names})"
        return unreadable(path, student, expected or assignment_named_by(path, course), reason)
    if expected is not None and found.id != expected.id:
        reason = (
            f"{path.name} is the {found.id} notebook, not {expected.id}: hand in the {expected.id} notebook"
        )
        return unreadable(path, student, expected, reason)
    return grade_submission(submission, student, options, course)


def grade_task(task: Task, options: Options) -> SubmissionResult:
    """Grade one task; a grader that breaks on one notebook reports it as not graded instead of
    ending the run."""
    try:
        return grade_file(task.notebook, task.student, options)
    except Exception as error:
        return not_graded(task, f"the grader failed on it ({type(error).__name__}: {str(error)[:200]})")


def not_graded(task: Task, reason: str) -> SubmissionResult:
    """A submission no grader could finish: reported as such, never as a silent 0 (under the
    assignment its folders or name suggest: its cells were not read)."""
    from mgc.judge.verdict import Verdict

    reason = f"not graded: {reason}; grade it again"
    assignment = assignment_named_by(task.notebook, load())
    verdicts = (
        tuple(Verdict.not_graded(e.id, e.points, reason) for e in assignment.exercises) if assignment else ()
    )
    return SubmissionResult(
        task.student,
        assignment.id if assignment else None,
        os.path.abspath(task.notebook),
        verdicts,
        Outcome.NOT_GRADED,
        reason,
    )


# imported once per run, for every worker, by the fork server they are forked from
PRELOAD = (
    "mgc.grading.dies_with_parent",
    "torch",
    "mgc.grading.run",
    "mgc.judge.checks",
    "mgc.probes.payload",
)


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
    _, options = job
    most = max(len(a.exercises) for a in load().assignments)
    return 120 + 4 * (options.time_limit + 1) * most


# ---- a class ---------------------------------------------------------------------------------


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Whether `student` is in part K of N (`shard`): a stable split, by student, so that a student's
    notebooks are all in one part and the second-copy rule sees them together."""
    if shard is None:
        return True
    k, n = shard
    return zlib.crc32(student.encode()) % n == k - 1


def second_copies(results: list[SubmissionResult]) -> dict[int, tuple[SubmissionResult, bool]]:
    """For a student who handed in two notebooks of one assignment: {index of each later one: (the
    result that counts, whether nothing but their order told them apart)}. One in a folder named
    after the student wins over one lying loose in the class folder under their name (which anyone
    uploading to a flat folder can choose), then one named as the release names it, then the
    shallowest."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, result in enumerate(results):
        if result.assignment is not None and result.outcome in (Outcome.GRADED, Outcome.UNREADABLE):
            groups.setdefault(result.key, []).append(i)
    later = {}
    for indices in groups.values():

        def rank(i: int) -> tuple:
            path = Path(results[i].path)
            loose = results[i].student not in path.parent.parts
            release_named = path.name == f"{results[i].assignment}.ipynb"
            return (loose, not release_named, len(path.parts), i)

        first, *rest = sorted(indices, key=rank)
        later |= {i: (results[first], rank(i)[:-1] == rank(first)[:-1]) for i in rest}
    return later


def grade_paths(
    paths: list[Path],
    options: Options | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
    jobs: int = 1,
    progress: bool = False,
    skip: frozenset[str] = frozenset(),
    shard: tuple[int, int] | None = None,
    student: str | None = None,
) -> list[SubmissionResult]:
    """Grade every notebook found under `paths` (but those whose path is in `skip`), in order; a
    broken one never stops the others. Worker processes (`jobs` of them, each reused for many
    submissions) read and grade the notebooks: a notebook that hangs or crashes its reader costs a
    worker, never this process or the class. One seed for the whole run."""
    from mgc.judge.checks import draw_seed

    options = options or Options()
    if options.seed is None and not options.visible_only:
        options = replace(options, seed=draw_seed())
    course = load()
    tasks = [
        t
        for t in find_tasks(paths, course, student)
        if os.path.abspath(t.notebook) not in skip and in_shard(t.student, shard)
    ]
    results: dict[int, SubmissionResult] = {}
    quiet = not progress or not sys.stderr.isatty()
    bar = tqdm(total=len(tasks), unit="notebook", disable=quiet, file=sys.stderr, leave=False)

    def finished(index: int, result: SubmissionResult) -> None:
        results[index] = replace(result, seed=options.seed)
        if on_done is not None:
            bar.clear()  # the submission's table is printed where the bar was, then the bar comes back
            on_done(results[index])
        bar.update()

    if options.visible_only:  # a student's own check (mgc check): here, at once
        warm_up(hidden=False)
        for i, task in enumerate(tasks):
            finished(i, grade_task(task, options))
    elif tasks:  # a class's notebooks are read, checked and compiled in workers, within their limits
        jobs_ = [(task, options) for task in tasks]
        workers = max(1, min(jobs, len(tasks)))
        for k, result in run_tasks(jobs_, _grade_in_worker, workers, warm_up, _task_seconds, preload=PRELOAD):
            finished(
                k,
                not_graded(tasks[k], f"{result.reason} ({result.tries} tries)")
                if isinstance(result, Lost)
                else result,
            )
    bar.close()
    return mark_second_copies([results[i] for i in range(len(tasks))])


def mark_second_copies(rows: list[SubmissionResult]) -> list[SubmissionResult]:
    """The rows, each student's later notebooks of one assignment marked as second copies (not counted)."""
    rows = list(rows)
    for i, (first, tied) in second_copies(rows).items():
        reason = f"a second {first.assignment} notebook from {first.student}: only {first.path} counts"
        if tied:  # names that anyone can choose, and nothing else, told them apart
            reason += f"; {TIED}: check which one is theirs"
        rows[i] = replace(rows[i], outcome=Outcome.SECOND_COPY, reason=reason, duplicate_of=first.path)
    return rows
