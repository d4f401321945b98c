import math
from functools import singledispatchmethod, cached_property
from abc import ABC


def _grad_rule(op):
    """Register each node's local derivatives by op name: a table, not closures on every method."""
    def deco(fn):
        RULES[op] = fn
        return fn
    return deco


RULES = {}


class Value(ABC):
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._prev = set(_children)
        self._op = _op
        self.label = label
        self._args = tuple(_children)
        self._backward = self._chain

    def _chain(self):
        rule = RULES.get(self._op.split(":")[0])
        if rule is not None:
            for child, d in zip(self._args, rule(self)):
                child.grad += d * self.grad

    def __repr__(self):
        return f"Value(data={self.data})"

    @singledispatchmethod
    def __add__(self, other):
        return NotImplemented

    @__add__.register(int)
    @__add__.register(float)
    def _(self, other):
        return self + Value(other)

    @singledispatchmethod
    def __mul__(self, other):
        return NotImplemented

    @__mul__.register(int)
    @__mul__.register(float)
    def _(self, other):
        return self * Value(other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int and float exponents"
        return Value(self.data**other, (self,), f"pow:{other!r}")

    def exp(self):
        return Value(math.exp(self.data), (self,), "exp")

    def tanh(self):
        return Value(math.tanh(self.data), (self,), "tanh")

    def relu(self):
        return Value(max(0.0, self.data), (self,), "relu")

    def sigmoid(self):
        return Value(1 / (1 + math.exp(-self.data)), (self,), "sigmoid")

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        topo, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for c in v._prev:
                    build(c)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


@Value.__add__.register(Value)
def _(self, other):
    return Value(self.data + other.data, (self, other), "+")


@Value.__mul__.register(Value)
def _(self, other):
    return Value(self.data * other.data, (self, other), "*")


_grad_rule("+")(lambda out: (1.0, 1.0))
_grad_rule("*")(lambda out: (out._args[1].data, out._args[0].data))
_grad_rule("pow")(lambda out: (float(out._op.split(":")[1]) * out._args[0].data ** (float(out._op.split(":")[1]) - 1),))
_grad_rule("exp")(lambda out: (out.data,))
_grad_rule("tanh")(lambda out: (1 - out.data**2,))
_grad_rule("relu")(lambda out: (float(out.data > 0),))
_grad_rule("sigmoid")(lambda out: (out.data * (1 - out.data),))
