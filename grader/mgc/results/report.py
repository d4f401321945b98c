"""Show grading results in the terminal: a table per submission, and the gradebook."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mgc.judge.verdict import Status
from mgc.results.result import Outcome, SubmissionResult

STATUS = {
    Status.PASSED: "[green]passed[/]",
    Status.FAILED: "[red]failed[/]",
    Status.NOT_GRADED: "[bold yellow]NOT GRADED[/]",
}


def _points(x: float) -> str:
    return f"{x:g}"


def plain(text: str) -> str:
    """Text from a submission (names, feedback), made safe for the terminal: no control characters
    (a student's error message could otherwise clear the screen or retitle the window) and no
    rich markup."""
    visible = "".join(c if c in "\n\t" or (c.isprintable()) else f"\\x{ord(c):02x}" for c in text)
    return escape(visible)


LINE_LIMIT = 500  # characters of one line of a student's text, at most, in the terminal


def plain_line(text: str) -> str:
    """Text from a submission on one line of the terminal: control characters shown, not obeyed
    (a name could clear the screen or forge a line), and capped in length."""
    visible = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return visible if len(visible) <= LINE_LIMIT else visible[:LINE_LIMIT] + "..."


def print_submission(result: SubmissionResult, console: Console, details: bool = True) -> None:
    """One table: every exercise with its score, then the feedback of those that failed."""
    score = f"{_points(result.score)} of {_points(result.max_score)}"
    title = plain(f"{result.student} / {result.assignment or '?'}: {score}")
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("exercise")
    table.add_column("score", justify="right")
    table.add_column("status")
    table.add_column("feedback", overflow="fold")
    for v in result.verdicts:
        first = v.message.splitlines()[0] if v.message else ""
        table.add_row(
            v.exercise, f"{_points(v.points)}/{_points(v.max_points)}", STATUS[v.status], plain(first)
        )
    if result.reason and not result.verdicts:
        status = STATUS[Status.NOT_GRADED if not result.graded else Status.FAILED]
        table.add_row("-", "0/0", status, plain(result.reason))
    console.print(table)
    if result.review:
        places = len(result.review)
        console.print(f"[bold yellow]REVIEW[/]: the code reaches for the grader in {places} places:")
        for place in result.review[:10]:
            console.print(f"  {plain(place)}", highlight=False)
    if details:
        for v in result.verdicts:
            if v.status is not Status.PASSED and ("\n" in v.message or v.hint):
                console.print(f"[bold]{v.exercise}[/]", markup=True)
                console.print(plain(v.feedback), markup=True, highlight=False)
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
        elif r.outcome is Outcome.SECOND_COPY:
            score, percent = "-", "second copy, not counted"
        elif r.outcome is Outcome.UNREADABLE:
            percent = "unreadable"
        review = f"[yellow]REVIEW ({len(r.review)})[/]" if r.review else ""
        if r.not_graded:  # a grader error: the instructor's to look at, never the student's loss
            review += f" [bold yellow]not graded: {', '.join(v.exercise for v in r.not_graded)}[/]"
        table.add_row(plain(r.student), r.assignment or "?", score, _points(r.max_score), percent, review)
    console.print(table)
