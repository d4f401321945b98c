"""Checks of single operations (+, *, **, exp, tanh, ...), each graded on its own."""

from __future__ import annotations

import functools
import math
import random

from mgc.course.manifest import load
from mgc.judge import expected
from mgc.judge.checks.base import Check, Hint, fail, fmt
from mgc.judge.expected import FINITE_DIFFERENCE_STEP, FINITE_DIFFERENCE_TOLERANCE, all_close, close


def _operations() -> dict[str, str]:
    """name -> expression in a, b (Values) and c (a number): course.toml's [operations]."""
    return load().operations


def arity(op: str, operations: dict[str, str] | None = None) -> int:
    return 2 if "b" in (operations or _operations())[op] else 1


NAMES = "ab"

# Classic mistakes: a wrong local derivative, as a function of (inputs, const, output), for the
# operation named (an operation on one value used twice, such as mul_self, has none of its own).
WRONG_LOCAL = {
    "mul": [
        (
            lambda x, c, out: [x[0], x[1]],
            "each operand's gradient is the *other* operand's data times out.grad",
        )
    ],
    "mul_const": [(lambda x, c, out: [x[0]], "a's gradient is the other operand's data times out.grad")],
    "pow": [
        (lambda x, c, out: [c * x[0] ** c], "off by one: the derivative of x**n is n * x**(n - 1)"),
        (lambda x, c, out: [c * x[0] ** (c + 1)], "off by one: the derivative of x**n is n * x**(n - 1)"),
        (lambda x, c, out: [x[0] ** (c - 1)], "the derivative of x**n keeps the factor n: n * x**(n - 1)"),
    ],
    "exp": [
        (
            lambda x, c, out: [x[0]],
            "the local derivative of exp is exp itself, the output out.data, not the input",
        )
    ],
    "tanh": [(lambda x, c, out: [1 - out], "the local derivative of tanh is 1 - t**2, not 1 - t")],
    "relu": [
        (
            lambda x, c, out: [x[0]],
            "the local derivative of relu is 1 where the output is positive and 0 elsewhere",
        )
    ],
    "log": [(lambda x, c, out: [out], "the local derivative of log(x) is 1 / x")],
}


def op_case(
    op: str, values: list[float], const: float | None = None, seed=1.0, pre=None, operations=None
) -> dict:
    pre = pre if pre is not None else [0.0] * len(values)
    expression = (operations or _operations())[op]
    return {"op": op, "expr": expression, "values": values, "const": const, "seed": seed, "pre": pre}


def describe_op(case: dict) -> str:
    named = ", ".join(f"{n}={fmt(v)}" for n, v in zip(NAMES, case["values"]))
    const = f", c={fmt(case['const'])}" if case.get("const") is not None else ""
    text = f"{case['expr']} with {named}{const}, out.grad seeded with {fmt(case['seed'])}"
    if any(case["pre"]):
        text += f", operand grads pre-loaded with {fmt(case['pre'])}"
    return text


def _want(case: dict, local: list[float]) -> list[float]:
    """The operands' grads after out.grad = seed flows back onto the pre-loaded grads."""
    seed, pre = case["seed"], case["pre"]
    return [p + seed * d for p, d in zip(pre, local)]


def judge_operation(case: dict, result: dict) -> None:
    values, const, seed, pre = (case[k] for k in ("values", "const", "seed", "pre"))
    true_out, local = expected.operation(case["expr"], values, const)
    if not close(result["data"], true_out):
        fail(f"out.data: expected {fmt(true_out)} (PyTorch), got {fmt(result['data'])}")
    want = _want(case, local)
    got = result["grads"]
    lost = [n for n, reached in zip(NAMES, result.get("reached", [])) if not reached]
    if lost:
        fail(
            f"{', '.join(lost)} is not among out's children (out._prev): a backward() that starts from "
            f"a later node never reaches it, so its grad stays as it was",
            "build the result with its operands as children, e.g. Value(data, (self, other), '*')",
        )
    if all_close(got, want):
        numeric = [p + seed * n for p, n in zip(pre, result["numeric"])]
        if not all_close(got, numeric, FINITE_DIFFERENCE_TOLERANCE):
            fail(
                f"the grads disagree with central differences of your own forward pass: "
                f"got {fmt(got)}, differences give {fmt(numeric)}"
            )
        return
    names = ", ".join(f"{n}.grad" for n in NAMES[: len(got)])
    hints = [
        h for h, predicted in _mistakes(case) if all_close(got, predicted) and not all_close(predicted, want)
    ]
    fail(f"{names}: expected {fmt(want)} (PyTorch), got {fmt(got)}", *hints)


def _mistakes(case: dict) -> list[tuple[Hint, list[float]]]:
    """Each classic mistake a hint names, with the grads it gives on `case`."""
    found = []
    for text, predict in MISTAKES:
        predicted = predict(case)
        if predicted is not None:
            found.append((Hint(text, functools.partial(_explains, predict)), predicted))
    return found


def _explains(predict, case: dict, result: dict) -> bool | None:
    """Whether the mistake `predict` describes gives `result` on `case` (None: it says nothing there)."""
    if "op" not in case or "grads" not in result:
        return None
    predicted = predict(case)
    return None if predicted is None else all_close(result["grads"], predicted)


def _local(case: dict) -> list[float]:
    return expected.operation(case["expr"], case["values"], case["const"])[1]


def _wrong_local(op: str, wrong):
    """The grads a wrong local derivative of `op` gives, on cases of that op."""

    def predict(case: dict) -> list[float] | None:
        if case["op"] != op:
            return None
        out = expected.operation(case["expr"], case["values"], case["const"])[0]
        return _want(case, wrong(case["values"], case["const"], out))

    return predict


def _one_contribution_lost(keep_pre: bool):
    """For a value used twice (a * a): its grads when one of the two contributions is lost, and with
    it the pre-loaded grad (=) or not (both written from the old grad, as in a, b = ..., ...)."""

    def predict(case: dict) -> list[float] | None:
        if not case["op"].endswith("_self"):
            return None
        half = [case["seed"] * d / 2 for d in _local(case)]
        return [p + x for p, x in zip(case["pre"], half)] if keep_pre else half

    return predict


TWICE = "a value used twice must receive both contributions: accumulate grads with +=, never ="
MISTAKES = [  # (hint, the grads the mistake gives on a case, or None where it cannot show)
    (
        "you assigned the gradient (=) instead of accumulating it (+=)",
        lambda c: [c["seed"] * d for d in _local(c)],
    ),
    (TWICE, _one_contribution_lost(keep_pre=False)),
    (TWICE, _one_contribution_lost(keep_pre=True)),
    (
        "the chain rule multiplies the local derivative by out.grad",
        lambda c: [p + d for p, d in zip(c["pre"], _local(c))],
    ),
    ("the gradient has the wrong sign", lambda c: [p - c["seed"] * d for p, d in zip(c["pre"], _local(c))]),
    ("the operation's _backward never changes the operands' grads", lambda c: list(c["pre"])),
    *[(text, _wrong_local(op, wrong)) for op, mistakes in WRONG_LOCAL.items() for wrong, text in mistakes],
]


def operation_check(
    ops: list[str],
    keep: list[str],
    hidden_ops: list[str] | None = None,
    operations: dict | None = None,
    primitive: bool = False,
) -> Check:
    """A check of one or more operations, each graded in isolation from all the others."""
    table = operations or _operations()

    def case(op: str, *args, **kwargs) -> dict:
        return op_case(op, *args, **kwargs, operations=table)

    def visible() -> list[dict]:
        lectured = [case(op, *args) for op, *args in LECTURE_OPS if op in ops]
        unlectured = [op for op in ops if op not in {op for op, *_ in LECTURE_OPS}]
        return lectured + [
            case(op, values) for op in unlectured for values in DEFAULT_VALUES[arity(op, table)]
        ]

    def hidden(rng: random.Random) -> list[dict]:
        out = []
        for op in hidden_ops or ops:
            for _ in range(4):
                out.append(_random_op_case(op, rng, table))
            out.extend(case(*args) for args in AWKWARD.get(op, []))
        return out

    options = {"keep": keep, "eps": FINITE_DIFFERENCE_STEP, "alone": primitive}
    return Check("operation", visible, hidden, judge_operation, options, describe_op)


# The lecture's cases, visible to students: (op, values, const, seed, pre). Each operation that keeps
# a gradient also meets an operand used twice (a + a, a * a) or a grad already there, so that
# assigning (=) instead of accumulating (+=) fails at home, not only when graded.
LECTURE_OPS = [
    ("add", [2.0, -3.0]),
    ("add", [-6.0, 10.0], None, -2.0),
    ("add_const", [2.0], 1.0),
    ("add_self", [3.0]),
    ("mul", [2.0, -3.0], None, -2.0),
    ("mul", [4.0, -2.0]),
    ("mul_const", [2.0], 3.0),
    ("mul_self", [3.0]),
    ("radd", [2.0], 1.0),
    ("rmul", [2.0], 2.0),
    ("pow", [3.0], 2.0),
    ("pow", [4.0], -1.0),
    ("pow", [2.0], 3.0, 1.0, [0.5]),
    ("exp", [1.0]),
    ("exp", [1.7627471740390861]),
    ("exp", [0.5], None, 1.0, [0.25]),
    ("tanh", [0.8813735870195432]),
    ("tanh", [0.5], None, 1.0, [0.25]),
    ("relu", [2.0]),
    ("relu", [-1.5]),
    ("relu", [1.5], None, 1.0, [0.25]),
    ("neg", [3.0]),
    ("sub", [5.0, 2.0]),
    ("truediv", [2.0, 4.0]),
    ("log", [2.0]),
    ("log", [4.0], None, 1.0, [0.25]),
    ("rtruediv", [4.0], 1.0),
    ("truediv_const", [3.0], 2.0),
]
DEFAULT_VALUES = {1: [[0.5], [-1.5], [0.0]], 2: [[2.0, -3.0]]}  # for an operation the lecture never ran


def _random_op_case(op: str, rng: random.Random, operations: dict[str, str]) -> dict:
    n = arity(op, operations)
    values = [round(rng.uniform(-3, 3), 6) for _ in range(n)]
    const = round(rng.uniform(-3, 3), 4)
    if op == "pow":
        if rng.random() < 0.5:
            const = float(rng.choice([-3, -2, -1, 2, 3, 4, 5]))  # whole exponents take negative bases
        else:
            values = [round(rng.uniform(0.2, 3), 6)]
            const = rng.choice([-1.5, -0.5, 0.5, 1.5, 2.5])
    if op in ("log",):
        values = [round(rng.uniform(0.1, 5), 6)]
    if op in ("truediv", "rtruediv") or op.endswith("div_const"):
        values[-1] = math.copysign(abs(values[-1]) + 0.5, values[-1])
        const = math.copysign(abs(const) + 0.5, const)
    if op == "relu":
        values = [math.copysign(abs(values[0]) + 0.01, values[0])]  # never on the kink
    seed = round(rng.uniform(-2, 2), 3) or 1.0
    pre = [round(rng.uniform(-1, 1), 3) or 0.5 for _ in range(n)]
    return op_case(op, values, const, seed, pre, operations)


# Inputs where sloppy code shows: saturation, reuse, negative bases, large exponents (as LECTURE_OPS).
AWKWARD = {
    "add": [("add_self", [1.25], None, 1.5, [0.75]), ("add_const", [-2.5], 4.0)],
    "mul": [
        ("mul_self", [-1.5], None, 0.5, [0.25]),
        ("mul_const", [3.0], -0.5),
        ("mul", [0.0, 2.5], None, 1.0, [0.5, 0.5]),
    ],
    "pow": [
        ("pow", [-2.0], 3.0, 1.0, [0.5]),
        ("pow", [1.1], 10.0, 0.5),
        ("pow", [0.0], 2.0),
        ("pow", [0.0], 3.0, 1.0, [0.25]),
    ],
    "exp": [("exp", [-4.0], None, 2.0, [1.0]), ("exp", [0.0]), ("exp", [12.5])],
    "tanh": [("tanh", [20.0], None, 1.0, [0.5]), ("tanh", [-3.0]), ("tanh", [0.0])],
    "relu": [("relu", [0.5], None, 3.0, [-1.0])],
}
