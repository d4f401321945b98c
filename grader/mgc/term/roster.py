"""The class roster: who is enrolled, under which ids, with which extensions.

A roster is the CSV an LMS exports (Canvas's gradebook export: Student, ID, SIS User ID, SIS Login
ID, Section; Moodle's grading worksheet: Identifier, Full name, Email address; Blackboard's Grade
Center: Last Name, First Name, Username, Student ID), or any CSV with an id and a name column. A
student's folder of submissions is matched to a roster entry by any of the entry's ids, as the LMS's
own file names carry them (Canvas: name_12345_67890_..., Moodle: Full Name_12345_assignsubmission_...,
Moodle's worksheet: Participant 12345), or as GitHub Classroom names a clone (engine-<login>).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ID_COLUMNS = ("ID", "SIS User ID", "SIS Login ID", "Identifier", "Username", "Student ID", "id", "username",
              "login", "student_id", "Email address", "email")  # fmt: skip
NAME_COLUMNS = ("Student", "Full name", "Name", "name", "student")
FIRST_LAST = (("First Name", "Last Name"), ("First name", "Last name"), ("first_name", "last_name"))
EXTENSION_COLUMNS = ("Extension", "extension", "Due", "due")


class RosterError(Exception):
    """The roster cannot be read, or a name matches no one or more than one."""


@dataclass(frozen=True)
class Student:
    id: str  # the first id column the roster has: what gradebooks and exports are keyed by
    name: str
    ids: tuple[str, ...]  # every id the roster gives for them, as written
    section: str = ""
    extension: datetime | None = None  # a due date of their own, for every assignment
    row: dict = field(default_factory=dict, compare=False, hash=False)  # the roster's row, as read

    @property
    def keys(self) -> set[str]:
        """What a folder or file name may carry to name this student: ids, lowercased, and the number
        in a Moodle identifier (Participant 12345)."""
        found = {i.strip().lower() for i in self.ids if i.strip()}
        found |= {m for i in self.ids for m in re.findall(r"\d{3,}", i)}
        return found


@dataclass(frozen=True)
class Roster:
    students: tuple[Student, ...]
    id_column: str

    def match(self, name: str) -> Student | None:
        """The student a submission's folder (or file) name names, by the LMS's patterns; None when
        it names no one. RosterError when it could be two."""
        lowered = name.lower().removesuffix(".ipynb")
        tokens = {lowered, *re.split(r"[_\s]+", lowered)}
        found = [s for s in self.students if s.keys & tokens]
        if len(found) > 1:
            exact = [s for s in found if lowered in s.keys]
            if len(exact) == 1:
                return exact[0]
            names = ", ".join(s.id for s in found)
            raise RosterError(
                f"the name {name!r} could be any of {names} on the roster: rename its folder to one id"
            )
        return found[0] if found else self._by_suffix(lowered)

    def _by_suffix(self, lowered: str) -> Student | None:
        """GitHub Classroom names a clone <assignment>-<login>, and a login may hold dashes itself: the
        longest part after a dash that is exactly one student's id or login names them."""
        for at in (i for i, c in enumerate(lowered) if c == "-"):
            found = [s for s in self.students if lowered[at + 1 :] in s.keys]
            if len(found) == 1:
                return found[0]
        return None

    def by_id(self) -> dict[str, Student]:
        return {s.id: s for s in self.students}


def _first(row: dict, columns) -> str:
    return next((row[c].strip() for c in columns if (row.get(c) or "").strip()), "")


def read_roster(path: Path) -> Roster:
    """The roster in the CSV file at `path` (an LMS's export, or any CSV with an id and a name)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from None
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    id_columns = [c for c in ID_COLUMNS if c in columns]
    if not id_columns:
        raise RosterError(f"{path}: no id column (one of {', '.join(ID_COLUMNS[:7])}, ...) among {columns}")
    students, seen = [], set()
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "") for k, v in raw.items()}
        name = _first(row, NAME_COLUMNS) or " ".join(
            filter(
                None,
                next(
                    (
                        [row.get(first, "").strip(), row.get(last, "").strip()]
                        for first, last in FIRST_LAST
                        if row.get(first)
                    ),
                    [],
                ),
            )
        )
        ids = tuple(row[c].strip() for c in id_columns if row.get(c, "").strip())
        if "points possible" in name.lower() or not ids:  # Canvas's second row, and blank lines
            continue
        if ids[0] in seen:
            raise RosterError(f"{path}, line {number}: the id {ids[0]!r} is on the roster twice")
        seen.add(ids[0])
        extension = _when(_first(row, EXTENSION_COLUMNS), path, number)
        students.append(Student(ids[0], name or ids[0], ids, row.get("Section", "").strip(), extension, row))
    return Roster(tuple(students), id_columns[0])


def _when(text: str, path: Path, number: int) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise RosterError(
            f"{path}, line {number}: {text!r} is not a date and time (2026-12-01T23:59+00:00)"
        ) from None
    if when.tzinfo is None:
        raise RosterError(f"{path}, line {number}: {text!r} has no time zone (add +00:00, or Z)")
    return when
