"""exercises/ and samples/ are derived, never edited: regenerating them changes nothing.
The solution notebooks run in a real Jupyter kernel, test cells included (they give students
feedback; grades come from mgc's sandbox, under nbgrader too)."""

from __future__ import annotations

import base64
import filecmp
import json
import shutil
import zlib

import nbformat
import pytest
from mgc.course.manifest import ROOT, load
from mgc.release import generate, sync_points
from mgc.standalone import write_editions

from tests.conftest import has_module, require


def _same_tree(a, b) -> list[str]:
    diff = filecmp.dircmp(a, b)
    problems = diff.left_only + diff.right_only + diff.diff_files
    for sub in diff.common_dirs:
        problems += [f"{sub}/{p}" for p in _same_tree(a / sub, b / sub)]
    return problems


def test_regenerating_exercises_with_nbgrader_changes_nothing(tmp_path):
    """What mgc release writes, both editions: nbgrader's release, then each notebook made
    self-checking and its Chinese twin (with the shipped packing, as a release here would keep it)."""
    require(has_module("nbgrader"), "nbgrader is not installed")
    english, chinese = tmp_path / "exercises", tmp_path / "exercises-zh"
    shutil.copytree(ROOT / "exercises-zh", chinese)
    generate(load(), english)
    write_editions(english)
    for fresh, shipped in ((english, ROOT / "exercises"), (chinese, ROOT / "exercises-zh")):
        released = sorted(p.relative_to(fresh) for p in fresh.rglob("*.ipynb"))
        assert released == sorted(p.relative_to(shipped) for p in shipped.rglob("*.ipynb"))
        assert _same_tree(fresh, shipped) == [], f"{shipped.name}/ is stale: run `mgc release`"


def test_a_release_elsewhere_keeps_the_shipped_setup_cells_byte_for_byte():
    """Another zlib packs the same checks into other bytes: a packing that holds the same files is
    kept as it is, one of anything else is packed afresh."""
    from mgc import standalone

    shipped = standalone.packing_of(json.loads((ROOT / "exercises-zh" / "nn" / "nn.ipynb").read_text()))
    assert standalone.unpacked(shipped) == standalone.bundle()  # the release is current
    assert standalone.packed(shipped) == shipped
    files = json.dumps(standalone.bundle(), sort_keys=True).encode()
    other = base64.b64encode(zlib.compress(files, 1)).decode()  # the same files, other bytes
    assert other != standalone.packed().replace("\n", "")
    assert standalone.packed(other) == other
    changed = base64.b64encode(zlib.compress(json.dumps({"course.toml": "x"}).encode())).decode()
    assert standalone.unpacked(standalone.packed(changed)) == standalone.bundle()


def test_the_release_holds_no_solution_and_no_hidden_test():
    for path in (ROOT / "exercises").rglob("*.ipynb"):
        text = path.read_text()
        for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "import grade"):
            assert secret not in text, (path, secret)
        assert "NotImplementedError" in text
    # the engine's own answers are gone (later notebooks give the finished engine on purpose)
    engine = (ROOT / "exercises" / "engine" / "engine.ipynb").read_text()
    assert "build_topo" not in engine and "self.grad += out.grad" not in engine


def test_the_solutions_points_are_in_sync_with_the_manifest(tmp_path):
    for assignment in load().assignments:
        copy = tmp_path / assignment.notebook
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / assignment.notebook, copy)
        assert sync_points(assignment, root=tmp_path) is False, f"run `mgc release`: {assignment.notebook}"


def test_sync_points_writes_the_manifest_points(tmp_path):
    assignment = load().assignment("engine")
    copy = tmp_path / assignment.notebook
    copy.parent.mkdir(parents=True)
    nb = nbformat.read(ROOT / assignment.notebook, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata["nbgrader"]["points"] = 99
    nbformat.write(nb, copy)
    assert sync_points(assignment, root=tmp_path) is True
    points = [
        c.metadata["nbgrader"]["points"]
        for c in nbformat.read(copy, 4).cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert points == [e.points for e in assignment.exercises]


def test_the_samples_are_built_from_the_current_release(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("samples_build", ROOT / "samples" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(tmp_path)
    assert _same_tree(tmp_path, ROOT / "samples") == ["build.py"], (
        "samples/ is stale: python samples/build.py"
    )


@pytest.mark.slow
@pytest.mark.parametrize("assignment", [a.id for a in load().assignments])
def test_a_solution_notebook_runs_in_a_real_kernel_with_its_test_cells(assignment):
    require(has_module("nbclient") and has_module("ipykernel"), "nbclient and ipykernel are not installed")
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / load().assignment(assignment).notebook, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()  # raises if any cell fails
    tests = [c for c in notebook.cells if "mgc.inline" in c.source]
    assert len(tests) == len(load().assignment(assignment).exercises)
    assert all(any("cases pass" in o.get("text", "") for o in c.outputs) for c in tests)  # feedback shown


@pytest.mark.slow
def test_in_the_kernel_a_mistake_fails_its_test_cell_with_the_same_feedback():
    require(has_module("nbclient") and has_module("ipykernel"), "nbclient and ipykernel are not installed")
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(ROOT / "solutions" / "engine" / "engine.ipynb", as_version=4)
    value = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    value.source = value.source.replace("(1 - t**2) * out.grad", "(1 - t) * out.grad")
    tanh_test = next(c for c in notebook.cells if 'check("engine.tanh"' in c.source)
    # run the tanh test cell alone, and nothing after it
    notebook.cells = notebook.cells[: notebook.cells.index(tanh_test) + 1]
    for cell in notebook.cells:
        try_it = "try-it" in cell.metadata.get("tags", [])
        if cell is not tanh_test and ("mgc.inline" in cell.source or try_it):
            cell.source = ""
    with pytest.raises(CellExecutionError, match="1 - t\\*\\*2, not 1 - t"):
        NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    # what the student sees under the cell: the check's message, no grader frames, no blank lines
    (error,) = [o for o in tanh_test.outputs if o.output_type == "error"]
    assert error.traceback[0].startswith("engine.tanh: a.tanh() with a=")
    assert any("hint: the local derivative of tanh is 1 - t**2" in line for line in error.traceback)
    assert not any("mgc" in line or "File " in line or not line.strip() for line in error.traceback)


@pytest.mark.parametrize("assignment", [a.id for a in load().assignments])
def test_no_try_it_cell_of_the_course_imports_or_defines_anything(assignment):
    # what lets a tagged cell that does be graded as the student's own (mgc.course.cells.is_student_code)
    from mgc.course.cells import defines_something, is_setup_cell, is_try_it_cell

    notebook = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    tried = [c for c in notebook["cells"] if is_try_it_cell(c) and not is_setup_cell(c)]
    assert tried and not any(defines_something(c) for c in tried)
