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

from mgc.checks.backward import BACKWARD
from mgc.checks.base import Check, CheckFailure, Runner
from mgc.checks.derivatives import ACCURACY, GRADIENT, ONE_SIDED, SYMMETRIC
from mgc.checks.graphs import MSE, NEURON, NLL, SOFTMAX
from mgc.checks.nn import LAYER, MLP, PARAMETERS, TRAIN, ZERO_GRAD
from mgc.checks.operations import operation_check

__all__ = ["CHECKS", "Check", "CheckFailure", "Runner", "run_check"]

# ---- the registry: exercise id -> check -------------------------------------------------------

CHECKS: dict[str, Check] = {
    "derivatives.one_sided": ONE_SIDED,
    "derivatives.symmetric": SYMMETRIC,
    "derivatives.gradient": GRADIENT,
    "derivatives.accuracy": ACCURACY,
    "engine.add": operation_check(["add", "add_const", "add_self"], ["__add__"], ["add"]),
    "engine.mul": operation_check(["mul", "mul_const"], ["__mul__"], ["mul"]),
    "engine.rmul": operation_check(["radd", "rmul"], ["__radd__", "__rmul__"]),
    "engine.pow": operation_check(["pow"], ["__pow__"]),
    "engine.exp": operation_check(["exp"], ["exp"]),
    "engine.tanh": operation_check(["tanh"], ["tanh"]),
    "engine.relu": operation_check(["relu"], ["relu"]),
    "engine.composites": operation_check(
        ["neg", "sub", "truediv"],
        ["__neg__", "__sub__", "__truediv__"],
        ["neg", "sub", "sub_const", "truediv"],
    ),
    "engine.backward": BACKWARD,
    "nn.neuron": NEURON,
    "nn.layer": LAYER,
    "nn.mlp": MLP,
    "nn.parameters": PARAMETERS,
    "nn.zero_grad": ZERO_GRAD,
    "nn.mse": MSE,
    "nn.train": TRAIN,
    "softmax.exp": operation_check(["exp"], ["exp"]),
    "softmax.log": operation_check(["log"], ["log"]),
    "softmax.div": operation_check(
        ["truediv", "rtruediv"], ["__truediv__", "__rtruediv__"], ["truediv", "rtruediv", "truediv_const"]
    ),
    "softmax.softmax": SOFTMAX,
    "softmax.nll": NLL,
}


def run_check(exercise_id: str, runner: Runner, rng: random.Random | None) -> None:
    """Grade one exercise with `runner`; raises CheckFailure (or SandboxError) when it fails."""
    CHECKS[exercise_id].run(exercise_id, runner, rng)
