"""A submission's result: who, which assignment, its verdicts, and what became of it. One value, one
row format (`to_row`, `from_row`) that the JSON and CSV gradebooks, the summary and every export read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from mgc.judge.verdict import Status, Verdict, writable

TIED = "claimed as equally as the one that counts"  # a second copy that names alone told apart


class Outcome(StrEnum):
    GRADED = "graded"
    NOT_GRADED = (
        "not graded"  # the grader could not finish it (a dead worker, a grader error): grade it again
    )
    UNREADABLE = "unreadable"  # not a notebook of this course (the reason says why): the student's to mend
    SECOND_COPY = "second copy"  # a student's other notebook for an assignment: not counted
    MISSING = "missing"  # a student on the roster who handed nothing in


@dataclass(frozen=True)
class SubmissionResult:
    student: str
    assignment: str | None
    path: str = ""  # the notebook, resolved (for information: rows are keyed by student and assignment)
    verdicts: tuple[Verdict, ...] = ()
    outcome: Outcome = Outcome.GRADED
    reason: str = ""  # why it is not graded, unreadable or a second copy
    review: tuple[str, ...] = ()  # code that reaches for the grader (mgc.judge.tamper)
    seed: int | None = None  # of the run's random cases
    sha256: str = ""  # of the notebook as it was graded
    code_digest: str = ""  # of its solution cells' code, whitespace aside (for notebooks copied by hand)
    duplicate_of: str = ""  # for a second copy: the notebook that counts instead
    submitted: str = ""  # when it was handed in (ISO 8601), where that is known (mgc.term.late)
    late_days: int = 0  # days (or part days) past the student's due date
    penalty: float = 0.0  # points taken off for it (course.toml's [late])
    name: str = ""  # the student's name, from the roster
    grader_pid: int = field(default=0, compare=False)  # the process that graded it (not exported)

    def __post_init__(self) -> None:
        for name in ("student", "path", "reason", "duplicate_of", "name"):  # names and text from outside
            object.__setattr__(self, name, writable(getattr(self, name)))
        object.__setattr__(self, "review", tuple(writable(r) for r in self.review))

    @property
    def key(self) -> tuple[str, str]:
        """What a gradebook row is named by: the student and the assignment."""
        return (self.student, self.assignment or "")

    @property
    def graded(self) -> bool:
        """Whether a grader finished it (a second copy or an unreadable file counts as finished)."""
        return self.outcome is not Outcome.NOT_GRADED and not any(
            v.status is Status.NOT_GRADED for v in self.verdicts
        )

    @property
    def counts(self) -> bool:
        """Whether this score belongs in the gradebook: graded, and not a second copy."""
        return self.graded and self.outcome in (Outcome.GRADED, Outcome.UNREADABLE, Outcome.MISSING)

    @property
    def raw_score(self) -> float:
        """The points the verdicts give, before any late penalty."""
        return sum(v.points for v in self.verdicts)

    @property
    def score(self) -> float:
        return max(0.0, self.raw_score - self.penalty) if self.penalty else self.raw_score

    @property
    def max_score(self) -> float:
        return sum(v.max_points for v in self.verdicts)

    @property
    def not_graded(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status is Status.NOT_GRADED]

    def with_run(self, seed: int | None, sha256: str) -> SubmissionResult:
        return replace(self, seed=seed, sha256=sha256)

    def to_row(self) -> dict:
        """The one row format: plain JSON values."""
        return {
            "student": self.student,
            "assignment": self.assignment,
            "outcome": str(self.outcome) if self.graded else str(Outcome.NOT_GRADED),
            "score": self.score,
            "max_score": self.max_score,
            "raw_score": self.raw_score,
            "penalty": self.penalty,
            "late_days": self.late_days,
            "submitted": self.submitted,
            "name": self.name,
            "path": self.path,
            "reason": self.reason,
            "duplicate_of": self.duplicate_of,
            "review": list(self.review),
            "seed": self.seed,
            "sha256": self.sha256,
            "code_digest": self.code_digest,
            "exercises": [v.to_json() for v in self.verdicts],
        }

    @classmethod
    def from_row(cls, row: dict) -> SubmissionResult:
        return cls(
            student=row["student"],
            assignment=row.get("assignment"),
            path=row.get("path", ""),
            verdicts=tuple(Verdict.from_json(v) for v in row.get("exercises", [])),
            outcome=Outcome(row.get("outcome", Outcome.GRADED)),
            reason=row.get("reason", ""),
            review=tuple(row.get("review", [])),
            seed=row.get("seed"),
            sha256=row.get("sha256", ""),
            code_digest=row.get("code_digest", ""),
            duplicate_of=row.get("duplicate_of", ""),
            submitted=row.get("submitted", ""),
            late_days=int(row.get("late_days") or 0),
            penalty=float(row.get("penalty") or 0),
            name=row.get("name", ""),
        )
