"""The checks: for each exercise, the cases to try and how to judge what came back.

A check never runs student code. It draws cases (the lecture's own, which are
visible to students, plus random ones per run, which are not), hands them to a
runner (the sandbox, or the notebook's own kernel), and judges the plain numbers
that come back against PyTorch and central differences, into a Verdict: the
inputs, what was expected, what came back and, for the classic mistakes, a hint
that names the mistake. Which check grades an exercise is course.toml's to say.
"""

from __future__ import annotations

import functools
import random
import zlib

from mgc.course.manifest import Assignment, Course, Exercise, ManifestError, load
from mgc.judge.checks.backward import BACKWARD
from mgc.judge.checks.base import Check, Runner
from mgc.judge.checks.derivatives import ACCURACY, GRADIENT, ONE_SIDED, SYMMETRIC
from mgc.judge.checks.graphs import MSE, NEURON, NLL, SOFTMAX
from mgc.judge.checks.nn import LAYER, MLP, PARAMETERS, TRAIN, ZERO_GRAD
from mgc.judge.checks.operations import operation_check
from mgc.judge.verdict import Verdict

__all__ = ["NAMED", "Check", "Runner", "case_rng", "check_for", "draw_seed", "run_assignment", "run_exercise"]

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


@functools.cache
def check_for(exercise: Exercise, course: Course | None = None) -> Check:
    """How `exercise` is graded, as course.toml says."""
    if exercise.check == "operation":
        operations = (course or load()).operations
        hidden = list(exercise.hidden_ops) or None
        return operation_check(list(exercise.ops), exercise.methods, hidden, operations, exercise.primitive)
    if exercise.check not in NAMED:
        raise ManifestError(
            f"exercise {exercise.id}: no check named {exercise.check!r} (known: {', '.join(NAMED)})"
        )
    return NAMED[exercise.check]


SEED_BITS = 63  # the random cases are as secret as the seed: too many to try one by one from a case


def draw_seed() -> int:
    """A fresh seed for a run's random cases: one per run, the same cases for the whole class."""
    return random.SystemRandom().randrange(2**SEED_BITS)


def case_rng(seed: int, exercise_id: str) -> random.Random:
    """The random cases of one exercise in a run drawn with `seed`: each exercise its own stream,
    so that adding an exercise changes no other's cases."""
    return random.Random(seed ^ zlib.crc32(exercise_id.encode()))


def run_exercise(
    exercise: Exercise, runner: Runner, seed: int | None, course: Course | None = None
) -> Verdict:
    """The verdict on one exercise; with no seed, the lecture's cases only. A check that breaks is the
    grader's bug: the exercise is not graded, never the student's loss."""
    try:
        check = check_for(exercise, course)
        return check.run(
            exercise.id, exercise.points, runner, None if seed is None else case_rng(seed, exercise.id)
        )
    except Exception as error:
        reason = f"not graded: the grader broke on it ({type(error).__name__}: {error})"
        return Verdict.not_graded(exercise.id, exercise.points, reason)


def run_assignment(
    assignment: Assignment, runner: Runner, seed: int | None, course: Course | None = None
) -> list[Verdict]:
    """Every exercise of `assignment`, in course.toml's order: what every front door calls."""
    return [run_exercise(exercise, runner, seed, course) for exercise in assignment.exercises]
