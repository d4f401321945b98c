"""A downloaded notebook checks itself without mgc (mgc.standalone): run from the top in a plain
Python, with no mgc and no site packages at all, its test cells give the same verdicts and
feedback as in the course's own Jupyter, in the notebook's language; and mgc grade and nbgrader
grade it exactly as they grade the notebook without its setup cell."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mgc import nbgrader_course as nbg
from mgc.course.cells import grade_id, is_setup_cell, is_solution_cell, is_test_cell
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.i18n import chinese_notebook, read_translations
from mgc.standalone import self_checking

from tests.conftest import has_module, require

# "Restart & Run All" in a plain interpreter: each code cell in order in one namespace, an error
# stopping that cell only; prints, per cell, its id, what it printed and its error's message.
KERNEL = """
import contextlib, io, json, sys, traceback
notebook = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
for cell in notebook["cells"]:
    if cell["cell_type"] != "code":
        continue
    out, error = io.StringIO(), None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile("".join(cell["source"]), cell["id"], "exec"), namespace)
        except BaseException as raised:
            error = f"{type(raised).__name__}: {raised}"
    print(json.dumps({"id": cell["id"], "out": out.getvalue(), "error": error}))
print(json.dumps({"modules": sorted(n for n in sys.modules if n.split(".")[0] == "mgc"),
                  "mgc": getattr(sys.modules.get("mgc"), "__file__", None)}))
"""


def run_plain(notebook: dict, folder: Path) -> tuple[dict[str, dict], dict]:
    """Run `notebook` as a plain kernel would, in a Python that cannot import mgc: isolated (-I),
    without site packages (-S), in an empty folder. Returns ({cell id: outcome}, what it imported)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.py").write_text(KERNEL)
    (folder / "notebook.ipynb").write_text(json.dumps(notebook))
    done = subprocess.run(
        [sys.executable, "-I", "-S", "kernel.py", "notebook.ipynb"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )
    assert done.returncode == 0, done.stderr
    *cells, imported = [json.loads(line) for line in done.stdout.splitlines()]
    return {c["id"]: c for c in cells}, imported


def _release(assignment: str) -> dict:
    return json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())


def _solved(release: dict, replace: tuple[str, str] | None = None) -> dict:
    """`release` with the solution notebook's code in its solution cells (one of them edited)."""
    source = json.loads((ROOT / load().assignment(release_id(release)).notebook).read_text())
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in source["cells"]
                 if is_solution_cell(c)}  # fmt: skip
    solved = json.loads(json.dumps(release))
    for cell in solved["cells"]:
        if is_solution_cell(cell):
            code = solutions[grade_id(cell)]
            cell["source"] = code.replace(*replace) if replace else code
    return solved


def release_id(notebook: dict) -> str:
    return load().assignment_of(grade_id(c) for c in notebook["cells"]).id


def _test_cells(notebook: dict) -> dict[str, str]:
    """{cell id: exercise id} of the test cells."""
    tested = {e.test_cell: e.id for e in load().exercises}
    return {c["id"]: tested[grade_id(c)] for c in notebook["cells"] if is_test_cell(c)}


def test_the_setup_cell_is_added_once_before_the_first_code_cell_and_changes_nothing_else():
    release = _release("engine")
    checking = self_checking(release)
    assert self_checking(checking) == checking  # brought up to date, never added twice
    setup = [c for c in checking["cells"] if is_setup_cell(c)]
    assert len(setup) == 1 and "try-it" in setup[0]["metadata"]["tags"]  # the graders never run it
    others = [c for c in release["cells"] if not is_setup_cell(c)]
    assert [c for c in checking["cells"] if c not in setup] == others
    assert sum(map(is_setup_cell, release["cells"])) == 1  # mgc release shipped it with one
    first_code = next(c for c in checking["cells"] if c["cell_type"] == "code")
    assert first_code is setup[0]
    size = len(json.dumps(setup[0]))
    print(f"\nthe setup cell: {size / 1000:.0f} kB")
    assert size < 200_000


@pytest.mark.slow
@pytest.mark.parametrize("assignment", [a.id for a in load().assignments])
def test_a_downloaded_notebook_checks_itself_in_a_plain_python_without_mgc(assignment, tmp_path):
    release = self_checking(_solved(_release(assignment)))
    cells, imported = run_plain(release, tmp_path)
    assert imported["mgc"] and imported["mgc"].startswith("/tmp") and str(ROOT) not in imported["mgc"]
    assert "mgc.inline" in imported["modules"]
    for cell_id, exercise in _test_cells(release).items():
        assert cells[cell_id]["error"] is None, cells[cell_id]
        assert cells[cell_id]["out"].strip() == f"{exercise}: the lecture's cases pass"


@pytest.mark.slow
def test_a_mistake_gets_its_hint_in_the_notebooks_language(tmp_path):
    wrong = (
        "self.grad += out.grad\n            other.grad += out.grad",
        "self.grad = out.grad\n            other.grad = out.grad",
    )
    english = _solved(_release("engine"), wrong)
    chinese = chinese_notebook(english, read_translations(ROOT / "solutions" / "engine" / "engine.ipynb"))
    add = next(cell for cell, exercise in _test_cells(english).items() if exercise == "engine.add")
    cells, _ = run_plain(self_checking(english, "en"), tmp_path / "en")
    assert "hint: " in cells[add]["error"] and "+=" in cells[add]["error"]
    cells, _ = run_plain(self_checking(chinese, "zh"), tmp_path / "zh")
    assert "提示：" in cells[add]["error"] and "累积梯度" in cells[add]["error"], cells[add]
    mul = next(cell for cell, exercise in _test_cells(english).items() if exercise == "engine.mul")
    assert cells[mul]["out"].strip() == "engine.mul：讲座中的用例全部通过"


@pytest.mark.slow
def test_mgc_grade_and_nbgrader_grade_a_self_checking_notebook_as_before(tmp_path):
    """Two classes of the same two students: one hands in the release as it is, the other the
    self-checking notebook (English for one, Chinese for the other). Their scores are the same
    under mgc grade, and nbgrader's totals equal mgc grade's."""
    require(has_module("nbgrader"), "nbgrader is not installed")
    plain, checking = tmp_path / "plain", tmp_path / "checking"
    wrong = (
        "self.grad += out.grad\n            other.grad += out.grad",
        "self.grad = out.grad\n            other.grad = out.grad",
    )
    translations = read_translations(ROOT / "solutions" / "engine" / "engine.ipynb")
    for student, notebook, lang in (
        ("ada", _solved(_release("engine")), "en"),
        ("ben", _solved(_release("engine"), wrong), "zh"),
    ):
        for klass in (plain, checking):
            (klass / student / "engine").mkdir(parents=True)
        (plain / student / "engine" / "engine.ipynb").write_text(json.dumps(notebook))
        handed_in = chinese_notebook(notebook, translations) if lang == "zh" else notebook
        (checking / student / "engine" / "engine.ipynb").write_text(
            json.dumps(self_checking(handed_in, lang))
        )
    before = {r.student: r.score for r in grade_paths([plain], Options(seed=8))}
    after = {r.student: r.score for r in grade_paths([checking], Options(seed=8))}
    assert before == after and before["ben"] < before["ada"]

    course = nbg.make_course(tmp_path / "course", checking)
    nbg.release(course, "engine")
    nbg.autograde(course, "engine", "--SandboxGrade.seed=8")
    totals = nbg.export(course)
    assert {student: totals[(student, "engine")] for student in after} == after
    shutil.rmtree(course, ignore_errors=True)


def test_the_release_step_writes_both_editions_self_checking(tmp_path):
    """mgc.standalone.write_editions, the one call mgc.release makes after nbgrader: each notebook
    gets its setup cell in place and its Chinese edition in exercises-zh/; running it twice changes
    nothing."""
    import shutil as copying

    copying.copytree(ROOT / "exercises", tmp_path / "exercises")
    from mgc.standalone import write_editions

    written = write_editions(tmp_path / "exercises")
    assert len(written) == 2 * len(load().assignments)
    first = {p: p.read_text() for p in written}
    write_editions(tmp_path / "exercises")
    assert {p: p.read_text() for p in written} == first
    english = json.loads((tmp_path / "exercises" / "nn" / "nn.ipynb").read_text())
    chinese = json.loads((tmp_path / "exercises-zh" / "nn" / "nn.ipynb").read_text())
    assert [c["id"] for c in english["cells"]] == [c["id"] for c in chinese["cells"]]
    code = ["".join(c["source"]) for c in chinese["cells"] if c["cell_type"] == "code"]
    assert any("MGC_LANG = 'zh'" in source for source in code)
