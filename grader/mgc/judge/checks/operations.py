"""Checks of single operations (+, *, **, exp, tanh, ...), each graded on its own."""

from __future__ import annotations

import math
import random

from mgc.course.manifest import load
from mgc.judge import expected
from mgc.judge.checks.base import Check, fail, fmt
from mgc.judge.expected import FINITE_DIFFERENCE_TOLERANCE, all_close, close

OPERATIONS = load().operations  # name -> expression in a, b (Values) and c (a number): course.toml


def arity(op: str) -> int:
    return 2 if "b" in OPERATIONS[op] else 1


NAMES = "ab"

# Classic mistakes: a wrong local derivative, as a function of (inputs, const, output).
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


def op_case(op: str, values: list[float], const: float | None = None, seed=1.0, pre=None) -> dict:
    pre = pre if pre is not None else [0.0] * len(values)
    return {"op": op, "expr": OPERATIONS[op], "values": values, "const": const, "seed": seed, "pre": pre}


def describe_op(case: dict) -> str:
    named = ", ".join(f"{n}={fmt(v)}" for n, v in zip(NAMES, case["values"]))
    const = f", c={fmt(case['const'])}" if case.get("const") is not None else ""
    text = f"{case['expr']} with {named}{const}, out.grad seeded with {fmt(case['seed'])}"
    if any(case["pre"]):
        text += f", operand grads pre-loaded with {fmt(case['pre'])}"
    return text


def judge_operation(case: dict, result: dict) -> None:
    op, values, const, seed, pre = (case[k] for k in ("op", "values", "const", "seed", "pre"))
    true_out, local = expected.operation(case["expr"], values, const)
    if not close(result["data"], true_out):
        fail(f"out.data: expected {fmt(true_out)} (PyTorch), got {fmt(result['data'])}")
    want = [p + seed * d for p, d in zip(pre, local)]
    if op.endswith("_self"):  # one leaf used twice: its grad gets both contributions
        want = [pre[0] + seed * local[0]]
    got = result["grads"]
    lost = [n for n, reached in zip(NAMES, result.get("reached", [])) if not reached]
    if lost:
        fail(
            f"{', '.join(lost)} is not among out's children (out._prev): a backward() that starts from "
            f"a later node never reaches it, so its grad stays as it was",
            "build the result with its operands as children, e.g. Value(data, (self, other), '*')",
        )
    got = result["grads"]
    if all_close(got, want):
        numeric = [p + seed * n for p, n in zip(pre, result["numeric"])]
        if not all_close(got, numeric, FINITE_DIFFERENCE_TOLERANCE):
            fail(
                f"the grads disagree with central differences of your own forward pass: "
                f"got {fmt(got)}, differences give {fmt(numeric)}"
            )
        return
    names = ", ".join(f"{n}.grad" for n in NAMES[: len(got)])
    message = f"{names}: expected {fmt(want)} (PyTorch), got {fmt(got)}"
    fail(message, _operation_hint(case, got, local, true_out))


def _operation_hint(case: dict, got: list[float], local: list[float], out: float) -> str | None:
    op, values, const, seed, pre = (case[k] for k in ("op", "values", "const", "seed", "pre"))
    base = op.removesuffix("_self")
    twice = 2 if op.endswith("_self") else 1
    candidates = [
        ([seed * d for d in local], "you assigned the gradient (=) instead of accumulating it (+=)"),
        (
            [seed * d / twice for d in local],
            "a value used twice must receive both contributions: accumulate grads with +=, never =",
        ),
        ([p + d for p, d in zip(pre, local)], "the chain rule multiplies the local derivative by out.grad"),
        ([p - seed * d for p, d in zip(pre, local)], "the gradient has the wrong sign"),
        (pre, "the operation's _backward never changes the operands' grads"),
    ]
    for wrong, hint in WRONG_LOCAL.get(base, []):
        wrong_local = wrong(values, const, out)
        if op.endswith("_self"):
            wrong_local = [twice * wrong_local[0]]
        candidates.append(([p + seed * d for p, d in zip(pre, wrong_local)], hint))
    for wrong, hint in candidates:
        if all_close(got, wrong) and not all_close(wrong, [p + seed * d for p, d in zip(pre, local)]):
            return hint
    return None


def operation_check(ops: list[str], keep: list[str], hidden_ops: list[str] | None = None, **kw) -> Check:
    """A check of one or more operations, each graded in isolation from all the others."""

    def visible() -> list[dict]:
        return [c for c in LECTURE_OPS if c["op"] in ops] + [
            op_case(op, values) for op in ops if op not in LECTURED for values in DEFAULT_VALUES[arity(op)]
        ]

    def hidden(rng: random.Random) -> list[dict]:
        out = []
        for op in hidden_ops or ops:
            for _ in range(4):
                out.append(_random_op_case(op, rng))
            out.extend(_awkward_cases(op))
        return out

    return Check("operation", visible, hidden, judge_operation, {"keep": keep, **kw}, describe_op)


LECTURE_OPS = [
    op_case("add", [2.0, -3.0]),
    op_case("add", [-6.0, 10.0], seed=-2.0),
    op_case("add_const", [2.0], 1.0),
    op_case("add_self", [3.0]),
    op_case("mul", [2.0, -3.0], seed=-2.0),
    op_case("mul", [4.0, -2.0]),
    op_case("mul_const", [2.0], 3.0),
    op_case("radd", [2.0], 1.0),
    op_case("rmul", [2.0], 2.0),
    op_case("pow", [3.0], 2.0),
    op_case("pow", [4.0], -1.0),
    op_case("exp", [1.0]),
    op_case("exp", [1.7627471740390861]),
    op_case("tanh", [0.8813735870195432]),
    op_case("relu", [2.0]),
    op_case("relu", [-1.5]),
    op_case("neg", [3.0]),
    op_case("sub", [5.0, 2.0]),
    op_case("truediv", [2.0, 4.0]),
    op_case("log", [2.0]),
    op_case("rtruediv", [4.0], 1.0),
    op_case("truediv_const", [3.0], 2.0),
]


LECTURED = {c["op"] for c in LECTURE_OPS}
DEFAULT_VALUES = {1: [[0.5], [-1.5], [0.0]], 2: [[2.0, -3.0]]}  # for an operation the lecture never ran


def _random_op_case(op: str, rng: random.Random) -> dict:
    n = arity(op)
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
    return op_case(op, values, const, seed, pre)


def _awkward_cases(op: str) -> list[dict]:
    """Inputs where sloppy code shows: saturation, reuse, negative bases, large exponents."""
    return {
        "add": [op_case("add_self", [1.25], seed=1.5, pre=[0.75]), op_case("add_const", [-2.5], 4.0)],
        "mul": [
            op_case("mul_self", [-1.5], seed=0.5, pre=[0.25]),
            op_case("mul_const", [3.0], -0.5),
            op_case("mul", [0.0, 2.5], pre=[0.5, 0.5]),
        ],
        "pow": [
            op_case("pow", [-2.0], 3.0, pre=[0.5]),
            op_case("pow", [1.1], 10.0, seed=0.5),
            op_case("pow", [0.0], 2.0),
            op_case("pow", [0.0], 3.0, pre=[0.25]),
        ],
        "exp": [op_case("exp", [-4.0], seed=2.0, pre=[1.0]), op_case("exp", [0.0]), op_case("exp", [12.5])],
        "tanh": [op_case("tanh", [20.0], pre=[0.5]), op_case("tanh", [-3.0]), op_case("tanh", [0.0])],
        "relu": [op_case("relu", [0.5], seed=3.0, pre=[-1.0])],
    }.get(op, [])
