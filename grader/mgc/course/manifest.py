"""The course manifest (`course.toml`): every assignment and exercise, named once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path


@cache
def course_root(start: Path | None = None) -> Path:
    """The copy of the course mgc works on: the one it runs from (an editable install), or else the
    nearest folder at or above `start` (the current one) that holds a course.toml."""
    here = Path(__file__).resolve().parents[3]
    if (here / "course.toml").is_file():
        return here
    start = (start or Path.cwd()).resolve()
    return next((f for f in (start, *start.parents) if (f / "course.toml").is_file()), here)


def __getattr__(name: str) -> Path:
    """ROOT (the course's folder) and MANIFEST (its course.toml), found when first asked for."""
    if name == "ROOT":
        return course_root()
    if name == "MANIFEST":
        return course_root() / "course.toml"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ManifestError(Exception):
    """course.toml is missing something or contradicts itself."""


@dataclass(frozen=True)
class Exercise:
    id: str
    points: float
    symbols: tuple[str, ...]
    cell: str
    check: str  # "operation", or a named check of mgc.judge.checks
    ops: tuple[str, ...] = ()  # for an "operation" check: the operations graded on the lecture's cases
    hidden_ops: tuple[str, ...] = ()  # ... and on random cases (ops, if empty)
    primitive: bool = False  # an operation graded with no other one to lean on: it computes its own result

    @property
    def methods(self) -> list[str]:
        """The method names among the symbols ("Value.__add__" -> "__add__")."""
        return [s.split(".", 1)[1] for s in self.symbols if "." in s]

    @property
    def assignment(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def test_cell(self) -> str:
        """The grade_id of the exercise's nbgrader test cell."""
        return "test-" + self.id.replace(".", "-")


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    notebook: str
    exercises: tuple[Exercise, ...]
    due: datetime | None = (
        None  # when it is due (course.toml's `due`), for every student without an extension
    )

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def notebook_name(self) -> str:
        return Path(self.notebook).name


@dataclass(frozen=True)
class LatePolicy:
    """What lateness costs, set once in course.toml's [late]: a share of the score per day (or part of
    a day) past the due date, up to a largest share."""

    per_day: float = 0.0
    most: float = 1.0

    def share(self, days: int) -> float:
        return min(self.most, self.per_day * max(0, days))


@dataclass(frozen=True)
class Course:
    assignments: tuple[Assignment, ...]
    operations: dict[str, str] = field(default_factory=dict, hash=False)  # name -> expression in a, b and c
    root: Path = field(default=Path("."), compare=False)  # the folder of its course.toml
    late: LatePolicy = field(default_factory=LatePolicy, compare=False)

    def assignment_of(self, grade_ids) -> Assignment | None:
        """The assignment a notebook belongs to, by its own nbgrader cells (`grade_ids`: theirs), not
        by its file name: the one whose exercises' test cells it holds. None when it holds none, or
        test cells of two assignments (no notebook the release made)."""
        ids = set(grade_ids)
        found = [a for a in self.assignments if any(e.test_cell in ids for e in a.exercises)]
        return found[0] if len(found) == 1 else None

    def assignment(self, assignment_id: str) -> Assignment:
        for a in self.assignments:
            if a.id == assignment_id:
                return a
        known = ", ".join(a.id for a in self.assignments)
        raise KeyError(f"no assignment {assignment_id!r} in the course (it has {known})")

    def exercise(self, exercise_id: str) -> Exercise:
        for e in self.exercises:
            if e.id == exercise_id:
                return e
        raise KeyError(f"no exercise {exercise_id!r} in the course")

    @property
    def exercises(self) -> list[Exercise]:
        return [e for a in self.assignments for e in a.exercises]

    def to_json(self) -> dict:
        return {
            "assignments": [
                {
                    "id": a.id,
                    "title": a.title,
                    "notebook": a.notebook,
                    "max_score": a.max_score,
                    "exercises": [
                        {"id": e.id, "points": e.points, "symbols": list(e.symbols)} for e in a.exercises
                    ],
                }
                for a in self.assignments
            ]
        }


def _exercise(raw: dict, assignment_id: str) -> Exercise:
    try:
        exercise = Exercise(
            id=raw["id"],
            points=raw["points"],
            symbols=tuple(raw["symbols"]),
            cell=raw["cell"],
            check=raw["check"],
            ops=tuple(raw.get("ops", ())),
            hidden_ops=tuple(raw.get("hidden_ops", ())),
            primitive=bool(raw.get("primitive", False)),
        )
    except KeyError as missing:
        raise ManifestError(f"an exercise of {assignment_id} has no {missing}") from None
    if exercise.check == "operation" and not exercise.ops:
        raise ManifestError(f"exercise {exercise.id} is graded as an operation but names no ops")
    if exercise.assignment != assignment_id:
        raise ManifestError(f"exercise {exercise.id} must start with '{assignment_id}.'")
    if not exercise.points > 0:
        raise ManifestError(f"exercise {exercise.id} must be worth more than 0 points")
    return exercise


def parse(text: str, root: Path = Path(".")) -> Course:
    """Build the course from the text of a manifest (in folder `root`), checking that it is consistent."""
    data = tomllib.loads(text)
    assignments = []
    for raw in data.get("assignments", []):
        try:
            aid, title, notebook = raw["id"], raw["title"], raw["notebook"]
        except KeyError as missing:
            raise ManifestError(f"an assignment has no {missing}") from None
        due = raw.get("due")
        if isinstance(due, datetime) and due.tzinfo is None:
            raise ManifestError(
                f"assignment {aid}: its due date {due} needs a time zone (2026-12-01T23:59:00Z)"
            )
        if due is not None and not isinstance(due, datetime):
            raise ManifestError(
                f"assignment {aid}: due = {due!r} is not a date and time (TOML's 2026-12-01T23:59:00Z)"
            )
        exercises = tuple(_exercise(e, aid) for e in raw.get("exercises", []))
        if not exercises:
            raise ManifestError(f"assignment {aid} has no exercises")
        assignments.append(Assignment(aid, title, notebook, exercises, due))
    ids = [e.id for a in assignments for e in a.exercises] + [a.id for a in assignments]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ManifestError(f"ids used twice: {', '.join(duplicates)}")
    operations = dict(data.get("operations", {}))
    for a in assignments:
        for e in a.exercises:
            unknown = [op for op in (*e.ops, *e.hidden_ops) if op not in operations]
            if unknown:
                names = ", ".join(unknown)
                raise ManifestError(f"exercise {e.id} names operations not in [operations]: {names}")
    late = data.get("late", {})
    try:
        policy = LatePolicy(float(late.get("penalty_per_day", 0.0)), float(late.get("largest_penalty", 1.0)))
    except (TypeError, ValueError):
        raise ManifestError(
            "[late]: penalty_per_day and largest_penalty are shares of the score (0.1 is 10%)"
        ) from None
    if not (0 <= policy.per_day <= 1 and 0 <= policy.most <= 1):
        raise ManifestError(
            "[late]: penalty_per_day and largest_penalty are shares of the score, from 0 to 1"
        )
    return Course(tuple(assignments), operations, root, policy)


def load(path: Path | None = None) -> Course:
    """The course described by `path` (by default the course.toml of course_root()), read once."""
    return _load(path or course_root() / "course.toml")


@cache
def _load(path: Path) -> Course:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(
            f"no course manifest at {path}: run mgc from inside a copy of the course, or install the "
            "copy with `pip install -e` (see the student guide)"
        ) from None
    return parse(text, path.parent)
