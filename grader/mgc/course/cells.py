"""What a notebook's cells are, read from their metadata: test cells, "try it" cells, solution cells.
Standard library only (plain dicts do, as nbformat's nodes do): the browser workspace uses it too."""

from __future__ import annotations

import ast
import re

TRY_IT = "try-it"  # the tag of the course's own demonstration cells
SETUP = "mgc-setup"  # the tag and cell id of a released notebook's setup cell (mgc.standalone), a try-it cell
SETUP_MARK = '_PACKED = """'  # the line that opens its packed grader: it is still there when tags are not


def nbgrader(cell: dict) -> dict:
    """The cell's nbgrader metadata ({} for a cell nbgrader does not know)."""
    metadata = cell.get("metadata", {})
    found = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    return found if isinstance(found, dict) else {}


def grade_id(cell: dict) -> str:
    """The cell's nbgrader grade_id, or "" (what names it: an exercise's solution or test cell)."""
    found = nbgrader(cell).get("grade_id", "")
    return found if isinstance(found, str) else ""


def is_test_cell(cell: dict) -> bool:
    """An nbgrader test cell (graded, not a solution): the grader runs its own checks instead."""
    return bool(nbgrader(cell).get("grade")) and not nbgrader(cell).get("solution")


def is_try_it_cell(cell: dict) -> bool:
    """A cell the course wrote for students to run, which defines nothing the graders need."""
    return TRY_IT in cell.get("metadata", {}).get("tags", [])


def is_solution_cell(cell: dict) -> bool:
    """A cell the student writes (nbgrader's "autograded answer")."""
    return cell.get("cell_type") == "code" and bool(nbgrader(cell).get("solution"))


def is_student_code(cell: dict) -> bool:
    """A code cell that defines the student's work: neither a test cell, the setup cell, nor one of
    the course's "try it" cells. Jupyter copies a cell's tags when it is split or copied, so a tagged
    cell that imports or defines a function or a class (which no try-it cell of the course does) is
    the student's own code."""
    if cell.get("cell_type") != "code" or is_test_cell(cell) or is_setup_cell(cell):
        return False
    return not is_try_it_cell(cell) or defines_something(cell)


def source_of(cell: dict) -> str:
    """The cell's text (a notebook file may hold it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source if isinstance(source, str) else ""


def defines_something(cell: dict) -> bool:
    """Whether the cell imports, or defines a function or a class, at its top level."""
    try:  # IPython's lines (%matplotlib, %%time, !pip) are no Python: read the rest
        tree = ast.parse(re.sub(r"^[ \t]*[%!].*$", "", source_of(cell), flags=re.M))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    made = ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    return any(isinstance(node, made) for node in tree.body)


def is_setup_cell(cell: dict) -> bool:
    """The setup cell mgc.standalone puts in a released notebook: no part of the page or the grade.
    Known by its tag, or, where a front end dropped tags, by its id or the line that opens its
    packed grader (a cell taken for it is not run, so nothing is won by dressing code up as one)."""
    if SETUP in cell.get("metadata", {}).get("tags", []) or cell.get("id") == SETUP:
        return True
    return cell.get("cell_type") == "code" and f"\n{SETUP_MARK}\n" in source_of(cell)
