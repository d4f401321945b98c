"""Training with a max-margin loss: the loop of the two-moons demo.

This module imports nothing from micrograd: it works with any engine that has
the lecture's API, which is how the benchmark runs the very same loop on the
original micrograd.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def hinge_loss(model: Any, xs: Sequence[Sequence[float]], ys: Sequence[int], alpha: float = 1e-4):
    """Max-margin loss plus L2 regularisation, and the accuracy: (loss Value, accuracy)."""
    scores = [model(x) for x in xs]
    losses = [(1 + -y * score).relu() for y, score in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    accuracy = sum((y > 0) == (score.data > 0) for y, score in zip(ys, scores)) / len(ys)
    return data_loss + reg_loss, accuracy


def train_step(model: Any, xs, ys, learning_rate: float) -> tuple[float, float]:
    """One forward, backward and update; returns (loss, accuracy).

    The graph lives only inside this call, so it is freed before the next
    step builds its own, instead of two graphs being alive at once.
    """
    loss, accuracy = hinge_loss(model, xs, ys)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data, accuracy


@dataclass
class History:
    """What happened at each training step."""

    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)


def train(
    model: Any,
    xs: Sequence[Sequence[float]],
    ys: Sequence[int],
    steps: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    on_step: Callable[[int, float, float], None] | None = None,
) -> History:
    """Gradient descent with a learning rate that decays linearly from 1.0 to 0.1.

    For 100 steps this is the lecture's schedule, `1.0 - 0.9*k/100`.
    """
    rng = random.Random(seed)
    history = History()
    for k in range(steps):
        if batch_size is None:
            bx, by = xs, ys
        else:
            picks = rng.sample(range(len(xs)), batch_size)
            bx, by = [xs[i] for i in picks], [ys[i] for i in picks]
        loss, accuracy = train_step(model, bx, by, learning_rate=1.0 - 0.9 * k / steps)
        history.losses.append(loss)
        history.accuracies.append(accuracy)
        if on_step is not None:
            on_step(k, loss, accuracy)
    return history
