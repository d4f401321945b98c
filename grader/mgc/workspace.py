"""The exercise pages' workspace: a release notebook's solution cells to edit, the assignment's
visible checks on them, and the notebook to download with the student's code in it.

Standard library only, and nothing that starts a process: it runs in the browser (Pyodide), as
the notebook's test cells run in Jupyter, with the same checks and the answers mgc release
shipped. Like a test cell, it grades nothing; `mgc grade` does.
"""

from __future__ import annotations

import gc
import json
import traceback

from mgc.course.cells import grade_id, is_solution_cell, is_student_code
from mgc.course.manifest import load
from mgc.inline import InlineRunner
from mgc.judge.checks import run_assignment


def solution_cells(notebook: dict) -> list[dict]:
    """The cells the student writes, in order: {"id", "grade_id", "source"} (the release's stubs)."""
    return [
        {"id": cell["id"], "grade_id": cell["metadata"]["nbgrader"]["grade_id"], "source": _text(cell)}
        for cell in notebook["cells"]
        if is_solution_cell(cell)
    ]


def run_checks(notebook: dict, edits: dict[str, str]) -> dict:
    """Run the notebook's code with `edits` (cell id -> source) in place of its solution cells, then
    every visible check of its assignment. Returns {"cells": [errors], "exercises": [verdicts]}.
    The cyclic garbage collector waits until the end: a training check makes thousands of Values
    (each one a cycle, with its _backward), and collecting them as it goes costs a third of its
    time in the browser."""
    gc.disable()
    try:
        return _run_checks(notebook, edits)
    finally:
        gc.enable()
        gc.collect()


def _run_checks(notebook: dict, edits: dict[str, str]) -> dict:
    assignment = _assignment(notebook)
    namespace: dict = {"__name__": "__main__"}
    errors = []
    for index, cell in enumerate(notebook["cells"]):
        if not is_student_code(cell):
            continue
        source = edits.get(cell["id"], _text(cell))
        try:
            exec(compile(source, f"<cell {index + 1}>", "exec"), namespace)
        except Exception as error:  # reported, and the next cell runs, as in Jupyter's "run all"
            errors.append({"id": cell["id"], "error": _last_line(error)})
    verdicts = [
        {"id": v.exercise, "points": v.max_points, "status": str(v.status), "feedback": v.feedback}
        for v in run_assignment(assignment, InlineRunner(namespace), None)
    ]
    return {"cells": errors, "exercises": verdicts}


def filled(notebook: dict, edits: dict[str, str]) -> str:
    """The notebook as JSON, with `edits` in its solution cells (same ids, everything else as released):
    a submission mgc grade and nbgrader accept."""
    copy = json.loads(json.dumps(notebook))
    for cell in copy["cells"]:
        if is_solution_cell(cell) and cell["id"] in edits:
            cell["source"] = edits[cell["id"]]
    return json.dumps(copy, indent=1, ensure_ascii=False) + "\n"


def _assignment(notebook: dict):
    """The assignment this notebook's own cells name (Course.assignment_of: the one rule)."""
    found = load().assignment_of(grade_id(c) for c in notebook["cells"])
    if found is None:
        raise ValueError("this notebook holds no test cell of this course's exercises")
    return found


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _last_line(error: BaseException) -> str:
    return traceback.format_exception_only(type(error), error)[-1].strip()
