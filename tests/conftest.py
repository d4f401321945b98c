"""Shared pytest set-up: hypothesis profiles, and a helper that refuses to skip under CI."""

from __future__ import annotations

import os

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
