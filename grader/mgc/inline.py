"""Feedback inside the student's own kernel: what the notebooks' test cells call.

A test cell runs its exercise's visible check (the lecture's cases) on the
notebook's globals, in the student's Jupyter, with the same checks and
feedback as `mgc check`. It grades nothing: code running in that kernel can
patch anything it calls. Grades come from `mgc grade`, and under `nbgrader
autograde` from mgc.nbgrader_autograde, which runs no cell and judges the
student's code only in the sandbox.
"""

from __future__ import annotations

import functools
import json

from mgc.course.manifest import load
from mgc.i18n import LANGUAGES, translate
from mgc.judge.checks import run_exercise
from mgc.probes.payload import payload


class TestCellFailure(AssertionError):
    """A failed test cell. Jupyter shows `_render_traceback_` in place of the traceback (IPython's
    hook for exceptions that explain themselves), so the student reads the feedback alone, not
    the grader's frames."""

    __test__ = False  # not a pytest test class, whatever its name

    def _render_traceback_(self) -> list[str]:
        return [line for line in str(self).splitlines() if line.strip()]


class InlineRunner:
    """Runs probes in this process, on a namespace (a notebook's globals), from the same payload a
    sandbox's child is sent, in the same two namespaces (mgc.sandbox.child.main)."""

    def __init__(self, namespace: dict) -> None:
        self.namespace = namespace

    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]:
        handed_code, probe_code = _compiled(name, json.dumps(options, sort_keys=True))
        handed: dict = {"__name__": "mgc_handed"}
        exec(handed_code, handed)
        grader = {"__name__": "mgc_probes"} | {k: v for k, v in handed.items() if not k.startswith("__")}
        exec(probe_code, grader)
        results = grader[name](self.namespace, cases, **options)
        return json.loads(json.dumps(results))  # exactly what would cross the sandbox's pipe


@functools.cache
def _compiled(probe: str, options: str):
    handed, probes = payload(probe, json.loads(options))
    return compile(handed, "<mgc handed>", "exec"), compile(probes, "<mgc probes>", "exec")


def check(exercise_id: str, namespace: dict, lang: str | None = None) -> None:
    """Run exercise `exercise_id`'s visible check (the lecture's cases) on `namespace`: what a
    notebook's test cell shows students. Raises TestCellFailure with the feedback when it fails.
    The feedback is in `lang`, by default the notebook's own (`MGC_LANG`, which the Chinese
    notebook's setup cell sets), else English."""
    lang = lang or namespace.get("MGC_LANG", "en")
    lang = lang if lang in LANGUAGES else "en"
    verdict = run_exercise(load().exercise(exercise_id), InlineRunner(namespace), None)
    if not verdict.passed:
        raise TestCellFailure(translate(verdict.feedback, lang))
    print(translate(f"{exercise_id}: the lecture's cases pass", lang))
