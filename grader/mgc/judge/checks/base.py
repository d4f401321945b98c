"""What every check is made of: the Check itself, the failure it raises, and the runner it asks."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class CheckFailure(AssertionError):
    """An exercise failed; the message is the feedback the student sees."""


class Runner(Protocol):
    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]: ...


@dataclass
class Check:
    """How one exercise is graded."""

    probe: str
    visible: Callable[[], list[dict]]
    hidden: Callable[[random.Random], list[dict]]
    judge: Callable[[dict, dict], None]
    options: dict = field(default_factory=dict)
    describe: Callable[[dict], str] = lambda case: ""

    def run(self, exercise_id: str, runner: Runner, rng: random.Random | None) -> None:
        """Grade the exercise; rng None means the visible cases only."""
        cases = self.visible() + ([] if rng is None else self.hidden(rng))
        results = runner.probe(self.probe, cases, **self.options)
        for case, result in zip(cases, results):
            where = self.describe(case)
            try:
                if "error" in result:
                    raise CheckFailure(explain_error(exercise_id, where, result["error"]))
                try:
                    self.judge(case, result)
                except CheckFailure as failure:
                    raise CheckFailure(f"{exercise_id}: {where}\n{failure}") from None
            except CheckFailure as failure:
                raise CheckFailure(str(failure) + broken_cells(runner)) from None


def broken_cells(runner: Runner) -> str:
    """What went wrong while the notebook's cells ran, if anything did: it may be why this failed."""
    errors = getattr(runner, "cell_errors", {})
    if not errors:
        return ""
    lines = [f"\n  cell {i + 1}: {errors[i].splitlines()[0]}" for i in sorted(errors)]
    return "\nnote: some of your code did not run, which may be why:" + "".join(lines)


def explain_error(exercise_id: str, where: str, error: str) -> str:
    if error.startswith("NotImplementedError"):
        return f"{exercise_id}: not implemented yet (the stub still raises NotImplementedError)"
    # the error's text is the student's: its lines are indented, so none can pass for a hint or a note
    error = "\n".join(line if line[:1].isspace() else f"  {line}" for line in error.splitlines()).lstrip()
    text = f"{exercise_id}: {where}\nraised {error}"
    if "has no attribute 'data'" in error:
        text += (
            "\nhint: a plain number reached an operation that expected a Value. Wrap the other "
            "operand first: other = other if isinstance(other, Value) else Value(other)"
        )
    elif "RecursionError" in error:
        text += "\nhint: the recursion never ends; does a method call itself on the same input?"
    return text


def fail(message: str, hint: str | None = None) -> None:
    raise CheckFailure(message + (f"\nhint: {hint}" if hint else ""))


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
