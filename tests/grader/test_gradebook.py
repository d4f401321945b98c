"""The gradebook files survive regrades and interruptions: rows are kept per notebook, Ctrl-C and
SIGTERM write what was graded, and --resume grades only the rest."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from mgc.cli import main
from mgc.course.manifest import ROOT, load

SAMPLES = ROOT / "samples"
MGC = [sys.executable, "-u", "-m", "mgc.cli"]


def _grade(*args: str) -> int:
    return main(["grade", *args, "--gradebook-only", "--no-progress"])


def test_regrading_one_student_keeps_the_rest_of_the_class(tmp_path):
    klass = tmp_path / "class"
    for student in ("ada", "ben", "cleo"):
        shutil.copytree(SAMPLES / student / "engine", klass / student / "engine")
    book, rows = tmp_path / "grades.json", tmp_path / "grades.csv"
    assert _grade(str(klass), "--json", str(book), "--csv", str(rows), "--seed", "5") == 0
    assert _grade(str(klass / "ben"), "--json", str(book), "--csv", str(rows), "--seed", "6") == 0
    data = json.loads(book.read_text())
    assert data["seed"] == 6
    assert [(s["student"], s["seed"]) for s in data["submissions"]] == [("ada", 5), ("ben", 6), ("cleo", 5)]
    table = list(csv.DictReader(rows.open()))
    assert [(r["student"], r["seed"]) for r in table] == [("ada", "5"), ("ben", "6"), ("cleo", "5")]
    assert float(table[0]["score"]) == load().assignment("engine").max_score


def test_two_notebooks_of_one_student_are_two_rows_told_apart_by_path(tmp_path):
    klass = tmp_path / "class"
    shutil.copytree(SAMPLES / "ada" / "engine", klass / "ada" / "engine")
    shutil.copy(SAMPLES / "ben" / "engine" / "engine.ipynb", klass / "ada" / "engine" / "engine-v2.ipynb")
    rows = tmp_path / "grades.csv"
    _grade(str(klass), "--csv", str(rows))
    table = list(csv.DictReader(rows.open()))
    assert sorted(Path(r["path"]).name for r in table) == ["engine-v2.ipynb", "engine.ipynb"]


def test_a_name_a_spreadsheet_would_run_is_written_as_text_and_read_back_as_named(tmp_path):
    # a loose notebook in a flat upload folder is its own student: a red team named one as a formula
    klass = tmp_path / "class"
    klass.mkdir()
    name = '=HYPERLINK("evil","x")'
    shutil.copy(SAMPLES / "ada" / "engine" / "engine.ipynb", klass / f"{name}.ipynb")
    rows = tmp_path / "grades.csv"
    assert _grade(str(klass), "--csv", str(rows)) == 0
    [row] = list(csv.DictReader(rows.open()))
    assert row["student"] == "'" + name and not row["path"].startswith("=")
    assert _grade(str(klass), "--csv", str(rows), "--resume") == 0  # read back as named: nothing to redo
    assert [r["student"] for r in csv.DictReader(rows.open())] == ["'" + name]


def test_a_file_that_is_not_a_gradebook_is_refused_and_left_alone(tmp_path, capsys):
    notes = tmp_path / "notes.csv"
    notes.write_text("name,mark\nada,3\n")
    assert (
        _grade(str(SAMPLES / "ada" / "engine"), "--csv", str(notes)) == 2
        or notes.read_text() == "name,mark\nada,3\n"
    )
    assert notes.read_text() == "name,mark\nada,3\n"


def _slow_class(folder: Path, students: int) -> None:
    """Engine notebooks whose exp hangs: each takes the time limit, long enough to interrupt."""
    notebook = nbformat.read(SAMPLES / "ada" / "engine" / "engine.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    anchor = "        out = Value(math.exp(self.data), (self,), 'exp')\n"
    cell.source = cell.source.replace(anchor, "        while True:\n            pass\n" + anchor)
    for k in range(students):
        (folder / f"s{k:02}" / "engine").mkdir(parents=True)
        nbformat.write(notebook, folder / f"s{k:02}" / "engine" / "engine.ipynb")


def _interrupt_after_first(
    command: list[str], book: Path, how: signal.Signals
) -> subprocess.CompletedProcess:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    for line in process.stdout:  # the first submission's table is printed when it is graded
        if "s00" in line or time.monotonic() > deadline:
            break
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def test_ctrl_c_and_sigterm_write_what_was_graded_and_resume_grades_the_rest(tmp_path):
    klass = tmp_path / "class"
    _slow_class(klass, 6)
    for how in (signal.SIGINT, signal.SIGTERM):
        book = tmp_path / f"{how.name}.json"
        command = [*MGC, "grade", str(klass), "--json", str(book), "--time-limit", "1", "--seed", "3"]
        done = _interrupt_after_first(command, book, how)
        assert done.returncode == 130, done.stderr
        assert "interrupted after" in done.stderr and "--resume" in done.stderr
        assert "Traceback" not in done.stderr
        first = {s["student"] for s in json.loads(book.read_text())["submissions"]}
        assert 1 <= len(first) < 6
        resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        rows = json.loads(book.read_text())["submissions"]
        assert sorted(s["student"] for s in rows) == [f"s{k:02}" for k in range(6)]
        assert all(s["score"] == load().assignment("engine").max_score - 1 for s in rows)  # exp's point
        again = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "already" in again.stdout
    # a notebook handed in again after it was graded is graded again by --resume, and only it
    book = tmp_path / "SIGTERM.json"
    changed = klass / "s02" / "engine" / "engine.ipynb"
    shutil.copy(SAMPLES / "ada" / "engine" / "engine.ipynb", changed)  # now without the hanging exp
    before = {s["student"]: s for s in json.loads(book.read_text())["submissions"]}
    command = [*MGC, "grade", str(klass), "--json", str(book), "--time-limit", "1", "--seed", "3", "--resume"]
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    after = {s["student"]: s for s in json.loads(book.read_text())["submissions"]}
    assert after["s02"]["score"] == load().assignment("engine").max_score
    assert after["s02"]["sha256"] != before["s02"]["sha256"]
    assert {k for k in after if after[k] != before[k]} == {"s02"}


def test_a_notebook_graded_again_keeps_one_row_whatever_name_its_student_had():
    # the gradebook holds rows under roster ids (after mgc grade --roster), a run's new rows under
    # folder names: a late notebook handed in again replaced nothing, and its old score counted
    from mgc.judge.verdict import Verdict
    from mgc.results import gradebook
    from mgc.results.result import SubmissionResult

    old = SubmissionResult(
        "70001", "engine", "/c/submitted/root/engine/engine.ipynb", (Verdict.passing("engine.add", 2),)
    )
    new = SubmissionResult(
        "root", "engine", "/c/submitted/root/engine/engine.ipynb", (Verdict.failing("engine.add", 2, "x"),)
    )
    [row] = gradebook.merged([old], [new])
    assert row.student == "root" and row.score == 0 and row.counts
