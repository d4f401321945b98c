"""Code that reaches for the grading machinery is named for review; honest code never is."""

from __future__ import annotations

import nbformat
import pytest
from mgc.grading import Options, grade_paths
from mgc.manifest import ROOT, load
from mgc.notebook import read_notebook, student_code
from mgc.sandbox import confinement
from mgc.tamper import reaches

from tests.conftest import require
from tests.grader import attacks
from tests.grader.test_forgery import hand_in

HONEST = sorted(ROOT.glob("solutions/*/*.ipynb")) + sorted(ROOT.glob("samples/*/*/*.ipynb"))


@pytest.mark.parametrize("notebook", HONEST, ids=lambda p: str(p.relative_to(ROOT)))
def test_honest_notebooks_are_never_flagged(notebook):
    assert reaches(student_code(read_notebook(notebook))) == []


@pytest.mark.parametrize(
    ("source", "named"),
    [
        (attacks.THIEF, "imports gc"),
        (attacks.cell("protocol_forger"), "._getframe"),
        (attacks.cell("exec_hook"), "imports builtins"),
        (attacks.WEDGE_PIPES, "._getframe"),
        (attacks.KILL_EVERYTHING, "imports os"),
        ("v = vars(Value)\n", "uses vars"),
        ("x = getattr(Value, 'ex' + 'p')\n", "getattr with a name computed at run time"),
        ("import importlib.util as u\n", "imports importlib.util"),
        ("f = __import__('o' + 's')\n", "uses __import__"),
        ("g = (lambda: 0).__globals__\n", "uses .__globals__"),
    ],
)
def test_each_reach_is_named_with_its_cell_and_line(source, named):
    found = reaches(["x = 1", source])
    assert any(named in place for place in found), found
    assert all(place.startswith("cell 2, line ") for place in found)


def test_a_notebook_that_forges_its_own_report_is_flagged_in_the_results(tmp_path):
    require(confinement() == "bubblewrap", "grading needs bubblewrap")
    stubs = ROOT / "samples" / "eve" / "engine" / "engine.ipynb"

    for student, attack in (("mallory", "protocol_forger"), ("hooker", "exec_hook")):
        notebook = nbformat.read(stubs, as_version=4)
        notebook.cells.insert(2, nbformat.v4.new_code_cell(attacks.cell(attack)))
        (tmp_path / student / "engine").mkdir(parents=True)
        nbformat.write(notebook, tmp_path / student / "engine" / "engine.ipynb")
    hand_in(tmp_path, "ada")
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=1, time_limit=3.0))}
    assert results["ada"].review == [] and results["ada"].score == load().assignment("engine").max_score
    # the child binds exec before student code runs: the hook swaps nothing, and is named
    assert results["hooker"].score == 0 and results["hooker"].review
    # the forger's numbers are indistinguishable from right ones; its code is not
    assert any("._getframe" in place for place in results["mallory"].review)
    assert results["mallory"].to_json()["review"] == results["mallory"].review
