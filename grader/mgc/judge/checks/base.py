"""What every check is made of: the Check itself, how a judge rejects a case, and the runner it asks."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from mgc.judge.verdict import Verdict
from mgc.sandbox import SandboxError, SandboxFailure


class Runner(Protocol):
    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]: ...


# What each probe reports per case (mgc.probes.probes), checked before any judge reads a report: the
# report comes from a process that ran student code, so a report of another shape was written by
# that code (it is the student's failure), and a judge that breaks on a well-formed one is the
# grader's (not graded). Each key: the kinds its value may have.
NUMBER, NUMBERS, FLAG, FLAGS, WHOLES, WORDS = "number", "numbers", "flag", "flags", "wholes", "words"
REPORTS: dict[str, dict[str, tuple[str, ...]]] = {
    "operation": {"data": (NUMBER,), "grads": (NUMBERS,), "numeric": (NUMBERS,), "reached": (FLAGS,)},
    "backward": {"grads": (NUMBERS,), "calls": (WHOLES,), "again": (NUMBERS,)},
    "graph": {"data": (NUMBER,), "grads": (NUMBERS,), "numeric": (NUMBERS,)},
    "softmax": {"probs": (NUMBERS,), "grads?": (NUMBERS,)},
    "layer_call": {"out": (NUMBER, NUMBERS), "connected": (FLAG,)},
    "mlp_call": {"out": (NUMBER, NUMBERS), "connected": (FLAG,)},
    "parameters": {"tags?": (WORDS,), "count?": (NUMBER,)},
    "zero_grad": {"grads": (NUMBERS,), "data": (NUMBERS,)},
    "train": {"losses": (NUMBERS,)},
    "call": {"result": (NUMBER, NUMBERS)},
}


def _is(value: object, kind: str) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    items = value if isinstance(value, list) else None
    return {
        NUMBER: number,
        FLAG: isinstance(value, bool),
        NUMBERS: items is not None and all(_is(v, NUMBER) for v in items),
        FLAGS: items is not None and all(isinstance(v, bool) for v in items),
        WHOLES: items is not None and all(isinstance(v, int) and not isinstance(v, bool) for v in items),
        WORDS: items is not None and all(isinstance(v, str) for v in items),
    }[kind]


def well_formed(probe: str, result: dict) -> bool:
    """Whether a report has the keys and kinds its probe writes (`error` reports aside)."""
    if set(result) == {"error"}:
        return isinstance(result["error"], str)
    shape = REPORTS[probe]
    known = {key.rstrip("?") for key in shape}
    required = {key for key in shape if not key.endswith("?")}
    if not required <= set(result) or not set(result) <= known:
        return False
    return all(
        any(_is(result[key.rstrip("?")], kind) for kind in kinds)
        for key, kinds in shape.items()
        if key.rstrip("?") in result
    )


@dataclass(frozen=True)
class Hint:
    """A classic mistake, named. `explains(case, result)` says whether that mistake would have given
    `result` on `case` (None: the case says nothing about it); a hint is given only when it explains
    every case of the exercise, so one coincidence never names the wrong mistake."""

    text: str
    explains: Callable[[dict, dict], bool | None] | None = None


class Rejection(Exception):
    """A judge's refusal of one case: what was expected and what came back, and the hints that fit."""

    def __init__(self, message: str, hints: tuple[Hint, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.hints = message, hints


def fail(message: str, *hints: str | Hint | None) -> None:
    """Reject the case being judged."""
    raise Rejection(message, tuple(h if isinstance(h, Hint) else Hint(h) for h in hints if h))


@dataclass
class Check:
    """How one exercise is graded."""

    probe: str
    visible: Callable[[], list[dict]]
    hidden: Callable[[random.Random], list[dict]]
    judge: Callable[[dict, dict], None]  # returns when the case passes; fail() rejects it
    options: dict = field(default_factory=dict)
    describe: Callable[[dict], str] = lambda case: ""

    def cases(self, rng: random.Random | None) -> list[dict]:
        """The lecture's cases, and with `rng` the random ones of a run."""
        return self.visible() + ([] if rng is None else self.hidden(rng))

    def run(self, exercise_id: str, points: float, runner: Runner, rng: random.Random | None) -> Verdict:
        """The verdict on one exercise. The runner's own failures are not the student's: not graded."""
        verdict = self._run(exercise_id, points, runner, rng)
        if len(verdict.message) > MESSAGE_LIMIT:
            verdict = replace(verdict, message=verdict.message[:MESSAGE_LIMIT] + "\n[... cut]")
        return verdict

    def _run(self, exercise_id: str, points: float, runner: Runner, rng: random.Random | None) -> Verdict:
        cases = self.cases(rng)
        try:
            results = runner.probe(self.probe, cases, **self.options)
        except SandboxFailure as failure:
            return Verdict.not_graded(exercise_id, points, f"not graded: {failure}")
        except SandboxError as error:
            return Verdict.failing(exercise_id, points, f"{exercise_id}: {error}" + broken_cells(runner))
        if not all(well_formed(self.probe, r) for r in results):
            message = (
                f"{exercise_id}: the grading process sent a report the probe never writes: your code wrote it"
            )
            return Verdict.failing(exercise_id, points, message + broken_cells(runner))
        for case, result in zip(cases, results):
            where = self.describe(case)
            if "error" in result:
                message, hint = explain_error(exercise_id, where, result["error"])
                return Verdict.failing(exercise_id, points, message + broken_cells(runner), hint)
            try:
                self.judge(case, result)
            except Rejection as rejection:
                hint = _first_hint(rejection.hints, cases, results)
                message = f"{exercise_id}: {where}\n{rejection.message}" + broken_cells(runner)
                return Verdict.failing(exercise_id, points, message, hint)
        return Verdict.passing(exercise_id, points)


def _first_hint(hints: tuple[Hint, ...], cases: list[dict], results: list[dict]) -> str:
    """The first hint that explains every case the code answered (and that no case contradicts)."""
    for hint in hints:
        if hint.explains is None:
            return hint.text
        opinions = [_opinion(hint, c, r) for c, r in zip(cases, results) if "error" not in r]
        if opinions and all(o is not False for o in opinions) and any(opinions):
            return hint.text
    return ""


def _opinion(hint: Hint, case: dict, result: dict) -> bool | None:
    """Whether the hint's mistake explains this result; None (no opinion) where it cannot tell, as on a
    report of another shape than the mistake gives (a list where it gives a number)."""
    try:
        return hint.explains(case, result)
    except (TypeError, ValueError, KeyError, IndexError, ArithmeticError):
        return None


MESSAGE_LIMIT = 4000  # characters of a verdict's message: it quotes the student's own text
SHOWN_CELLS = 5  # the broken cells a message names


def broken_cells(runner: Runner) -> str:
    """What went wrong while the notebook's cells ran, if anything did: it may be why this failed."""
    errors = getattr(runner, "cell_errors", {})
    if not errors:
        return ""
    first = sorted(errors)[:SHOWN_CELLS]
    lines = [f"\n  cell {i + 1}: {(errors[i].splitlines() or [''])[0][:200]}" for i in first]
    more = f"\n  and {len(errors) - len(first)} more" if len(errors) > len(first) else ""
    return "\nnote: some of your code did not run, which may be why:" + "".join(lines) + more


def explain_error(exercise_id: str, where: str, error: str) -> tuple[str, str]:
    """(the message, a hint) for a case on which the student's code raised `error`."""
    if error.startswith("NotImplementedError"):
        return f"{exercise_id}: not implemented yet (the stub still raises NotImplementedError)", ""
    # the error's text is the student's: its lines are indented, so none can pass for a hint or a note
    error = "\n".join(line if line[:1].isspace() else f"  {line}" for line in error.splitlines()).lstrip()
    text = f"{exercise_id}: {where}\nraised {error}"
    if "has no attribute 'data'" in error:
        return text, (
            "a plain number reached an operation that expected a Value. Wrap the other "
            "operand first: other = other if isinstance(other, Value) else Value(other)"
        )
    if "RecursionError" in error:
        return text, "the recursion never ends; does a method call itself on the same input?"
    if "has no attribute '_prev'" in error:
        return text, (
            "the grader walks the graph through _prev, where the notebook's __init__ keeps a node's "
            "children (self._prev = set(_children)): keep that name"
        )
    if error.startswith("LeansOnAnother"):
        return text, (
            "compute this operation's result with math (math.exp, **, ...) and write its own _backward: "
            "the lecture's primitive operations do not call the class's other operations"
        )
    return text, ""


def fmt(values) -> str:
    """Numbers as the student's code sees them: a float keeps its point (2.0, not 2), to 10 digits."""
    if isinstance(values, list | tuple):
        return "[" + ", ".join(fmt(v) for v in values) + "]"
    if isinstance(values, str):  # the student's, on one line
        return repr(values)
    if not isinstance(values, float):
        return str(values)
    text = f"{values:.10g}"
    return text if any(c in text for c in ".enai") else text + ".0"
