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

import itertools
import math
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


COMMITS_READ = 1000  # of a repository's history, newest first: a student's repository may be huge


def committed_at(notebook: Path) -> datetime | None:
    """When the newest commit that changed `notebook` was made, read with dulwich from the nearest
    `.git` folder above it. No git program runs: a repository's own configuration (which a student
    may have written) names programs git would run, a signature checker or an fsmonitor."""
    from dulwich.repo import Repo

    top = next((d for d in notebook.parents if (d / ".git").is_dir() and not (d / ".git").is_symlink()), None)
    if top is None:
        return None
    try:
        repo = Repo(str(top))
        path = notebook.relative_to(top).as_posix().encode()
        for entry in itertools.islice(repo.get_walker(), COMMITS_READ):
            commit = entry.commit
            parent = _file_in(repo, repo[commit.parents[0]].tree, path) if commit.parents else None
            if _file_in(repo, commit.tree, path) != parent:
                zone = timezone(timedelta(seconds=commit.commit_timezone))
                return datetime.fromtimestamp(commit.commit_time, zone)
    except Exception:  # a repository is the student's data, and may be broken on purpose: time unknown
        return None
    return None


def _file_in(repo, tree: bytes, path: bytes) -> bytes | None:
    """The id of the file at `path` in `tree`, or None."""
    store = repo.object_store
    try:
        return store[tree].lookup_path(store.__getitem__, path)[1]
    except KeyError:
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
