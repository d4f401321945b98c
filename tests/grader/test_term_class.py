"""A whole term's assignment, at the size of a real class, with the instructor guide's own commands:
a roster of 310, an LMS download of 300 notebooks (5 late, 2 of them within an extension, 3 pairs
handed in twice, 4 files that are no notebook), to the LMS's import file and a feedback page for
every student. Every student on the roster is accounted for, once."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT

from tests.conftest import copy_of_the_course, has_module, require

GUIDE = (ROOT / "docs" / "instructor.md").read_text()
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
ON_THE_ROSTER, HANDED_IN = 310, 300
LATE = [f"u{n:03}" for n in range(1, 6)]  # two days late
EXTENDED = ["u011", "u012"]  # a day late, within their three days' extension
TWINS = [("u101", "u102"), ("u103", "u104"), ("u105", "u106")]
BROKEN = {"u201": b"{not json", "u202": b"%PDF-1.4 a scan", "u203": b"", "u204": b'{"cells": 3}'}
SAMPLES = {"ada": 17, "ben": 15, "cleo": None, "eve": 0}  # full, one mistake, the rest, stubs


def _guide_command(start: str) -> str:
    """The one command of the instructor guide that starts with `start`, as the guide writes it."""
    found = [line for line in GUIDE.splitlines() if line.startswith(start)]
    assert len(found) == 1, f"the guide has {len(found)} commands starting {start!r}"
    return found[0]


def _notebook(sample: str, student: str) -> bytes:
    """`sample`'s engine notebook, made this student's own: a comment with their name in each
    solution cell, so no two students hand in the same code unless they copied."""
    notebook = json.loads((ROOT / "samples" / sample / "engine" / "engine.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            source = "".join(cell["source"])
            cell["source"] = f"# {student}'s work\n{source}"
    return json.dumps(notebook, indent=1).encode()


@pytest.mark.slow
def test_a_class_of_300_goes_from_the_lms_download_to_its_import_file_and_feedback(tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    course = copy_of_the_course(tmp_path / "course")
    toml = (course / "course.toml").read_text()
    due = f'id = "engine"\ndue = {DUE:%Y-%m-%dT%H:%M:%SZ}\n'
    (course / "course.toml").write_text(toml.replace('id = "engine"\n', due, 1))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MGC_SANDBOX")}
    env |= {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(course / "grader"),
    }

    def run(command: str) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command], cwd=course, env=env, capture_output=True, text=True,
            timeout=1800,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}\n{(done.stdout + done.stderr)[-4000:]}"
        return done.stdout + done.stderr

    run("mgc release")
    # Blackboard's Grade Center download is the roster; its download names carry each attempt's time
    students = [f"u{n:03}" for n in range(1, ON_THE_ROSTER + 1)]
    with (course / "roster.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Last Name", "First Name", "Username", "Student ID", "Extension"])
        for n, student in enumerate(students, 1):
            extension = f"{DUE + timedelta(days=3):%Y-%m-%dT%H:%M:%S%z}" if student in EXTENDED else ""
            writer.writerow([f"Student{n}", "Sam", student, f"{900000 + n}", extension])
    archive = course / "downloaded" / "engine" / "archive"
    archive.mkdir(parents=True)
    copied = {second: first for first, second in TWINS}
    made: dict[str, bytes] = {}
    with zipfile.ZipFile(archive / "engine.zip", "w", zipfile.ZIP_DEFLATED) as download:
        for n, student in enumerate(students[:HANDED_IN]):
            when = DUE - timedelta(hours=2)
            if student in LATE:
                when = DUE + timedelta(days=1, hours=1)
            elif student in EXTENDED:
                when = DUE + timedelta(hours=20)
            sample = list(SAMPLES)[n % len(SAMPLES)]
            if student in BROKEN:
                data = BROKEN[student]
            else:
                data = made[copied[student]] if student in copied else _notebook(sample, student)
            made[student] = data
            stamp = f"{when:%Y-%m-%d-%H-%M-%S}"
            download.writestr(f"Engine_{student}_attempt_{stamp}_engine.ipynb", data)
            download.writestr(f"Engine_{student}_attempt_{stamp}.txt", f"Name: Sam\nUsername: {student}\n")

    run(_guide_command("nbgrader zip_collect engine"))
    assert len(list((course / "submitted").glob("*/engine/engine.ipynb"))) == HANDED_IN

    (course / "grades").mkdir()
    grade = _guide_command("mgc grade submitted/ --roster roster.csv --jobs 0")
    printed = run(grade)
    rows = json.loads((course / "grades" / "engine.json").read_text())["submissions"]
    engine = [r for r in rows if r["assignment"] == "engine"]
    assert sorted(r["student"] for r in engine) == students  # every student, once
    outcomes = {r["student"]: r["outcome"] for r in engine}
    assert [s for s, o in outcomes.items() if o == "missing"] == students[HANDED_IN:]
    assert sorted(s for s, o in outcomes.items() if o == "unreadable") == sorted(BROKEN)
    assert sum(o == "graded" for o in outcomes.values()) == HANDED_IN - len(BROKEN)
    late = {r["student"]: r for r in engine if r["late_days"]}
    assert sorted(late) == LATE and {r["late_days"] for r in late.values()} == {2}
    for r in late.values():  # 2 days at 0.1 a day
        assert r["score"] == pytest.approx(r["raw_score"] * 0.8)
    assert all(outcomes[s] == "graded" and s not in late for s in EXTENDED)
    scores = {r["student"]: r["score"] for r in engine}
    for n, student in enumerate(students[:HANDED_IN]):
        full = SAMPLES[list(SAMPLES)[n % len(SAMPLES)]]
        if full is not None and student not in BROKEN and student not in LATE and student not in copied:
            assert scores[student] == full, student
    assert (
        "Handed in nothing (10)" in printed and "Could not be read (4)" in printed and "Late (5)" in printed
    )
    for first, second in TWINS:
        assert f"{first}, {second}" in printed

    export = _guide_command("mgc export grades --to canvas").replace("--to canvas", "--to csv")
    run(export.replace("canvas-import.csv", "import.csv"))
    with (course / "grades" / "import.csv").open() as imported:
        marks = {row["id"]: row for row in csv.DictReader(imported)}
    assert list(marks) == students
    assert all(marks[s]["engine"] == "0" for s in students[HANDED_IN:])
    assert marks["u001"]["engine"] == f"{scores['u001']:g}"

    run(_guide_command("mgc feedback grades/engine.json"))
    pages = sorted(p.parent.name for p in (course / "grades" / "feedback").glob("*/engine.html"))
    assert pages == students
    with zipfile.ZipFile(course / "grades" / "feedback-moodle.zip") as feedback:
        names = feedback.namelist()
    assert len(names) == ON_THE_ROSTER and len(set(names)) == ON_THE_ROSTER
    assert all(
        re.fullmatch(r"Sam Student\d+_\d+_assignsubmission_file_/engine-feedback\.html", n) for n in names
    )
