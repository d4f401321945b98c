"""Grades and graders for other places, one module per platform: Gradescope's autograder, GitHub
Classroom's template repository (and, for the LMS gradebooks, mgc.exports.lms). `mgc export PLATFORM
ASSIGNMENT` finds the platform here; each module has add_arguments(parser) and export(args)."""

from __future__ import annotations

import importlib

PLATFORMS = ("gradescope", "classroom")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")  # Gradescope's, for results


def platform(name: str):
    """The module that exports for platform `name`."""
    return importlib.import_module(f"mgc.exports.{name}")
