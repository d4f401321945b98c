"""A term: the roster, every student accounted for, late work, the LMS's files both ways (its
downloads' names, its import files), feedback to every student, and what a student can do with
names and files."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from mgc.cli import main
from mgc.course.manifest import ROOT, LatePolicy, load
from mgc.exports.lms import grades
from mgc.grading.run import Options, grade_paths
from mgc.results import gradebook
from mgc.results.feedback import page
from mgc.results.result import Outcome
from mgc.term import account, identical
from mgc.term.late import late_days
from mgc.term.roster import RosterError, read_roster

from tests.conftest import copy_of_the_course, has_module, require

SAMPLES = ROOT / "samples"
ENGINE = load().assignment("engine")
FULL = ENGINE.max_score

CANVAS = """Student,ID,SIS User ID,SIS Login ID,Section,engine (4242)
    Points Possible,,,,,17
"Lovelace, Ada",12345,S-12345,ada,A,
"Babbage, Ben",23456,S-23456,ben,A,
"Cooper, Cleo",34567,S-34567,cleo,B,
"""
MOODLE = """Identifier,Full name,Email address,Status
Participant 5551,Ada Lovelace,ada@example.org,Submitted
Participant 5552,Ben Babbage,ben@example.org,No submission
"""
BLACKBOARD = """Last Name,First Name,Username,Student ID,Extension
Lovelace,Ada,alovelace,900001,
Babbage,Ben,bbabbage,900002,2026-12-03T23:59:00+00:00
"""


def _roster(tmp_path: Path, text: str):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return read_roster(path)


def test_a_roster_is_read_as_each_lms_exports_it(tmp_path):
    canvas = _roster(tmp_path, CANVAS)
    assert [s.id for s in canvas.students] == ["12345", "23456", "34567"]  # Points Possible is no student
    assert canvas.students[0].name == "Lovelace, Ada" and canvas.students[2].section == "B"
    assert canvas.match("ada_12345_67890_engine.ipynb").id == "12345"  # Canvas's file name
    assert canvas.match("ben").id == "23456" and canvas.match("S-34567").id == "34567"
    assert canvas.match("dora") is None
    moodle = _roster(tmp_path, MOODLE)
    assert moodle.match("Ada Lovelace_5551_assignsubmission_file_").name == "Ada Lovelace"
    assert moodle.match("5552").id == "Participant 5552"
    board = _roster(tmp_path, BLACKBOARD)
    assert board.students[1].name == "Ben Babbage" and board.match("bbabbage").id == "bbabbage"
    assert board.students[1].extension == datetime(2026, 12, 3, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Name,Grade\nAda,3\n", "no id column"),
        ("ID,Name\n1,Ada\n1,Ben\n", "on the roster twice"),
        ("ID,Name,Extension\n1,Ada,next week\n", "not a date and time"),
        ("ID,Name,Extension\n1,Ada,2026-12-01T23:59\n", "no time zone"),
    ],
)
def test_a_roster_that_cannot_be_read_says_why(tmp_path, text, words):
    with pytest.raises(RosterError, match=words):
        _roster(tmp_path, text)


def _class(tmp_path: Path) -> Path:
    klass = tmp_path / "class"
    shutil.copytree(SAMPLES / "ada" / "engine", klass / "12345" / "engine")  # Ada, by her Canvas id
    shutil.copytree(SAMPLES / "ben" / "engine", klass / "ben" / "engine")  # Ben, by his login
    (klass / "34567" / "engine").mkdir(parents=True)  # Cleo: a folder with a PDF only
    (klass / "34567" / "engine" / "engine.pdf").write_bytes(b"%PDF-1.4")
    shutil.copytree(SAMPLES / "dan" / "engine", klass / "dora" / "engine")  # not on the roster
    return klass


def test_every_student_on_the_roster_has_a_row_and_the_missing_are_named(tmp_path, capsys):
    klass = _class(tmp_path)
    (tmp_path / "roster.csv").write_text(CANVAS)
    book = tmp_path / "grades.json"
    command = ["grade", str(klass), "--roster", str(tmp_path / "roster.csv"), "--quiet", "--no-progress"]
    assert main([*command, "--seed", "3", "--json", str(book)]) == 0
    printed = capsys.readouterr().out
    rows = {(r.student, r.assignment): r for r in gradebook.read(book)}
    assert rows[("12345", "engine")].score == FULL and rows[("12345", "engine")].name == "Lovelace, Ada"
    assert rows[("23456", "engine")].score < FULL  # ben's folder, matched by his login
    assert rows[("34567", "engine")].outcome == Outcome.MISSING and rows[("34567", "engine")].score == 0
    assert "not on the roster" in rows[("dora", "engine")].reason
    assert "Handed in nothing (1)" in printed and "Not on the roster (1)" in printed


def test_the_lms_import_files_have_the_layouts_the_lms_documents(tmp_path):
    klass = _class(tmp_path)
    roster = _roster(tmp_path, CANVAS)
    rows = account(grade_paths([klass], Options(seed=3)), load(), roster, ["engine"])
    canvas = list(csv.reader(io.StringIO(grades(rows, roster, load(), "canvas", ["engine"]))))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "engine (4242)"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", f"{FULL:g}"]
    assert canvas[2] == ["Lovelace, Ada", "12345", "S-12345", "ada", "A", f"{FULL:g}"]
    assert [row[1] for row in canvas[2:]] == ["12345", "23456", "34567"]  # the roster's students only
    assert canvas[4][5] == "0"  # Cleo handed in nothing
    moodle = list(
        csv.reader(io.StringIO(grades(rows, _roster(tmp_path, MOODLE), load(), "moodle", ["engine"])))
    )
    assert moodle[0] == ["Email address", "Identifier", "Full name", "engine"]
    plain = list(csv.reader(io.StringIO(grades(rows, roster, load(), "csv", ["engine"]))))
    assert plain[0] == ["id", "name", "engine (4242)"] and plain[1][0] == "12345"


def test_a_score_that_could_not_be_graded_is_left_blank_never_0(tmp_path):
    roster = _roster(tmp_path, CANVAS)
    rows = account(grade_paths([_class(tmp_path)], Options(seed=3)), load(), roster, ["engine"])
    ada = next(r for r in rows if r.student == "12345")
    broken = replace(ada, outcome=Outcome.NOT_GRADED, reason="not graded: the grader failed")
    text = grades([broken if r is ada else r for r in rows], roster, load(), "canvas", ["engine"])
    assert list(csv.reader(io.StringIO(text)))[2][5] == ""


def test_late_work_costs_what_course_toml_says_with_the_rosters_extensions(tmp_path):
    due = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    assert late_days(due + timedelta(minutes=1), due) == 1 and late_days(due + timedelta(days=2), due) == 2
    assert late_days(due - timedelta(days=1), due) == 0 and late_days(None, due) == 0
    course = replace(load(), late=LatePolicy(0.1, 0.5))
    course = replace(
        course, assignments=tuple(replace(a, due=due) if a.id == "engine" else a for a in course.assignments)
    )
    klass = tmp_path / "class"
    for student, days in (("alovelace", 0), ("bbabbage", 2)):
        shutil.copytree(SAMPLES / "ada" / "engine", klass / student / "engine")
        stamp = (due + timedelta(days=days, minutes=-30 if not days else 30)).strftime(
            "%Y-%m-%d %H:%M:%S.%f UTC"
        )
        (klass / student / "engine" / "timestamp.txt").write_text(stamp)
    roster = _roster(tmp_path, BLACKBOARD)  # Ben has an extension to 2026-12-03T23:59
    rows = {r.student: r for r in account(grade_paths([klass], Options(seed=3)), course, roster, ["engine"])}
    assert rows["alovelace"].late_days == 0 and rows["alovelace"].score == FULL
    # handed in 2 days and 30 minutes late; the extension leaves 30 minutes: one day, 10% off
    assert rows["bbabbage"].late_days == 1 and rows["bbabbage"].penalty == pytest.approx(FULL * 0.1)
    assert rows["bbabbage"].score == pytest.approx(FULL * 0.9)
    without = {r.student: r for r in account(grade_paths([klass], Options(seed=3)), course, None, ["engine"])}
    assert without["bbabbage"].late_days == 3 and without["bbabbage"].penalty == pytest.approx(FULL * 0.3)


def test_nbgrader_takes_the_same_penalty(tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    from mgc.nbgrader_late import CourseLatePenalty
    from nbgrader.preprocessors import AssignLatePenalties

    step = AssignLatePenalties(plugin_class=CourseLatePenalty)
    step.assignment_id = "engine"  # what its preprocess() sets from the notebook's resources
    step.init_plugin()
    plugin = step.plugin_inst
    assert plugin.late_submission_penalty("ada", 10.0, 0) is None
    share = load().late.share(2)
    assert plugin.late_submission_penalty("ada", 10.0, 86400 + 1) == pytest.approx(10.0 * share)


def test_identical_notebooks_are_listed_for_review(tmp_path, capsys):
    klass = tmp_path / "class"
    for student in ("ada", "ada-twin"):
        shutil.copytree(SAMPLES / "ada" / "engine", klass / student / "engine")
    notebook = nbformat.read(SAMPLES / "cleo" / "engine" / "engine.ipynb", as_version=4)
    shutil.copytree(SAMPLES / "cleo" / "engine", klass / "cleo" / "engine")
    for cell in notebook.cells:  # the same code, re-indented: another file, the same answer
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = cell.source.replace("    ", "  ")
    (klass / "cleo-copy" / "engine").mkdir(parents=True)
    nbformat.write(notebook, klass / "cleo-copy" / "engine" / "engine.ipynb")
    rows = grade_paths([klass], Options(seed=3))
    assert identical(rows) == [("engine", ["ada", "ada-twin"]), ("engine", ["cleo", "cleo-copy"])]
    assert main(["grade", str(klass), "--seed", "3", "--quiet", "--no-progress"]) == 0
    assert "ada, ada-twin" in capsys.readouterr().out


def test_a_feedback_page_shows_a_students_text_as_text(tmp_path):
    klass = tmp_path / "class"
    notebook = nbformat.read(SAMPLES / "ada" / "engine" / "engine.ipynb", as_version=4)
    value = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    value.source = value.source.replace(
        "    def exp(self):\n",
        "    def exp(self):\n        raise ValueError('<script>alert(1)</script><img src=x onerror=x()>')\n",
    )
    (klass / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(notebook, klass / "mallory" / "engine" / "engine.ipynb")
    [row] = grade_paths([klass], Options(seed=3))
    html = page(row, load())
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "default-src 'none'" in html  # and nothing on it may run or fetch, should anything slip
    book = tmp_path / "grades.json"
    gradebook.save([row], book)
    assert (
        main(["feedback", str(book), "--out", str(tmp_path / "pages"), "--zip", str(tmp_path / "f.zip")]) == 0
    )
    assert (tmp_path / "pages" / "mallory" / "engine.html").exists()
    with zipfile.ZipFile(tmp_path / "f.zip") as z:
        assert z.namelist() == ["mallory_mallory_assignsubmission_file_/engine-feedback.html"]


# ---- names and files: what a student can do with them ---------------------------------------------


def test_a_folder_named_after_a_classmate_inside_ones_own_never_counts_for_the_classmate(tmp_path):
    klass = tmp_path / "submitted"
    shutil.copytree(SAMPLES / "eve" / "engine", klass / "eve" / "engine")
    shutil.copytree(
        SAMPLES / "ada" / "engine", klass / "eve" / "engine" / "ada"
    )  # eve/engine/ada/engine.ipynb
    for given in (klass, klass / "eve"):  # a class run, and a regrade of eve alone
        rows = grade_paths([given], Options(seed=3))
        assert {r.student for r in rows} == {"eve"}, [r.path for r in rows]
        assert [r.outcome for r in rows if r.counts] == [Outcome.GRADED]


def test_a_loose_notebook_after_a_run_never_becomes_a_second_counted_row_on_resume(tmp_path):
    klass = tmp_path / "class"
    shutil.copytree(SAMPLES / "ada" / "engine", klass / "ada" / "engine")
    book = tmp_path / "grades.json"
    assert main(["grade", str(klass), "--seed", "3", "--quiet", "--no-progress", "--json", str(book)]) == 0
    shutil.copy(SAMPLES / "eve" / "engine" / "engine.ipynb", klass / "ada.ipynb")  # stubs, named after ada
    assert (
        main(
            ["grade", str(klass), "--seed", "3", "--quiet", "--no-progress", "--json", str(book), "--resume"]
        )
        == 0
    )
    rows = gradebook.read(book)
    counted = [r for r in rows if r.student == "ada" and r.counts]
    assert len(counted) == 1 and counted[0].score == FULL
    assert [r.outcome for r in rows if r.path.endswith("ada.ipynb")] == [Outcome.SECOND_COPY]


def test_regrading_from_inside_the_class_folder_keeps_one_row(tmp_path, monkeypatch):
    klass = tmp_path / "class"
    shutil.copytree(SAMPLES / "ben" / "engine", klass / "s004" / "engine")
    book = tmp_path / "grades.json"
    assert main(["grade", str(klass), "--seed", "3", "--quiet", "--no-progress", "--json", str(book)]) == 0
    monkeypatch.chdir(klass)
    assert main(["grade", "s004", "--seed", "3", "--quiet", "--no-progress", "--json", str(book)]) == 0
    assert [(r.student, r.assignment) for r in gradebook.read(book)] == [("s004", "engine")]


def test_a_notebook_is_what_its_cells_say_whatever_its_name(tmp_path):
    klass = tmp_path / "class"
    (klass / "ada" / "engine").mkdir(parents=True)
    shutil.copy(
        SAMPLES / "ada" / "nn" / "nn.ipynb", klass / "ada" / "engine" / "engine.ipynb"
    )  # nn, misnamed
    shutil.copy(SAMPLES / "ada" / "engine" / "engine.ipynb", klass / "ada" / "Copy of engine (1).ipynb")
    rows = {r.assignment: r for r in grade_paths([klass], Options(seed=3))}
    assert rows["nn"].score == load().assignment("nn").max_score  # graded as the nn notebook it is
    assert rows["engine"].score == FULL


def test_a_broken_or_huge_notebook_is_refused_fast_and_the_class_graded(tmp_path):
    klass = tmp_path / "class"
    shutil.copytree(SAMPLES / "ada" / "engine", klass / "ada" / "engine")
    ints = json.loads((SAMPLES / "ada" / "engine" / "engine.ipynb").read_text())
    ints["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                          "source": list(range(60_000))})  # fmt: skip
    (klass / "ints" / "engine").mkdir(parents=True)
    (klass / "ints" / "engine" / "engine.ipynb").write_text(json.dumps(ints))
    huge = json.loads((SAMPLES / "ada" / "engine" / "engine.ipynb").read_text())
    huge["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                          "source": "x;" * 3_000_000})  # fmt: skip
    (klass / "huge" / "engine").mkdir(parents=True)
    (klass / "huge" / "engine" / "engine.ipynb").write_text(json.dumps(huge))
    started = time.monotonic()
    rows = {r.student: r for r in grade_paths([klass], Options(seed=3))}
    assert time.monotonic() - started < 120  # a hang guard: nbformat took 23 s over a list of ints
    assert rows["ada"].score == FULL
    assert "source is not text" in rows["ints"].reason and rows["ints"].outcome == Outcome.UNREADABLE
    assert "KiB of code" in rows["huge"].reason


# ---- the LMS's download, collected --------------------------------------------------------------


def _collect(course: Path, names: dict[str, Path], nested: dict[str, dict[str, Path]] | None = None):
    archive = course / "downloaded" / "engine" / "archive"
    shutil.rmtree(course / "downloaded", ignore_errors=True)
    shutil.rmtree(course / "submitted", ignore_errors=True)
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "engine.zip", "w") as z:
        for name, source in names.items():
            z.write(source, name)
        for name, inner in (nested or {}).items():  # a zip a student uploaded, inside the download
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as student_zip:
                for inner_name, source in inner.items():
                    student_zip.write(source, inner_name)
            z.writestr(name, buffer.getvalue())
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(course / "grader"),
    }
    return subprocess.run(
        ["nbgrader", "zip_collect", "engine"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_zip_collect_files_canvas_moodle_and_blackboard_names_and_nothing_else(tmp_path):
    require(has_module("nbgrader"), "nbgrader is not installed")
    course = copy_of_the_course(tmp_path / "course")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(course / "grader"),
    }
    subprocess.run(
        [str(Path(sys.executable).parent / "mgc"), "release"],
        cwd=course,
        env=env,
        check=True,
        capture_output=True,
    )
    ada, ben = SAMPLES / "ada" / "engine" / "engine.ipynb", SAMPLES / "ben" / "engine" / "engine.ipynb"
    names = {
        "ada_12345_67890_engine.ipynb": ada,  # Canvas
        "ben_late_23456_78901_Engine.ipynb": ben,  # Canvas, late, the name cased otherwise
        "ben_late_23456_78902_engine-1.ipynb": ben,  # Canvas's resubmission
        "Cleo Cooper_5553_assignsubmission_file_/engine.ipynb": ada,  # Moodle
        "Engine_dan.k_attempt_2026-12-01-23-59-00_engine.ipynb": ada,  # Blackboard, with its time
        "Engine_dan.k_attempt_2026-12-01-23-59-00.txt": ada,  # Blackboard's receipt: skipped
        "eve_56789_1_upload.zip": ada,  # placeholder, replaced by the nested zip below
    }
    names.pop("eve_56789_1_upload.zip")
    nested = {"eve_56789_1_upload.zip": {"ada_12345_67890_engine.ipynb": ada, "../../.._1_engine.ipynb": ada}}
    done = _collect(course, names, nested)
    assert done.returncode == 0, done.stderr[-3000:]
    filed = sorted(str(p.relative_to(course / "submitted")) for p in (course / "submitted").rglob("*.ipynb"))
    assert filed == [
        "12345/engine/engine.ipynb",
        "23456/engine/2-ben_late_23456_78902_engine-1.ipynb",
        "23456/engine/engine.ipynb",
        "5553/engine/engine.ipynb",
        "56789/engine/2-ada_12345_67890_engine.ipynb",  # eve's upload is eve's, whatever its files are named
        "56789/engine/engine.ipynb",
        "dan.k/engine/engine.ipynb",
    ]
    assert (
        (course / "submitted" / "dan.k" / "engine" / "timestamp.txt")
        .read_text()
        .startswith("2026-12-01 23:59:00")
    )
    assert not (
        course / "submitted" / "12345" / "engine" / "2-engine.ipynb"
    ).exists()  # ada got nothing of eve's
    outside = [
        p
        for p in course.rglob("*.ipynb")
        if "_1_engine" in p.name and "submitted" not in p.parts and "downloaded" not in p.parts
    ]
    assert outside == []
    # a notebook no pattern places stops the collect, naming it
    stray = _collect(course, {**names, "homework final.ipynb": ada})
    assert stray.returncode != 0 and "homework final.ipynb" in stray.stdout + stray.stderr


def test_an_uploaded_archive_is_unpacked_inside_its_folder_whatever_its_members_say(tmp_path, monkeypatch):
    require(has_module("nbgrader"), "nbgrader is not installed")
    from mgc import nbgrader_collect
    from mgc.nbgrader_collect import SafeExtractor

    monkeypatch.setattr(nbgrader_collect, "MEMBER_LIMIT", 1000)
    archive, out = tmp_path / "archive", tmp_path / "out"
    archive.mkdir()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deeper/../../../../escaped.ipynb", "{}")
    with zipfile.ZipFile(archive / "download.zip", "w") as z:
        z.writestr("ada_1_2_engine.ipynb", "{}")
        z.writestr("../../up.ipynb", "{}")
        z.writestr("/etc/absolute.ipynb", "{}")
        z.writestr("C:\\windows.ipynb", "{}")
        link = zipfile.ZipInfo("link.ipynb")
        link.external_attr = 0o120777 << 16  # a symbolic link to a file outside
        z.writestr(link, "/etc/passwd")
        z.writestr("big.ipynb", "x" * 5000)  # past the (lowered) member limit
        z.writestr("eve_5_6_upload.zip", inner.getvalue())
    (archive / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with tarfile.open(archive / "bob_7_8_upload.tar.gz", "w:gz") as t:
        member = tarfile.TarInfo("../../tarred.ipynb")
        member.size = 2
        t.addfile(member, io.BytesIO(b"{}"))
    SafeExtractor().extract(str(archive), str(out))
    found = sorted(
        str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.ipynb") if "archive" not in p.parts
    )
    assert found == [
        "out/bob_7_8_upload/tarred.ipynb",
        "out/download/ada_1_2_engine.ipynb",
        "out/download/etc/absolute.ipynb",
        "out/download/eve_5_6_upload/deeper/escaped.ipynb",
        "out/download/up.ipynb",
        "out/download/windows.ipynb",
    ]
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_a_name_a_student_chose_is_shown_in_the_terminal_never_obeyed(tmp_path):
    klass = tmp_path / "class"
    named = "eve\x1b[2J\x1b]0;pwned\x07\u202egnp.exe"  # clear the screen, retitle it, reverse the text
    shutil.copytree(SAMPLES / "ben" / "engine", klass / named / "engine")
    roster = tmp_path / "roster.csv"
    roster.write_text("ID,Name\n12345,Ada\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "grader"), "COLUMNS": "200"}
    command = [sys.executable, "-m", "mgc.cli", "grade", str(klass), "--roster", str(roster), "--seed", "3"]
    done = subprocess.run(command, capture_output=True, env=env, timeout=600)
    printed = done.stdout + done.stderr
    assert b"\x1b" not in printed and b"\x07" not in printed and "\u202e".encode() not in printed
    assert b"eve\\x1b[2J" in printed  # shown, as text


def _git(folder: Path, *args: str, date: str = "2026-12-01T12:00:00+01:00", **kwargs) -> str:
    env = os.environ | {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    command = ["git", "-c", "user.name=s", "-c", "user.email=s@s", *args]
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, check=True, **kwargs
    ).stdout


def test_a_notebooks_commit_time_is_read_without_running_anything_the_repository_names(tmp_path):
    # a red team's: a Classroom repository holding, as plain files, a bare repository in sub/ whose
    # config has git run ./verify.sh (gpg.program, for a signed commit) when `git log` looks there
    require(shutil.which("git") is not None, "git is not installed")
    from mgc.term.late import submitted_at

    student, inner = tmp_path / "laptop" / "engine-mallory", tmp_path / "laptop" / "inner.git"
    (student / "sub").mkdir(parents=True)
    _git(student, "init", "-q")
    for folder in (student, student / "sub"):
        shutil.copy(ROOT / "exercises" / "engine" / "engine.ipynb", folder)
    _git(tmp_path, "init", "-q", "--bare", str(inner))
    bare = {"GIT_DIR": str(inner), "GIT_WORK_TREE": str(student / "sub")}
    subprocess.run(["git", "add", "engine.ipynb"], env=os.environ | bare, check=True)
    subprocess.run(
        ["git", "-c", "user.name=m", "-c", "user.email=m@m", "commit", "-qm", "x"],
        env=os.environ | bare,
        check=True,
    )
    head = subprocess.run(
        ["git", "cat-file", "-p", "HEAD"], env=os.environ | bare, capture_output=True, text=True
    ).stdout
    top, _, message = head.partition("\n\n")
    signed = (
        top + "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQ==\n -----END PGP SIGNATURE-----\n\n" + message
    )
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        input=signed,
        env=os.environ | bare,
        capture_output=True,
        text=True,
    )
    subprocess.run(["git", "update-ref", "HEAD", made.stdout.strip()], env=os.environ | bare, check=True)
    for part in ("HEAD", "objects", "refs"):
        shutil.copytree(inner / part, student / "sub" / part) if part != "HEAD" else shutil.copy(
            inner / part, student / "sub"
        )
    proof = tmp_path / "RAN"
    (student / "sub" / "config").write_text(
        "[core]\n\tbare = true\n[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ./verify.sh\n"
    )
    (student / "sub" / "verify.sh").write_text(f"#!/bin/sh\necho ran > {proof}\nexit 1\n")
    (student / "sub" / "verify.sh").chmod(0o755)
    _git(student, "add", "-A")
    _git(student, "commit", "-qm", "hand in", date="2026-12-02T08:30:00+00:00")
    _git(
        student,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "later, the notebook untouched",
        date="2026-12-05T00:00:00+00:00",
    )
    clone = tmp_path / "classroom" / "engine-mallory"
    _git(tmp_path, "clone", "-q", str(student), str(clone))

    handed_in = datetime(2026, 12, 5, tzinfo=UTC)  # the repository's last commit, as Classroom takes it
    assert submitted_at(clone / "engine.ipynb") == handed_in
    assert submitted_at(clone / "sub" / "engine.ipynb") == handed_in  # the clone's repository, not sub/
    assert not proof.exists()
    # a download unpacked in a repository that does not hold it (the course's own clone): no time
    shutil.copy(clone / "engine.ipynb", clone / "downloaded.ipynb")
    assert submitted_at(clone / "downloaded.ipynb") is None
    # a crafted repository whose branch is a link to a pipe: given up on, not waited for
    branch = clone / ".git" / "refs" / "heads" / _git(clone, "branch", "--show-current").strip()
    (clone / ".git" / "packed-refs").unlink(missing_ok=True)
    os.mkfifo(tmp_path / "pipe")
    branch.unlink(missing_ok=True)
    branch.symlink_to(tmp_path / "pipe")
    assert submitted_at(clone / "engine.ipynb") is None
    (clone / ".git" / "objects").rename(clone / ".git" / "broken")
    assert submitted_at(clone / "engine.ipynb") is None  # a repository that cannot be read: not known


def test_names_students_choose_never_cost_a_classmate_or_stop_the_class(tmp_path, capsys):
    # a red team's: in a flat upload folder, a stub named after Ada's id was a second counted row for
    # her (the LMS file took the last: her 17 became 0); a name with two students' ids stopped the
    # class after grading, with no gradebook written
    klass = tmp_path / "uploads"
    klass.mkdir()
    shutil.copy(SAMPLES / "ada" / "engine" / "engine.ipynb", klass / "Ada_12345_engine.ipynb")
    shutil.copy(ROOT / "exercises" / "engine" / "engine.ipynb", klass / "0_12345.ipynb")
    shutil.copy(ROOT / "exercises" / "engine" / "engine.ipynb", klass / "x_23456_34567.ipynb")
    (tmp_path / "roster.csv").write_text(CANVAS)
    book = tmp_path / "grades.json"
    command = ["grade", str(klass), "--roster", str(tmp_path / "roster.csv"), "--quiet", "--no-progress"]
    assert main([*command, "--seed", str(2**50), "--json", str(book)]) == 0
    rows = gradebook.read(book)
    claims = [r for r in rows if r.student == "12345"]
    assert len(claims) == 2 and sum(r.counts for r in claims) == 1
    # in a flat folder, names anyone can choose are all that tell two uploads apart: never silently
    [second] = [r for r in claims if not r.counts]
    assert "check which one is theirs" in second.reason
    assert "Two notebooks claim one student" in capsys.readouterr().out
    [ambiguous] = [r for r in rows if r.path.endswith("x_23456_34567.ipynb")]
    assert "could be any of 23456, 34567" in ambiguous.reason and ambiguous.student not in ("23456", "34567")


def test_github_classrooms_clone_names_find_their_students_on_the_roster(tmp_path):
    # a fifth red team's: engine-<login> folders matched no one, and the LMS file gave every student 0
    roster = _roster(tmp_path, "name,login\nAda L,ada\nMary Jane,mary-jane\nJane D,jane\n")
    assert roster.match("engine-ada").name == "Ada L"
    assert roster.match("engine-mary-jane").name == "Mary Jane"  # the longest part that is one login
    assert roster.match("engine-jane").name == "Jane D"
    assert roster.match("engine-zed") is None
