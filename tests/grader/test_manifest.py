"""course.toml is the single source: the graders, the notebooks and `mgc list` all agree with it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest
from mgc.cli import main
from mgc.course.manifest import ROOT, ManifestError, load, parse
from mgc.graders import GRADERS
from mgc.judge.checks import check_for
from mgc.release import TABLE_END, TABLE_START, exercise_table

# The eight exercises the course's brief names, each of which must be graded on its own.
BRIEF = {
    "Value.__add__": "engine.add",
    "Value.__rmul__": "engine.rmul",
    "Value.__pow__": "engine.pow",
    "Value.exp": "engine.exp",
    "Value.tanh": "engine.tanh",
    "Value.backward": "engine.backward",
    "Module.zero_grad": "nn.zero_grad",
    "MLP.parameters": "nn.parameters",
}


def test_every_exercise_of_the_brief_is_its_own_exercise_with_points():
    course = load()
    for symbol, exercise_id in BRIEF.items():
        exercise = course.exercise(exercise_id)
        assert symbol in exercise.symbols and exercise.points > 0
    assert len(set(BRIEF.values())) == len(BRIEF)


def test_every_exercise_has_a_check_and_a_grader_test_marked_with_its_id():
    for assignment in load().assignments:
        collected = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(GRADERS / "test_exercises.py"),
                "--collect-only",
                "-q",
                f"--assignment={assignment.id}",
                f"--rootdir={GRADERS}",
                "-c",
                str(GRADERS / "pytest.ini"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        ids = re.findall(r"test_exercise\[([\w.]+)\]", collected)
        assert ids == [e.id for e in assignment.exercises]
        for e in assignment.exercises:
            assert check_for(e) is not None


def test_the_notebooks_carry_the_manifest_points_and_cells():
    for assignment in load().assignments:
        notebook = nbformat.read(ROOT / assignment.notebook, as_version=4)
        meta = {
            c.metadata["nbgrader"]["grade_id"]: (c, c.metadata["nbgrader"])
            for c in notebook.cells
            if "nbgrader" in c.metadata
        }
        for e in assignment.exercises:
            cell, test = meta[e.test_cell]
            assert test["grade"] and test["points"] == e.points and not test["solution"]
            assert f'check("{e.id}", globals())' in cell.source  # the visible cases, isolated
            assert "HIDDEN TESTS" not in cell.source and "grade(" not in cell.source  # graded by mgc only
            solution, sol_meta = meta[e.cell]
            assert sol_meta["solution"]
            for symbol in e.symbols:
                assert f"def {symbol.split('.')[-1]}(" in solution.source, (e.id, symbol)


def test_mgc_list_json(capsys):
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = [a["id"] for a in data["assignments"]]
    assert ids == ["derivatives", "engine", "nn", "softmax"]
    engine = data["assignments"][1]
    assert engine["notebook"] == "solutions/engine/engine.ipynb"
    add = engine["exercises"][0]
    assert set(add) == {"id", "points", "symbols"} and add["symbols"] == ["Value.__add__"]


def test_mgc_list_prints_every_exercise(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(e.id in out for e in load().exercises)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[assignments]]\nid = "a"\ntitle = "t"\nnotebook = "n"\n', "has no exercises"),
        (
            '[[assignments]]\nid = "a"\ntitle = "t"\nnotebook = "n"\n[[assignments.exercises]]\n'
            'id = "b.x"\npoints = 1\nsymbols = []\ncell = "c"\ncheck = "t"\n',
            "must start with 'a.'",
        ),
        (
            '[[assignments]]\nid = "a"\ntitle = "t"\nnotebook = "n"\n[[assignments.exercises]]\n'
            'id = "a.x"\nsymbols = []\ncell = "c"\ncheck = "t"\n',
            "has no 'points'",
        ),
    ],
)
def test_a_broken_manifest_says_what_is_wrong(text, message):
    with pytest.raises(ManifestError, match=message):
        parse(text)


def test_the_readme_table_of_exercises_is_the_manifest():
    text = (ROOT / "README.md").read_text()
    assert TABLE_START + exercise_table(load()) + TABLE_END in text, "run `mgc release`"
    assert "`sigmoid` (1)" in exercise_table(load())


def test_the_pytest_graders_and_mgc_grade_give_the_same_verdicts():
    # an instructor's `pytest grader/mgc/graders --submission ...` runs the checks mgc grade calls
    from mgc.grading.run import Options, grade_file

    ben = ROOT / "samples" / "ben" / "engine" / "engine.ipynb"
    ours = grade_file(ben, "ben", Options(seed=3))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(GRADERS),
            f"--submission={ben}",
            "--grading-seed=3",
            "-q",
            "-rA",
            f"--rootdir={GRADERS}",
            "-c",
            str(GRADERS / "pytest.ini"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    verdicts = {
        exercise: outcome
        for outcome, exercise in re.findall(
            r"^(PASSED|FAILED) \S+test_exercise\[([\w.]+)\]", run.stdout, re.MULTILINE
        )
    }
    assert verdicts == {v.exercise: "PASSED" if v.passed else "FAILED" for v in ours.verdicts}
    assert verdicts["engine.add"] == "FAILED" and list(verdicts.values()).count("FAILED") == 1


def test_an_installed_copy_finds_the_course_it_is_run_in_or_says_where_it_looked(tmp_path):
    # installed without -e, mgc lives in site-packages, away from course.toml: it takes the course
    # it is run inside, and outside any course it names the file it missed
    target = tmp_path / "installed"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*install, "--target", str(target), str(ROOT)], check=True, capture_output=True)
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    notebook = ROOT / "samples" / "ada" / "engine" / "engine.ipynb"

    def check(path, cwd):
        command = [sys.executable, "-m", "mgc.cli", "check", str(path)]
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)

    inside = check(notebook.name, notebook.parent)
    assert inside.returncode == 0, inside.stdout[-2000:] + inside.stderr[-2000:]
    assert "engine.backward" in inside.stdout
    outside = check(notebook, tmp_path)
    assert outside.returncode == 2
    assert outside.stderr.strip().splitlines() == [
        f"mgc: no course manifest at {tmp_path.resolve() / 'course.toml'}: run mgc from inside a copy of "
        "the course, or install the copy with `pip install -e` (see the student guide)"
    ]
