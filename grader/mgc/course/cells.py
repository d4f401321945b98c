"""What a notebook's cells are, read from their metadata: test cells, "try it" cells, solution cells.
Standard library only (plain dicts do, as nbformat's nodes do): the browser workspace uses it too."""

from __future__ import annotations

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
    """A code cell that defines the student's work: neither a test cell nor a "try it" cell (the
    setup cell is one)."""
    return (
        cell.get("cell_type") == "code"
        and not is_test_cell(cell)
        and not is_try_it_cell(cell)
        and not is_setup_cell(cell)
    )


def is_setup_cell(cell: dict) -> bool:
    """The setup cell mgc.standalone puts in a released notebook: no part of the page or the grade.
    Known by its tag, or, where a front end dropped tags, by its id or the line that opens its
    packed grader (a cell taken for it is not run, so nothing is won by dressing code up as one)."""
    if SETUP in cell.get("metadata", {}).get("tags", []) or cell.get("id") == SETUP:
        return True
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    return cell.get("cell_type") == "code" and isinstance(source, str) and f"\n{SETUP_MARK}\n" in source
