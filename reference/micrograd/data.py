"""The data sets of the lecture: four tiny examples, and two interleaving moons."""

from __future__ import annotations

import math
import random

# The lecture's four examples of three inputs, with their desired outputs.
TINY_XS: list[list[float]] = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
TINY_YS: list[float] = [1.0, -1.0, -1.0, 1.0]


def tiny() -> tuple[list[list[float]], list[float]]:
    """A fresh copy of the lecture's 4-example dataset: (xs, ys)."""
    return [row[:] for row in TINY_XS], TINY_YS[:]


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, labelled -1 and +1.

    The same construction as scikit-learn's `make_moons` (outer moon: the upper
    half of the unit circle; inner moon: a lower half circle shifted right and
    up, plus Gaussian noise), written out here so the course does not need
    scikit-learn for ten lines of geometry. Deterministic for a given `seed`.
    """
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    rng = random.Random(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    xs: list[list[float]] = []
    ys: list[int] = []
    for i in range(n_outer):
        t = math.pi * i / (n_outer - 1) if n_outer > 1 else 0.0
        xs.append([math.cos(t), math.sin(t)])
        ys.append(-1)
    for i in range(n_inner):
        t = math.pi * i / (n_inner - 1) if n_inner > 1 else 0.0
        xs.append([1 - math.cos(t), 1 - math.sin(t) - 0.5])
        ys.append(1)
    xs = [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y in xs]
    return xs, ys
