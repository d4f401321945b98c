"""The gradebook files `mgc grade` writes: JSON and CSV, one row per notebook, kept across runs.

A run rewrites the rows of the notebooks it graded and keeps every other row, so
regrading one student never loses the class. A row is named by the notebook's path,
which also tells two notebooks of one student apart. Each row keeps the seed of the
run that graded it (`mgc grade --seed N` repeats its cases).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from mgc.course.manifest import Course, load
from mgc.course.notebook import digest
from mgc.grading.run import SubmissionResult

FIXED = ["student", "assignment", "path", "score", "max_score", "seed"]
TEXT = ("student", "assignment", "path", "review")  # what a student's file and folder names can reach
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell that starts so: it gets a '


class GradebookError(Exception):
    """A gradebook file exists but is not one `mgc grade` wrote."""


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: an interrupted write leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def read_json(path: Path) -> list[dict]:
    """The rows of a JSON gradebook; none if the file does not exist."""
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["submissions"]
        if all(isinstance(r, dict) and isinstance(r.get("path"), str) for r in rows):
            return rows
    except (ValueError, KeyError, TypeError):
        pass
    raise GradebookError(f"{path} is not a gradebook written by mgc grade (no submissions with paths)")


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV gradebook; none if the file does not exist."""
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not set(FIXED) <= set(reader.fieldnames):
            raise GradebookError(
                f"{path} is not a gradebook written by mgc grade (columns {', '.join(FIXED)})"
            )
        return [{k: _as_read(v) if k in TEXT else v for k, v in row.items()} for row in reader]


def _as_written(text: str) -> str:
    return "'" + text if text.startswith(FORMULA) else text


def _as_read(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA) else text


def graded_paths(path: Path) -> set[str]:
    """The notebooks a gradebook (JSON or CSV) holds an up-to-date graded row for (for --resume):
    graded, and unchanged since (a row from before gradebooks kept the digest counts as unchanged)."""
    rows = read_csv(path) if path.suffix == ".csv" else read_json(path)
    graded = [r for r in rows if str(r.get("graded", True)) not in ("False", "false")]
    return {r["path"] for r in graded if not r.get("sha256") or r["sha256"] == digest(r["path"])}


def _merged(old: list[dict], new: list[dict]) -> list[dict]:
    fresh = {r["path"] for r in new}
    rows = [r for r in old if r["path"] not in fresh] + new
    return sorted(rows, key=lambda r: (r["student"], r["assignment"] or "", r["path"]))


def write_json(results: list[SubmissionResult], path: Path, seed: int) -> None:
    """Write this run's rows into the JSON gradebook at `path`, keeping the others."""
    rows = _merged(read_json(path), [r.to_json() for r in results])
    _replace(path, json.dumps({"seed": seed, "submissions": rows}, indent=2) + "\n")


def write_csv(results: list[SubmissionResult], path: Path, course: Course | None = None) -> None:
    """Write this run's rows into the CSV gradebook at `path`, keeping the others: student,
    assignment, path, score, max_score, seed, one column per exercise, and what to review."""
    course = course or load()
    exercise_ids = [e.id for e in course.exercises]
    columns = [*FIXED, *exercise_ids, "review", "graded", "sha256"]
    new = []
    for r in results:
        scores = {e.id: e.score for e in r.exercises}
        row = {"student": r.student, "assignment": r.assignment or "", "path": r.path, "score": r.score}
        row |= {"max_score": r.max_score, "seed": r.seed, "review": "; ".join(r.review), "graded": r.graded}
        row["sha256"] = r.sha256
        new.append(row | {i: scores.get(i, "") for i in exercise_ids})
    rows = _merged(read_csv(path), new)
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, restval="", extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _as_written(str(v)) if k in TEXT else v for k, v in row.items()} for row in rows)
    _replace(path, text.getvalue())
