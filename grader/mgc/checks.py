"""The checks: for each exercise, the cases to try and how to judge what came back.

A check never runs student code. It draws cases (the lecture's own, which are
visible to students, plus random ones per run, which are not), hands them to a
runner (the sandbox, or the notebook's own kernel under nbgrader), and judges
the plain numbers that come back against PyTorch and central differences.
A wrong answer raises CheckFailure with the inputs, what was expected, what
came back and, for the classic mistakes, a hint that names the mistake.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from mgc import expected
from mgc.expected import FINITE_DIFFERENCE_TOLERANCE, all_close, close
from mgc.probes import FUNCTIONS, slope_one_sided, slope_symmetric


class CheckFailure(AssertionError):
    """An exercise failed; the message is the feedback the student sees."""


class Runner(Protocol):
    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]: ...


@dataclass
class Check:
    """How one exercise is graded."""

    probe: str
    visible: Callable[[], list[dict]]
    hidden: Callable[[random.Random], list[dict]]
    judge: Callable[[dict, dict], None]
    options: dict = field(default_factory=dict)
    describe: Callable[[dict], str] = lambda case: ""

    def run(self, exercise_id: str, runner: Runner, rng: random.Random | None) -> None:
        """Grade the exercise; rng None means the visible cases only."""
        cases = self.visible() + ([] if rng is None else self.hidden(rng))
        results = runner.probe(self.probe, cases, **self.options)
        for case, result in zip(cases, results):
            where = self.describe(case)
            if "error" in result:
                raise CheckFailure(_explain_error(exercise_id, where, result["error"]))
            try:
                self.judge(case, result)
            except CheckFailure as failure:
                raise CheckFailure(f"{exercise_id}: {where}\n{failure}") from None


def _explain_error(exercise_id: str, where: str, error: str) -> str:
    if error.startswith("NotImplementedError"):
        return f"{exercise_id}: not implemented yet (the stub still raises NotImplementedError)"
    text = f"{exercise_id}: {where}\nraised {error}"
    if "has no attribute 'data'" in error:
        text += (
            "\nhint: a plain number reached an operation that expected a Value. Wrap the other "
            "operand first: other = other if isinstance(other, Value) else Value(other)"
        )
    elif "RecursionError" in error:
        text += "\nhint: the recursion never ends; does a method call itself on the same input?"
    return text


def fail(message: str, hint: str | None = None) -> None:
    raise CheckFailure(message + (f"\nhint: {hint}" if hint else ""))


def fmt(values) -> str:
    if isinstance(values, list | tuple):
        return "[" + ", ".join(fmt(v) for v in values) + "]"
    return f"{values:.10g}" if isinstance(values, float) else str(values)


# ---- the engine's operations ----------------------------------------------------------

ARITY = {"add": 2, "mul": 2, "sub": 2, "truediv": 2}
SYMBOL = {
    "add": "a + b",
    "add_const": "a + c",
    "add_self": "a + a",
    "radd": "c + a",
    "mul": "a * b",
    "mul_const": "a * c",
    "mul_self": "a * a",
    "rmul": "c * a",
    "pow": "a ** c",
    "exp": "a.exp()",
    "log": "a.log()",
    "tanh": "a.tanh()",
    "relu": "a.relu()",
    "neg": "-a",
    "sub": "a - b",
    "sub_const": "a - c",
    "rsub": "c - a",
    "truediv": "a / b",
    "truediv_const": "a / c",
    "rtruediv": "c / a",
}
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
    return {"op": op, "values": values, "const": const, "seed": seed, "pre": pre}


def describe_op(case: dict) -> str:
    named = ", ".join(f"{n}={fmt(v)}" for n, v in zip(NAMES, case["values"]))
    const = f", c={fmt(case['const'])}" if case.get("const") is not None else ""
    text = f"{SYMBOL[case['op']]} with {named}{const}, out.grad seeded with {fmt(case['seed'])}"
    if any(case["pre"]):
        text += f", operand grads pre-loaded with {fmt(case['pre'])}"
    return text


def judge_operation(case: dict, result: dict) -> None:
    op, values, const, seed, pre = (case[k] for k in ("op", "values", "const", "seed", "pre"))
    true_out, local = expected.operation(op, values, const)
    if not close(result["data"], true_out):
        fail(f"out.data: expected {fmt(true_out)} (PyTorch), got {fmt(result['data'])}")
    want = [p + seed * d for p, d in zip(pre, local)]
    if op.endswith("_self"):  # one leaf used twice: its grad gets both contributions
        want = [pre[0] + seed * local[0]]
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
        return [c for c in LECTURE_OPS if c["op"] in ops]

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


def _random_op_case(op: str, rng: random.Random) -> dict:
    n = ARITY.get(op, 1)
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
        "mul": [op_case("mul_self", [-1.5], seed=0.5, pre=[0.25]), op_case("mul_const", [3.0], -0.5)],
        "pow": [op_case("pow", [-2.0], 3.0, pre=[0.5]), op_case("pow", [1.1], 10.0, seed=0.5)],
        "exp": [op_case("exp", [-4.0], seed=2.0, pre=[1.0])],
        "tanh": [op_case("tanh", [20.0], pre=[0.5]), op_case("tanh", [-3.0]), op_case("tanh", [0.0])],
        "relu": [op_case("relu", [0.5], seed=3.0, pre=[-1.0])],
    }.get(op, [])


# ---- backward() and the topological sort -------------------------------------------------


def backward_case(leaves: list[float], program: list[list]) -> dict:
    return {"leaves": leaves, "program": program}


LECTURE_GRAPHS = [
    # e = a*b; d = e + c; L = d * f
    backward_case([2.0, -3.0, 10.0, -2.0], [["*", 0, 1], ["+", 4, 2], ["*", 5, 3]]),
    # the neuron: x1*w1 + x2*w2 + b, then tanh
    backward_case(
        [2.0, 0.0, -3.0, 1.0, 6.8813735870195432],
        [["*", 0, 2], ["*", 1, 3], ["+", 5, 6], ["+", 7, 4], ["tanh", 8, 8]],
    ),
    backward_case([3.0], [["+", 0, 0]]),  # b = a + a
    backward_case([-2.0, 3.0], [["*", 0, 1], ["+", 0, 1], ["*", 2, 3]]),  # d = a*b; e = a+b; f = d*e
]


def _random_graph(rng: random.Random) -> dict:
    leaves = [round(rng.uniform(-2, 2), 4) for _ in range(rng.randint(2, 4))]
    program: list[list] = []
    for _ in range(rng.randint(4, 10)):
        n = len(leaves) + len(program)
        program.append([rng.choice(["+", "*", "*", "tanh"]), rng.randrange(n), rng.randrange(n)])
    # sum every node nothing uses yet into the root, so the root depends on the whole graph
    used = {i for op, i, j in program} | {j for op, i, j in program if op != "tanh"}
    dangling = [k for k in range(len(leaves) + len(program)) if k not in used]
    root = dangling[0]
    for k in dangling[1:]:
        program.append(["+", root, k])
        root = len(leaves) + len(program) - 1
    return backward_case(leaves, program)


def _deep_chain(depth: int) -> dict:
    program = [["*", 0, 1]] + [["+", 2 + k, 1] for k in range(depth)]
    return backward_case([0.5, 1.25], program)


def describe_graph(case: dict) -> str:
    steps = "; ".join(
        f"n{len(case['leaves']) + k} = tanh(n{i})"
        if op == "tanh"
        else f"n{len(case['leaves']) + k} = n{i} {op} n{j}"
        for k, (op, i, j) in enumerate(case["program"])
    )
    leaves = ", ".join(f"n{i}={fmt(v)}" for i, v in enumerate(case["leaves"]))
    return f"backward() on the graph {leaves}; {steps} (root: the last node)"


def _parents(case: dict) -> dict[int, set[int]]:
    """For each node, the nodes computed from it."""
    parents: dict[int, set[int]] = {}
    for k, (op, i, j) in enumerate(case["program"]):
        node = len(case["leaves"]) + k
        for child in {i} if op == "tanh" else {i, j}:
            parents.setdefault(child, set()).add(node)
    return parents


def judge_backward(case: dict, result: dict) -> None:
    n_leaves = len(case["leaves"])
    inner = list(range(n_leaves, n_leaves + len(case["program"])))
    want = expected.graph_program(case["leaves"], case["program"])
    calls, grads = result["calls"], result["grads"]
    root = inner[-1]
    if not close(grads[root], 1.0):
        fail(
            f"root.grad: expected 1.0, got {fmt(grads[root])}",
            "seed the root with self.grad = 1.0 before walking the graph: d root / d root is 1",
        )
    counts = {k: calls.count(k) for k in inner}
    twice = [k for k, c in counts.items() if c > 1]
    if twice:
        fail(
            f"_backward ran {counts[twice[0]]} times on node n{twice[0]}, expected once",
            "the topological sort needs a visited set: a node reached along two paths must be "
            "added to the order only once",
        )
    never = [k for k, c in counts.items() if c == 0]
    if never:
        fail(
            f"_backward never ran on node n{never[0]}, expected once",
            "every node of the graph must be in the order",
        )
    position = {k: calls.index(k) for k in inner}
    parents = _parents(case)
    for node in inner:
        late = [p for p in parents.get(node, ()) if position[p] > position[node]]
        if late:
            in_order = all(
                position[p] > position[q] for q in inner for p in parents.get(q, ()) if p in position
            )
            fail(
                f"n{node}._backward ran before n{late[0]}._backward, which uses n{node}; "
                f"expected every node after all the nodes that use it",
                "walk the topological order in reverse, from the root down to the leaves"
                if in_order
                else "a node's _backward must run only after every node that uses it",
            )
    if not all_close(grads, want):
        fail(f"grads of n0..n{len(grads) - 1}: expected {fmt(want)} (PyTorch), got {fmt(grads)}")


BACKWARD = Check(
    "backward",
    visible=lambda: LECTURE_GRAPHS,
    hidden=lambda rng: [_random_graph(rng) for _ in range(6)] + [_deep_chain(200)],
    judge=judge_backward,
    describe=describe_graph,
)


# ---- functions that build graphs: the neuron, the losses -----------------------------------


def judge_graph(truth: Callable[[dict], tuple[float, list[float]]], names: Callable[[dict], str]):
    def judge(case: dict, result: dict) -> None:
        want_out, want_grads = truth(case)
        if not close(result["data"], want_out):
            fail(f"the result: expected {fmt(want_out)} (PyTorch), got {fmt(result['data'])}")
        if not all_close(result["grads"], want_grads):
            fail(f"grads of {names(case)}: expected {fmt(want_grads)} (PyTorch), got {fmt(result['grads'])}")
        if not all_close(result["grads"], result["numeric"], FINITE_DIFFERENCE_TOLERANCE):
            fail(
                f"grads of {names(case)} disagree with central differences of your own forward pass: "
                f"got {fmt(result['grads'])}, differences give {fmt(result['numeric'])}"
            )

    return judge


def neuron_case(w, b, x) -> dict:
    return {"builder": "neuron", "values": [*w, b], "x": x}


NEURON = Check(
    "graph",
    visible=lambda: [neuron_case([-3.0, 1.0], 6.8813735870195432, [2.0, 0.0])],
    hidden=lambda rng: (
        [
            neuron_case(
                [round(rng.uniform(-1, 1), 4) for _ in range(n)],
                round(rng.uniform(-1, 1), 4),
                [round(rng.uniform(-2, 2), 4) for _ in range(n)],
            )
            for n in (1, 3, 5)
        ]
        + [neuron_case([2.0, 3.0], 1.0, [4.0, 5.0])]
    ),  # saturated
    judge=judge_graph(
        lambda c: expected.neuron(c["values"][:-1], c["values"][-1], c["x"]), lambda c: "w and b"
    ),
    describe=lambda c: f"Neuron with w={fmt(c['values'][:-1])}, b={fmt(c['values'][-1])} on x={fmt(c['x'])}",
)


def mse_case(ypred, ys) -> dict:
    return {"builder": "mse", "values": ypred, "ys": ys}


MSE = Check(
    "graph",
    visible=lambda: [mse_case([0.9, -0.8, -0.7, 0.95], [1.0, -1.0, -1.0, 1.0])],
    hidden=lambda rng: [
        mse_case(
            [round(rng.uniform(-1, 1), 4) for _ in range(n)], [rng.choice([-1.0, 1.0]) for _ in range(n)]
        )
        for n in (1, 4, 6)
    ],
    judge=judge_graph(lambda c: expected.mse(c["values"], c["ys"]), lambda c: "the predictions"),
    describe=lambda c: f"mse_loss(ypred={fmt(c['values'])}, ys={fmt(c['ys'])})",
)


def nll_case(logits, target) -> dict:
    return {"builder": "softmax_nll", "values": logits, "target": target}


NLL = Check(
    "graph",
    visible=lambda: [nll_case([0.0, 3.0, -2.0, 1.0], 3)],
    hidden=lambda rng: (
        [nll_case([round(rng.uniform(-4, 4), 4) for _ in range(n)], rng.randrange(n)) for n in (2, 3, 5)]
        + [nll_case([10.0, -10.0, 0.0], 1)]
    ),
    judge=judge_graph(lambda c: expected.nll(c["values"], c["target"]), lambda c: "the logits"),
    describe=lambda c: f"nll_loss(logits={fmt(c['values'])}, target={c['target']})",
)


def judge_softmax(case: dict, result: dict) -> None:
    want = expected.softmax(case["values"])
    if not all_close(result["probs"], want):
        hint = None
        if all_close(result["probs"], [math.exp(z) for z in case["values"]]):
            hint = "divide each count by the sum of all the counts"
        fail(f"probabilities: expected {fmt(want)} (PyTorch), got {fmt(result['probs'])}", hint)


SOFTMAX = Check(
    "softmax",
    visible=lambda: [{"values": [0.0, 3.0, -2.0, 1.0]}],
    hidden=lambda rng: [{"values": [round(rng.uniform(-5, 5), 4) for _ in range(n)]} for n in (1, 3, 6)],
    judge=judge_softmax,
    describe=lambda c: f"softmax({fmt(c['values'])})",
)


# ---- the neural-net library ---------------------------------------------------------------


def _tagged_output(scale: float, x: list[float]) -> float:
    return scale * sum(x) + 1.0


def judge_layer(case: dict, result: dict) -> None:
    outs = [_tagged_output(s, case["x"]) for s in case["scales"]]
    want = outs[0] if len(outs) == 1 else outs
    got = result["out"]
    if isinstance(want, float) and isinstance(got, list):
        fail("a layer of one neuron returned a list", "return the neuron's output itself when there is one")
    if isinstance(want, list) and not isinstance(got, list):
        fail("the layer returned one value instead of a list", "return one output per neuron, in order")
    if not (close(got, want) if isinstance(want, float) else all_close(got, want)):
        fail(f"outputs: expected {fmt(want)}, got {fmt(got)}", "call every neuron on the same input x")


def judge_mlp(case: dict, result: dict) -> None:
    want = sum(case["x"])
    for k, s in enumerate(case["scales"]):
        want = _tagged_output(s, [want] if k else case["x"])
    got = result["out"]
    if isinstance(got, list) or not close(got, want):
        fail(
            f"output: expected {fmt(want)}, got {fmt(got)}",
            "feed each layer's output into the next layer, and return the last one",
        )


LAYER = Check(
    "layer_call",
    visible=lambda: [{"nin": 3, "scales": [1.0, 2.0, -1.0, 0.5], "x": [2.0, 3.0, -1.0]}],
    hidden=lambda rng: [
        {"nin": 2, "scales": [1.5], "x": [0.5, -2.0]},
        {"nin": 3, "scales": [round(rng.uniform(-2, 2), 3) for _ in range(3)], "x": [1.0, 2.0, 3.0]},
    ],
    judge=judge_layer,
    describe=lambda c: f"Layer({c['nin']}, {len(c['scales'])}) of stand-in neurons on x={fmt(c['x'])}",
)

MLP = Check(
    "mlp_call",
    visible=lambda: [{"nin": 3, "scales": [1.0, 0.5, -2.0], "x": [2.0, 3.0, -1.0]}],
    hidden=lambda rng: [
        {"nin": 2, "scales": [round(rng.uniform(-2, 2), 3) for _ in range(n)], "x": [0.5, -1.0]}
        for n in (1, 4)
    ],
    judge=judge_mlp,
    describe=lambda c: f"an MLP of {len(c['scales'])} stand-in layers on x={fmt(c['x'])}",
)


def judge_parameters(case: dict, result: dict) -> None:
    part = case["part"]
    if part == "count":
        want = expected.mlp_parameter_count(case["nin"], case["nouts"])
        if result["count"] != want:
            fail(
                f"MLP({case['nin']}, {case['nouts']}).parameters() has {result['count']} values, "
                f"expected {want}"
            )
        return
    if part == "neuron":
        want = [f"w{i}" for i in range(case["nin"])] + ["b"]
        hint = "a neuron's parameters are its weights followed by its bias"
        if "b" not in result["tags"]:
            hint = "the bias is a parameter too: return self.w + [self.b]"
    else:
        want = [f"{k}.{i}" for k, size in enumerate(case["sizes"]) for i in range(size)]
        whose = "neuron" if part == "layer" else "layer"
        hint = f"collect the parameters of every {whose}, in order, into one flat list"
        missing = [k for k, size in enumerate(case["sizes"]) if size and f"{k}.0" not in result["tags"]]
        if missing:
            hint = f"the parameters of {whose} {missing[0]} are missing: include every {whose}"
    if result["tags"] != want:
        fail(f"{part}.parameters(): expected {want}, got {result['tags']}", hint)


PARAMETERS = Check(
    "parameters",
    visible=lambda: [
        {"part": "neuron", "nin": 3},
        {"part": "layer", "sizes": [2, 3, 1]},
        {"part": "mlp", "sizes": [3, 2, 4]},
        {"part": "count", "nin": 3, "nouts": [4, 4, 1]},
    ],
    hidden=lambda rng: [
        {"part": "layer", "sizes": [rng.randint(1, 4) for _ in range(rng.randint(1, 4))]},
        {"part": "count", "nin": rng.randint(1, 4), "nouts": [rng.randint(1, 5), 1, rng.randint(1, 3)]},
    ],
    judge=judge_parameters,
    describe=lambda c: "parameters() of " + ("a real MLP" if c["part"] == "count" else f"a {c['part']}"),
)


def judge_zero_grad(case: dict, result: dict) -> None:
    if result["data"] != [1.0] * len(case["grads"]):
        fail("zero_grad changed the parameters' data", "reset p.grad only, never p.data")
    if any(g != 0.0 for g in result["grads"]):
        hint = "set p.grad = 0.0 on every parameter"
        if result["grads"] == case["grads"]:
            hint = "zero_grad left every grad as it was: " + hint
        fail(f"grads after zero_grad: expected all 0.0, got {fmt(result['grads'])}", hint)


ZERO_GRAD = Check(
    "zero_grad",
    visible=lambda: [{"grads": [0.5, -2.0, 3.0]}],
    hidden=lambda rng: [{"grads": [round(rng.uniform(-5, 5), 3) or 1.0 for _ in range(7)]}],
    judge=judge_zero_grad,
    describe=lambda c: f"zero_grad on a module whose parameters have grads {fmt(c['grads'])}",
)

TINY_XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
TINY_YS = [1.0, -1.0, -1.0, 1.0]


def train_case(weight_seed: int, steps: int = 30, lr: float = 0.05) -> dict:
    rng = random.Random(weight_seed)
    sizes = [3, 4, 4, 1]
    weights = [rng.uniform(-1, 1) for _ in range(expected.mlp_parameter_count(3, [4, 4, 1]))]
    return {"sizes": sizes, "weights": weights, "xs": TINY_XS, "ys": TINY_YS, "steps": steps, "lr": lr}


def judge_train(case: dict, result: dict) -> None:
    want = expected.mlp_losses(
        case["sizes"], case["weights"], case["xs"], case["ys"], case["steps"], case["lr"]
    )
    got = result["losses"]
    if not all_close(got, want, (1e-7, 1e-6)):
        step = next(k for k, (g, w) in enumerate(zip(got, want)) if not close(g, w, (1e-7, 1e-6)))
        hint = "each step is: forward, zero_grad, backward, then p.data += -learning_rate * p.grad"
        if step > 0 and close(got[0], want[0]):
            hint = (
                "the first step matches and later ones drift: are the grads reset with "
                "model.zero_grad() before each backward()?"
            )
        fail(f"loss at step {step}: expected {fmt(want[step])} (PyTorch), got {fmt(got[step])}", hint)
    if case["steps"] >= 100 and not want[-1] < 0.01:
        raise AssertionError(f"the grader's own case does not converge: {want[-1]}")


TRAIN = Check(
    "train",
    visible=lambda: [train_case(0, steps=100, lr=0.05)],
    hidden=lambda rng: [train_case(rng.randrange(10**6), steps=15, lr=rng.choice([0.01, 0.05]))],
    judge=judge_train,
    describe=lambda c: (
        f"train(model, xs, ys, steps={c['steps']}, learning_rate={c['lr']}) on the lecture's data"
    ),
)


# ---- derivatives with plain numbers ----------------------------------------------------------


def call_case(function: str, *args, grader_slopes: bool = False) -> dict:
    return {"function": function, "args": list(args), "grader_slopes": grader_slopes}


def judge_slope(truth, other, other_name):
    def judge(case: dict, result: dict) -> None:
        f, x, h = FUNCTIONS[case["args"][0][1:]], case["args"][1], case["args"][2]
        want = truth(f, x, h)
        got = result["result"]
        if isinstance(got, list) or not close(got, want, (1e-12, 1e-9)):
            hint = f"that is the {other_name} form" if close(got, other(f, x, h), (1e-12, 1e-9)) else None
            fail(f"expected {fmt(want)}, got {fmt(got)}", hint)

    return judge


def _slope_cases(rng: random.Random, name: str) -> list[dict]:
    return [
        call_case(name, "@" + f, round(rng.uniform(-2, 2), 4), rng.choice([1e-2, 1e-3, 1e-4]))
        for f in FUNCTIONS
    ]


def describe_call(case: dict) -> str:
    args = ", ".join(a[1:] if isinstance(a, str) else fmt(a) for a in case["args"])
    return f"{case['function']}({args})"


ONE_SIDED = Check(
    "call",
    visible=lambda: [call_case("one_sided_derivative", "@parabola", 3.0, 0.001)],
    hidden=lambda rng: _slope_cases(rng, "one_sided_derivative"),
    judge=judge_slope(slope_one_sided, slope_symmetric, "symmetric"),
    describe=describe_call,
)

SYMMETRIC = Check(
    "call",
    visible=lambda: [call_case("symmetric_derivative", "@parabola", 3.0, 0.001)],
    hidden=lambda rng: _slope_cases(rng, "symmetric_derivative"),
    judge=judge_slope(slope_symmetric, slope_one_sided, "one-sided"),
    describe=describe_call,
)


def judge_gradient(case: dict, result: dict) -> None:
    want = expected.gradient_abc(*case["args"])
    got = result["result"]
    if not isinstance(got, list) or not all_close(got, want):
        fail(f"[df/da, df/db, df/dc]: expected {fmt(want)} (PyTorch), got {fmt(got)}")


GRADIENT = Check(
    "call",
    visible=lambda: [call_case("gradient_of_f", 2.0, 3.0, 4.0)],
    hidden=lambda rng: [
        call_case("gradient_of_f", *(round(rng.uniform(0.2, 5), 4) for _ in range(3))) for _ in range(4)
    ],
    judge=judge_gradient,
    describe=describe_call,
)


def judge_accuracy(case: dict, result: dict) -> None:
    name, x, h = case["args"][0][1:], case["args"][2], case["args"][3]
    f, df = FUNCTIONS[name], FUNCTIONS[name + "'"]
    want = [abs(slope_one_sided(f, x, h) - df(x)), abs(slope_symmetric(f, x, h) - df(x))]
    got = result["result"]
    if not isinstance(got, list) or not all_close(got, want, (1e-12, 1e-9)):
        fail(
            f"(one-sided error, symmetric error): expected {fmt(want)}, got {fmt(got)}",
            "each error is abs(estimate - exact derivative), one-sided first",
        )


ACCURACY = Check(
    "call",
    visible=lambda: [call_case("compare_errors", "@parabola", "@parabola'", 3.0, 0.001, grader_slopes=True)],
    hidden=lambda rng: [
        call_case("compare_errors", "@" + f, f"@{f}'", round(rng.uniform(-2, 2), 4), 1e-3, grader_slopes=True)
        for f in ("cubic", "sine", "exp")
    ],
    judge=judge_accuracy,
    describe=describe_call,
)


# ---- the registry: exercise id -> check -------------------------------------------------------

CHECKS: dict[str, Check] = {
    "derivatives.one_sided": ONE_SIDED,
    "derivatives.symmetric": SYMMETRIC,
    "derivatives.gradient": GRADIENT,
    "derivatives.accuracy": ACCURACY,
    "engine.add": operation_check(["add", "add_const", "add_self"], ["__add__"], ["add"]),
    "engine.mul": operation_check(["mul", "mul_const"], ["__mul__"], ["mul"]),
    "engine.rmul": operation_check(["radd", "rmul"], ["__radd__", "__rmul__"]),
    "engine.pow": operation_check(["pow"], ["__pow__"]),
    "engine.exp": operation_check(["exp"], ["exp"]),
    "engine.tanh": operation_check(["tanh"], ["tanh"]),
    "engine.relu": operation_check(["relu"], ["relu"]),
    "engine.composites": operation_check(
        ["neg", "sub", "truediv"],
        ["__neg__", "__sub__", "__truediv__"],
        ["neg", "sub", "sub_const", "truediv"],
    ),
    "engine.backward": BACKWARD,
    "nn.neuron": NEURON,
    "nn.layer": LAYER,
    "nn.mlp": MLP,
    "nn.parameters": PARAMETERS,
    "nn.zero_grad": ZERO_GRAD,
    "nn.mse": MSE,
    "nn.train": TRAIN,
    "softmax.exp": operation_check(["exp"], ["exp"]),
    "softmax.log": operation_check(["log"], ["log"]),
    "softmax.div": operation_check(
        ["truediv", "rtruediv"], ["__truediv__", "__rtruediv__"], ["truediv", "rtruediv", "truediv_const"]
    ),
    "softmax.softmax": SOFTMAX,
    "softmax.nll": NLL,
}


def run_check(exercise_id: str, runner: Runner, rng: random.Random | None) -> None:
    """Grade one exercise with `runner`; raises CheckFailure (or SandboxError) when it fails."""
    CHECKS[exercise_id].run(exercise_id, runner, rng)
