"""What grader code each exercise's child receives: enough to isolate the exercise, never its answer."""

from __future__ import annotations

import pytest
from mgc.course.manifest import load
from mgc.judge.checks import check_for
from mgc.probes import payload, probes

# The grader's definitions that answer a symbol a student implements. A symbol that is a
# method of the engine is answered by the grader's op for that method (probes.METHOD_OPS).
ANSWERS = {
    "Value.backward": {"walk_backward", "topological_order"},
    "mse_loss": {"grader_mse"},
    "softmax": {"grader_softmax"},
    "MLP.__call__": {"GraderMLP"},
    "Module.zero_grad": {"GraderMLP"},
    "one_sided_derivative": {"slope_one_sided"},
    "symmetric_derivative": {"slope_symmetric"},
}


def answers(symbol: str) -> set[str]:
    method = symbol.removeprefix("Value.")
    if method != symbol and method in probes.METHOD_OPS:
        return {probes.METHOD_OPS[method]}
    return ANSWERS.get(symbol, set())


EXERCISES = [e for e in load().exercises]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_no_child_is_sent_the_answer_to_its_own_exercise(exercise):
    check = check_for(exercise)
    sent = set(payload.names_in(check.probe, check.options))
    forbidden = set().union(*(answers(s) for s in exercise.symbols))
    assert not sent & forbidden, f"{exercise.id}'s child would hold {sorted(sent & forbidden)}"
    assert check.probe in sent


def test_every_symbol_with_a_grader_twin_is_listed():
    # a grader definition named after a student's symbol must be known to this test as an answer
    twins = {"grader_mse": "mse_loss", "grader_softmax": "softmax", "GraderMLP": "MLP.__call__"}
    for definition, symbol in twins.items():
        assert definition in answers(symbol)
    assert {answers(f"Value.{m}").pop() for m in probes.METHOD_OPS} == set(probes.METHOD_OPS.values())


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_each_payload_runs_on_its_own_beside_what_it_hands_over(exercise):
    # as mgc.sandbox.child.main runs it: what the student's code is handed in a namespace of its own, then
    # the probe in another, which holds references to the handed definitions and nothing else of theirs
    check = check_for(exercise)
    handed_source, probe_source = payload.payload(check.probe, check.options)
    handed: dict = {}
    exec(compile(handed_source, "<handed>", "exec"), handed)
    namespace = {name: value for name, value in handed.items() if not name.startswith("__")}
    exec(compile(probe_source, "<payload>", "exec"), namespace)
    assert callable(namespace[check.probe])
    assert callable(namespace["describe"])
    probe_own = {name for name in namespace if name not in handed}
    assert check.probe in probe_own and "number" in probe_own


def test_nothing_handed_to_student_code_leads_back_to_the_probe():
    # every function handed.py defines (and every method of its classes) has handed.py's globals:
    # in a child, the handed namespace, which holds no probe
    import inspect

    from mgc.probes import handed

    for name, value in vars(handed).items():
        if getattr(value, "__module__", None) != "mgc.probes.handed":
            continue
        functions = [value] if inspect.isfunction(value) else list(vars(value).values())
        for function in filter(inspect.isfunction, functions):
            assert function.__globals__ is vars(handed), name
    probe_names = set(payload._definitions(payload.SOURCES["probes"])[1])
    handed_names = set(payload._definitions(payload.SOURCES["handed"])[1])
    assert not probe_names & handed_names
    for name in handed_names:
        used = payload._found()[name][2]
        assert not used & probe_names, f"handed.{name} names {sorted(used & probe_names)} of the probes"


def test_no_probe_defines_a_class_with_methods():
    # a class's methods carry their globals: one defined beside the probes and handed to student code
    # (found through object.__subclasses__ even when not handed) would lead back to the probe
    import ast

    tree = ast.parse(payload.SOURCES["probes"].read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            assert not any(isinstance(n, ast.FunctionDef) for n in node.body), node.name


def test_the_mul_child_holds_add_but_no_mul_and_the_backward_child_no_walk():
    mul = set(payload.names_in("operation", {"keep": ["__mul__"]}))
    assert {"op_add", "op_pow", "walk_backward"} <= mul
    assert "op_mul" not in mul
    assert not {"walk_backward", "topological_order"} & set(payload.names_in("backward", {}))


def test_the_helpers_sent_before_the_student_code_hold_no_grader_operation():
    namespace: dict = {}
    exec(compile(payload.helpers(), "<helpers>", "exec"), namespace)
    held = {name for name in namespace if not name.startswith("__")}
    assert not held & (set(probes.METHOD_OPS.values()) | {"walk_backward", "isolate", "grader_softmax"})
    assert {"describe", "stand_in_import", "notebook_module"} <= held
