"""The class summary after grading: per assignment, the scores, each exercise's pass rate and the
hints given most often, so an instructor sees which mistake half the class made.

Printed after the gradebook; `mgc grade --summary FILE` also writes it as Markdown (.md) or
HTML (.html), with a histogram of the scores drawn by matplotlib.
"""

from __future__ import annotations

import base64
import html
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mgc.course.manifest import Course, load
from mgc.results.report import plain
from mgc.results.result import TIED, Outcome, SubmissionResult
from mgc.term import identical

MOST_HINTS = 5
MOST_NAMED = 20  # students named per heading in the terminal


@dataclass
class AssignmentSummary:
    assignment: str
    max_score: float
    scores: list[float] = field(default_factory=list)
    passed: dict[str, int] = field(default_factory=dict)  # exercise id -> how many passed it
    hints: Counter = field(default_factory=Counter)  # (exercise id, hint) -> how many got it
    not_graded: list[str] = field(default_factory=list)  # "student: exercise (why)", to grade again
    attention: dict[str, list[str]] = field(default_factory=dict)  # heading -> the students it names

    @property
    def graded(self) -> int:
        return len(self.scores)

    def pass_rate(self, exercise_id: str) -> float:
        return self.passed.get(exercise_id, 0) / self.graded if self.graded else 0.0


def summarize(results: list[SubmissionResult], course: Course | None = None) -> list[AssignmentSummary]:
    """One summary per assignment with at least one counted submission, in the course's order."""
    course = course or load()
    found: dict[str, AssignmentSummary] = {}
    for r in results:
        if r.assignment is None:
            continue
        assignment = course.assignment(r.assignment)
        summary = found.setdefault(r.assignment, AssignmentSummary(r.assignment, assignment.max_score))
        summary.not_graded += [f"{r.student}: {v.exercise} ({v.message})" for v in r.not_graded]
        for heading, line in _attention(r):
            summary.attention.setdefault(heading, []).append(line)
        if not r.counts or r.outcome is Outcome.MISSING:
            continue
        summary.scores.append(r.score)
        for v in r.verdicts:
            summary.passed[v.exercise] = summary.passed.get(v.exercise, 0) + v.passed
            if v.hint:
                summary.hints[(v.exercise, v.hint)] += 1
    for assignment, group in identical(results):
        found[assignment].attention.setdefault(IDENTICAL, []).append(", ".join(group))
    return [
        found[a.id]
        for a in course.assignments
        if a.id in found and (found[a.id].graded or found[a.id].not_graded or found[a.id].attention)
    ]


IDENTICAL = (
    "The same file, or the same solution code whitespace aside (worth a look, not proof: "
    "solutions that copy the lecture's code as it is look alike)"
)


def _attention(r: SubmissionResult) -> list[tuple[str, str]]:
    """What a row asks the instructor to look at: (heading, a line naming the student)."""
    who = f"{r.student} ({r.name})" if r.name and r.name != r.student else r.student
    found = []
    if r.outcome is Outcome.MISSING:
        found.append(("Handed in nothing", who))
    elif r.outcome is Outcome.UNREADABLE:
        found.append(("Could not be read", f"{who}: {r.reason}"))
    elif r.outcome is Outcome.SECOND_COPY and TIED in r.reason:
        found.append(("Two notebooks claim one student, nothing tells which is theirs", f"{who}: {r.path}"))
    elif r.outcome is Outcome.SECOND_COPY:
        found.append(("Second notebooks, not counted", f"{who}: {r.path}"))
    if r.late_days:
        found.append(("Late", f"{who}: {r.late_days} day(s), {r.penalty:g} point(s) off"))
    if "not on the roster" in r.reason:
        found.append(("Not on the roster", f"{who}: {r.path}"))
    return found


def _histogram_png(summary: AssignmentSummary) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 2.6), dpi=100)
    top = int(summary.max_score)
    axes.hist(summary.scores, bins=[x - 0.5 for x in range(top + 2)], color="#4c72b0", edgecolor="white")
    axes.set_xlabel("score")
    axes.set_ylabel("students")
    axes.set_xlim(-0.5, top + 0.5)
    axes.set_title(f"{summary.assignment}: {summary.graded} graded")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()


def _lines(summary: AssignmentSummary, course: Course) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The headline, the (exercise, pass rate) rows and the most frequent hints, as text."""
    scores = summary.scores or [0.0]
    mean, median = statistics.fmean(scores), statistics.median(scores)
    headline = (
        f"{summary.graded} graded; mean {mean:.1f}, median {median:g}, "
        f"min {min(scores):g}, max {max(scores):g} of {summary.max_score:g}"
    )
    if summary.not_graded:
        headline += (
            f"; {len(summary.not_graded)} exercise(s) NOT GRADED (the grader's fault: grade them again)"
        )
    rows = [
        (e.id, f"{summary.pass_rate(e.id):.0%} ({summary.passed.get(e.id, 0)}/{summary.graded})")
        for e in course.assignment(summary.assignment).exercises
    ]
    hints = [
        f"{count} of {summary.graded}: {exercise}: {hint}"
        for (exercise, hint), count in summary.hints.most_common(MOST_HINTS)
    ]
    return headline, rows, hints


def print_summary(summaries: list[AssignmentSummary], console: Console, course: Course | None = None) -> None:
    course = course or load()
    for summary in summaries:
        headline, rows, hints = _lines(summary, course)
        console.print(f"[bold]Summary of {summary.assignment}[/]: {headline}", highlight=False)
        table = Table()
        table.add_column("exercise")
        table.add_column("passed", justify="right")
        for exercise, rate in rows:
            table.add_row(exercise, rate)
        console.print(table)
        if hints:
            console.print("Hints given most often:")
            for hint in hints:
                console.print(f"  {plain(hint)}", highlight=False)
        for heading, lines in summary.attention.items():
            console.print(f"[bold]{heading}[/] ({len(lines)}):", highlight=False)
            for line in lines[:MOST_NAMED]:
                console.print(f"  {plain(line)}", highlight=False)
            if len(lines) > MOST_NAMED:
                console.print(f"  ... and {len(lines) - MOST_NAMED} more (--summary FILE lists them all)")
        if summary.not_graded:
            console.print(
                "[bold yellow]Not graded[/] (the grader's fault, never the student's: grade them again):"
            )
            for line in summary.not_graded:
                console.print(f"  {plain(line)}", highlight=False)


def _markdown(text: str) -> str:
    """`text` as Markdown shows it, never as markup: HTML escaped, Markdown's punctuation backslashed."""
    return re.sub(r"([\\`*_\[\]|!~])", r"\\\1", html.escape(text, quote=False))


def write_summary(summaries: list[AssignmentSummary], path: Path, course: Course | None = None) -> None:
    """The summary as Markdown (.md) or HTML (.html); each with its histogram as an embedded PNG."""
    course = course or load()
    if path.suffix not in (".md", ".html"):
        raise ValueError(f"{path}: a summary is written as .md or .html")
    parts = []
    for summary in summaries:
        headline, rows, hints = _lines(summary, course)
        image = "data:image/png;base64," + base64.b64encode(_histogram_png(summary)).decode()
        if path.suffix == ".md":
            parts.append(
                f"## {summary.assignment}\n\n{headline}\n\n![scores of {summary.assignment}]({image})\n"
            )
            parts.append(
                "| exercise | passed |\n|---|---|\n" + "".join(f"| `{e}` | {r} |\n" for e, r in rows)
            )
            if hints:
                parts.append("Hints given most often:\n\n" + "".join(f"- {_markdown(h)}\n" for h in hints))
            for heading, lines in summary.attention.items():
                parts.append(
                    f"{_markdown(heading)} ({len(lines)}):\n\n"
                    + "".join(f"- {_markdown(x)}\n" for x in lines)
                )
            if summary.not_graded:
                parts.append(
                    "Not graded (grade them again):\n\n"
                    + "".join(f"- {_markdown(x)}\n" for x in summary.not_graded)
                )
        else:
            body = "".join(f"<tr><td>{html.escape(e)}</td><td>{r}</td></tr>" for e, r in rows)
            parts.append(
                f"<h2>{html.escape(summary.assignment)}</h2><p>{html.escape(headline)}</p>"
                f'<img alt="scores of {summary.assignment}" src="{image}">'
                f"<table><tr><th>exercise</th><th>passed</th></tr>{body}</table>"
            )
            if hints:
                items = "".join(f"<li>{html.escape(h)}</li>" for h in hints)
                parts.append(f"<p>Hints given most often:</p><ul>{items}</ul>")
            for heading, lines in summary.attention.items():
                items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
                parts.append(f"<p>{html.escape(heading)} ({len(lines)}):</p><ul>{items}</ul>")
            if summary.not_graded:
                items = "".join(f"<li>{html.escape(x)}</li>" for x in summary.not_graded)
                parts.append(f"<p>Not graded (grade them again):</p><ul>{items}</ul>")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".md":
        path.write_text("# Class summary\n\n" + "\n".join(parts), encoding="utf-8")
    else:
        page = "<!doctype html><meta charset='utf-8'><title>Class summary</title><h1>Class summary</h1>"
        path.write_text(page + "".join(parts) + "\n", encoding="utf-8")
