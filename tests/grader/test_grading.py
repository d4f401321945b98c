"""mgc grade and mgc check on whole notebooks: solutions, the release, the sample class, broken files."""

from __future__ import annotations

import json
import os
import shutil

import nbformat
import pytest
from mgc.cli import main
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths

SAMPLES = ROOT / "samples"


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_solutions_get_full_marks(seed):
    results = grade_paths([ROOT / "solutions"], Options(seed=seed))
    assert len(results) == len(load().assignments)
    for r in results:
        assert r.score == r.max_score == load().assignment(r.assignment).max_score, r.to_row()


def test_the_untouched_release_gets_zero_without_crashing():
    results = grade_paths([ROOT / "exercises"], Options(seed=1))
    assert {r.assignment for r in results} == {a.id for a in load().assignments}
    for r in results:
        assert r.score == 0 and r.max_score > 0
        for v in r.verdicts:
            assert v.status == "failed" and "not implemented yet" in v.feedback, v


def _scores(data: dict) -> dict[tuple[str, str], float]:
    return {(s["student"], s["assignment"]): s["score"] for s in data["submissions"]}


def test_the_sample_class_gradebook(tmp_path, capsys):
    out = tmp_path / "grades.json"
    assert main(["grade", str(SAMPLES), "--json", str(out), "--seed", "5"]) == 0
    printed = capsys.readouterr().out
    assert "Gradebook" in printed
    data = json.loads(out.read_text())
    scores = _scores(data)
    engine, nn = load().assignment("engine").max_score, load().assignment("nn").max_score
    points = {e.id: e.points for e in load().exercises}
    assert scores[("ada", "engine")] == engine and scores[("ada", "nn")] == nn
    assert scores[("ada", "derivatives")] == 5 and scores[("ada", "softmax")] == 6
    assert scores[("ben", "engine")] == engine - points["engine.add"]
    assert scores[("cleo", "engine")] == engine - points["engine.tanh"]
    assert scores[("dan", "nn")] == nn - points["nn.train"] and scores[("dan", "engine")] == engine
    assert scores[("eve", "engine")] == 0 and scores[("eve", "nn")] == 0
    for s in data["submissions"]:
        assert set(s) >= {"path", "student", "outcome", "score", "max_score", "exercises"}
        for e in s["exercises"]:
            assert set(e) == {"exercise", "status", "points", "max_points", "message", "hint"}
            assert 0 <= e["points"] <= e["max_points"]
    ben = next(s for s in data["submissions"] if s["student"] == "ben" and s["assignment"] == "engine")
    add = next(e for e in ben["exercises"] if e["exercise"] == "engine.add")
    assert add["status"] == "failed" and "+=" in add["hint"]


def _copy_release(tmp_path, student: str, assignment: str = "engine"):
    folder = tmp_path / student / assignment
    folder.mkdir(parents=True)
    return shutil.copy(ROOT / "exercises" / assignment / f"{assignment}.ipynb", folder)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not json {", "is not a notebook"),
        (b"", "is empty"),
        (bytes(range(256)) * 4, "binary data"),
        (b'{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a valid notebook"),
    ],
    ids=["garbage", "empty", "binary", "wrong-schema"],
)
def test_a_file_that_is_not_a_notebook_scores_zero_and_the_others_are_graded(tmp_path, content, message):
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    (tmp_path / "mallory" / "engine" / "engine.ipynb").write_bytes(content)
    shutil.copytree(SAMPLES / "ada" / "engine", tmp_path / "ada" / "engine")
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=2))}
    assert results["mallory"].score == 0 and message in results["mallory"].reason
    assert results["mallory"].outcome == "unreadable" and results["mallory"].assignment == "engine"
    assert all(message in v.feedback for v in results["mallory"].verdicts)
    assert results["ada"].score == results["ada"].max_score


def _with_value_cell(path, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    cell.source = source
    nbformat.write(nb, path)


def test_a_syntax_error_or_a_missing_class_scores_zero_with_a_message(tmp_path, capsys):
    _with_value_cell(_copy_release(tmp_path, "sam"), "class Value(:\n    pass")
    _with_value_cell(_copy_release(tmp_path, "nina"), "x = 1  # no Value class at all")
    assert main(["grade", str(tmp_path), "--json", str(tmp_path / "out.json")]) == 0
    data = json.loads((tmp_path / "out.json").read_text())
    by_student = {s["student"]: s for s in data["submissions"]}
    assert by_student["sam"]["score"] == 0 and by_student["nina"]["score"] == 0
    assert "no class named Value" in by_student["nina"]["exercises"][0]["message"]
    assert (
        "NameError" in by_student["sam"]["exercises"][0]["message"]
        or "Value" in by_student["sam"]["exercises"][0]["message"]
    )


def test_an_unknown_notebook_is_reported_not_fatal(tmp_path):
    (tmp_path / "x").mkdir()
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "x" / "homework.ipynb")
    (result,) = grade_paths([tmp_path])
    assert result.assignment is None and "none of the test cells of this course's notebooks" in result.reason
    assert result.outcome == "unreadable"


def test_grade_exits_non_zero_only_when_it_cannot_run(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing")]) == 2
    assert main(["grade", str(tmp_path)]) == 2  # no notebooks at all
    assert "no notebooks" in capsys.readouterr().err


def test_check_runs_the_visible_cases_only(tmp_path, capsys):
    path = tmp_path / "ben" / "engine" / "engine.ipynb"
    path.parent.mkdir(parents=True)
    shutil.copy(SAMPLES / "ben" / "engine" / "engine.ipynb", path)
    status = main(["check", str(path)])
    out = capsys.readouterr().out
    assert status == 1
    assert "a + a with a=3" in out  # the lecture's own case for the accumulation bug
    assert "pre-loaded" not in out  # the hidden cases pre-load grads; check never shows them
    assert main(["check", str(SAMPLES / "ada" / "engine" / "engine.ipynb")]) == 0


def test_grading_reads_every_notebook_in_reused_workers_never_in_this_process():
    one = grade_paths([SAMPLES], Options(seed=6))
    two = grade_paths([SAMPLES], Options(seed=6), jobs=2)
    assert [(r.student, r.assignment, r.score) for r in two] == [
        (r.student, r.assignment, r.score) for r in one
    ]
    alone, beside = {r.grader_pid for r in one}, {r.grader_pid for r in two}
    assert len(alone) == 1 and 1 <= len(beside) <= 2 < len(two)  # twelve notebooks, reused workers
    assert os.getpid() not in alone | beside
    # a student's own check (mgc check) is read here, at once: no worker to start
    [checked] = grade_paths([SAMPLES / "ada" / "engine"], Options(visible_only=True))
    assert checked.grader_pid == os.getpid()


@pytest.mark.parametrize(
    ("notebook", "given", "student"),
    [
        ("class/ada/engine/engine.ipynb", "class", "ada"),
        ("class/ada/engine/engine.ipynb", "class/ada", "ada"),
        ("class/ada/engine/engine.ipynb", "class/ada/engine", "ada"),
        ("class/ada/engine/engine.ipynb", "class/ada/engine/engine.ipynb", "ada"),
        ("class/ada/engine.ipynb", "class", "ada"),
        ("class/ada.ipynb", "class", "ada"),
        ("class/ada/submitted/engine/copy.ipynb", "class", "ada"),
    ],
)
def test_the_student_is_the_folder_under_the_class_folder(tmp_path, notebook, given, student):
    from mgc.grading.run import student_of

    (tmp_path / notebook).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / notebook).write_text("{}")
    assert student_of(tmp_path / notebook, tmp_path / given, load()) == student


@pytest.mark.parametrize(
    ("files", "notebook", "student"),
    [
        # a red team's: one upload named as the release names it among a flat folder of uploads
        (
            ["uploads/engine.ipynb", "uploads/alice_23456_engine.ipynb"],
            "uploads/alice_23456_engine.ipynb",
            "alice_23456_engine",
        ),
        # a student whose id is an assignment's name, among the class's folders
        (
            ["submitted/nn/engine/engine.ipynb", "submitted/23456/engine/engine.ipynb"],
            "submitted/23456/engine/engine.ipynb",
            "23456",
        ),
        # one student's folder still is one: assignment folders and notebooks alone, hidden ones aside
        (
            ["ada/engine/engine.ipynb", "ada/nn.ipynb", "ada/.git/HEAD", "ada/notes.txt"],
            "ada/nn.ipynb",
            "ada",
        ),
    ],
)
def test_no_name_a_student_chooses_makes_the_class_one_students(tmp_path, files, notebook, student):
    from mgc.grading.run import student_of

    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    given = tmp_path / notebook.split("/")[0]
    assert student_of(tmp_path / notebook, given, load()) == student


def test_a_folder_graded_for_one_student_is_all_theirs(tmp_path):
    # a sixth red team's: a regrade of Mallory's repository, which held a folder named after Alice's id
    from mgc.grading.run import find_tasks

    for name in ("engine-mallory/34567/engine.ipynb", "engine-mallory/23456/engine.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    tasks = find_tasks([tmp_path / "engine-mallory"], load(), student="34567")
    assert len(tasks) == 2 and {t.student for t in tasks} == {"34567"}
