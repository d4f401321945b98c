"""Honest students keep every mark: correct notebooks in many styles (tests/grader/honest.py) get
full marks from mgc grade, pass mgc check, and get the same totals from nbgrader. A false negative
is worse than a missed bug."""

from __future__ import annotations

import subprocess
import sys

import pytest
from mgc import nbgrader_course as nbg
from mgc.course.manifest import load
from mgc.grading.run import Options, grade_paths

from tests.conftest import has_module, require
from tests.grader import honest


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("honest")
    return folder, honest.hand_in(folder)


def test_every_honest_notebook_keeps_full_marks_under_mgc_grade(corpus):
    folder, variants = corpus
    results = grade_paths([folder], Options(seed=11), jobs=2)
    assert sorted(r.student for r in results) == sorted(variants)
    for result in results:
        lost = {v.exercise: v.feedback for v in result.verdicts if not v.passed}
        assert result.score == result.max_score, f"{result.student} lost marks: {lost}"
        assert result.graded and not result.review, (result.student, result.review)


@pytest.mark.parametrize("variant", honest.VARIANTS, ids=lambda v: v.name)
def test_every_honest_notebook_passes_mgc_check(corpus, variant):
    folder, _ = corpus
    notebook = folder / variant.name / variant.assignment / f"{variant.assignment}.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "mgc.cli", "check", str(notebook)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.slow
def test_nbgrader_gives_every_honest_notebook_full_marks(corpus, tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    folder, variants = corpus
    course = nbg.make_course(tmp_path / "course", folder)
    for assignment in nbg.assignments_in(course):
        nbg.release(course, assignment)
        nbg.autograde(course, assignment, "--SandboxGrade.seed=11")
    totals = nbg.export(course)
    for name, variant in variants.items():
        assert totals[(name, variant.assignment)] == load().assignment(variant.assignment).max_score, name
