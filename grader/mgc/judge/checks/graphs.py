"""Checks of functions that build a graph: the neuron, the losses, softmax."""

from __future__ import annotations

import math
from collections.abc import Callable

from mgc.judge import expected
from mgc.judge.checks.base import Check, fail, fmt
from mgc.judge.expected import FINITE_DIFFERENCE_STEP, FINITE_DIFFERENCE_TOLERANCE, all_close, close


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
    options={"builder": "neuron", "eps": FINITE_DIFFERENCE_STEP},
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
    options={"builder": "mse", "eps": FINITE_DIFFERENCE_STEP},
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
    options={"builder": "softmax_nll", "eps": FINITE_DIFFERENCE_STEP},
    visible=lambda: [nll_case([0.0, 3.0, -2.0, 1.0], 3)],
    hidden=lambda rng: (
        [nll_case([round(rng.uniform(-4, 4), 4) for _ in range(n)], rng.randrange(n)) for n in (2, 3, 5)]
        + [nll_case([10.0, -10.0, 0.0], 1)]
    ),
    judge=judge_graph(lambda c: expected.nll(c["values"], c["target"]), lambda c: "the logits"),
    describe=lambda c: f"nll_loss(logits={fmt(c['values'])}, target={c['target']})",
)


def judge_softmax(case: dict, result: dict) -> None:
    logits, weights = case["values"], case["weights"]
    want = expected.softmax(logits)
    if not all_close(result["probs"], want):
        hint = None
        if all_close(result["probs"], [math.exp(z) for z in logits]):
            hint = "divide each count by the sum of all the counts"
        fail(f"probabilities: expected {fmt(want)} (PyTorch), got {fmt(result['probs'])}", hint)
    want = expected.softmax_grads(logits, weights)
    got = result.get("grads", [])
    if not all_close(got, want):
        hint = None
        if all_close(got, [w * p for w, p in zip(weights, result["probs"])]):  # d(e_i / S)/dz_i, S fixed
            hint = (
                "no gradient flows through the sum in the denominator: build it from the counts "
                "themselves (Values), not from their .data"
            )
        fail(f"grads of the logits: expected {fmt(want)} (PyTorch), got {fmt(got)}", hint)


def softmax_case(logits: list[float], weights: list[float]) -> dict:
    return {"values": logits, "weights": weights}


SOFTMAX = Check(
    "softmax",
    visible=lambda: [softmax_case([0.0, 3.0, -2.0, 1.0], [1.0, -1.0, 0.5, 2.0])],
    hidden=lambda rng: [
        softmax_case(
            [round(rng.uniform(-5, 5), 4) for _ in range(n)], [round(rng.uniform(-2, 2), 3) for _ in range(n)]
        )
        for n in (1, 3, 6)
    ],
    judge=judge_softmax,
    describe=lambda c: (
        f"softmax({fmt(c['values'])}), then sum(weights[i] * probs[i]) with weights {fmt(c['weights'])}"
    ),
)
