"""Shared pytest set-up: hypothesis profiles, a helper that refuses to skip under CI, and a copy
of the course as a fresh clone would have it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


def has_module(name: str) -> bool:
    """True if `name` can be imported here."""
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def require(condition: bool, reason: str) -> None:
    """Skip the calling test on a developer's laptop when `condition` is false; fail under CI."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def copy_of_the_course(folder: Path) -> Path:
    """The course's tracked files, as this work tree has them (uncommitted edits too), in `folder`."""
    root = Path(__file__).resolve().parent.parent
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    for name in filter(None, tracked.stdout.decode().split("\0")):
        if (root / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, folder / name)
    return folder
