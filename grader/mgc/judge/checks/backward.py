"""The check of backward(): the topological sort, on graphs whose closures the grader wrote."""

from __future__ import annotations

import random

from mgc.judge import expected
from mgc.judge.checks.base import Check, fail, fmt
from mgc.judge.expected import all_close, close


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
    # a second backward() adds to what the first left: micrograd's way (every node passes on all it
    # holds), or PyTorch's (the leaves get the same again); never the first pass's grads alone
    again = result["again"][:n_leaves]
    compounded = expected.graph_program_again(case["leaves"], case["program"])
    doubled = [2 * g for g in want[:n_leaves]]
    if not (all_close(again, compounded) or all_close(again, doubled)):
        hint = None
        if all_close(again, want[:n_leaves]):
            hint = "backward() must not reset the grads: they add up, and only zero_grad() resets them"
        fail(
            f"after a second root.backward(), the leaves' grads: expected {fmt(compounded)} (they add up: "
            f"nothing resets them between the two calls), got {fmt(again)}",
            hint,
        )


BACKWARD = Check(
    "backward",
    visible=lambda: LECTURE_GRAPHS,
    hidden=lambda rng: [_random_graph(rng) for _ in range(6)] + [_deep_chain(200)],
    judge=judge_backward,
    describe=describe_graph,
)
