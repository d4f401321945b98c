"""Fixtures of the graders: the submission's sandbox, and a `check` that grades one exercise."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mgc.course.manifest import load
from mgc.course.notebook import read_notebook, student_code
from mgc.judge.checks import case_rng, run_check
from mgc.sandbox.runner import DEFAULT_SECONDS, Limits, Sandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mgc", "micrograd-course graders")
    group.addoption("--submission", help="the submitted notebook to grade")
    group.addoption("--assignment", help="its assignment (default: the one its file name names)")
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
        config.option.grading_seed = random.SystemRandom().randrange(2**32)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per exercise of the submission's assignment, marked with its id."""
    if "exercise_id" not in metafunc.fixturenames:
        return
    course = load()
    wanted = metafunc.config.getoption("--assignment")
    if not wanted:
        name = Path(metafunc.config.getoption("--submission") or "").name
        found = [a.id for a in course.assignments if a.notebook_name == name]
        if not found:
            raise pytest.UsageError(f"{name or 'no submission'}: which assignment? pass --assignment")
        wanted = found[0]
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
    code = student_code(read_notebook(path))
    with Sandbox(code, Limits(load_seconds=seconds, request_seconds=seconds)) as box:
        yield box


@pytest.fixture
def check(request: pytest.FixtureRequest, sandbox: Sandbox):
    """Grade the exercise named by the test's `exercise` marker."""
    exercise_id = request.node.get_closest_marker("exercise").args[0]
    config = request.config
    rng = None
    if not config.getoption("--visible-only"):
        rng = case_rng(config.getoption("--grading-seed"), exercise_id)
    return lambda: run_check(exercise_id, sandbox, rng)
