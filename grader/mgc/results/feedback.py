"""Feedback to every student: one HTML page per student and assignment, from the gradebook, and a zip
laid out for an LMS's feedback upload.

A page holds the score, what lateness cost, and each exercise's verdict, message and hint, every
one of them escaped (a student's own error text is shown as text, never run in whoever opens the
page). No page holds the hidden cases' code or the grader's.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from mgc.course.manifest import Course
from mgc.results.result import Outcome, SubmissionResult
from mgc.term.roster import Roster

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}"
    "pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem;margin:0}"
    ".passed{color:#176117}.failed{color:#a11}.notgraded{color:#8a5a00}"
)
NOTHING_RUNS = "default-src 'none'; style-src 'unsafe-inline'"  # the page's policy: no script, no fetch


def page(row: SubmissionResult, course: Course) -> str:
    """The feedback page of one row of the gradebook."""
    e = html.escape
    title = course.assignment(row.assignment).title if row.assignment else "a notebook"
    who = row.name or row.student
    lines = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{NOTHING_RUNS}\">",
        f"<title>{e(row.assignment or '')}: {e(who)}</title><style>{STYLE}</style>",
        f"<h1>{e(title)}</h1><p>{e(who)}: <strong>{row.score:g} of {row.max_score:g} points</strong>",
    ]
    if row.penalty:
        lines.append(f" ({row.raw_score:g} before {row.penalty:g} off for {row.late_days} day(s) late)")
    lines.append("</p>")
    if row.outcome is not Outcome.GRADED:
        lines.append(f"<p><strong>{e(str(row.outcome))}</strong>: {e(row.reason)}</p>")
    lines.append("<table><tr><th>exercise</th><th>points</th><th>verdict</th></tr>")
    for v in row.verdicts:
        kind = str(v.status).replace(" ", "")
        detail = f"<pre>{e(v.message)}</pre>" if v.message else ""
        hint = f"<p><strong>hint:</strong> {e(v.hint)}</p>" if v.hint else ""
        lines.append(
            f"<tr><td>{e(v.exercise)}</td><td>{v.points:g}/{v.max_points:g}</td>"
            f"<td class='{kind}'>{e(str(v.status))}{detail}{hint}</td></tr>"
        )
    lines.append("</table></html>\n")
    return "".join(lines)


def _safe(text: str) -> str:
    """A file name part from an id or a name: letters, digits, dots, dashes; nothing else."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip(".-") or "student"


def write_pages(rows: list[SubmissionResult], out: Path, course: Course) -> list[Path]:
    """One page per counted row (missing ones included), as out/STUDENT/ASSIGNMENT.html."""
    written = []
    for row in rows:
        if not row.counts or row.assignment is None:
            continue
        path = out / _safe(row.student) / f"{row.assignment}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(row, course), encoding="utf-8")
        written.append(path)
    return written


def lms_name(row: SubmissionResult, lms: str, roster: Roster | None) -> str:
    """Where a student's page goes in the LMS's feedback zip: Moodle files it by the participant's
    folder (Full Name_ID_assignsubmission_file_/), Canvas's "re-upload submissions" by the user id
    between underscores in the file's name."""
    student = roster.by_id().get(row.student) if roster else None
    name = student.name if student else row.name or row.student
    number = next((n for i in (student.ids if student else ()) for n in re.findall(r"\d+", i)), row.student)
    if lms == "moodle":
        return f"{name}_{number}_assignsubmission_file_/{row.assignment}-feedback.html"
    return f"{_safe(name).lower()}_{_safe(number)}_0_{row.assignment}-feedback.html"


def write_zip(
    rows: list[SubmissionResult], out: Path, lms: str, course: Course, roster: Roster | None
) -> Path:
    """The pages in one zip, laid out for the LMS's feedback upload."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for row in rows:
            if row.counts and row.assignment is not None:
                z.writestr(lms_name(row, lms, roster), page(row, course))
    return out
