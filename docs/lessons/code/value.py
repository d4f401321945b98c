# The lecture's first Value (lessons 2 to 4): it computes forward and records the graph; lesson 5
# gives it a backward pass. Each block a lesson shows is a section here, so that the English and the
# Chinese pages run the same code.
# ruff: noqa: E402, E702, UP031
# --8<-- [start:imports]
import math

# --8<-- [end:imports]


# --8<-- [start:value]
class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0  # dL/d(self): 0 until we backpropagate
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), "+")
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), "*")
        return out
    # --8<-- [end:value]

    # --8<-- [start:tanh]
    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), "tanh")
        return out
    # --8<-- [end:tanh]


# --8<-- [start:two]
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
print(a, b)
print(a * b)
# --8<-- [end:two]

# --8<-- [start:expression]
c = Value(10.0, label="c")
e = a * b; e.label = "e"
d = e + c; d.label = "d"
f = Value(-2.0, label="f")
L = d * f; L.label = "L"
# --8<-- [end:expression]

# --8<-- [start:history]
print(L, "made by", L._op, "from", L._prev)
print(d, "made by", d._op, "from", d._prev)
# --8<-- [end:history]


# --8<-- [start:trace]
def trace(root):
    # every value reachable from the root, and every edge between them
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges
# --8<-- [end:trace]


# --8<-- [start:count]
nodes, edges = trace(L)
print(len(nodes), "values,", len(edges), "edges")
# --8<-- [end:count]

# --8<-- [start:draw-dot]
from graphviz import Digraph


def draw_dot(root, rankdir="LR"):
    dot = Digraph(format="svg", graph_attr={"rankdir": rankdir})  # LR: left to right
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # a record for each value: its label, data and grad
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")
        if n._op:
            # a small node for the operation that made it, and an edge from it
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        # each child points at its parent's operation
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot
# --8<-- [end:draw-dot]

# --8<-- [start:draw]
print(draw_dot(L, rankdir="TB").pipe(format="svg").decode())
# --8<-- [end:draw]
