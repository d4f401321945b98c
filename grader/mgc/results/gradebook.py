"""The gradebook files `mgc grade` writes: JSON and CSV, in the one row format, kept across runs.

A row is a student's notebook for an assignment (SubmissionResult.to_row), stored under its
student, assignment and resolved path. A run rewrites the rows of the notebooks it graded and keeps
every other row, so regrading one student never loses the class; after every merge, each student
and assignment has one row that counts, chosen by the same rule as within a run
(mgc.grading.run.second_copies), and any other is marked a second copy.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from pathlib import Path

from mgc.course.manifest import Course, load
from mgc.course.notebook import digest
from mgc.judge.verdict import Status, Verdict
from mgc.results.result import Outcome, SubmissionResult

FIXED = ["student", "assignment", "outcome", "score", "max_score", "path", "seed"]
MORE = [
    "name",
    "raw_score",
    "penalty",
    "late_days",
    "submitted",
    "reason",
    "duplicate_of",
    "review",
    "sha256",
]
TEXT = ("student", "name", "assignment", "path", "review", "reason", "duplicate_of")  # what names can reach
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell that starts so: it gets a '


class GradebookError(Exception):
    """A gradebook file exists but is not one `mgc grade` wrote."""


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: an interrupted write leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def read(path: Path, course: Course | None = None) -> list[SubmissionResult]:
    """The results a gradebook (JSON or CSV, by its suffix) holds; none if the file does not exist."""
    if not path.exists():
        return []
    return _read_csv(path, course or load()) if path.suffix == ".csv" else _read_json(path)


def _read_json(path: Path) -> list[SubmissionResult]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["submissions"]
        return [SubmissionResult.from_row(row) for row in rows]
    except (ValueError, KeyError, TypeError):
        raise GradebookError(
            f"{path} is not a gradebook written by mgc grade (no submissions in its rows)"
        ) from None


def _read_csv(path: Path, course: Course) -> list[SubmissionResult]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not set(FIXED) <= set(reader.fieldnames):
            raise GradebookError(
                f"{path} is not a gradebook written by mgc grade (columns {', '.join(FIXED)})"
            )
        rows = [{k: _as_read(v) if k in TEXT else v for k, v in row.items()} for row in reader]
    found = []
    for row in rows:
        exercises = course.assignment(row["assignment"]).exercises if row["assignment"] else ()
        verdicts = []
        for e in exercises:
            points = float(row.get(e.id) or 0)
            status = Status.PASSED if points == e.points else Status.FAILED
            if row["outcome"] == Outcome.NOT_GRADED:
                status = Status.NOT_GRADED
            verdicts.append(Verdict(e.id, status, points, e.points))
        seed = int(row["seed"]) if row.get("seed") not in (None, "", "None") else None
        review = tuple(filter(None, (row.get("review") or "").split("; ")))
        found.append(
            SubmissionResult(
                row["student"], row["assignment"] or None, row["path"], tuple(verdicts),
                Outcome(row["outcome"]), row.get("reason", ""), review, seed, row.get("sha256", ""),
                duplicate_of=row.get("duplicate_of", ""), submitted=row.get("submitted", ""),
                late_days=int(row.get("late_days") or 0), penalty=float(row.get("penalty") or 0),
                name=row.get("name", ""),
            )
        )  # fmt: skip
    return found


def _as_written(text: str) -> str:
    return "'" + text if text.startswith(FORMULA) else text


def _as_read(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA) else text


def graded_paths(path: Path) -> set[str]:
    """The notebooks a gradebook holds an up-to-date graded row for (for --resume): graded, and
    unchanged since."""
    return {r.path for r in read(path) if r.graded and (not r.sha256 or r.sha256 == digest(r.path))}


def merged(old: list[SubmissionResult], new: list[SubmissionResult]) -> list[SubmissionResult]:
    """The gradebook after a run: each notebook's newest row, and one counted row per student and
    assignment (the others second copies, by the one rule)."""
    from mgc.grading.run import mark_second_copies

    def notebook(r: SubmissionResult) -> tuple:  # a row's notebook: under a roster id or a folder name
        return (r.path,) if r.path else (r.student, r.assignment)

    rows = {notebook(r): r for r in old}
    rows |= {notebook(r): r for r in new}
    ordered = sorted(rows.values(), key=lambda r: (r.student, r.assignment or "", r.path))
    restored = [
        replace(r, outcome=Outcome.GRADED, reason="", duplicate_of="")
        if r.outcome is Outcome.SECOND_COPY
        else r
        for r in ordered
    ]
    return mark_second_copies(restored)


def save(
    rows: list[SubmissionResult], path: Path, seed: int | None = None, course: Course | None = None
) -> None:
    """Write the whole gradebook, `rows`, to `path` (JSON or CSV, by its suffix), whole or not at all."""
    if path.suffix == ".csv":
        _replace(path, _csv_text(rows, course or load()))
    else:
        _replace(path, json.dumps({"seed": seed, "submissions": [r.to_row() for r in rows]}, indent=2) + "\n")


def write(
    results: list[SubmissionResult], path: Path, seed: int | None = None, course: Course | None = None
) -> list[SubmissionResult]:
    """Merge this run's results into the gradebook at `path`; returns the whole gradebook as written."""
    rows = merged(read(path, course), results)
    save(rows, path, seed, course)
    return rows


def _csv_text(results: list[SubmissionResult], course: Course) -> str:
    """The rows as CSV: the fixed columns, the points of every exercise, and the rest."""
    exercise_ids = [e.id for e in course.exercises]
    text = io.StringIO()
    writer = csv.DictWriter(text, [*FIXED, *exercise_ids, *MORE], restval="", lineterminator="\n")
    writer.writeheader()
    for r in results:
        row = r.to_row()
        row["review"] = "; ".join(row["review"])
        row |= {v.exercise: v.points for v in r.verdicts}
        writer.writerow(
            {
                k: _as_written(str(row[k] if row[k] is not None else "")) if k in TEXT else row.get(k, "")
                for k in writer.fieldnames
            }
        )
    return text.getvalue()
