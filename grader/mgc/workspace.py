"""The exercise pages' workspace: a release notebook laid out as the page shows it (its instructions,
an editor for each exercise's part of the solution cells, its try-it cells), the student's code run
as a notebook would run it, the assignment's visible checks on it, and the notebook to download.

Standard library only, and nothing that starts a process: it runs in the browser (Pyodide), as
the notebook's test cells run in Jupyter, with the same checks and the answers mgc release
shipped. Like a test cell, it grades nothing; `mgc grade` does.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import re
import traceback

from mgc.course.cells import (
    grade_id,
    is_setup_cell,
    is_solution_cell,
    is_student_code,
    is_test_cell,
    is_try_it_cell,
    source_of,
)
from mgc.course.manifest import load
from mgc.i18n import translate
from mgc.inline import InlineRunner
from mgc.judge.checks import run_assignment
from mgc.sandbox.standins import jupyter_names

MARKER = re.compile(r"^[ \t]*# ### Exercise ([a-z_]+\.[a-z_]+)", re.M)  # where an exercise's part starts


def solution_cells(notebook: dict) -> list[dict]:
    """The cells the student writes, in order: {"id", "grade_id", "source"} (the release's stubs)."""
    return [
        {"id": cell["id"], "grade_id": grade_id(cell), "source": source_of(cell)}
        for cell in notebook["cells"]
        if is_solution_cell(cell)
    ]


def segments(source: str, exercise: str | None = None) -> list[dict]:
    """A solution cell cut at its `# ### Exercise <id>` comments: [{"exercise", "source"}], which
    joined give the cell back. The part before the first comment (imports, a class's start) belongs
    to no exercise; a cell with no comments is one part, of `exercise`."""
    starts = [m.start() for m in MARKER.finditer(source)]
    if not starts:
        return [{"exercise": exercise, "source": source}]
    parts = [] if starts[0] == 0 else [{"exercise": None, "source": source[: starts[0]]}]
    for start, end in zip(starts, [*starts[1:], len(source)]):
        parts.append({"exercise": MARKER.match(source, start).group(1), "source": source[start:end]})
    return parts


def layout(notebook: dict) -> list[dict]:
    """The notebook as the workspace shows it, in order: markdown (its text), `given` code (runs, not
    edited), `editor`s (a part of a solution cell: {"cell", "part", "exercise", "source"}), `try`
    cells (edited and run freely) and `test` slots (an exercise's verdict). Each exercise's editors
    come just before its first try-it or test cell, after the instructions that introduce it."""
    cells = [c for c in notebook["cells"] if not is_setup_cell(c)]
    owner, upcoming = [None] * len(cells), None
    for index in range(len(cells) - 1, -1, -1):  # each cell belongs to the next test cell's exercise
        upcoming = _tested(cells[index]) or upcoming
        owner[index] = upcoming
    by_cell = {e.cell: e.id for e in _assignment(notebook).exercises[::-1]}  # a cell's first exercise
    blocks, pending = [], {}
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            blocks.append({"kind": "markdown", "source": source_of(cell)})
        elif is_solution_cell(cell):
            for part, piece in enumerate(segments(source_of(cell), by_cell.get(grade_id(cell)))):
                editor = {"kind": "editor", "cell": cell["id"], "part": part, **piece}
                if piece["exercise"] is not None and piece["exercise"] in owner[index:]:
                    pending.setdefault(piece["exercise"], []).append(editor)
                else:
                    blocks.append(editor)
        elif is_test_cell(cell) or is_try_it_cell(cell):
            blocks += pending.pop(owner[index], [])
            if is_test_cell(cell):
                blocks.append({"kind": "test", "exercise": _tested(cell)})
            else:
                source = source_of(cell)
                blocks.append({"kind": "try", "id": cell["id"], "exercise": owner[index], "source": source})
        elif cell["cell_type"] == "code":
            blocks.append({"kind": "given", "id": cell["id"], "source": source_of(cell)})
    return blocks + [editor for editors in pending.values() for editor in editors]


def run_code(notebook: dict, edits: dict[str, str], cell_id: str, source: str) -> dict:
    """Run the notebook as "run all" would up to its cell `cell_id` (a try-it cell), with `edits`
    (cell id -> source) in its solution cells, then `source` in place of that cell. Returns
    {"output": what that cell printed, "error": its error or None, "cells": the errors of the
    student's code}; each error is {"id", "line", "error"}, its line counted in its cell."""
    namespace: dict = {"__name__": "__main__", **jupyter_names()}
    gc.disable()
    try:
        errors = []
        for cell in notebook["cells"]:
            if cell.get("id") == cell_id:
                break
            if cell["cell_type"] != "code" or is_test_cell(cell) or is_setup_cell(cell):
                continue
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                error = _run(cell["id"], edits.get(cell["id"], source_of(cell)), namespace)
            if error and is_student_code(cell):
                errors.append(error)
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            error = _run(cell_id, source, namespace)
        return {"output": output.getvalue(), "error": error, "cells": errors}
    finally:
        gc.enable()
        gc.collect()


def run_checks(notebook: dict, edits: dict[str, str], lang: str = "en") -> dict:
    """Run the notebook's code with `edits` (cell id -> source) in place of its solution cells, then
    every visible check of its assignment, its feedback in `lang`. Returns {"cells": [errors],
    "exercises": [verdicts]}. The cyclic garbage collector waits until the end: a training check
    makes thousands of Values (each one a cycle, with its _backward), and collecting them as it
    goes costs a third of its time in the browser."""
    gc.disable()
    try:
        return _run_checks(notebook, edits, lang)
    finally:
        gc.enable()
        gc.collect()


def _run_checks(notebook: dict, edits: dict[str, str], lang: str) -> dict:
    assignment = _assignment(notebook)
    namespace: dict = {"__name__": "__main__", **jupyter_names()}
    errors = []
    for cell in notebook["cells"]:
        if not is_student_code(cell):
            continue
        error = _run(cell["id"], edits.get(cell["id"], source_of(cell)), namespace)
        if error:  # reported, and the next cell runs, as in Jupyter's "run all"
            errors.append(error)
    verdicts = [
        {
            "id": v.exercise,
            "points": v.max_points,
            "status": str(v.status),
            "feedback": translate(v.feedback, lang) if v.feedback else "",
        }
        for v in run_assignment(assignment, InlineRunner(namespace), None)
    ]
    return {"cells": errors, "exercises": verdicts}


def _run(cell_id: str, source: str, namespace: dict) -> dict | None:
    """Run one cell's `source` in `namespace`: None, or its error with the line it happened on."""
    filename = f"<cell {cell_id}>"
    try:
        exec(compile(source, filename, "exec"), namespace)
    except SyntaxError as error:
        return {"id": cell_id, "line": error.lineno, "error": _last_line(error)}
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
        return {"id": cell_id, "line": frames[-1].lineno if frames else None, "error": _last_line(error)}
    return None


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


def _tested(cell: dict) -> str | None:
    """The exercise a test cell checks (by its grade_id), or None."""
    if not is_test_cell(cell):
        return None
    return next((e.id for e in load().exercises if e.test_cell == grade_id(cell)), None)


def _last_line(error: BaseException) -> str:
    return traceback.format_exception_only(type(error), error)[-1].strip()
