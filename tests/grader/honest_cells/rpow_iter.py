import math
from collections import deque


class _Ops:
    """Operations on a base class; exp written as math.e ** self through __rpow__."""

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    __rmul__ = __mul__

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int and float exponents"
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad

        out._backward = _backward
        return out

    def __rpow__(self, base):  # base ** self, for a plain positive base
        out = Value(base**self.data, (self,), f"{base}**")

        def _backward():
            self.grad += math.log(base) * out.data * out.grad

        out._backward = _backward
        return out

    def exp(self):
        return math.e**self


class Value(_Ops):
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = list(dict.fromkeys(_children))
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def tanh(self):
        e2 = (2 * self).exp()
        return (e2 - 1) / (e2 + 1)

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "ReLU")
        out._backward = lambda: setattr(self, "grad", self.grad + (out.data > 0) * out.grad)
        return out

    def sigmoid(self):
        out = Value(1 / (1 + math.exp(-self.data)), (self,), "sigmoid")
        out._backward = lambda: setattr(self, "grad", self.grad + out.data * (1 - out.data) * out.grad)
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def backward(self):
        # Kahn's algorithm on parent counts, iterative
        parents, seen, todo = {}, {id(self)}, deque([self])
        nodes = [self]
        while todo:
            v = todo.popleft()
            for c in v._prev:
                parents[id(c)] = parents.get(id(c), 0) + 1
                if id(c) not in seen:
                    seen.add(id(c))
                    nodes.append(c)
                    todo.append(c)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            v = ready.popleft()
            v._backward()
            for c in v._prev:
                parents[id(c)] -= 1
                if parents[id(c)] == 0:
                    ready.append(c)
