"""The checks: for each exercise, the cases to try and how to judge what came back.

A check never runs student code. It draws cases (the lecture's own, which are
visible to students, plus random ones per run, which are not), hands them to a
runner (the sandbox, or the notebook's own kernel under nbgrader), and judges
the plain numbers that come back against PyTorch and central differences.
A wrong answer raises CheckFailure with the inputs, what was expected, what
came back and, for the classic mistakes, a hint that names the mistake.
"""

from __future__ import annotations

import random
import zlib

from mgc.course.manifest import Exercise, ManifestError, load
from mgc.judge.checks.backward import BACKWARD
from mgc.judge.checks.base import Check, CheckFailure, Runner
from mgc.judge.checks.derivatives import ACCURACY, GRADIENT, ONE_SIDED, SYMMETRIC
from mgc.judge.checks.graphs import MSE, NEURON, NLL, SOFTMAX
from mgc.judge.checks.nn import LAYER, MLP, PARAMETERS, TRAIN, ZERO_GRAD
from mgc.judge.checks.operations import operation_check

__all__ = ["CHECKS", "NAMED", "Check", "CheckFailure", "Runner", "case_rng", "check_for", "run_check"]

# ---- the registry: exercise id -> check, derived from course.toml ----------------------------

NAMED: dict[str, Check] = {  # what an exercise's `check` may name, besides "operation"
    "one_sided": ONE_SIDED,
    "symmetric": SYMMETRIC,
    "gradient": GRADIENT,
    "accuracy": ACCURACY,
    "backward": BACKWARD,
    "neuron": NEURON,
    "layer": LAYER,
    "mlp": MLP,
    "parameters": PARAMETERS,
    "zero_grad": ZERO_GRAD,
    "mse": MSE,
    "train": TRAIN,
    "softmax": SOFTMAX,
    "nll": NLL,
}


def check_for(exercise: Exercise) -> Check:
    """How `exercise` is graded, as course.toml says."""
    if exercise.check == "operation":
        return operation_check(list(exercise.ops), exercise.methods, list(exercise.hidden_ops) or None)
    if exercise.check not in NAMED:
        raise ManifestError(
            f"exercise {exercise.id}: no check named {exercise.check!r} (known: {', '.join(NAMED)})"
        )
    return NAMED[exercise.check]


CHECKS: dict[str, Check] = {e.id: check_for(e) for e in load().exercises}


def case_rng(seed: int, exercise_id: str) -> random.Random:
    """The random cases of one exercise in a run drawn with `seed`: each exercise its own stream,
    so that adding an exercise changes no other's cases."""
    return random.Random(seed ^ zlib.crc32(exercise_id.encode()))


def run_check(exercise_id: str, runner: Runner, rng: random.Random | None) -> None:
    """Grade one exercise with `runner`; raises CheckFailure (or SandboxError) when it fails."""
    CHECKS[exercise_id].run(exercise_id, runner, rng)
