"""Show grading results: a table per submission in the terminal, a gradebook, and JSON."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mgc.grading.run import SubmissionResult

STATUS = {
    "passed": "[green]passed[/]",
    "failed": "[red]failed[/]",
    "error": "[yellow]grader error[/]",
    "not graded": "[bold yellow]NOT GRADED[/]",
}


def _points(x: float) -> str:
    return f"{x:g}"


def plain(text: str) -> str:
    """Text from a submission (names, feedback), made safe for the terminal: no control characters
    (a student's error message could otherwise clear the screen or retitle the window) and no
    rich markup."""
    visible = "".join(c if c in "\n\t" or (c.isprintable()) else f"\\x{ord(c):02x}" for c in text)
    return escape(visible)


def print_submission(result: SubmissionResult, console: Console, details: bool = True) -> None:
    """One table: every exercise with its score, then the feedback of those that failed."""
    score = f"{_points(result.score)} of {_points(result.max_score)}"
    title = plain(f"{result.student} / {result.assignment or '?'}: {score}")
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("exercise")
    table.add_column("score", justify="right")
    table.add_column("status")
    table.add_column("feedback", overflow="fold")
    for e in result.exercises:
        first = e.feedback.splitlines()[0] if e.feedback else ""
        table.add_row(e.id, f"{_points(e.score)}/{_points(e.max_score)}", STATUS[e.status], plain(first))
    if result.error and not result.exercises:
        table.add_row("-", "0/0", STATUS["failed"], plain(result.error))
    console.print(table)
    if result.review:
        places = len(result.review)
        console.print(f"[bold yellow]REVIEW[/]: the code reaches for the grader in {places} places:")
        for place in result.review[:10]:
            console.print(f"  {plain(place)}", highlight=False)
    if details:
        for e in result.exercises:
            if e.feedback and e.status != "passed" and "\n" in e.feedback:
                console.print(f"[bold]{e.id}[/]", markup=True)
                console.print(plain(e.feedback), markup=True, highlight=False)
                console.print()


def print_gradebook(results: list[SubmissionResult], console: Console) -> None:
    """One row per submission: who, which assignment, the score."""
    table = Table(title="Gradebook", title_justify="left")
    for name in ("student", "assignment", "score", "max", "percent", "review"):
        table.add_column(name, justify="right" if name in ("score", "max", "percent") else "left")
    for r in sorted(results, key=lambda r: (r.student, r.assignment or "", r.path)):
        percent = f"{100 * r.score / r.max_score:.0f}%" if r.max_score else "-"
        score = _points(r.score)
        if not r.graded:
            score, percent = "-", "NOT GRADED"
        elif r.duplicate_of:
            score, percent = "-", "second copy, not counted"
        review = f"[yellow]REVIEW ({len(r.review)})[/]" if r.review else ""
        table.add_row(plain(r.student), r.assignment or "?", score, _points(r.max_score), percent, review)
    console.print(table)
