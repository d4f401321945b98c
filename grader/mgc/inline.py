"""Grading inside the notebook's own kernel: what the nbgrader hidden-test cells call.

Under `nbgrader autograde` the kernel is nbgrader's sandbox, so the probes run
right there, on the notebook's globals, and the same checks as `mgc grade`
decide: both give the same scores on the same submission.
"""

from __future__ import annotations

import json
import random

from mgc.checks import run_check
from mgc.probes import PROBES


class InlineRunner:
    """Runs probes in this process, on a namespace (a notebook's globals)."""

    def __init__(self, namespace: dict) -> None:
        self.namespace = namespace

    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]:
        results = PROBES[name](self.namespace, cases, **options)
        return json.loads(json.dumps(results))  # exactly what would cross the sandbox's pipe


def check(exercise_id: str, namespace: dict) -> None:
    """Run exercise `exercise_id`'s visible check (the lecture's cases) on `namespace`: what a
    notebook's test cell shows students. Raises CheckFailure with the feedback when it fails."""
    run_check(exercise_id, InlineRunner(namespace), None)
    print(f"{exercise_id}: the lecture's cases pass")


def grade(exercise_id: str, namespace: dict, seed: int | None = None) -> None:
    """Run exercise `exercise_id`'s full check (visible and hidden cases) on `namespace`.

    Raises mgc.checks.CheckFailure, an AssertionError, with the feedback when it fails.
    """
    rng = random.Random(seed if seed is not None else random.SystemRandom().randrange(2**32))
    run_check(exercise_id, InlineRunner(namespace), rng)
