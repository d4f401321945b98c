"""A term's bookkeeping around the grades: the roster (who is enrolled, who handed nothing in), late
work, and notebooks handed in twice by different students. `account` runs after grading, on the
whole gradebook, so that every student on the roster has a row for every assignment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from mgc.course.manifest import Course
from mgc.judge.verdict import Verdict
from mgc.results.result import Outcome, SubmissionResult
from mgc.term.late import late_days, penalty, submitted_at
from mgc.term.roster import Roster, RosterError

NOT_ON_ROSTER = "not on the roster: check the folder's name"  # summary.py lists rows whose reason says so


def account(
    rows: list[SubmissionResult], course: Course, roster: Roster | None, assignments: list[str]
) -> list[SubmissionResult]:
    """The gradebook's rows, each under its student's roster id and name, with its lateness, and a
    MISSING row for every student on the roster with nothing handed in for one of `assignments`."""
    from mgc.grading.run import mark_second_copies

    rows = [r for r in rows if r.outcome is not Outcome.MISSING]
    students = roster.by_id() if roster else {}
    done = []
    for row in rows:
        try:
            student = roster.match(row.student) if roster else None
            unmatched = NOT_ON_ROSTER
        except RosterError as error:  # a name a student chose flags its row, and never stops the class
            student, unmatched = None, f"{error}; {NOT_ON_ROSTER}"
        if student is not None:
            row = replace(row, student=student.id, name=student.name)
        elif roster is not None and NOT_ON_ROSTER not in row.reason:
            row = replace(row, reason=(row.reason + "; " if row.reason else "") + unmatched)
        done.append(_with_lateness(row, course, students.get(row.student)))
    done = mark_second_copies(done)  # again under roster ids: two names may be one student's
    counted = {(r.student, r.assignment) for r in done if r.counts}
    for student in students.values():
        for assignment_id in assignments:
            if (student.id, assignment_id) in counted:
                continue
            exercises = course.assignment(assignment_id).exercises
            verdicts = tuple(Verdict.failing(e.id, e.points, "nothing handed in") for e in exercises)
            done.append(
                SubmissionResult(
                    student.id,
                    assignment_id,
                    "",
                    verdicts,
                    Outcome.MISSING,
                    "nothing handed in",
                    name=student.name,
                )
            )
    return sorted(done, key=lambda r: (r.student, r.assignment or "", r.path))


def _with_lateness(row: SubmissionResult, course: Course, student) -> SubmissionResult:
    """The row with when it was handed in and what being late costs it."""
    if row.assignment is None or not row.path or row.outcome is Outcome.MISSING:
        return row
    assignment = course.assignment(row.assignment)
    when = submitted_at(Path(row.path))
    due = student.extension if student is not None and student.extension else assignment.due
    days = late_days(when, due)
    return replace(
        row,
        submitted=when.isoformat() if isinstance(when, datetime) else row.submitted,
        late_days=days,
        penalty=penalty(course, assignment, row.raw_score, days),
    )


def identical(rows: list[SubmissionResult]) -> list[tuple[str, list[str]]]:
    """Students whose counted notebooks of one assignment are the same file (or the same code,
    whitespace aside): (the assignment, the group), for an instructor to look at."""
    groups: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        if row.counts and row.outcome is Outcome.GRADED and row.sha256:
            groups[(row.assignment, "file", row.sha256)].add(row.student)
            if row.code_digest:
                groups[(row.assignment, "code", row.code_digest)].add(row.student)
    found = {(key[0], tuple(sorted(s))) for key, s in groups.items() if len(s) > 1}
    return [(assignment, list(group)) for assignment, group in sorted(found)]
