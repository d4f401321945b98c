"""The gradebook as an LMS imports it: Canvas's gradebook CSV, Moodle's grade import CSV, or a plain CSV.

One row per student on the roster, one column per assignment (the counted row's score, after any
late penalty; 0 for one handed in that could not be read, or not at all). A score that could not be
graded is left blank: importing it changes nothing, and `mgc grade` named it to grade again.

- Canvas (Grades > Import): Student, ID, SIS User ID, SIS Login ID and Section name the student,
  as Canvas's own export does; a "Points Possible" row follows the header. An assignment column takes
  the header the roster (Canvas's export) has for it, "engine (12345)", so that Canvas fills that
  assignment instead of offering a new one; else its id, which Canvas offers to create.
- Moodle (Grades > Import > CSV file): the roster's identifying columns (ID number, Username or
  Email address, which the import maps users by) and Full name, then one column per assignment.
- csv: id, name, then one column per assignment.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mgc.course.manifest import Course
from mgc.results.result import Outcome, SubmissionResult
from mgc.term.roster import Roster

FORMATS = ("canvas", "moodle", "csv")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDS = ("ID number", "Username", "Email address", "Identifier")


def _scores(rows: list[SubmissionResult]) -> dict[tuple[str, str], str]:
    """(student, assignment) -> what the LMS gets for it."""
    found: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.assignment is None or (not row.counts and row.graded):
            continue
        found[(row.student, row.assignment)] = "" if not row.graded else f"{row.score:g}"
    return found


def _header(assignment_id: str, roster: Roster) -> str:
    """The roster's own column for an assignment ("engine (12345)"), or its id."""
    columns = roster.students[0].row if roster.students else {}
    return next(
        (c for c in columns if c == assignment_id or c.startswith(assignment_id + " (")), assignment_id
    )


def grades(
    rows: list[SubmissionResult], roster: Roster, course: Course, to: str, assignments: list[str]
) -> str:
    """The CSV text an LMS imports as it is."""
    if to not in FORMATS:
        raise ValueError(f"no LMS format {to!r} (one of {', '.join(FORMATS)})")
    scores = _scores(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    headers = [_header(a, roster) for a in assignments]
    if to == "canvas":
        writer.writerow([*CANVAS_FIXED, *headers])
        writer.writerow(
            [
                "    Points Possible",
                "",
                "",
                "",
                "",
                *(f"{course.assignment(a).max_score:g}" for a in assignments),
            ]
        )
    elif to == "moodle":
        ids = [c for c in MOODLE_IDS if any(s.row.get(c) for s in roster.students)] or [roster.id_column]
        writer.writerow([*ids, "Full name", *headers])
    else:
        writer.writerow(["id", "name", *headers])
    for student in roster.students:
        marks = [scores.get((student.id, a), "0") for a in assignments]
        if to == "canvas":
            fixed = [student.row.get(c, "") for c in CANVAS_FIXED]
            writer.writerow([fixed[0] or student.name, fixed[1] or student.id, *fixed[2:], *marks])
        elif to == "moodle":
            writer.writerow([*(student.row.get(c, "") or student.id for c in ids), student.name, *marks])
        else:
            writer.writerow([student.id, student.name, *marks])
    return out.getvalue()


def write_grades(rows, roster: Roster, course: Course, to: str, out: Path, assignments: list[str]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(grades(rows, roster, course, to, assignments), encoding="utf-8")
    return out


def not_graded(rows: list[SubmissionResult]) -> list[SubmissionResult]:
    """The rows an export leaves blank."""
    return [r for r in rows if not r.graded and r.outcome is not Outcome.MISSING]
