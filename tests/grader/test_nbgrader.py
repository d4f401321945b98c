"""The real nbgrader on the sample class: release, autograde, feedback, export.
Its totals equal mgc grade's for every student, and feedback hides the hidden tests."""

from __future__ import annotations

import pytest
from mgc import nbgrader_course as nbg
from mgc.grading import Options, grade_paths
from mgc.manifest import ROOT

from tests.conftest import has_module, require


@pytest.mark.slow
def test_nbgrader_and_mgc_agree_on_the_sample_class(tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    course = nbg.make_course(tmp_path / "course", ROOT / "samples")
    assignments = nbg.assignments_in(course)
    assert assignments == ["derivatives", "engine", "nn", "softmax"]
    for assignment in assignments:
        nbg.release(course, assignment)
        nbg.autograde(course, assignment)
        nbg.feedback(course, assignment)
    totals = nbg.export(course)

    ours = {(r.student, r.assignment): r.score for r in grade_paths([ROOT / "samples"], Options(seed=8))}
    # nbgrader exports a row for every student and assignment; those never handed in score 0
    assert {k: v for k, v in totals.items() if k in ours} == ours
    assert all(v == 0 for k, v in totals.items() if k not in ours)
    assert totals[("ben", "engine")] < totals[("ada", "engine")]  # the comparison is not vacuous

    pages = sorted((course / "feedback").rglob("*.html"))
    assert len(pages) == len(ours)
    for page in pages:
        html = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "grade</span><span" not in html, page
        assert "run_check" not in html and "most recent call last" not in html, page  # no grader source
        assert "check</span><span" in html  # the visible tests are still there
    ben = (course / "feedback" / "ben" / "engine" / "engine.html").read_text()
    assert "+=" in ben  # the failing exercise's feedback reached the student
