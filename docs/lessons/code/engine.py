# The lecture's Value, complete (lesson 7 and the solution page): every operation is the same four
# beats (wrap a plain number, compute the output with its children and op, define how the gradient
# flows back with +=, return the output), and backward() walks a topological order in reverse.
# relu and sigmoid are the course's additions (the engine exercise), shown on the solution page only.
# ruff: noqa: E702
# --8<-- [start:engine]
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
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other):  # other * self
        return self * other

    def __radd__(self, other):  # other + self
        return self + other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __neg__(self):  # -self
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def exp(self):
        x = self.data
        out = Value(math.exp(x), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad  # e^x is its own derivative

        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

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
    # --8<-- [end:engine]

    # --8<-- [start:more]
    def relu(self):
        out = Value(max(0.0, self.data), (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad  # written with the output, as tanh's is

        out._backward = _backward
        return out
    # --8<-- [end:more]


# --8<-- [start:numbers]
a = Value(2.0)
print(a + 1, a * 2, 2 * a, 1 + a)
# --8<-- [end:numbers]

# --8<-- [start:exp-pow]
h = 1e-6
x = Value(1.5)
y = x.exp()
y.backward()
print("exp:", round(y.data, 6), round(x.grad, 6))
print("  nudged:", round((math.exp(1.5 + h) - math.exp(1.5)) / h, 4))

x = Value(3.0)
y = x**2
y.backward()
print("pow:", x.grad)
print("  nudged:", round(((3.0 + h) ** 2 - 3.0**2) / h, 4))
# --8<-- [end:exp-pow]

# --8<-- [start:composites]
a, b = Value(5.0), Value(2.0)
c = (a - b) / b + 2 * a.exp() ** 0.5
c.backward()
print(round(c.data, 6), round(a.grad, 6), round(b.grad, 6))
# --8<-- [end:composites]


# --8<-- [start:from-exp]
def lecture_neuron(tanh_from_exp):
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1; x1w1.label = "x1*w1"
    x2w2 = x2 * w2; x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b; n.label = "n"
    if tanh_from_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.label = "o"
    o.backward()
    return o, {v.label: round(v.grad, 12) for v in (x1, x2, w1, w2, b)}


one_node, grads = lecture_neuron(tanh_from_exp=False)
spelled_out, grads_from_exp = lecture_neuron(tanh_from_exp=True)
print(one_node, spelled_out)
print(grads)
print(grads == grads_from_exp)
# --8<-- [end:from-exp]
