"""Checks of the derivatives assignment: slopes, a hand-made gradient, and their errors."""

from __future__ import annotations

import random

from mgc.judge import expected
from mgc.judge.checks.base import Check, fail, fmt
from mgc.judge.expected import SLOPE_TOLERANCE, all_close, close
from mgc.probes.handed import FUNCTIONS, slope_one_sided, slope_symmetric


def call_case(function: str, *args) -> dict:
    return {"function": function, "args": list(args)}


ONE_NUMBER = "return the slope itself, one number (a trailing comma after it makes a tuple)"


def judge_slope(truth, other, other_name):
    def judge(case: dict, result: dict) -> None:
        f, x, h = FUNCTIONS[case["args"][0][1:]], case["args"][1], case["args"][2]
        want = truth(f, x, h)
        got = result["result"]
        if isinstance(got, list):
            fail(f"expected one number, {fmt(want)}, got a list or tuple: {fmt(got)}", ONE_NUMBER)
        if not close(got, want, SLOPE_TOLERANCE):
            hint = f"that is the {other_name} form" if close(got, other(f, x, h), SLOPE_TOLERANCE) else None
            fail(f"expected {fmt(want)}, got {fmt(got)}", hint)

    return judge


def _slope_cases(rng: random.Random, name: str) -> list[dict]:
    return [
        call_case(name, "@" + f, round(rng.uniform(-2, 2), 4), rng.choice([1e-2, 1e-3, 1e-4]))
        for f in FUNCTIONS
    ]


def describe_call(case: dict) -> str:
    args = ", ".join(a[1:] if isinstance(a, str) else fmt(a) for a in case["args"])
    return f"{case['function']}({args})"


def slope_check(function: str, truth, other, other_name: str) -> Check:
    """A check of a student's difference quotient `function`, compared with the grader's `truth`."""
    return Check(
        "call",
        visible=lambda: [call_case(function, "@parabola", 3.0, 0.001)],
        hidden=lambda rng: _slope_cases(rng, function),
        judge=judge_slope(truth, other, other_name),
        describe=describe_call,
    )


ONE_SIDED = slope_check("one_sided_derivative", slope_one_sided, slope_symmetric, "symmetric")
SYMMETRIC = slope_check("symmetric_derivative", slope_symmetric, slope_one_sided, "one-sided")


def judge_gradient(case: dict, result: dict) -> None:
    want = expected.gradient_abc(*case["args"])
    got = result["result"]
    if not isinstance(got, list) or not all_close(got, want):
        fail(f"[df/da, df/db, df/dc]: expected {fmt(want)} (PyTorch), got {fmt(got)}")


GRADIENT = Check(
    "call",
    visible=lambda: [call_case("gradient_of_f", 2.0, 3.0, 4.0)],
    hidden=lambda rng: [
        call_case("gradient_of_f", *(round(rng.uniform(0.2, 5), 4) for _ in range(3))) for _ in range(4)
    ],
    judge=judge_gradient,
    describe=describe_call,
)


def judge_accuracy(case: dict, result: dict) -> None:
    name, x, h = case["args"][0][1:], case["args"][2], case["args"][3]
    f, df = FUNCTIONS[name], FUNCTIONS[name + "'"]
    want = [abs(slope_one_sided(f, x, h) - df(x)), abs(slope_symmetric(f, x, h) - df(x))]
    got = result["result"]
    if not isinstance(got, list) or not all_close(got, want, SLOPE_TOLERANCE):
        fail(
            f"(one-sided error, symmetric error): expected {fmt(want)}, got {fmt(got)}",
            "each error is abs(estimate - exact derivative), one-sided first",
        )


ACCURACY = Check(
    "call",
    visible=lambda: [call_case("compare_errors", "@parabola", "@parabola'", 3.0, 0.001)],
    hidden=lambda rng: [
        call_case("compare_errors", "@" + f, f"@{f}'", round(rng.uniform(-2, 2), 4), 1e-3)
        for f in ("cubic", "sine", "exp")
    ],
    judge=judge_accuracy,
    options={"grader_slopes": True},  # compare_errors is graded on the grader's slopes
    describe=describe_call,
)
