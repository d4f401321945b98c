# Lessons 5 and 6: the lecture's Value with a backward pass, as the lecture first writes it: each
# operation stores a `_backward` closure that *sets* its operands' grads (lesson 6 finds the bug).
# ruff: noqa: E702
# --8<-- [start:class]
import math


class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None  # a leaf has nothing to pass on
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = 1.0 * out.grad
            other.grad = 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad = (1 - t**2) * out.grad

        out._backward = _backward
        return out
# --8<-- [end:class]


# --8<-- [start:neuron]
x1 = Value(2.0, label="x1")
x2 = Value(0.0, label="x2")
w1 = Value(-3.0, label="w1")
w2 = Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
x1w1 = x1 * w1; x1w1.label = "x1*w1"
x2w2 = x2 * w2; x2w2.label = "x2*w2"
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = "x1*w1 + x2*w2"
n = x1w1x2w2 + b; n.label = "n"
o = n.tanh(); o.label = "o"
print(o, [v.grad for v in (n, b, x1, w1)])
# --8<-- [end:neuron]

# --8<-- [start:by-hand]
o.grad = 1.0
o._backward()            # tanh: n.grad = (1 - t**2) * o.grad
print("n", round(n.grad, 6))
n._backward()            # +: x1w1x2w2 and b each get n.grad
x1w1x2w2._backward()     # +: x1w1 and x2w2 each get its grad
x1w1._backward()         # *: x1 gets w1.data * grad, w1 gets x1.data * grad
x2w2._backward()
for v in (b, x1, w1, x2, w2):
    print(v.label, round(v.grad, 6))
# --8<-- [end:by-hand]

# --8<-- [start:topo]
topo = []
visited = set()


def build_topo(v):
    if v not in visited:
        visited.add(v)
        for child in v._prev:
            build_topo(child)
        topo.append(v)


build_topo(o)
print([v.label for v in topo])
# --8<-- [end:topo]

# --8<-- [start:reverse]
for v in topo:           # start again from zero
    v.grad = 0.0
o.grad = 1.0
for node in reversed(topo):
    node._backward()
print([round(v.grad, 4) for v in (b, x1, w1, x2, w2)])
# --8<-- [end:reverse]


# --8<-- [start:backward]
def backward(self):
    topo = []
    visited = set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(self)
    self.grad = 1.0
    for node in reversed(topo):
        node._backward()


Value.backward = backward  # the lecture writes it inside the class
# --8<-- [end:backward]

# --8<-- [start:call]
for v in topo:
    v.grad = 0.0
o.backward()
print([round(v.grad, 4) for v in (b, x1, w1, x2, w2)])
# --8<-- [end:call]

# --8<-- [start:reuse]
a = Value(3.0, label="a")
b = a + a; b.label = "b"
b.backward()
print(b, "a.grad =", a.grad)
# --8<-- [end:reuse]

# --8<-- [start:reuse-twice]
a = Value(-2.0, label="a")
b = Value(3.0, label="b")
d = a * b; d.label = "d"
e = a + b; e.label = "e"
f = d * e; f.label = "f"
f.backward()
print("a.grad =", a.grad, " b.grad =", b.grad)
# --8<-- [end:reuse-twice]


# --8<-- [start:fix]
def __add__(self, other):
    out = Value(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += 1.0 * out.grad
        other.grad += 1.0 * out.grad

    out._backward = _backward
    return out


def __mul__(self, other):
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out


Value.__add__ = __add__  # the lecture edits the class; here the two methods are replaced
Value.__mul__ = __mul__
# --8<-- [end:fix]

# --8<-- [start:fixed]
a = Value(3.0, label="a")
b = a + a
b.backward()
print("b = a + a:      a.grad =", a.grad)

a, b = Value(-2.0, label="a"), Value(3.0, label="b")
f = (a * b) * (a + b)
f.backward()
print("f = (a*b)(a+b): a.grad =", a.grad, " b.grad =", b.grad)
# --8<-- [end:fixed]
