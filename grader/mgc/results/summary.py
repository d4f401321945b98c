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
from mgc.grading.run import SubmissionResult
from mgc.results.report import plain

MOST_HINTS = 5


@dataclass
class AssignmentSummary:
    assignment: str
    max_score: float
    scores: list[float] = field(default_factory=list)
    passed: dict[str, int] = field(default_factory=dict)  # exercise id -> how many passed it
    hints: Counter = field(default_factory=Counter)  # (exercise id, hint) -> how many got it

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
        if not r.counts or r.assignment is None:
            continue
        assignment = course.assignment(r.assignment)
        summary = found.setdefault(r.assignment, AssignmentSummary(r.assignment, assignment.max_score))
        summary.scores.append(r.score)
        for e in r.exercises:
            summary.passed[e.id] = summary.passed.get(e.id, 0) + (e.status == "passed")
            for line in e.feedback.splitlines():
                if line.startswith("hint: "):
                    summary.hints[(e.id, line.removeprefix("hint: "))] += 1
    return [found[a.id] for a in course.assignments if a.id in found]


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
    scores = summary.scores
    mean, median = statistics.fmean(scores), statistics.median(scores)
    headline = (
        f"{summary.graded} graded; mean {mean:.1f}, median {median:g}, "
        f"min {min(scores):g}, max {max(scores):g} of {summary.max_score:g}"
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
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".md":
        path.write_text("# Class summary\n\n" + "\n".join(parts), encoding="utf-8")
    else:
        page = "<!doctype html><meta charset='utf-8'><title>Class summary</title><h1>Class summary</h1>"
        path.write_text(page + "".join(parts) + "\n", encoding="utf-8")
