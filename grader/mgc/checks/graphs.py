"""Checks of functions that build a graph: the neuron, the losses, softmax."""

from __future__ import annotations

import math
from collections.abc import Callable

from mgc import expected
from mgc.checks.base import Check, fail, fmt
from mgc.expected import FINITE_DIFFERENCE_TOLERANCE, all_close, close


def judge_graph(truth: Callable[[dict], tuple[float, list[float]]], names: Callable[[dict], str]):
    def judge(case: dict, result: dict) -> None:
        want_out, want_grads = truth(case)
        if not close(result["data"], want_out):
            fail(f"the result: expected {fmt(want_out)} (PyTorch), got {fmt(result['data'])}")
        if not all_close(result["grads"], want_grads):
            fail(f"grads of {names(case)}: expected {fmt(want_grads)} (PyTorch), got {fmt(result['grads'])}")
        if not all_close(result["grads"], result["numeric"], FINITE_DIFFERENCE_TOLERANCE):
            fail(
                f"grads of {names(case)} disagree with central differences of your own forward pass: "
                f"got {fmt(result['grads'])}, differences give {fmt(result['numeric'])}"
            )

    return judge


def neuron_case(w, b, x) -> dict:
    return {"values": [*w, b], "x": x}


NEURON = Check(
    "graph",
    options={"builder": "neuron"},
    visible=lambda: [neuron_case([-3.0, 1.0], 6.8813735870195432, [2.0, 0.0])],
    hidden=lambda rng: (
        [
            neuron_case(
                [round(rng.uniform(-1, 1), 4) for _ in range(n)],
                round(rng.uniform(-1, 1), 4),
                [round(rng.uniform(-2, 2), 4) for _ in range(n)],
            )
            for n in (1, 3, 5)
        ]
        + [neuron_case([2.0, 3.0], 1.0, [4.0, 5.0])]
    ),  # saturated
    judge=judge_graph(
        lambda c: expected.neuron(c["values"][:-1], c["values"][-1], c["x"]), lambda c: "w and b"
    ),
    describe=lambda c: f"Neuron with w={fmt(c['values'][:-1])}, b={fmt(c['values'][-1])} on x={fmt(c['x'])}",
)


def mse_case(ypred, ys) -> dict:
    return {"values": ypred, "ys": ys}


MSE = Check(
    "graph",
    options={"builder": "mse"},
    visible=lambda: [mse_case([0.9, -0.8, -0.7, 0.95], [1.0, -1.0, -1.0, 1.0])],
    hidden=lambda rng: [
        mse_case(
            [round(rng.uniform(-1, 1), 4) for _ in range(n)], [rng.choice([-1.0, 1.0]) for _ in range(n)]
        )
        for n in (1, 4, 6)
    ],
    judge=judge_graph(lambda c: expected.mse(c["values"], c["ys"]), lambda c: "the predictions"),
    describe=lambda c: f"mse_loss(ypred={fmt(c['values'])}, ys={fmt(c['ys'])})",
)


def nll_case(logits, target) -> dict:
    return {"values": logits, "target": target}


NLL = Check(
    "graph",
    options={"builder": "softmax_nll"},
    visible=lambda: [nll_case([0.0, 3.0, -2.0, 1.0], 3)],
    hidden=lambda rng: (
        [nll_case([round(rng.uniform(-4, 4), 4) for _ in range(n)], rng.randrange(n)) for n in (2, 3, 5)]
        + [nll_case([10.0, -10.0, 0.0], 1)]
    ),
    judge=judge_graph(lambda c: expected.nll(c["values"], c["target"]), lambda c: "the logits"),
    describe=lambda c: f"nll_loss(logits={fmt(c['values'])}, target={c['target']})",
)


def judge_softmax(case: dict, result: dict) -> None:
    want = expected.softmax(case["values"])
    if not all_close(result["probs"], want):
        hint = None
        if all_close(result["probs"], [math.exp(z) for z in case["values"]]):
            hint = "divide each count by the sum of all the counts"
        fail(f"probabilities: expected {fmt(want)} (PyTorch), got {fmt(result['probs'])}", hint)


SOFTMAX = Check(
    "softmax",
    visible=lambda: [{"values": [0.0, 3.0, -2.0, 1.0]}],
    hidden=lambda rng: [{"values": [round(rng.uniform(-5, 5), 4) for _ in range(n)]} for n in (1, 3, 6)],
    judge=judge_softmax,
    describe=lambda c: f"softmax({fmt(c['values'])})",
)
