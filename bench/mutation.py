"""Mutation testing of the graders: break the solutions on purpose, and see what the graders say.

    python bench/mutation.py [--assignment engine] [--show]

Every mutant is the solution notebook with one small change inside one solution
region (what a student writes): an operator swapped, a constant changed, a term
dropped, `+=` made `=`, a child removed from a tuple, operands swapped, a comparison
loosened, a statement deleted. No mutation tool fits here (mutmut and its kind
mutate importable modules, not the solution regions of notebooks), so the mutator
is this file's own, on Python's `ast`.

Each mutant is graded in the sandbox, as `mgc grade` grades, with a fixed seed. It
is *killed* when it loses points in the exercise whose code it changed; it *leaks*
when it also costs another exercise its points (a grader that blames the wrong
exercise); it *survives* when it loses nothing. A survivor must be listed in
bench/equivalent_mutants.toml with a one-line reason why no grader could tell it
from the solution. The score is killed / (mutants - equivalent), per assignment;
the exit status is 1 unless every non-equivalent mutant is killed without a leak.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import re
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "grader"))

from mgc.course.manifest import Assignment, load  # noqa: E402
from mgc.course.notebook import read_notebook  # noqa: E402
from mgc.judge.checks import run_assignment  # noqa: E402
from mgc.judge.verdict import Status  # noqa: E402
from mgc.sandbox.runner import Limits, Sandbox  # noqa: E402

EQUIVALENT = ROOT / "bench" / "equivalent_mutants.toml"
SEED = 20261201
REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)

SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult}
LOOSER = {
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Eq: ast.NotEq,
    ast.In: ast.NotIn,
}
NOT_COMMUTATIVE = (ast.Sub, ast.Div, ast.Pow)


@dataclass(frozen=True)
class Mutant:
    cell: int  # index among the notebook's code cells
    line: int  # line in that cell
    change: str  # what was done, e.g. "+ -> -"
    source: str  # the mutated cell
    function: str  # the function or method it is in, e.g. "Value.__add__"

    @property
    def key(self) -> str:
        """How bench/equivalent_mutants.toml names it: stable while the solution's text is."""
        return f"{self.function}: {self.change} at `{self.original_line}`"

    original_line: str = ""


# ---- mutations ----------------------------------------------------------------------------------


def _mutations(node: ast.AST) -> Iterator[tuple[str, ast.AST | None]]:
    """(what, replacement) for each way to mutate `node`; None deletes a statement."""
    if isinstance(node, ast.BinOp):
        if type(node.op) in SWAPS:
            yield (
                f"{_op(node.op)} -> {_op(SWAPS[type(node.op)]())}",
                ast.BinOp(node.left, SWAPS[type(node.op)](), node.right),
            )
        yield (f"drop the right of {_op(node.op)}", node.left)
        yield (f"drop the left of {_op(node.op)}", node.right)
        if isinstance(node.op, NOT_COMMUTATIVE):
            yield (f"swap the operands of {_op(node.op)}", ast.BinOp(node.right, node.op, node.left))
    elif isinstance(node, ast.AugAssign):
        yield (f"{_op(node.op)}= -> =", ast.Assign([node.target], node.value, lineno=node.lineno))
        if type(node.op) in SWAPS:
            yield (
                f"{_op(node.op)}= -> {_op(SWAPS[type(node.op)]())}=",
                ast.AugAssign(node.target, SWAPS[type(node.op)](), node.value),
            )
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        yield (f"{node.value!r} -> {node.value + 1!r}", ast.Constant(node.value + 1))
        if node.value:
            yield (f"{node.value!r} -> {-node.value!r}", ast.Constant(-node.value))
    elif isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Load) and node.elts:
        for i, element in enumerate(node.elts):
            rest = node.elts[:i] + node.elts[i + 1 :]
            yield (f"drop `{ast.unparse(element)}` from a tuple", ast.Tuple(rest, ast.Load()))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in LOOSER:
        looser = LOOSER[type(node.ops[0])]()
        yield (f"{_op(node.ops[0])} -> {_op(looser)}", ast.Compare(node.left, [looser], node.comparators))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield ("drop a unary -", node.operand)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and len(node.args) == 1
        and not node.keywords
    ):
        if node.func.id in ("reversed", "sum", "list", "float"):
            yield (f"drop {node.func.id}()", node.args[0])
    elif isinstance(node, ast.IfExp):
        yield ("swap the branches of an if-else", ast.IfExp(node.test, node.orelse, node.body))
    if isinstance(node, ast.Expr | ast.Assign | ast.AugAssign) and not isinstance(
        getattr(node, "value", None), ast.Constant
    ):
        yield ("delete the statement", None)


def _op(op: ast.AST) -> str:
    return {
        ast.Add: "+",
        ast.Sub: "-",
        ast.Mult: "*",
        ast.Div: "/",
        ast.Pow: "**",
        ast.Gt: ">",
        ast.GtE: ">=",
        ast.Lt: "<",
        ast.LtE: "<=",
        ast.Eq: "==",
        ast.NotEq: "!=",
        ast.In: "in",
        ast.NotIn: "not in",
    }[type(op)]


def _regions(source: str) -> list[range]:
    """The line numbers (1-based) inside the cell's solution regions."""
    found = []
    for match in REGION.finditer(source):
        first = source.count("\n", 0, match.start(1)) + 1
        found.append(range(first, first + match.group(1).count("\n")))
    return found


def _enclosing(tree: ast.AST) -> dict[int, str]:
    """id(node) -> the qualified name of the function it is in ("Value.__add__", "train")."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name + ".", function)
            elif isinstance(child, ast.FunctionDef) and not function:
                visit(child, prefix, prefix + child.name)
            else:
                names[id(child)] = function
                visit(child, prefix, function)

    visit(tree, "", "")
    return names


class _Replace(ast.NodeTransformer):
    def __init__(self, target: int, replacement: ast.AST | None) -> None:
        self.target, self.replacement, self.index = target, replacement, -1

    def generic_visit(self, node: ast.AST) -> ast.AST | None:
        self.index += 1
        if self.index == self.target:
            if self.replacement is None:
                return ast.Pass()
            return self.replacement
        return super().generic_visit(node)


def mutants(cells: list[str]) -> list[Mutant]:
    """Every mutant of the solution regions of `cells`."""
    found = []
    for index, source in enumerate(cells):
        regions = _regions(source)
        if not regions:
            continue
        tree = ast.parse(source)
        lines = source.splitlines()
        functions = _enclosing(tree)
        nodes = list(_walk(tree))
        for position, node in enumerate(nodes):
            line = getattr(node, "lineno", None)
            if line is None or not any(line in r and node.end_lineno in r for r in regions):
                continue
            for change, replacement in _mutations(node):
                mutated = _Replace(position, copy.deepcopy(replacement)).visit(copy.deepcopy(tree))
                text = ast.unparse(ast.fix_missing_locations(mutated))
                found.append(
                    Mutant(index, line, change, text, functions.get(id(node), ""), lines[line - 1].strip())
                )
    seen: dict[str, int] = {}
    for k, mutant in enumerate(found):  # the same change twice on one line: number the second
        seen[mutant.key] = seen.get(mutant.key, 0) + 1
        if seen[mutant.key] > 1:
            found[k] = dataclasses.replace(mutant, change=f"{mutant.change} (#{seen[mutant.key]})")
    return found


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Nodes in the order _Replace visits them (pre-order, as NodeTransformer recurses)."""
    yield tree
    for child in ast.iter_child_nodes(tree):
        yield from _walk(child)


# ---- grading --------------------------------------------------------------------------------


def exercise_of(function: str, assignment: Assignment) -> str | None:
    """The exercise whose symbols hold `function`."""
    for exercise in assignment.exercises:
        if function in exercise.symbols:
            return exercise.id
    return None


def failures(cells: list[str], assignment: Assignment) -> set[str]:
    """The exercises of `assignment` that `cells` lose, graded with a fixed seed."""
    with Sandbox(cells, Limits(4.0, 4.0)) as box:
        verdicts = run_assignment(assignment, box, SEED)
    broken = [v for v in verdicts if v.status is Status.NOT_GRADED]
    if broken:  # the grader's own failure must never pass for a killed mutant
        raise RuntimeError(f"not graded: {broken[0].message}")
    return {v.exercise for v in verdicts if not v.passed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", action="append", help="only these assignments (default: all)")
    parser.add_argument("--show", action="store_true", help="print every mutant that is not killed cleanly")
    args = parser.parse_args()
    equivalent = tomllib.loads(EQUIVALENT.read_text()) if EQUIVALENT.exists() else {}
    start = time.perf_counter()
    ok, rows = True, []
    for assignment in load().assignments:
        if args.assignment and assignment.id not in args.assignment:
            continue
        solution = [
            c.source for c in read_notebook(ROOT / assignment.notebook).cells if c.cell_type == "code"
        ]
        if failures(solution, assignment):
            raise SystemExit(f"{assignment.id}: the solution itself loses points")
        listed = equivalent.get(assignment.id, {})
        killed = leaked = survived = excused = 0
        for mutant in mutants(solution):
            cells = list(solution)
            cells[mutant.cell] = mutant.source
            own = exercise_of(mutant.function, assignment)
            lost = failures(cells, assignment)
            if mutant.key in listed:
                excused += 1
                if lost:
                    ok = False
                    print(f"  listed as equivalent but killed: {mutant.key}")
                continue
            if own in lost and lost == {own}:
                killed += 1
                continue
            if lost:
                leaked += 1
                what = f"costs {', '.join(sorted(lost))}"
            else:
                survived += 1
                what = "survives"
            ok = False
            if args.show:
                print(f"  {assignment.id}: {mutant.key} ({own}) {what}")
        counted = killed + leaked + survived
        score = killed / counted if counted else 1.0
        rows.append((assignment.id, counted + excused, excused, killed, leaked, survived, f"{score:.1%}"))
    header = ("assignment", "mutants", "equivalent", "killed", "leaked", "survived", "score")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\nMutation score of the graders (seed {SEED}, {time.perf_counter() - start:.0f} s)")
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
