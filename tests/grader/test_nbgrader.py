"""The real nbgrader, autograding through mgc's SandboxGrade (nbgrader_config.py).

Its totals equal mgc grade's for every student; feedback shows no grader source; no
kernel is started; and students who patch the checks, write the gradebook or
overwrite a classmate's notebook get no more than their honest score, while every
classmate keeps theirs."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nbformat
import pytest
from mgc import nbgrader_course as nbg
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_file, grade_paths

from tests.conftest import has_module, require

SEED = "--SandboxGrade.seed=8"  # and Options(seed=8): the same random cases as mgc grade --seed 8


def no_kernel(output: str) -> bool:
    """True if an autograde run's log shows no Jupyter kernel (nbgrader's Execute logs one per notebook)."""
    return "Executing notebook" not in output and "IPKernelApp" not in output


@pytest.mark.slow
def test_nbgrader_and_mgc_agree_on_the_sample_class(tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    course = nbg.make_course(tmp_path / "course", ROOT / "samples")
    assignments = nbg.assignments_in(course)
    assert assignments == ["derivatives", "engine", "nn", "softmax"]
    for assignment in assignments:
        nbg.release(course, assignment)
        assert no_kernel(nbg.autograde(course, assignment, SEED))
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
        assert "HIDDEN TESTS" not in html and "grade</span><span" not in html, page
        assert "run_check" not in html and "most recent call last" not in html, page  # no grader source
        assert "check</span><span" in html  # the visible tests are still there
    ben = (course / "feedback" / "ben" / "engine" / "engine.html").read_text()
    assert "+=" in ben  # the failing exercise's feedback reached the student
    assert "CheckFailure" in ben and "passed, 2 of 2 points" in ben  # mgc's verdicts, cell by cell


# ---- dishonest students ------------------------------------------------------------------------

# Each attack is appended to ben's honest engine solution (all but engine.add's points),
# wrapped so that the honest code still loads wherever the attack fails. COURSE is replaced
# by the course folder's absolute path.
FOLDERS = "[pathlib.Path.cwd(), *pathlib.Path.cwd().parents, pathlib.Path(COURSE)]"
ATTACKS = {
    # replaces every notebook of the class with an empty one, before most of them are graded
    "aaron": f"""
import pathlib
for folder in {FOLDERS}:
    if not (folder / "gradebook.db").is_file():
        continue
    for other in [*folder.glob("submitted/*/*/*.ipynb"), *folder.glob("autograded/*/*/*.ipynb")]:
        if "aaron" not in str(other):
            try:
                other.write_text("{{}}")
            except Exception:
                pass
""",
    # makes the checks pass whatever they find, in this process
    "mallory": """
try:
    import mgc.judge.checks.base
    import mgc.inline
    mgc.judge.checks.base.Check.run = lambda self, *args, **kwargs: []
    mgc.inline.check = lambda *args, **kwargs: print("passed")
except Exception:
    pass
""",
    # zeroes every grade in the gradebook
    "trudy": f"""
import pathlib, sqlite3
for folder in {FOLDERS}:
    try:
        if (folder / "gradebook.db").is_file():
            with sqlite3.connect(folder / "gradebook.db") as db:
                db.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
    except Exception:
        pass
""",
    # gives every grade in the gradebook full marks and more
    "zed": f"""
import pathlib, sqlite3
for folder in {FOLDERS}:
    try:
        if (folder / "gradebook.db").is_file():
            with sqlite3.connect(folder / "gradebook.db") as db:
                db.execute("UPDATE grade SET manual_score = 100, extra_credit = 100")
    except Exception:
        pass
""",
}


def _with_attack(source: Path, attack: str, target: Path) -> None:
    notebook = nbformat.read(source, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    cell.source += "\n\n" + attack
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


def _with_locked_cell_edited(source: Path, target: Path) -> None:
    """ada's derivatives, with a line added to the locked set-up cell that breaks her gradient
    (nbgrader restores that cell). Patching builtins there no longer would: the grader's code runs on
    its own copy of them (mgc.sandbox.child)."""
    notebook = nbformat.read(source, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    cell.source += "\n\nmath = None\n"
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.*")
    }


@pytest.mark.slow
def test_students_cannot_forge_grades_under_nbgrader(tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    course = tmp_path / "course"
    klass = tmp_path / "class"
    honest_class = [("ada", "engine"), ("ada", "derivatives"), ("ben", "engine"), ("eve", "engine")]
    for student, assignment in honest_class:
        shutil.copytree(ROOT / "samples" / student / assignment, klass / student / assignment)
    ben = ROOT / "samples" / "ben" / "engine" / "engine.ipynb"
    for student, attack in ATTACKS.items():
        attack = attack.replace("COURSE", repr(str(course)))
        _with_attack(ben, attack, klass / student / "engine" / "engine.ipynb")
    dora = klass / "dora" / "derivatives" / "derivatives.ipynb"
    _with_locked_cell_edited(ROOT / "samples" / "ada" / "derivatives" / "derivatives.ipynb", dora)

    nbg.make_course(course, klass)
    for assignment in ("derivatives", "engine"):
        nbg.release(course, assignment)
    before = _digests(course / "submitted") | _digests(course / "solutions")
    output = nbg.autograde(course, "*", SEED)  # the whole class in one run
    totals = nbg.export(course)  # read from gradebook.db

    assert no_kernel(output)
    assert _digests(course / "submitted") | _digests(course / "solutions") == before  # nothing written

    honest = grade_file(ben, "ben", Options(seed=8)).score
    assert honest == load().assignment("engine").max_score - load().exercise("engine.add").points
    for student in ATTACKS:
        assert totals[(student, "engine")] <= honest, student
    ours = {(r.student, r.assignment): r.score for r in grade_paths([klass], Options(seed=8))}
    handed_in = {k: v for k, v in totals.items() if k in ours}
    # nbgrader restored dora's locked cell before grading; mgc grade reads her notebook as handed in
    restored = course / "autograded" / "dora" / "derivatives" / "derivatives.ipynb"
    assert handed_in.pop(("dora", "derivatives")) == 5 == grade_file(restored, "dora", Options(seed=8)).score
    assert ours.pop(("dora", "derivatives")) < 5  # so nbgrader's copy is what was graded
    assert handed_in == ours  # every classmate keeps the score mgc gives, attackers included
    assert ours[("ada", "engine")] == load().assignment("engine").max_score and ours[("eve", "engine")] == 0
    assert all(v == 0 for k, v in totals.items() if k not in ours and k[0] != "dora")


def test_the_course_autogrades_through_sandboxgrade_without_execute():
    """nbgrader_config.py keeps nbgrader's own autograde steps, with Execute replaced by SandboxGrade."""
    require(has_module("nbgrader"), "nbgrader is not installed")
    from nbgrader.converters import Autograde
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    ours = [p.rsplit(".", 1)[1] for p in config.Autograde.autograde_preprocessors]
    stock = [p.__name__ for p in Autograde().autograde_preprocessors]
    assert stock[0] == "Execute" and ours == ["SandboxGrade", *stock[1:]]
    assert [p.rsplit(".", 1)[1] for p in nbg.STOCK_AUTOGRADE] == stock


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _test_cell_outputs(notebook: nbformat.NotebookNode) -> dict[str, list]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.outputs
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")
    }


def test_sandboxgrade_writes_each_verdict_for_nbgrader_to_score():
    require(has_module("nbgrader"), "nbgrader is not installed")
    from mgc.nbgrader_autograde import SandboxGrade
    from nbgrader.utils import determine_grade

    notebook = nbformat.read(ROOT / "samples" / "ben" / "engine" / "engine.ipynb", as_version=4)
    resources = {"nbgrader": {"student": "ben", "assignment": "engine", "notebook": "engine"}}
    graded, _ = SandboxGrade(seed=8).preprocess(notebook, resources)
    outputs = _test_cell_outputs(graded)
    add = outputs.pop("test-engine-add")
    assert [o.output_type for o in add] == ["error"] and add[0].ename == "CheckFailure"
    assert "+=" in add[0].evalue and add[0].traceback == [f"CheckFailure: {add[0].evalue}"]
    assert all([o.output_type for o in out] == ["stream"] for out in outputs.values())
    tests = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")]
    scored = sum(determine_grade(c)[0] for c in tests if not c.metadata["nbgrader"].get("solution"))
    assert scored == load().assignment("engine").max_score - load().exercise("engine.add").points


def test_sandboxgrade_never_leaves_a_test_cell_without_a_verdict():
    """A graded cell that mgc cannot match to an exercise scores 0 (with no output, nbgrader would
    give it full points)."""
    require(has_module("nbgrader"), "nbgrader is not installed")
    from mgc.nbgrader_autograde import SandboxGrade

    notebook = nbformat.read(ROOT / "samples" / "ada" / "softmax" / "softmax.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if _grade_id(c).startswith("test-"))
    stray = nbformat.v4.new_code_cell("print('hello')")
    stray.metadata["nbgrader"] = {**cell.metadata["nbgrader"], "grade_id": "test-softmax-extra"}
    notebook.cells.append(stray)
    graded, _ = SandboxGrade(seed=8).preprocess(notebook, {"nbgrader": {"student": "ada"}})
    outputs = _test_cell_outputs(graded)
    assert outputs.pop("test-softmax-extra")[0].ename == "NotGraded"
    assert all(out[0].output_type == "stream" for out in outputs.values())  # ada's own all pass

    for c in notebook.cells:  # test cells of no known exercise at all: none is graded, all score 0
        if _grade_id(c).startswith("test-"):
            c.metadata["nbgrader"]["grade_id"] = _grade_id(c).replace("softmax", "other")
    graded, _ = SandboxGrade(seed=8).preprocess(notebook, {"nbgrader": {"student": "ada"}})
    assert {out[0].ename for out in _test_cell_outputs(graded).values()} == {"NotGraded"}


@pytest.mark.slow
def test_a_notebook_from_an_older_release_gets_the_same_verdict_from_both(tmp_path):
    # bea's notebook predates engine.sigmoid's test cell, relu's test cell's name and nbformat's cell
    # ids (nbgrader alone would refuse it); she wrote sigmoid
    require(has_module("nbgrader"), "nbgrader is not installed")
    klass = tmp_path / "class"
    for student in ("ada", "bea"):
        (klass / student / "engine").mkdir(parents=True)
    shutil.copy(ROOT / "samples" / "ada" / "engine" / "engine.ipynb", klass / "ada" / "engine")
    notebook = nbformat.read(ROOT / "samples" / "ada" / "engine" / "engine.ipynb", as_version=4)
    notebook.cells = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test-engine-sigmoid"
    ]
    for cell in notebook.cells:
        cell.pop("id", None)
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test-engine-relu":
            cell.metadata.nbgrader.grade_id = "test-relu"  # and relu's test cell renamed since
    notebook.nbformat_minor = 4
    nbformat.write(notebook, klass / "bea" / "engine" / "engine.ipynb")

    course = nbg.make_course(tmp_path / "course", klass)
    nbg.release(course, "engine")
    nbg.autograde(course, "engine", SEED)
    totals = nbg.export(course)
    ours = {r.student: r for r in grade_paths([klass], Options(seed=8))}
    full = load().assignment("engine").max_score
    assert totals[("bea", "engine")] == ours["bea"].score == full == totals[("ada", "engine")]
    for exercise in ("engine.sigmoid", "engine.relu"):
        (verdict,) = [v for v in ours["bea"].verdicts if v.exercise == exercise]
        assert f"no test cell for {exercise}" in verdict.feedback and "older release" in verdict.feedback
    assert all("older release" not in v.feedback for v in ours["ada"].verdicts)
    graded = nbformat.read(course / "autograded" / "bea" / "engine" / "engine.ipynb", as_version=4)
    (cell,) = [
        c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test-engine-sigmoid"
    ]
    assert "older release" in cell.outputs[0].text
