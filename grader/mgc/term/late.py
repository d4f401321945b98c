"""When a notebook was handed in, and what lateness costs.

The time comes from where the notebook came from: nbgrader's exchange and zip_collect leave a
timestamp.txt beside it (zip_collect from the LMS's file names, where they carry one, as
Blackboard's do); a GitHub Classroom repository has the notebook's last commit. With neither, the
time is not known and nothing is late. Both are what the student's side recorded (nbgrader's submit
writes timestamp.txt; a commit's date is whatever its author's clock said): see the instructor
guide on deadlines the platform itself keeps. The due date is the assignment's (course.toml) unless the
roster gives the student an extension; the penalty is course.toml's [late], once, for mgc and
nbgrader (mgc.nbgrader_late) alike.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta, timezone
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
    return committed_at(notebook)


READ_SECONDS = 5  # for one repository's last commit: a crafted one (a link to a pipe) may never answer


def committed_at(notebook: Path) -> datetime | None:
    """When the last commit of the repository `notebook` is in was made (GitHub Classroom takes a
    repository's last commit as what was handed in), if the notebook is in that commit: a notebook a
    repository does not hold (a download unpacked in the course's own clone) has no time from it."""
    top = next((d for d in notebook.parents if (d / ".git").is_dir() and not (d / ".git").is_symlink()), None)
    if top is None or (top / ".git" / "HEAD").is_symlink():
        return None
    found: list = []
    reader = threading.Thread(target=lambda: found.append(_last_commit(top, notebook)), daemon=True)
    reader.start()
    reader.join(READ_SECONDS)
    return found[0] if found else None


def _last_commit(top: Path, notebook: Path) -> datetime | None:
    """Read with dulwich: no git program runs, since a repository's configuration (which a student
    may have written) names programs git would run, a signature checker or an fsmonitor."""
    from dulwich.repo import Repo

    try:
        repo = Repo(str(top))
        commit = repo[b"HEAD"]
        path = notebook.relative_to(top).as_posix().encode()
        repo.object_store[commit.tree].lookup_path(repo.object_store.__getitem__, path)
        return datetime.fromtimestamp(commit.commit_time, timezone(timedelta(seconds=commit.commit_timezone)))
    except Exception:  # a repository is the student's data, and may be broken on purpose: time unknown
        return None


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
