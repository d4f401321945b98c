"""Draw an expression graph with Graphviz: one record per value, one small node per operation."""

from __future__ import annotations

import re
from pathlib import Path

from graphviz import Digraph

from micrograd.engine import Value


def _walk(root: Value) -> list[Value]:
    """Every node reachable from `root`, once each, in a fixed depth-first order."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack = [root]  # a stack, not recursion, so deep graphs can be drawn too
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            order.append(v)
            stack.extend(reversed(v._prev))
    return order


def trace(root: Value) -> tuple[set[Value], set[tuple[Value, Value]]]:
    """Every node reachable from `root`, and every (child, parent) edge between them."""
    nodes = _walk(root)
    edges = {(child, v) for v in nodes for child in v._prev}
    return set(nodes), edges


def _escape(text: str) -> str:
    """Escape the characters that have a meaning inside a Graphviz record label."""
    return re.sub(r'([{}|<>"\\])', r"\\\1", text)


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR") -> Digraph:
    """Build the graph of `root`: `label | data | grad` records, left to right by default."""
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    dot = Digraph(format=format, graph_attr={"rankdir": rankdir})
    nodes = _walk(root)
    name = {v: f"v{i}" for i, v in enumerate(nodes)}  # stable names: the same graph, the same source
    for v in nodes:
        dot.node(
            name[v],
            label=f"{{ {_escape(v.label)} | data {v.data:.4f} | grad {v.grad:.4f} }}",
            shape="record",
        )
        if v._op:
            dot.node(name[v] + "op", label=v._op)
            dot.edge(name[v] + "op", name[v])
        for child in v._prev:
            dot.edge(name[child], name[v] + "op")
    return dot


def save_svg(root: Value, path: str | Path, rankdir: str = "LR") -> Path:
    """Render the graph of `root` to an SVG file at `path` and return that path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(draw_dot(root, format="svg", rankdir=rankdir).pipe(format="svg"))
    return path
