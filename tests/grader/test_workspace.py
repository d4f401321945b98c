"""The exercise pages' workspace, on the Python side (mgc.workspace, which the page runs in
Pyodide): the release's solution cells, checks with the notebooks' verdicts, and a downloaded
notebook that mgc grade grades as it grades the same code handed in as a notebook."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from mgc import nbgrader_course as nbg
from mgc.course.cells import is_solution_cell
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.workspace import filled, run_checks, solution_cells

from tests.conftest import has_module, require

COURSE = load()


def _release(assignment: str) -> dict:
    return json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())


def _edits_from(notebook_path, release: dict) -> dict[str, str]:
    """The solution cells of a notebook (a solution, a sample student's), keyed by the release's
    cell ids: what a student would type into the page."""
    notebook = json.loads(notebook_path.read_text())
    by_grade_id = {c["metadata"]["nbgrader"]["grade_id"]: c for c in notebook["cells"] if is_solution_cell(c)}
    return {cell["id"]: "".join(by_grade_id[cell["grade_id"]]["source"]) for cell in solution_cells(release)}


@pytest.mark.parametrize("assignment", [a.id for a in COURSE.assignments])
def test_the_solutions_pass_every_check_and_the_stubs_none(assignment):
    release = _release(assignment)
    cells = solution_cells(release)
    assert cells and all("NotImplementedError" in c["source"] for c in cells)
    exercises = [e.id for e in COURSE.assignment(assignment).exercises]
    stubs = run_checks(release, {})
    assert [v["status"] for v in stubs["exercises"]] == ["failed"] * len(exercises)
    solution = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    solved = run_checks(release, _edits_from(solution, release))
    assert solved["cells"] == []
    assert [v["id"] for v in solved["exercises"]] == exercises
    assert all(v["status"] == "passed" for v in solved["exercises"]), solved


def test_a_classic_mistake_gets_the_notebooks_hint_and_a_broken_cell_is_named():
    release = _release("engine")
    ben = run_checks(release, _edits_from(ROOT / "samples" / "ben" / "engine" / "engine.ipynb", release))
    add = next(v for v in ben["exercises"] if v["id"] == "engine.add")
    assert add["status"] == "failed" and "hint: " in add["feedback"] and "+=" in add["feedback"]
    [cell] = solution_cells(release)
    broken = run_checks(release, {cell["id"]: "class Value(:\n"})
    assert broken["cells"][0]["id"] == cell["id"] and "SyntaxError" in broken["cells"][0]["error"]


def test_what_jupyter_gives_a_notebook_without_an_import_is_there():
    release = _release("nn")
    edits = _edits_from(ROOT / "solutions" / "nn" / "nn.ipynb", release)
    edits = {cell: "display('a note')\nprint(len(In), Out)\n" + source for cell, source in edits.items()}
    checked = run_checks(release, edits)
    assert checked["cells"] == [] and all(v["status"] == "passed" for v in checked["exercises"]), checked


@pytest.mark.parametrize("student", ["ada", "ben", "cleo"])
def test_the_downloaded_notebook_is_graded_like_the_handed_in_one(student, tmp_path):
    release = _release("engine")
    sample = ROOT / "samples" / student / "engine" / "engine.ipynb"
    downloaded = tmp_path / "page" / student / "engine" / "engine.ipynb"
    downloaded.parent.mkdir(parents=True)
    downloaded.write_text(filled(release, _edits_from(sample, release)))
    ids = [c["id"] for c in json.loads(downloaded.read_text())["cells"]]
    assert ids == [c["id"] for c in release["cells"]]  # the same cells, the same ids
    [page] = grade_paths([downloaded], Options(seed=5))
    [handed_in] = grade_paths([sample], Options(seed=5))
    assert page.verdicts == handed_in.verdicts


def test_the_workspace_needs_nothing_but_the_standard_library():
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import mgc.workspace\n"
        "third = {m.split('.')[0] for m in set(sys.modules) - before} - set(sys.stdlib_module_names)\n"
        "print(sorted(m for m in third if m != 'mgc' and sys.modules.get(m) is not None))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_nbgrader_grades_the_downloaded_notebook_as_mgc_grade_does(tmp_path):
    # the workspace's download handed in to nbgrader: the release's cells and ids, the student's code
    require(has_module("nbgrader"), "nbgrader is not installed")
    release = _release("engine")
    klass = tmp_path / "class"
    for student in ("ada", "ben"):
        sample = ROOT / "samples" / student / "engine" / "engine.ipynb"
        downloaded = klass / student / "engine" / "engine.ipynb"
        downloaded.parent.mkdir(parents=True)
        downloaded.write_text(filled(release, _edits_from(sample, release)))
    course = nbg.make_course(tmp_path / "course", klass)
    nbg.release(course, "engine")
    nbg.autograde(course, "engine", "--SandboxGrade.seed=4")
    totals = {k: v for k, v in nbg.export(course).items() if k[1] == "engine"}
    ours = {(r.student, r.assignment): r.score for r in grade_paths([klass], Options(seed=4))}
    assert totals == ours and totals[("ben", "engine")] < totals[("ada", "engine")]
