"""Checks of the neural-net library: Layer, MLP, parameters, zero_grad, the training loop."""

from __future__ import annotations

import random

from mgc.judge import expected
from mgc.judge.checks.base import Check, fail, fmt
from mgc.judge.expected import TRAIN_TOLERANCE, all_close, close


def _stand_in_output(scale: float, x: list[float]) -> float:
    """What the probes' stand-in neuron or layer (handed.StandInPart) returns for x."""
    return scale * sum(x) + 1.0


def judge_layer(case: dict, result: dict) -> None:
    outs = [_stand_in_output(s, case["x"]) for s in case["scales"]]
    want = outs[0] if len(outs) == 1 else outs
    got = result["out"]
    if isinstance(want, float) and isinstance(got, list):
        fail("a layer of one neuron returned a list", "return the neuron's output itself when there is one")
    if isinstance(want, list) and not isinstance(got, list):
        fail("the layer returned one value instead of a list", "return one output per neuron, in order")
    if not (close(got, want) if isinstance(want, float) else all_close(got, want)):
        fail(f"outputs: expected {fmt(want)}, got {fmt(got)}")
    _judge_connected(result, "the neurons")


def _judge_connected(result: dict, whose: str) -> None:
    if not result.get("connected"):
        fail(
            f"the outputs are not the Values {whose} returned, nor built from them: a backward() "
            "from the loss would never reach the parameters",
            f"return what {whose} return, not new Values made from their .data",
        )


def judge_mlp(case: dict, result: dict) -> None:
    want = sum(case["x"])
    for k, s in enumerate(case["scales"]):
        want = _stand_in_output(s, [want] if k else case["x"])
    got = result["out"]
    if isinstance(got, list) or not close(got, want):
        fail(f"output: expected {fmt(want)}, got {fmt(got)}")
    _judge_connected(result, "the layers")


LAYER = Check(
    "layer_call",
    visible=lambda: [{"nin": 3, "scales": [1.0, 2.0, -1.0, 0.5], "x": [2.0, 3.0, -1.0]}],
    hidden=lambda rng: [
        {"nin": 2, "scales": [1.5], "x": [0.5, -2.0]},
        {"nin": 3, "scales": [round(rng.uniform(-2, 2), 3) for _ in range(3)], "x": [1.0, 2.0, 3.0]},
    ],
    judge=judge_layer,
    describe=lambda c: f"Layer({c['nin']}, {len(c['scales'])}) of stand-in neurons on x={fmt(c['x'])}",
)

MLP = Check(
    "mlp_call",
    visible=lambda: [{"nin": 3, "scales": [1.0, 0.5, -2.0], "x": [2.0, 3.0, -1.0]}],
    hidden=lambda rng: [
        {"nin": 2, "scales": [round(rng.uniform(-2, 2), 3) for _ in range(n)], "x": [0.5, -1.0]}
        for n in (1, 4)
    ],
    judge=judge_mlp,
    describe=lambda c: f"an MLP of {len(c['scales'])} stand-in layers on x={fmt(c['x'])}",
)


def judge_parameters(case: dict, result: dict) -> None:
    part = case["part"]
    if part == "count":
        want = expected.mlp_parameter_count(case["nin"], case["nouts"])
        if result["count"] != want:
            fail(
                f"MLP({case['nin']}, {case['nouts']}).parameters() has {result['count']} values, "
                f"expected {want}"
            )
        return
    hint = None  # only for a mistake diagnosed from what came back
    if part == "neuron":
        want = [f"w{i}" for i in range(case["nin"])] + ["b"]
        if "b" not in result["tags"]:
            hint = "the bias is a parameter too: return self.w + [self.b]"
    else:
        want = [f"{k}.{i}" for k, size in enumerate(case["sizes"]) for i in range(size)]
        whose = "neuron" if part == "layer" else "layer"
        missing = [k for k, size in enumerate(case["sizes"]) if size and f"{k}.0" not in result["tags"]]
        if "[...]" in result["tags"]:
            hint = (
                f"parameters() returns one flat list of Values, not a list of each {whose}'s lists: "
                f"[p for part in parts for p in part.parameters()]"
            )
        elif missing and set(result["tags"]) <= set(want):
            hint = f"the parameters of {whose} {missing[0]} are missing: include every {whose}"
    if result["tags"] != want:
        fail(f"{part}.parameters(): expected {want}, got {result['tags']}", hint)


PARAMETERS = Check(
    "parameters",
    visible=lambda: [
        {"part": "neuron", "nin": 3},
        {"part": "layer", "sizes": [2, 3, 1]},
        {"part": "mlp", "sizes": [3, 2, 4]},
        {"part": "count", "nin": 3, "nouts": [4, 4, 1]},
    ],
    hidden=lambda rng: [
        {"part": "layer", "sizes": [rng.randint(1, 4) for _ in range(rng.randint(1, 4))]},
        {"part": "count", "nin": rng.randint(1, 4), "nouts": [rng.randint(1, 5), 1, rng.randint(1, 3)]},
    ],
    judge=judge_parameters,
    describe=lambda c: "parameters() of " + ("a real MLP" if c["part"] == "count" else f"a {c['part']}"),
)


def judge_zero_grad(case: dict, result: dict) -> None:
    untouched = [1.0] * len(case["grads"])
    if result["data"] != untouched:
        fail(
            f"zero_grad changed the parameters' data: expected {fmt(untouched)}, got {fmt(result['data'])}",
            "reset p.grad only, never p.data",
        )
    if any(g != 0.0 for g in result["grads"]):
        hint = None
        if result["grads"] == case["grads"]:
            hint = "zero_grad left every grad as it was: set p.grad = 0.0 on every parameter"
        fail(f"grads after zero_grad: expected all 0.0, got {fmt(result['grads'])}", hint)


ZERO_GRAD = Check(
    "zero_grad",
    visible=lambda: [{"grads": [0.5, -2.0, 3.0]}],
    hidden=lambda rng: [{"grads": [round(rng.uniform(-5, 5), 3) or 1.0 for _ in range(7)]}],
    judge=judge_zero_grad,
    describe=lambda c: f"zero_grad on a module whose parameters have grads {fmt(c['grads'])}",
)

TINY_XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
TINY_YS = [1.0, -1.0, -1.0, 1.0]


def train_case(weight_seed: int, steps: int = 30, lr: float = 0.05) -> dict:
    rng = random.Random(weight_seed)
    sizes = [3, 4, 4, 1]
    weights = [rng.uniform(-1, 1) for _ in range(expected.mlp_parameter_count(3, [4, 4, 1]))]
    return {"sizes": sizes, "weights": weights, "xs": TINY_XS, "ys": TINY_YS, "steps": steps, "lr": lr}


# The visible case: 20 steps at 0.2 bring the lecture's loss from about 5 to under 0.001, fast enough
# for the browser workspace's checks; the hidden ones use smaller rates, never this one.
VISIBLE_LR = 0.2
VISIBLE_STEPS = 20


def train_mistakes(case: dict) -> list[tuple[list[float], str]]:
    """The losses of the classic mistakes on this case, each with its hint. Asked for whether or not
    the student made one, so that mgc release ships them with the visible case's answers."""
    sizes, weights, xs, ys, steps, lr = (case[k] for k in ("sizes", "weights", "xs", "ys", "steps", "lr"))
    mistakes = [
        (
            expected.mlp_losses(sizes, weights, xs, ys, steps, lr, zero_grad=False),
            "the grads are never reset: call model.zero_grad() before each backward()",
        ),
        (
            expected.mlp_losses(sizes, weights, xs, ys, steps, -lr),
            "the step goes uphill: p.data += -learning_rate * p.grad",
        ),
    ]
    if lr != VISIBLE_LR:
        mistakes.append(
            (
                expected.mlp_losses(sizes, weights, xs, ys, steps, VISIBLE_LR),
                f"the step uses {VISIBLE_LR}, not the learning_rate train was given",
            )
        )
    return mistakes


def judge_train(case: dict, result: dict) -> None:
    sizes, weights, xs, ys, steps, lr = (case[k] for k in ("sizes", "weights", "xs", "ys", "steps", "lr"))
    want = expected.mlp_losses(sizes, weights, xs, ys, steps, lr)
    mistakes = train_mistakes(case)
    got = result["losses"]
    if all_close(got, want, TRAIN_TOLERANCE):
        if lr == VISIBLE_LR and not want[-1] < 0.01:
            raise AssertionError(f"the grader's own case does not converge: {want[-1]}")
        return
    step = next(k for k, (g, w) in enumerate(zip(got, want)) if not close(g, w, TRAIN_TOLERANCE))
    hint = next((text for losses, text in mistakes if all_close(got, losses, TRAIN_TOLERANCE)), None)
    fail(f"loss at step {step}: expected {fmt(want[step])} (PyTorch), got {fmt(got[step])}", hint)


TRAIN = Check(
    "train",
    visible=lambda: [train_case(0, steps=VISIBLE_STEPS, lr=VISIBLE_LR)],
    hidden=lambda rng: [train_case(rng.randrange(10**6), steps=15, lr=rng.choice([0.01, 0.02, 0.1]))],
    judge=judge_train,
    describe=lambda c: (
        f"train(model, xs, ys, steps={c['steps']}, learning_rate={c['lr']}) on the lecture's data"
    ),
)
