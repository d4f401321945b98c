"""bench/mutation.py: its mutator makes the mutants it promises, and its list of equivalent
mutants names only mutants it really makes (so the list cannot go stale unnoticed)."""

from __future__ import annotations

import sys
import tomllib

from mgc.course.manifest import ROOT, load
from mgc.course.notebook import read_notebook

sys.path.insert(0, str(ROOT / "bench"))

import mutation

CELL = """class Value:
    def relu(self):
        ### BEGIN SOLUTION
        out = Value(self.data if self.data > 0 else 0.0, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def untouched(self):
        return self.data + 1
"""


def test_the_mutator_changes_only_solution_regions_and_names_the_method():
    made = mutation.mutants([CELL])
    assert made and {m.function for m in made} == {"Value.relu"}
    changes = {m.change for m in made}
    assert {"+= -> =", "> -> >=", "drop `self` from a tuple", "swap the branches of an if-else"} <= changes
    assert "delete the statement" in changes and "0.0 -> 1.0" in changes
    assert all("return self.data + 1" in m.source for m in made)  # outside the region: never changed


def test_a_mutant_that_drops_a_child_is_killed_in_its_own_exercise_only():
    engine = load().assignment("engine")
    cells = [c.source for c in read_notebook(ROOT / engine.notebook).cells if c.cell_type == "code"]
    (dropped,) = [
        m
        for m in mutation.mutants(cells)
        if m.function == "Value.relu" and m.change == "drop `self` from a tuple"
    ]
    cells[dropped.cell] = dropped.source
    assert mutation.failures(cells, engine) == {"engine.relu"}


def test_every_listed_equivalent_mutant_exists():
    listed = tomllib.loads((ROOT / "bench" / "equivalent_mutants.toml").read_text())
    for assignment in load().assignments:
        cells = [c.source for c in read_notebook(ROOT / assignment.notebook).cells if c.cell_type == "code"]
        keys = {m.key for m in mutation.mutants(cells)}
        for key, reason in listed.get(assignment.id, {}).items():
            assert key in keys, f"{assignment.id}: no such mutant any more: {key}"
            assert reason.strip()
