"""What the grader hands to a student's code: its own operations, stand-ins, its MLP and losses.

Standard library only. In a child (mgc.sandbox.child.main) these definitions run in a namespace of their
own, apart from the probe's: a student's code is handed these objects (an isolated class's
methods, a stand-in neuron, the grader's model) and can follow them to their globals, so nothing
here may lead back to the probe that reports on it. mgc.probes.payload sends a child only the ones its
exercise may hold: never the operation it grades.
"""

from __future__ import annotations

import itertools
import math

# ---- the grader's own, correct operations ---------------------------------------
# One function per method. A child is sent only the ones its exercise may hold: never
# the operation it grades (see mgc.probes.payload). Composites go through the operators, so
# they reach whatever `+`, `*` and `**` the class under test has.


def _wrap(self, other):
    return type(self)(other) if isinstance(other, int | float) else other


def new_node(V, data, children, op):
    """A node of the student's class, made as its constructor takes one: `(data, children, op)` by
    position, by name where its signature asks (`def __init__(self, data, *, _children=(), _op="")`),
    and only as many as it takes (a class with no `_op` is made from data and children)."""
    code = getattr(getattr(V, "__init__", None), "__code__", None)
    given = (data, children, op)
    if code is None or code.co_flags & 0x04:  # not a Python function, or one taking *args: by position
        return V(*given)
    names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
    if code.co_flags & 0x08:  # **kwargs: what it does not name goes by the notebook's own names
        names += ("data", "_children", "_op")[len(names) :]
    positional = code.co_argcount - 1
    values = given[: len(names)]
    return V(*values[:positional], **dict(zip(names[positional:], values[positional:])))


GIVEN: dict = {}  # id(node) -> (node, its _backward), for a class whose nodes have no room for one


def give_backward(node, chain) -> None:
    """Set `node._backward`. A class whose `_backward` is a method (a rule per operation) and whose
    nodes have no room for an attribute of their own (__slots__) keeps it here instead; the method
    is then one that runs it (see mgc.probes.probes.make_room_for_backward)."""
    try:
        node._backward = chain
    except AttributeError:
        GIVEN[id(node)] = (node, chain)


def backward_given(attribute):
    """The class's own `_backward` (the attribute as its class holds it), put back in front of the
    ones the grader gave its nodes."""

    def _backward(self, *args, **kwargs):
        given = GIVEN.get(id(self))
        if given is not None and given[0] is self:
            return given[1]()
        return attribute.__get__(self, type(self))(*args, **kwargs)

    return _backward


def _node(self, data, children, op, chain):
    out = new_node(type(self), data, children, op)
    give_backward(out, lambda: chain(out))
    return out


def op_add(self, other):
    other = _wrap(self, other)

    def back(out):
        self.grad += out.grad
        other.grad += out.grad

    return _node(self, self.data + other.data, (self, other), "+", back)


def op_mul(self, other):
    other = _wrap(self, other)

    def back(out):
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    return _node(self, self.data * other.data, (self, other), "*", back)


def op_pow(self, k):
    def back(out):
        self.grad += k * self.data ** (k - 1) * out.grad

    return _node(self, self.data**k, (self,), f"**{k}", back)


def op_exp(self):
    def back(out):
        self.grad += out.data * out.grad

    return _node(self, math.exp(self.data), (self,), "exp", back)


def op_log(self):
    def back(out):
        self.grad += out.grad / self.data

    return _node(self, math.log(self.data), (self,), "log", back)


def op_tanh(self):
    def back(out):
        self.grad += (1.0 - out.data**2) * out.grad

    return _node(self, math.tanh(self.data), (self,), "tanh", back)


def op_relu(self):
    def back(out):
        self.grad += (out.data > 0) * out.grad

    return _node(self, self.data if self.data > 0 else 0.0, (self,), "ReLU", back)


def op_radd(self, other):
    return self + other


def op_rmul(self, other):
    return self * other


def op_neg(self):
    return self * -1.0


def op_sub(self, other):
    return self + (-other)


def op_rsub(self, other):
    return (-self) + other


def op_truediv(self, other):
    return self * _wrap(self, other) ** -1


def op_rtruediv(self, other):
    return self**-1 * other


class LeansOnAnother(RuntimeError):
    """A primitive operation called another operation of the class."""


def unavailable(method: str, keep: list[str]):
    """What stands in for another operation while a primitive one is graded: it refuses, saying why."""

    def refuse(self, *args):
        raise LeansOnAnother(
            f"{'/'.join(keep)} called Value.{method}: this operation is graded on its own, and computes "
            "its result and its backward itself, as math does (no other operation of the class)"
        )

    return refuse


# ---- stand-ins for the parts of a net, and the grader's own net -----------------------


class StandInPart:
    """A stand-in neuron or layer: returns scale * sum(inputs) + 1 and known parameters, and has the
    attributes the notebook's own classes have: a neuron's w and b, a layer's neurons (one stand-in
    neuron holding all of its parameters), always consistent with parameters()."""

    def __init__(self, V, params: list, scale: float = 1.0, layer: bool = False) -> None:
        self.V, self.scale, self.params = V, scale, list(params)
        self.returned: list = []  # what it handed back, to check that it is what comes out
        if layer:
            self.neurons = [StandInPart(V, params, scale)]
        elif params:
            self.w, self.b = list(params[:-1]), params[-1]

    def __call__(self, x):
        xs = x if isinstance(x, list | tuple) else [x]
        out = self.V(self.scale * sum(float(getattr(v, "data", v)) for v in xs) + 1.0)
        self.returned.append(out)
        return out

    def parameters(self):
        return list(self.params)


def module_of(Module: type, params: list):
    """An instance of the student's Module whose parameters() are `params`."""
    return type("Probe", (Module,), {"parameters": lambda self: list(params)})()


def recording_backward(op: str, out, a, b, k: int, calls: list):
    """The `_backward` of node k (`out` = op of a and b) in a graph the grader built: it adds the
    local derivatives times out.grad to a's and b's grads, and records that it ran."""

    def back():
        calls.append(k)
        if op == "tanh":
            a.grad += (1 - out.data**2) * out.grad
        elif op == "+":
            a.grad += out.grad
            b.grad += out.grad
        else:
            a.grad += b.data * out.grad
            b.grad += a.data * out.grad

    return back


def mlp_forward(sizes: list[int], params: list, values: list):
    """A tanh MLP: each neuron's weights, then its bias, layer by layer, in `params`. Runs on the
    grader's Values in the child and on tensors in the grader."""
    it = iter(params)
    for nin, nout in itertools.pairwise(sizes):
        outs = []
        for _ in range(nout):
            ws = [next(it) for _ in range(nin)]
            act = next(it)
            for w, v in zip(ws, values):
                act = act + w * v
            outs.append(act.tanh())
        values = outs
    return values[0] if len(values) == 1 else values


class GraderMLP:
    """The grader's own MLP, tanh throughout, from given starting weights."""

    def __init__(self, V, sizes: list[int], weights: list[float]) -> None:
        self.V, self.sizes = V, sizes
        self.params = [V(w) for w in weights]

    def __call__(self, x):
        """Plain numbers or the notebook's own Values, as the notebook's MLP takes them."""
        values = [v if isinstance(v, self.V) else self.V(float(v)) for v in x]
        return mlp_forward(self.sizes, self.params, values)

    def parameters(self):
        return list(self.params)

    def zero_grad(self):
        for p in self.params:
            p.grad = 0.0


def grader_mse(ypred, ys):
    total = 0.0
    for yp, y in zip(ypred, ys):
        total = (yp - y) ** 2 + total
    return total


def grader_softmax(logits):
    counts = [z.exp() for z in logits]
    total = counts[0]
    for c in counts[1:]:
        total = total + c
    return [c / total for c in counts]


def in_their_words(theirs, ours):
    """`ours`, standing in for the notebook's function `theirs`, called as the notebook calls
    `theirs`: a keyword argument by the notebook's own name for that parameter."""
    code = getattr(theirs, "__code__", None)
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount] if code else ()
    takes = ours.__code__.co_argcount

    def stand_in(*args, **kwargs):
        if kwargs and names:
            args = list(args)
            for name in names[len(args) :]:
                if name not in kwargs:
                    break
                args.append(kwargs.pop(name))
        return ours(*args[:takes])  # what ours takes: an option of theirs (temperature=1.0) stays theirs

    return stand_in


FUNCTIONS = {  # named so a case can pass them to the student's code: "@parabola"
    "parabola": lambda x: 3 * x**2 - 4 * x + 5,
    "parabola'": lambda x: 6 * x - 4,
    "cubic": lambda x: x**3 - 2 * x,
    "cubic'": lambda x: 3 * x**2 - 2,
    "sine": math.sin,
    "sine'": math.cos,
    "exp": math.exp,
    "exp'": math.exp,
}


def slope_one_sided(f, x, h):
    return (f(x + h) - f(x)) / h


def slope_symmetric(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)
