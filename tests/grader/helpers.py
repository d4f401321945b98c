"""Grading code without notebooks: a solution's cells, edited as a student would, run in the sandbox."""

from __future__ import annotations

from pathlib import Path

from mgc.course.manifest import ROOT, load
from mgc.course.notebook import read_notebook, student_code
from mgc.judge.checks import run_assignment
from mgc.sandbox.runner import Limits, Sandbox


def solution_cells(assignment: str) -> list[str]:
    """The code a student who got everything right would hand in for `assignment`."""
    return student_code(read_notebook(ROOT / load().assignment(assignment).notebook))


def edited(cells: list[str], old: str, new: str) -> list[str]:
    """`cells` with `old` replaced by `new`; `old` must occur exactly once."""
    assert sum(c.count(old) for c in cells) == 1, f"{old!r} must occur exactly once"
    return [c.replace(old, new) for c in cells]


def grade_cells(assignment: str, cells: list[str], seed: int = 0, seconds: float = 10.0) -> dict[str, str]:
    """Run every check of `assignment` on `cells`: {exercise id: "" if passed, else the feedback}."""
    return grade_sandbox(assignment, Sandbox(cells, Limits(seconds, seconds)), seed)


def grade_sandbox(assignment: str, sandbox: Sandbox, seed: int = 0) -> dict[str, str]:
    """Run every check of `assignment` on the code in `sandbox`, as grade_cells does."""
    verdicts = run_assignment(load().assignment(assignment), sandbox, seed)
    return {v.exercise: "" if v.passed else v.feedback or v.status for v in verdicts}


def failed(outcome: dict[str, str]) -> set[str]:
    return {k for k, v in outcome.items() if v}


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a zombie is not)."""
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living
