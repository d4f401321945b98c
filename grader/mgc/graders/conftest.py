"""Fixtures of the graders: the submission's sandbox, and a `check` that grades one exercise."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgc.course.manifest import load
from mgc.course.notebook import NotebookError, read_submission
from mgc.judge.checks import draw_seed, run_exercise
from mgc.judge.verdict import Status
from mgc.sandbox.runner import DEFAULT_SECONDS, Limits, Sandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mgc", "micrograd-course graders")
    group.addoption("--submission", help="the submitted notebook to grade")
    group.addoption("--assignment", help="its assignment (default: the one its own cells name)")
    group.addoption(
        "--visible-only", action="store_true", help="only the lecture's cases, as `mgc check` does"
    )
    group.addoption(
        "--grading-seed", type=int, default=None, help="seed for the random cases (default: fresh)"
    )
    group.addoption(
        "--time-limit", type=float, default=DEFAULT_SECONDS, help="seconds allowed for each exercise"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exercise(id): the course.toml exercise this test grades")
    if config.getoption("--grading-seed") is None:
        config.option.grading_seed = draw_seed()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per exercise of the submission's assignment, marked with its id."""
    if "exercise_id" not in metafunc.fixturenames:
        return
    course = load()
    wanted = metafunc.config.getoption("--assignment")
    if not wanted:
        path = metafunc.config.getoption("--submission") or ""
        try:  # the assignment its own cells name, by the one rule
            found = read_submission(path, course).assignment if path else None
        except NotebookError as error:
            raise pytest.UsageError(str(error)) from None
        if found is None:
            raise pytest.UsageError(
                f"{Path(path).name or 'no submission'}: which assignment? pass --assignment"
            )
        wanted = found.id
    exercises = course.assignment(wanted).exercises
    params = [pytest.param(e.id, marks=pytest.mark.exercise(e.id), id=e.id) for e in exercises]
    metafunc.parametrize("exercise_id", params)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    course = load()
    for item in items:
        marker = item.get_closest_marker("exercise")
        if marker is not None:
            exercise = course.exercise(marker.args[0])
            item.user_properties += [("exercise", exercise.id), ("points", exercise.points)]


@pytest.fixture(scope="session")
def sandbox(request: pytest.FixtureRequest):
    path = request.config.getoption("--submission")
    if not path:
        pytest.fail("no submission given: pass --submission path/to/notebook.ipynb")
    seconds = request.config.getoption("--time-limit")
    code = read_submission(path, load()).code
    with Sandbox(code, Limits(load_seconds=seconds, request_seconds=seconds)) as box:
        yield box


@pytest.fixture
def check(request: pytest.FixtureRequest, sandbox: Sandbox):
    """Grade the exercise named by the test's `exercise` marker: it fails with the verdict's
    feedback, and a grader that could not grade it is an error, not a failure."""
    exercise = load().exercise(request.node.get_closest_marker("exercise").args[0])
    config = request.config
    seed = None if config.getoption("--visible-only") else config.getoption("--grading-seed")

    def run() -> None:
        verdict = run_exercise(exercise, sandbox, seed)
        if verdict.status is Status.NOT_GRADED:
            raise RuntimeError(verdict.message)
        assert verdict.passed, verdict.feedback

    return run
