import math
from dataclasses import dataclass, field, InitVar
from functools import total_ordering
from typing import Callable


@total_ordering
@dataclass(eq=False)
class Value:
    """A dataclass Value, ordered by data, hashed by identity."""

    data: float
    _children: InitVar[tuple] = ()
    _op: str = ""
    label: str = ""
    grad: float = field(default=0.0, init=False)
    _backward: Callable = field(default_factory=lambda: (lambda: None), init=False, repr=False)
    _prev: set = field(init=False, repr=False)

    def __post_init__(self, _children):
        self._prev = set(_children)

    def __lt__(self, other):
        return self.data < (other.data if isinstance(other, Value) else other)

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def _node(self, data, children, op, local):
        out = Value(data, children, op)

        def _backward():
            for child, d in zip(children, local(out)):
                child.grad += d * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self._node(self.data + other.data, (self, other), "+", lambda out: (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self._node(self.data * other.data, (self, other), "*", lambda out: (other.data, self.data))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int and float exponents"
        return self._node(self.data**other, (self,), f"**{other}", lambda out: (other * self.data ** (other - 1),))

    def exp(self):
        return self._node(math.exp(self.data), (self,), "exp", lambda out: (out.data,))

    def tanh(self):
        return self._node(math.tanh(self.data), (self,), "tanh", lambda out: (1 - out.data**2,))

    def relu(self):
        return self._node(self.data if self.data > 0 else 0.0, (self,), "ReLU", lambda out: (float(self.data > 0),))

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        return self._node(s, (self,), "sigmoid", lambda out: (s * (1 - s),))

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        from graphlib import TopologicalSorter

        ts = TopologicalSorter()
        stack, seen = [self], {id(self)}
        while stack:
            v = stack.pop()
            ts.add(v, *v._prev)
            for c in v._prev:
                if id(c) not in seen:
                    seen.add(id(c))
                    stack.append(c)
        order = list(ts.static_order())  # children first
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
