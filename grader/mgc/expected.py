"""The truth the graders compare against: PyTorch in float64, and central finite differences.

Nothing here ever sees student code: it receives the cases the grader drew
and returns what the right answers are.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
from collections.abc import Callable, Sequence

import torch

from mgc.probes import evaluate, grader_mse, grader_softmax, graph_step, mlp_forward

F64 = torch.float64

# torch.autograd.gradcheck's rule, |a - n| <= atol + rtol * |n|, with its defaults for
# finite differences, and a much tighter one against PyTorch's exact gradients.
TORCH_TOLERANCE = (1e-8, 1e-7)
FINITE_DIFFERENCE_TOLERANCE = (1e-5, 1e-3)
TRAIN_TOLERANCE = (1e-7, 1e-6)  # losses after many training steps, where rounding adds up


def _frozen(value):
    return tuple(map(_frozen, value)) if isinstance(value, list | tuple) else value


def remembered(function):
    """Compute each case once per grading process: the whole class is graded on the same cases
    (one seed per run), so every notebook after the first asks only for numbers already known."""
    known: dict = {}

    @functools.wraps(function)
    def cached(*args, **kwargs):
        key = _frozen((args, tuple(sorted(kwargs.items()))))
        if key not in known:
            known[key] = function(*args, **kwargs)
        return copy.deepcopy(known[key])  # a caller may change what it gets; the next one must not see it

    return cached


def close(actual: float, expected: float, tolerance: tuple[float, float] = TORCH_TOLERANCE) -> bool:
    """gradcheck's comparison; NaN and infinities only match themselves."""
    atol, rtol = tolerance
    if not (math.isfinite(actual) and math.isfinite(expected)):
        return actual == expected or (math.isnan(actual) and math.isnan(expected))
    return abs(actual - expected) <= atol + rtol * abs(expected)


def all_close(actual: Sequence[float], expected: Sequence[float], tolerance=TORCH_TOLERANCE) -> bool:
    return len(actual) == len(expected) and all(close(a, e, tolerance) for a, e in zip(actual, expected))


def leaves(values: Sequence[float]) -> list[torch.Tensor]:
    return [torch.tensor(float(v), dtype=F64, requires_grad=True) for v in values]


def value_and_grads(build: Callable[[list[torch.Tensor]], torch.Tensor], values: Sequence[float]):
    """f(values) and df/dvalue for each value, by PyTorch's autograd in float64."""
    xs = leaves(values)
    out = build(xs)
    grads = torch.autograd.grad(out, xs, allow_unused=True)
    return out.item(), [0.0 if g is None else g.item() for g in grads]


@remembered
def operation(expression: str, values: Sequence[float], const: float | None):
    """The value of one operation (an expression in a, b and c) and its local derivative with
    respect to each operand."""
    return value_and_grads(lambda xs: evaluate(expression, xs, const), values)


@remembered
def graph_program(leaf_values: Sequence[float], program: Sequence[Sequence]) -> list[float]:
    """d root / d node for every node of a program of "+", "*" and "tanh" steps (root = last node)."""
    nodes = leaves(leaf_values)
    for op, i, j in program:
        out = graph_step(op, nodes[i], nodes[j])
        out.retain_grad()
        nodes.append(out)
    nodes[-1].backward()
    return [1.0 if n is nodes[-1] else (0.0 if n.grad is None else n.grad.item()) for n in nodes]


@remembered
def neuron(w: Sequence[float], b: float, x: Sequence[float]):
    """tanh(w . x + b) and its gradient with respect to w and b."""
    return value_and_grads(lambda p: torch.tanh(sum((wi * xi for wi, xi in zip(p[:-1], x)), p[-1])), [*w, b])


@remembered
def mse(ypred: Sequence[float], ys: Sequence[float]):
    return value_and_grads(lambda p: grader_mse(p, ys), ypred)


@remembered
def softmax(logits: Sequence[float]) -> list[float]:
    return [p.item() for p in grader_softmax(leaves(logits))]


@remembered
def softmax_grads(logits: Sequence[float], weights: Sequence[float]) -> list[float]:
    """d/dlogits of sum(weights[i] * softmax(logits)[i])."""
    return value_and_grads(lambda z: sum(w * p for w, p in zip(weights, grader_softmax(z))), logits)[1]


@remembered
def nll(logits: Sequence[float], target: int):
    return value_and_grads(lambda z: -grader_softmax(z)[target].log(), logits)


def f_abc(a, b, c):
    """The lecture's function of three inputs (works on floats and on tensors)."""
    sin = torch.sin if isinstance(b, torch.Tensor) else math.sin
    return -(a**3) + sin(3 * b) - 1.0 / c + b**2.5 - a**0.5


@remembered
def gradient_abc(a: float, b: float, c: float) -> list[float]:
    return value_and_grads(lambda p: f_abc(*p), [a, b, c])[1]


@remembered
def mlp_losses(sizes, weights, xs, ys, steps: int, lr: float, zero_grad: bool = True) -> list[float]:
    """The losses of plain gradient descent on a tanh MLP with the given starting weights (with
    zero_grad False: the grads of every step added up, as when they are never reset)."""
    params = leaves(weights)

    def forward(x):
        return mlp_forward(list(sizes), params, [torch.tensor(v, dtype=F64) for v in x])

    losses, totals = [], [torch.zeros((), dtype=F64) for _ in params]
    for _ in range(steps):
        loss = grader_mse([forward(x) for x in xs], ys)
        grads = torch.autograd.grad(loss, params)
        totals = list(grads) if zero_grad else [t + g for t, g in zip(totals, grads)]
        with torch.no_grad():
            for p, g in zip(params, totals):
                p -= lr * g
        losses.append(loss.item())
    return losses


def mlp_parameter_count(nin: int, nouts: Sequence[int]) -> int:
    sizes = [nin, *nouts]
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))
