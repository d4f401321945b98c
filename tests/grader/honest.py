"""Correct notebooks in many styles, as honest students write them: each must keep full marks.

Every variant is a solution notebook with some of its cells edited: ordinary Python a student
brings (pprint, dataclasses, IPython.display, the lecture's own imports, logging, graphlib, ...),
attributes read the way the notebook's own classes allow (n.w, layer.neurons), inputs wrapped once.
test_honest.py checks each under mgc grade, mgc check and nbgrader.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from mgc.course.manifest import ROOT, load


@dataclass(frozen=True)
class Variant:
    name: str
    assignment: str
    edits: tuple[tuple[str, Callable[[str], str]], ...]  # (grade_id of a solution cell, how it changes)
    then: Callable[[nbformat.NotebookNode], None] | None = None  # what else the student did to the notebook


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(source: str) -> str:
        assert source.count(old) == 1, f"{old!r} must occur once"
        return source.replace(old, new)

    return edit


def prepend(text: str) -> Callable[[str], str]:
    return lambda source: text + source


def append(text: str) -> Callable[[str], str]:
    return lambda source: source + text


BUILD_TOPO = """        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
"""

GRAPHLIB = """        import graphlib
        order = graphlib.TopologicalSorter()
        todo, seen = [self], {id(self)}
        while todo:
            node = todo.pop()
            order.add(node, *node._prev)
            for child in node._prev:
                if id(child) not in seen:
                    seen.add(id(child))
                    todo.append(child)
        self.grad = 1.0
        for node in reversed(list(order.static_order())):
            node._backward()
"""

VARIANTS = [
    Variant("display", "engine", (("value", prepend("from IPython.display import display\n")),)),
    Variant("pprint", "engine", (("value", prepend("from pprint import pprint\n")),)),
    Variant(
        "lecture_imports",
        "engine",
        (("value", prepend("import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline\n")),),
    ),
    Variant(
        "helper_types",
        "engine",
        (
            (
                "value",
                prepend(
                    "import dataclasses, enum, typing\n\n\n"
                    "class Op(enum.Enum):\n    ADD = '+'\n    MUL = '*'\n\n\n"
                    "@dataclasses.dataclass(frozen=True)\nclass Step:\n    op: Op\n    arity: int\n\n\n"
                    "Pair = typing.NamedTuple('Pair', [('a', float), ('b', float)])\n"
                    "STEPS: typing.Dict[str, Step] = {o.value: Step(o, 2) for o in Op}\n\n"
                ),
            ),
        ),
    ),
    Variant("graphlib", "engine", (("value", replace(BUILD_TOPO, GRAPHLIB)),)),
    # a fourth red team's: an exact type check, which a grader that subclassed the class broke
    Variant(
        "exact_type_check",
        "engine",
        (
            (
                "value",
                lambda source: source.replace(
                    "other = other if isinstance(other, Value) else Value(other)",
                    "other = other if type(other) is Value else Value(other)",
                ),
            ),
        ),
    ),
    Variant(
        "warns_and_logs",
        "engine",
        (
            (
                "value",
                replace(
                    "    def __repr__(self):\n",
                    "    def describe(self):\n"
                    "        import logging, warnings\n"
                    "        logging.getLogger(__name__).info('describing %s', self.data)\n"
                    "        warnings.warn('describe is slow')\n"
                    "        return repr(self)\n\n"
                    "    def __repr__(self):\n",
                ),
            ),
            (
                "value",
                replace("        self.grad = 1.0\n", "        self.describe()\n        self.grad = 1.0\n"),
            ),
        ),
    ),
    Variant(
        "traceback_in_a_method",
        "engine",
        (
            (
                "value",
                replace(
                    "        t = math.tanh(self.data)\n",
                    "        import traceback\n"
                    "        try:\n"
                    "            t = math.tanh(self.data)\n"
                    "        except OverflowError:\n"
                    "            traceback.print_exc()\n"
                    "            raise\n"
                    "        try:\n"
                    "            {}['missing']\n"
                    "        except KeyError:\n"
                    "            self._last_error = traceback.format_exc()\n",
                ),
            ),
        ),
    ),
    Variant(
        "namedtuple_module_level",
        "derivatives",
        (
            (
                "slopes",
                prepend(
                    "import collections, functools, itertools, statistics\n"
                    "Step = collections.namedtuple('Step', 'x h')\n\n\n"
                ),
            ),
            (
                "slopes",
                replace(
                    "    return (f(x + h) - f(x)) / h\n",
                    "    s = Step(x, h)\n    return (f(s.x + s.h) - f(s.x)) / s.h\n",
                ),
            ),
        ),
    ),
    Variant(
        "sklearn_import",
        "nn",
        (("nn", prepend("from sklearn.datasets import make_moons\nfrom tqdm import tqdm\n")),),
    ),
    Variant(
        "parameters_through_attributes",
        "nn",
        (
            (
                "nn",
                replace(
                    "        return [p for neuron in self.neurons for p in neuron.parameters()]\n",
                    "        return [p for n in self.neurons for p in n.w + [n.b]]\n",
                ),
            ),
            (
                "nn",
                replace(
                    "        return [p for layer in self.layers for p in layer.parameters()]\n",
                    "        return [p for layer in self.layers\n"
                    "                for n in layer.neurons for p in n.parameters()]\n",
                ),
            ),
        ),
    ),
    Variant(
        "inputs_wrapped_once",
        "nn",
        (
            (
                "train",
                replace(
                    "    for _ in range(steps):\n",
                    "    xs = [[Value(v) for v in x] for x in xs]\n    for _ in range(steps):\n",
                ),
            ),
        ),
    ),
    Variant(
        "logging_in_train",
        "nn",
        (
            ("train", prepend("import logging\nlog = logging.getLogger('train')\n\n\n")),
            (
                "train",
                replace(
                    "        losses.append(loss.data)\n",
                    "        losses.append(loss.data)\n        log.info('loss %.4f', loss.data)\n",
                ),
            ),
        ),
    ),
    Variant(
        "prints_and_json",
        "nn",
        (
            ("loss", prepend("import json, pprint, textwrap, re, datetime, time\n")),
            (
                "loss",
                replace(
                    "    return sum((yout - ygt)**2 for yout, ygt in zip(ypred, ys))\n",
                    "    started = time.perf_counter()\n"
                    "    loss = sum((yout - ygt)**2 for yout, ygt in zip(ypred, ys))\n"
                    "    print(json.dumps({'loss': loss.data, 'at': str(datetime.datetime.now())}))\n"
                    "    pprint.pprint(textwrap.shorten(re.sub(' +', ' ', repr(loss)), 40))\n"
                    "    print(time.perf_counter() - started)\n"
                    "    return loss\n",
                ),
            ),
        ),
    ),
    # a third helper's honest students (each lost marks or was flagged for review once)
    Variant(
        "display_without_import",
        "nn",
        (
            ("nn", prepend("display('building the net')\n")),
            (
                "train",
                replace(
                    "        losses.append(loss.data)\n",
                    "        losses.append(loss.data)\n        display(loss)\n",
                ),
            ),
        ),
    ),
    Variant("cell_magic_time", "nn", (("train", prepend("%%time\n")),)),
    Variant(
        "keyword_calls_by_their_own_names",
        "nn",
        (
            ("loss", replace("def mse_loss(ypred, ys):", "def mse_loss(predictions, targets):")),
            ("loss", replace("zip(ypred, ys)", "zip(predictions, targets)")),
            ("train", replace("mse_loss(ypred, ys)", "mse_loss(predictions=ypred, targets=ys)")),
        ),
    ),
    Variant(
        "keyword_calls_by_their_own_names_slopes",
        "derivatives",
        (
            ("slopes", replace("one_sided_derivative(f, x, h):", "one_sided_derivative(func, x0, step):")),
            ("slopes", replace("(f(x + h) - f(x)) / h", "(func(x0 + step) - func(x0)) / step")),
            ("slopes", replace("symmetric_derivative(f, x, h):", "symmetric_derivative(func, x0, step):")),
            (
                "slopes",
                replace(
                    "(f(x + h) - f(x - h)) / (2 * h)", "(func(x0 + step) - func(x0 - step)) / (2 * step)"
                ),
            ),
            (
                "accuracy",
                replace("one_sided_derivative(f, x, h)", "one_sided_derivative(func=f, x0=x, step=h)"),
            ),
            ("accuracy", replace("symmetric_derivative(f, x, h)", "symmetric_derivative(f, step=h, x0=x)")),
        ),
    ),
    Variant(
        "keyword_calls_by_their_own_names_softmax",
        "softmax",
        (
            ("softmax", replace("def softmax(logits):", "def softmax(zs):")),
            ("softmax", replace("for z in logits]", "for z in zs]")),
            ("softmax", replace("-softmax(logits)[target]", "-softmax(zs=logits)[target]")),
        ),
    ),
    Variant("copied_test_cell", "nn", (), then=lambda nb: nb.cells.append(pasted(test_cell(nb)))),
    Variant("tags_dropped", "engine", (), then=lambda nb: [c.metadata.pop("tags", None) for c in nb.cells]),
    # a fifth red team's: a try-it cell split in Jupyter, its tag copied onto the student's own code
    Variant(
        "own_code_in_a_tagged_cell",
        "engine",
        (("value", replace("import math\n", "")),),
        then=lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell(
                "import math\n\n\ndef squared(x):\n    return x * x\n", metadata={"tags": ["try-it"]}
            )
        ),
    ),
    Variant(
        "review_idioms",
        "engine",
        (
            (
                "value",
                append(
                    "\n\nif __name__ == '__main__':\n"
                    "    from types import SimpleNamespace\n"
                    "    seen = SimpleNamespace(count=0)\n"
                    "    for name in ['exp', 'tanh']:\n"
                    "        out = getattr(Value(0.5), name)()\n"
                    "        seen.count += 1\n"
                    "    for expr in ['a * b + a', '(a + b) ** 2']:\n"
                    "        a, b = Value(0.5), Value(-1.5)\n"
                    "        print(expr, eval(expr), vars(a))\n"
                ),
            ),
        ),
    ),
    # a sixth red team's honest students
    Variant(
        "leaf_backward_on_the_class",
        "engine",
        (
            (
                "value",
                replace(
                    "    def __init__(self, data",
                    "    _backward = staticmethod(lambda: None)\n\n    def __init__(self, data",
                ),
            ),
            (
                "value",
                replace(
                    "        self._backward = lambda: None"
                    "     # passes out.grad to the children; nothing on a leaf\n",
                    "",
                ),
            ),
        ),
    ),
    Variant(
        "softmax_with_a_temperature",
        "softmax",
        (
            ("softmax", replace("def softmax(logits):", "def softmax(logits, temperature=1.0):")),
            (
                "softmax",
                replace(
                    "for z in logits]",
                    "for z in logits]\n    counts = [(c.log() / temperature).exp() for c in counts]",
                ),
            ),
            ("softmax", replace("-softmax(logits)[target]", "-softmax(logits, temperature=1.0)[target]")),
        ),
    ),
    Variant(
        "magic_then_import_in_a_tagged_cell",
        "engine",
        (("value", replace("import math\n", "")),),
        then=lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell("%matplotlib inline\nimport math\n", metadata={"tags": ["try-it"]})
        ),
    ),
    # whole Value cells of their own: a fourth red team's engines (__slots__ and properties through
    # operator's getters, a dataclass with total_ordering and graphlib, operations on a base class
    # with exp through __rpow__ and an iterative backward, singledispatchmethod and an ABC) and a
    # third helper's students' (__slots__ with a rule table, a keyword-only constructor)
    *(
        Variant(f"value_{cell.stem}", "engine", (("value", lambda _, cell=cell: cell.read_text()),))
        for cell in sorted((Path(__file__).parent / "honest_cells").glob("*.py"))
    ),
]


def notebook_of(variant: Variant) -> dict:
    """The variant's notebook, as a student would hand it in: the release, its solution cells filled
    in with the solution's code, then edited."""
    assignment = load().assignment(variant.assignment)
    solution = nbformat.read(ROOT / assignment.notebook, as_version=4)
    notebook = nbformat.read(ROOT / "exercises" / assignment.id / assignment.notebook_name, as_version=4)
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in solution.cells}
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells}
    for grade_id, cell in cells.items():
        if cell.metadata.get("nbgrader", {}).get("solution"):
            lines = answers[grade_id].splitlines(keepends=True)
            cell.source = "".join(
                line for line in lines if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
            )
    for grade_id, edit in variant.edits:
        cells[grade_id].source = edit(cells[grade_id].source)
    if variant.then is not None:
        variant.then(notebook)
    return notebook


def pasted(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `cell` as Jupyter pastes one: the same metadata (nbgrader's included), a new id."""
    copied = copy.deepcopy(cell)
    copied.id = f"{cell.get('id', 'cell')}-copy"
    return copied


def test_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook's first test cell (what a student copies to run it again lower down)."""
    return next(
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")
    )


def hand_in(folder: Path, variants: list[Variant] = VARIANTS) -> dict[str, Variant]:
    """Each variant under folder/NAME/ASSIGNMENT/ASSIGNMENT.ipynb; {student: variant}."""
    for variant in variants:
        target = folder / variant.name / variant.assignment / f"{variant.assignment}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook_of(variant), indent=1))
    return {v.name: v for v in variants}
