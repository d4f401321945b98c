"""When a notebook was handed in, and what lateness costs.

The time comes from where the notebook came from: nbgrader's exchange and zip_collect leave a
timestamp.txt beside it (zip_collect from the LMS's file names, where they carry one, as
Blackboard's do); a GitHub Classroom repository has the notebook's last commit. With neither, the
time is not known and nothing is late. The due date is the assignment's (course.toml) unless the
roster gives the student an extension; the penalty is course.toml's [late], once, for mgc and
nbgrader (mgc.nbgrader_late) alike.
"""

from __future__ import annotations

import math
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from mgc.course.manifest import Assignment, Course


def submitted_at(notebook: Path) -> datetime | None:
    """When `notebook` was handed in, where that is recorded (timestamp.txt, else its git commit)."""
    stamp = notebook.parent / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        try:
            when = _parse(stamp.read_text(encoding="utf-8", errors="replace")[:100].strip())
        except ValueError:
            when = None
        if when is not None:
            return when
    try:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%cI", "--", notebook.name],
            cwd=notebook.parent, capture_output=True, text=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return _parse(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def _parse(text: str) -> datetime | None:
    """nbgrader's timestamp (2026-12-01 23:59:00.000000 UTC) or an ISO time; naive times are UTC."""
    text = text.removesuffix(" UTC").strip()
    if not text:
        return None
    when = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def late_days(submitted: datetime | None, due: datetime | None) -> int:
    """Days (a part of a day counts whole) from `due` to `submitted`; 0 when on time or unknown."""
    if submitted is None or due is None or submitted <= due:
        return 0
    return math.ceil((submitted - due).total_seconds() / 86400)


def penalty(course: Course, assignment: Assignment, score: float, days: int) -> float:
    """The points lateness of `days` costs a score, by course.toml's [late]."""
    return round(score * course.late.share(days), 6) if days else 0.0
