"""Code that reaches for the grading machinery is named for review; honest code never is."""

from __future__ import annotations

import marshal
import subprocess
import sys

import nbformat
import pytest
from mgc.course.manifest import ROOT, load
from mgc.course.notebook import read_notebook, student_code
from mgc.grading.run import Options, grade_paths
from mgc.judge.checks.operations import op_case
from mgc.judge.expected import FINITE_DIFFERENCE_STEP
from mgc.judge.tamper import reaches
from mgc.sandbox.runner import Limits, Sandbox, SandboxError, compiled_cells, confinement

from tests.conftest import require
from tests.grader import attacks
from tests.grader.helpers import solution_cells
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
        (
            "x = getattr(Value, chr(95) * 2 + 'dict' + chr(95) * 2)\n",
            "getattr with a name computed at run time",
        ),
        # a sixth red team's: a name built from codes the scan cannot read, kept in a variable
        ("u = chr(95) * 2\nn = u + 'glob' + 'als' + u\nx = getattr(f, n)\n", "getattr with a name computed"),
        (
            "n = ''.join(map(chr, [95, 95, 99, 111, 100, 101, 95, 95]))\nx = getattr(f, n)\n",
            "getattr with a name computed",
        ),
        # names put together from literal pieces are judged as the name they spell
        ("x = getattr(f, '_' * 2 + 'glo' + 'bals' + '_' * 2)\n", "names __globals__ in a string"),
        ("n = '__glo' + 'bals__'\nx = getattr(f, n)\n", "names __globals__ in a string"),
        ("x = getattr(f, ''.join(['__clo', 'sure__']))\n", "names __closure__ in a string"),
        ("x = getattr(f, '__edoc__'[::-1])\n", "names __code__ in a string"),
        ("u = '_'\nx = getattr(f, f'{u}{u}globals{u}{u}')\n", "names __globals__ in a string"),
        ("for n in ['data', '__globals__']:\n    getattr(f, n)\n", "names __globals__ in a string"),
        ("eval('(lambda: 0).__globals__')\n", "eval runs code that uses .__globals__"),
        ("exec(source)\n", "uses exec (running code built at run time)"),
        ("run = exec\n", "uses exec other than as a call"),
        ("import types\nf = types.FunctionType(code, {})\n", "uses .FunctionType"),
        ("class C:\n    pass\nC.__mro__[-1].__subclasses__()\n", "uses .__subclasses__"),
        ("import importlib.util as u\n", "imports importlib.util"),
        ("f = __import__('o' + 's')\n", "uses __import__"),
        ("g = (lambda: 0).__globals__\n", "uses .__globals__"),
        # a red team's ways past the first scan, which forbade names rather than allowed them
        (attacks.forger("stealth"), "imports posix"),
        (attacks.forger("stealth"), "names _getframe in a string"),
        ("import sys\nf = getattr(sys, '_getframe')\n", "uses sys itself"),
        ("from sys import modules, _getframe\n", "imports _getframe from sys"),
        ("import inspect\n", "imports inspect (the call stack)"),
        ("import random\nw = random._os.write\n", "uses ._os (the module os inside random)"),
        ("import typing\nm = typing.sys\n", "uses .sys (the module sys inside"),
        ("g = getattr\n", "uses getattr other than as a call"),
        ("try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__\n", "uses .__traceback__"),
        ("x = " + "-" * 100_000 + "1\n", "too deeply nested or too large to read"),
        # the second red team's: names looked up through a match pattern, a format field, an
        # annotation evaluated by typing, a rewritten code object
        (attacks.forger("match"), "matches on .tb_frame"),
        (attacks.forger("formatter"), "names __traceback__ in a string"),
        (attacks.forger("typing"), "names __import__ in a string"),
        (attacks.forger("codeobj"), "uses .gi_code"),
        (attacks.forger("codeobj"), "uses .co_names"),
        ("import operator\nf = operator.attrgetter('__glo' + 'bals__')\n", "names __globals__ in a string"),
        (
            "from operator import methodcaller\nf = methodcaller(name + '_')\n",
            "methodcaller with a name computed",
        ),
        ("from operator import methodcaller as m\n", "imports methodcaller from operator"),
        ("import operator\nf = operator.attrgetter('data', '__globals__')\n", "names __globals__"),
        ("import operator\nget = operator.attrgetter\n", "uses attrgetter other than as a call"),
    ],
)
def test_each_reach_is_named_with_its_cell_and_line(source, named):
    found = reaches(["x = 1", source])
    assert any(named in place for place in found), found
    assert all(place.startswith("cell 2") for place in found)


@pytest.mark.parametrize(
    "source",
    [
        "import sys\nsys.setrecursionlimit(10_000)\n",  # deep graphs in a recursive topological sort
        "from math import exp, tanh\nimport random, operator\nf = operator.mul\n",
        "d = getattr(v, 'data')\nhasattr(v, 'grad')\n",
        "class V:\n    def __sub__(self, o):\n        return self.__add__(-o)\n    def __repr__(self):\n"
        "        return f'{type(self).__name__}({self.__class__.__name__})'\n",
        "import numpy as np\nimport matplotlib.pyplot as plt\nimport torch\n",  # absent from the sandbox
        "x = " + "-" * 500 + "1\n",
        # the second red team's honest variants, once named
        "class V:\n    __slots__ = ('data', 'grad')\n    def __add__(self, o):\n        return o\n"
        "    __radd__ = __add__\n    __hash__ = object.__hash__\n",
        "import sys\nprint('debug', sys.version_info, file=sys.stderr)\nsys.stdout.flush()\n",
        "class MLP:\n    def modules(self):\n        return []\n"
        "    def n(self):\n        return len(self.modules())\n",
        "from math import *\n__all__ = ['Value']\n",
        '"""The local derivative of tanh: __add__ and __mul__ in turn, f(x) = {x:.2f}."""\n',
        # a fourth red team's honest variant: properties through operator's getters
        "import operator\nclass V:\n    data = property(operator.attrgetter('_data'))\n"
        "    grads = operator.attrgetter('grad', 'data')\n    twice = operator.methodcaller('__mul__', 2)\n",
        "from operator import attrgetter\nkey = attrgetter('data')\n",
        # a third helper's honest students, once named
        "if __name__ == '__main__':\n    print(Value(2.0) * 3)\n",
        "class V:\n    __slots__ = ('data', 'grad', '__weakref__')\n    def __repr__(self):\n"
        "        return f'V({vars(self) if hasattr(self, \"__dict__\") else self.data})'\n",
        "class Module:\n    def __repr__(self):\n        return f'{type(self).__name__}({vars(self)})'\n",
        "exprs = ['a * b + a', '(a + b) ** 2']\nfor expr in exprs:\n    out = eval(expr)\n",
        "for name in ['exp', 'tanh', 'relu']:\n    out = getattr(v, name)()\n",
        "class N:\n    def __call__(self, x):\n        return getattr(x, self.activation)()\n",
        "from types import SimpleNamespace\nconfig = SimpleNamespace(lr=0.05, steps=20)\n",
        "from operator import methodcaller\nf = methodcaller(name)\nlabel = '_'.join(['a', 'b'])\n",
        "class V:\n    def __format__(self, spec):\n        return format(self.data, spec)\n"
        "    def __iter__(self):\n        yield self\n    def __setattr__(self, k, v):\n"
        "        object.__setattr__(self, k, v)\n    def __enter__(self):\n        return self\n",
        "print(globals().keys(), locals())\n",
    ],
)
def test_what_honest_code_may_do_is_not_named(source):
    assert reaches([source]) == []


def test_a_notebook_that_forges_its_own_report_is_flagged_in_the_results(tmp_path):
    require(confinement() == "bubblewrap", "grading needs bubblewrap")
    stubs = ROOT / "samples" / "eve" / "engine" / "engine.ipynb"

    for student, attack in (("mallory", "protocol_forger"), ("hooker", "exec_hook")):
        notebook = nbformat.read(stubs, as_version=4)
        attacks.pasted_under_the_stubs(notebook, attacks.cell(attack))
        (tmp_path / student / "engine").mkdir(parents=True)
        nbformat.write(notebook, tmp_path / student / "engine" / "engine.ipynb")
    hand_in(tmp_path, "ada")
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=1, time_limit=3.0))}
    assert results["ada"].review == () and results["ada"].score == load().assignment("engine").max_score
    # the child binds exec before student code runs: the hook swaps nothing, and is named
    assert results["hooker"].score == 0 and results["hooker"].review
    # the guard leaves the forger no frame and no descriptor, and its code is named all the same
    assert results["mallory"].score == 0
    assert any("._getframe" in place for place in results["mallory"].review)
    assert results["mallory"].to_row()["review"] == list(results["mallory"].review)


DEEP = "_pad = " + "-" * 2975 + "1\n"  # the compiler's recursion, a few frames from the limit


def test_a_cell_the_grader_cannot_compile_is_refused_not_left_to_the_child():
    # a red team's way past the scan: a cell too deep for the grader's stack (scan and compile fail
    # there) but not for the child's, which compiled it itself and ran the forger inside
    def nested(depth: int):
        return compiled_cells([DEEP]) if depth == 0 else nested(depth - 1)

    [code] = nested(100)
    with pytest.raises(SyntaxError, match="cannot compile"):
        exec(marshal.loads(code), {})
    fresh = subprocess.run([sys.executable, "-c", f"compile({DEEP!r}, 'cell', 'exec')"], capture_output=True)
    assert fresh.returncode == 0, "a shallow stack compiles it: the refusal is what keeps it from running"


def test_a_forger_behind_a_cell_too_deep_to_read_gets_nothing_and_is_named(tmp_path):
    require(confinement() == "bubblewrap", "grading needs bubblewrap")
    stubs = ROOT / "samples" / "eve" / "engine" / "engine.ipynb"
    notebook = nbformat.read(stubs, as_version=4)
    attacks.pasted_under_the_stubs(notebook, attacks.cell("protocol_forger") + DEEP)
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(notebook, tmp_path / "mallory" / "engine" / "engine.ipynb")
    [mallory] = grade_paths([tmp_path], Options(seed=1, time_limit=3.0))
    assert mallory.score == 0 and mallory.review


@pytest.mark.parametrize(
    "forger", ["stealth", "match", "formatter", "typing", "codeobj", "globals", "builtins", "guardoff"]
)
def test_the_red_teams_forgers_score_nothing_from_stubs(tmp_path, forger):
    require(confinement() == "bubblewrap", "grading needs bubblewrap")
    notebook = nbformat.read(ROOT / "samples" / "eve" / "engine" / "engine.ipynb", as_version=4)
    source = attacks.forger("stealth") if forger == "stealth" else attacks.forger(forger)
    attacks.pasted_under_the_stubs(notebook, source)
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(notebook, tmp_path / "mallory" / "engine" / "engine.ipynb")
    [mallory] = grade_paths([tmp_path], Options(seed=1, time_limit=3.0))
    assert mallory.score == 0


def test_a_notebook_that_follows_the_graders_operations_finds_no_probe(tmp_path):
    # a third red team's: the stubs' __init__, run by the probe, reached the payload's globals through
    # the grader's own op_* methods on the isolated class and swapped `evaluate` (14 of 17 points).
    # Those methods now live in a namespace of their own (mgc.probes.handed), which holds no probe.
    require(confinement() == "bubblewrap", "grading needs bubblewrap")
    notebook = nbformat.read(ROOT / "samples" / "eve" / "engine" / "engine.ipynb", as_version=4)
    value = next(
        i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "value"
    )
    notebook.cells.insert(value + 1, nbformat.v4.new_code_cell(attacks.cell("evaluate_swap")))
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(notebook, tmp_path / "mallory" / "engine" / "engine.ipynb")
    [mallory] = grade_paths([tmp_path], Options(seed=1, time_limit=3.0))
    assert mallory.score == 0
    assert not [v.exercise for v in mallory.verdicts if "changed the grader's own code" in v.feedback]


SWAP_THROUGH_FRAMES = """
import sys
def _swap():
    frame = sys._getframe()
    while frame is not None:
        if "evaluate" in frame.f_globals and "operation" in frame.f_globals:
            frame.f_globals["evaluate"] = lambda expression, xs, c=None: xs[0]
            return
        frame = frame.f_back
_orig = Value.__init__
def _init(self, *args, **kwargs):
    _orig(self, *args, **kwargs)
    _swap()
Value.__init__ = _init
"""


def test_a_probe_whose_namespace_changed_while_it_ran_reports_nothing():
    # the tripwire under the boundary: with the guard off (frames allowed), a cell that swaps the
    # probe's own `evaluate` while the probe runs gets the results voided, not counted
    cells = [*solution_cells("engine"), SWAP_THROUGH_FRAMES]
    box = Sandbox(cells, Limits(5, 5, guarded=False))
    with pytest.raises(SandboxError, match="changed the grader's own code"):
        box.probe("operation", [op_case("add", [2.0, 3.0])], keep=["__add__"], eps=FINITE_DIFFERENCE_STEP)
