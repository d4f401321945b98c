"""Random expression programs that run on any engine with the lecture's API (micrograd or torch).

A program is a list of steps; each step reads earlier nodes by index and
appends one new node. Every operation is kept inside its domain by
construction (a log of x**2 + 0.1, a division by y**2 + 1), so a program is
valid for any leaf values.
"""

from __future__ import annotations

from hypothesis import strategies as st

BINARY = ("add", "mul", "sub", "div")
UNARY = ("neg", "exp", "tanh", "relu", "sigmoid", "log", "pow_int", "pow_float", "square_sum")
CONST = ("radd", "rmul", "rsub", "rdiv")


def apply(step: tuple, nodes: list, kinks: list[float]) -> object:
    """Apply one step to the nodes built so far; record relu inputs in `kinks`."""
    op, i, j, c = step
    x, y = nodes[i % len(nodes)], nodes[j % len(nodes)]
    if op == "add":
        return x + y
    if op == "mul":
        return x * y
    if op == "sub":
        return x - y
    if op == "div":
        return x / (y * y + 1)
    if op == "neg":
        return -x
    if op == "exp":
        return (x * 0.3).tanh().exp() if abs(c) < 1 else x.tanh().exp()
    if op == "tanh":
        return x.tanh()
    if op == "relu":
        kinks.append(float(x.data if hasattr(x, "_prev") else x.item()))
        return x.relu()
    if op == "sigmoid":
        return x.sigmoid()
    if op == "log":
        return (x * x + 0.1).log()
    if op == "pow_int":
        return x ** int(c % 4)
    if op == "pow_float":
        return (x * x + 0.5) ** c
    if op == "square_sum":
        return x * x + x  # the same node used twice in one step
    if op == "radd":
        return c + x
    if op == "rmul":
        return c * x
    if op == "rsub":
        return c - x
    if op == "rdiv":
        return c / (x * x + 1)
    raise ValueError(f"unknown op {op!r}")


def run(program: list[tuple], leaves: list) -> tuple[object, list[float]]:
    """Evaluate a program on leaf nodes; return (root, relu inputs seen)."""
    nodes = list(leaves)
    kinks: list[float] = []
    for step in program:
        nodes.append(apply(step, nodes, kinks))
    # the root depends on every node, so every leaf gets a gradient
    root = nodes[-1]
    for node in nodes[:-1]:
        root = root + node * 0.5
    return root, kinks


small = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
exponent = st.sampled_from([-2.0, -1.5, -1.0, -0.5, 0.5, 1.5, 2.0, 2.5, 3.0])
step = st.tuples(
    st.sampled_from(BINARY + UNARY + CONST),
    st.integers(0, 50),
    st.integers(0, 50),
    exponent,
)
programs = st.lists(step, min_size=1, max_size=12)
leaf_values = st.lists(small, min_size=1, max_size=4)
