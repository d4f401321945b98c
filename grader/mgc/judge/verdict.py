"""A verdict: what grading one exercise of one submission came to. A value, read by every report,
export and summary; nothing parses its text back."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_GRADED = "not graded"  # the grader broke or could not run the code: never the student's loss


@dataclass(frozen=True)
class Verdict:
    exercise: str
    status: Status
    points: float  # awarded
    max_points: float
    message: str = ""  # which inputs, what was expected, what came back; or why it was not graded
    hint: str = ""  # the classic mistake that explains what came back, when one does

    def __post_init__(self) -> None:
        for name in ("message", "hint"):  # they quote the student's code and errors
            object.__setattr__(self, name, writable(getattr(self, name)))

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def feedback(self) -> str:
        """The message and the hint, as a student reads them."""
        return self.message + (f"\nhint: {self.hint}" if self.hint else "")

    def to_json(self) -> dict:
        return asdict(self) | {"status": str(self.status)}

    @classmethod
    def from_json(cls, data: dict) -> Verdict:
        return cls(**{**data, "status": Status(data["status"])})

    @classmethod
    def passing(cls, exercise: str, points: float) -> Verdict:
        return cls(exercise, Status.PASSED, points, points)

    @classmethod
    def failing(cls, exercise: str, points: float, message: str, hint: str = "") -> Verdict:
        return cls(exercise, Status.FAILED, 0, points, message, hint)

    @classmethod
    def not_graded(cls, exercise: str, points: float, reason: str) -> Verdict:
        return cls(exercise, Status.NOT_GRADED, 0, points, reason)


def writable(text: str) -> str:
    """`text` as any UTF-8 file takes it: a lone surrogate (a file name that is not UTF-8, a student's
    escape) becomes its escape, so that no writer for a whole class stops at one student's row."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
