"""The scalar autograd engine: a `Value` that remembers how it was made.

Every operation follows the same four beats: wrap a plain-number operand,
compute the output with its children and op name, say how the gradient flows
back to the children, return the output. `backward()` then walks the graph in
reverse topological order, applying the chain rule one node at a time.

One departure from the lecture, for speed: the lecture's `_backward` is a
closure over `out`, so every node sits in a reference cycle
(node -> closure -> node) that only Python's cyclic garbage collector can free.
Here each operation's local backward is a plain function that is *given*
`out`, stored in `_grad_fn`; graphs hold no cycles and are freed by reference
counting, and no function object is created per node. `_backward()` still
exists and does exactly what the lecture's closure did.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

Number = int | float


def _check_number(data: object) -> Number:
    """Return `data` if it is a real number (numpy scalars become floats), else raise TypeError."""
    if isinstance(data, numbers.Real):
        return float(data)
    raise TypeError(f"Value data must be an int or a float, not {type(data).__name__}: {data!r}")


def _two_at_most(children: tuple[Value, ...]) -> tuple[Value | None, Value | None]:
    if len(children) > 2:
        raise ValueError(f"a Value has at most two children, got {len(children)}")
    return (*children, None, None)[:2]


class Value:
    """A scalar with a gradient and a memory of the operation that produced it."""

    # Slots, and the children in two fields instead of a tuple, keep a node
    # small: about a quarter of the original's memory per node.
    __slots__ = ("_grad_fn", "_left", "_op", "_right", "data", "grad", "label")

    def __init__(
        self,
        data: Number,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        """A leaf holding `data` (an int or a float), with `grad` 0.

        `_children` and `_op` are set by the operations that create values;
        `label` is a name for drawings.
        """
        if type(data) is not float and type(data) is not int:
            data = _check_number(data)
        self.data = data
        self.grad = 0.0
        if not _children:
            self._left = self._right = None
        elif type(_children) is tuple and len(_children) == 2:  # the common case, first
            self._left, self._right = _children
        else:
            self._left, self._right = _two_at_most(tuple(_children))
        self._op = _op
        self.label = label
        self._grad_fn: Callable[[Value], None] | None = None  # None on a leaf

    def __repr__(self) -> str:
        """`Value(data=..., grad=...)`."""
        return f"Value(data={self.data}, grad={self.grad})"

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The values this one was computed from, in order (the lecture keeps a set)."""
        if self._left is None:
            return ()
        return (self._left,) if self._right is None else (self._left, self._right)

    def _backward(self) -> None:
        """Pass this node's grad one step back to its children (a leaf does nothing)."""
        if self._grad_fn is not None:
            self._grad_fn(self)

    # ---- addition ------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        """`self + other`; a plain number is wrapped in a Value first.

        Local derivative: 1 with respect to each operand, so both receive
        `out.grad` unchanged.
        """
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
        out._grad_fn = _add_backward
        return out

    # ---- multiplication ------------------------------------------------------

    def __mul__(self, other: Value | Number) -> Value:
        """`self * other`; a plain number is wrapped in a Value first.

        Local derivative: with respect to each operand, the other operand's data.
        """
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
        out._grad_fn = _mul_backward
        return out

    # ---- power (a number exponent only) ---------------------------------------

    def __pow__(self, other: Number) -> Value:
        """`self ** other` for an int or float exponent `other` (never a Value).

        Local derivative: `other * self.data ** (other - 1)` (the power rule);
        none for an exponent of 0.

        Raises:
            TypeError: the exponent is a Value.
            ZeroDivisionError: 0 raised to a negative power.
            ValueError: a negative base with a fractional exponent.
        """
        if isinstance(other, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be an int or a float "
                "(use exp and log for a variable exponent)"
            )
        _check_number(other)
        if self.data == 0 and other < 0:
            raise ZeroDivisionError(f"0.0 cannot be raised to the negative power {other}")
        if self.data < 0 and not float(other).is_integer():
            raise ValueError(
                f"{self.data} ** {other} has no real value: a negative base needs a whole exponent"
            )
        out = Value(self.data**other, (self,), f"**{other}")

        def _pow_backward(out: Value) -> None:  # closes over the exponent, never over `out`
            x = out._left
            if other != 0:  # x ** 0 is a constant: no gradient (and 0.0 ** -1 would raise)
                x.grad += other * x.data ** (other - 1) * out.grad

        out._grad_fn = _pow_backward
        return out

    # ---- exp, log and the activations -----------------------------------------

    def exp(self) -> Value:
        """e raised to this value.

        Local derivative: e**x itself, the output's own data.
        """
        try:
            result = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data}) is too large for a float") from None
        out = Value(result, (self,), "exp")
        out._grad_fn = _exp_backward
        return out

    def log(self) -> Value:
        """The natural logarithm of a positive value.

        Local derivative: 1 / x.

        Raises:
            ValueError: the value is 0 or negative.
        """
        if self.data <= 0:
            raise ValueError(f"log is only defined for positive numbers, got {self.data}")
        out = Value(math.log(self.data), (self,), "log")
        out._grad_fn = _log_backward
        return out

    def tanh(self) -> Value:
        """The hyperbolic tangent, squashing any number into (-1, 1).

        Local derivative: 1 - tanh(x)**2, computed from the output.
        """
        out = Value(math.tanh(self.data), (self,), "tanh")
        out._grad_fn = _tanh_backward
        return out

    def relu(self) -> Value:
        """max(0, x).

        Local derivative: 1 where the output is positive, else 0.
        """
        out = Value(self.data if self.data > 0 else 0.0, (self,), "ReLU")
        out._grad_fn = _relu_backward
        return out

    def sigmoid(self) -> Value:
        """The logistic function 1 / (1 + e**-x), squashing into (0, 1).

        Local derivative: s * (1 - s), where s is the output.
        """
        x = self.data  # the two branches never overflow math.exp
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        out = Value(s, (self,), "sigmoid")
        out._grad_fn = _sigmoid_backward
        return out

    # ---- backpropagation ------------------------------------------------------

    def backward(self) -> None:
        """Fill in `grad` on every node this value depends on (d self / d node).

        Seeds this value's grad with 1 (the derivative of a value with respect
        to itself), orders the graph so that every node comes after its
        children, and applies each node's local derivative in reverse order
        (the chain rule). Grads accumulate: reset them between passes.
        """
        # Topological order: every node after all of its children. It is the
        # lecture's depth-first search (visit the children, then add the node),
        # kept on an explicit stack so deep graphs never hit the recursion limit.
        topo: list[Value] = []
        visited = {self}
        stack = [self]
        while stack:
            v = stack[-1]
            child = v._left
            if child is not None and child not in visited:
                visited.add(child)
                stack.append(child)  # go down to the first unvisited child ...
                continue
            child = v._right
            if child is not None and child not in visited:
                visited.add(child)
                stack.append(child)  # ... or to the second ...
                continue
            topo.append(stack.pop())  # ... and once both are placed, place v
        self.grad = 1.0
        for v in reversed(topo):
            if v._grad_fn is not None:
                v._grad_fn(v)

    # ---- everything else is built from the operations above -------------------

    def __neg__(self) -> Value:  # -self
        """`-self`, built as `self * -1`.

        Local derivative: -1.
        """
        return self * -1

    def __radd__(self, other: Number) -> Value:  # other + self
        """`other + self` for a plain number `other`, built as `self + other`.

        Local derivative: 1.
        """
        return self + other

    def __sub__(self, other: Value | Number) -> Value:  # self - other
        """`self - other`, built as `self + (-other)`.

        Local derivative: 1 with respect to `self`, -1 with respect to `other`.
        """
        return self + (-other)

    def __rsub__(self, other: Number) -> Value:  # other - self
        """`other - self` for a plain number `other`, built as `other + (-self)`.

        Local derivative: -1 with respect to `self`.
        """
        return other + (-self)

    def __rmul__(self, other: Number) -> Value:  # other * self
        """`other * self` for a plain number `other`, built as `self * other`.

        Local derivative: `other` with respect to `self`.
        """
        return self * other

    def __truediv__(self, other: Value | Number) -> Value:  # self / other
        """`self / other`, built as `self * other**-1`.

        Local derivative: 1 / other with respect to `self`, and
        -self / other**2 with respect to `other`.
        """
        return self * other**-1

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        """`other / self` for a plain number `other`, built as `other * self**-1`.

        Local derivative: -other / self**2 with respect to `self`.
        """
        return other * self**-1


# ---- how the gradient flows back through each operation ----------------------
# Each receives the output node, whose children are out._left and out._right.


def _add_backward(out: Value) -> None:
    out._left.grad += out.grad
    out._right.grad += out.grad


def _mul_backward(out: Value) -> None:
    a, b = out._left, out._right
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad


def _exp_backward(out: Value) -> None:
    out._left.grad += out.data * out.grad  # d/dx e^x is e^x itself: the output


def _log_backward(out: Value) -> None:
    x = out._left
    x.grad += out.grad / x.data


def _tanh_backward(out: Value) -> None:
    out._left.grad += (1 - out.data**2) * out.grad


def _relu_backward(out: Value) -> None:
    out._left.grad += (out.data > 0) * out.grad


def _sigmoid_backward(out: Value) -> None:
    out._left.grad += out.data * (1 - out.data) * out.grad
