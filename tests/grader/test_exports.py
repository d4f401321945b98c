"""Exports: the CSV gradebook, Gradescope's autograder (run against a fake /autograder),
and the GitHub Classroom workflow (its commands run here)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from mgc.cli import main
from mgc.exports import classroom_workflow
from mgc.manifest import ROOT, load

MGC = str(Path(sys.executable).parent / "mgc")
SAMPLES = ROOT / "samples"


def test_the_csv_gradebook_has_a_row_per_submission_and_a_column_per_exercise(tmp_path):
    out = tmp_path / "grades.csv"
    assert (
        main(
            [
                "grade",
                str(SAMPLES / "ben"),
                str(SAMPLES / "ada" / "engine"),
                "--csv",
                str(out),
                "--gradebook-only",
                "--no-progress",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(out.open()))
    assert [(r["student"], r["assignment"]) for r in rows] == [
        ("ada", "engine"),
        ("ben", "engine"),
        ("ben", "nn"),
    ]
    assert list(rows[0])[:4] == ["student", "assignment", "score", "max_score"]
    assert list(rows[0])[4:] == [e.id for e in load().exercises]
    ben = rows[1]
    assert float(ben["score"]) == 14 and float(ben["engine.add"]) == 0 and float(ben["engine.mul"]) == 2
    assert ben["nn.train"] == ""  # not this assignment's exercise


def _fake_autograder(tmp_path: Path, submission: Path) -> Path:
    zip_path = tmp_path / "autograder.zip"
    assert main(["export", "gradescope", "--out", str(zip_path), "--visibility", "after_due_date"]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder", "source/pyproject.toml", "source/course.toml"} <= set(names)
        assert "source/grader/mgc/graders/test_engine.py" in names
        assert not any("solutions" in n or "samples" in n for n in names)  # no answers in the autograder
        for info in z.infolist():
            if info.filename in ("setup.sh", "run_autograder"):
                assert (info.external_attr >> 16) & 0o111, f"{info.filename} must be executable"
        z.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    shutil.copy(submission, root / "submission")
    return root


def test_the_gradescope_autograder_writes_results_json(tmp_path):
    root = _fake_autograder(tmp_path, SAMPLES / "ben" / "engine" / "engine.ipynb")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "MGC": MGC}
    subprocess.run(
        ["bash", str(root / "run_autograder")], env=env, check=True, capture_output=True, timeout=300
    )
    results = json.loads((root / "results" / "results.json").read_text())
    engine = load().assignment("engine")
    assert [t["name"] for t in results["tests"]] == [e.id for e in engine.exercises]
    assert results["score"] == engine.max_score - 2
    add = results["tests"][0]
    assert add["score"] == 0 and add["max_score"] == 2 and "+=" in add["output"]
    assert all(t["visibility"] == "after_due_date" for t in results["tests"])
    assert all(t["score"] <= t["max_score"] for t in results["tests"])


def test_the_gradescope_autograder_reports_a_broken_upload(tmp_path):
    junk = tmp_path / "engine.ipynb"
    junk.write_text("not a notebook")
    root = _fake_autograder(tmp_path, junk)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "MGC": MGC}
    subprocess.run(
        ["bash", str(root / "run_autograder")], env=env, check=True, capture_output=True, timeout=300
    )
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "not a notebook" in results["tests"][0]["output"]


def test_the_classroom_workflow_grades_once_and_scores_each_exercise(tmp_path):
    workflow = yaml.safe_load(classroom_workflow())
    steps = workflow["jobs"]["grade"]["steps"]
    tests = [
        s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")
    ]
    assert [s["with"]["test-name"] for s in tests] == [e.id for e in load().exercises]
    assert [s["with"]["max-score"] for s in tests] == [e.points for e in load().exercises]
    reporter = steps[-1]
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in tests]

    # run the workflow's own commands on a student's repository: ben's engine and nn
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "ben", repo)
    env = {**os.environ, "PATH": str(Path(MGC).parent) + os.pathsep + os.environ["PATH"]}
    grade = next(s for s in steps if s.get("name") == "Grade every notebook")
    subprocess.run(grade["run"], shell=True, cwd=repo, env=env, check=True, capture_output=True, timeout=300)
    outcome = {}
    for step in tests:
        if step["with"]["test-name"].split(".")[0] in ("engine", "nn"):
            done = subprocess.run(step["with"]["command"], shell=True, cwd=repo, env=env, capture_output=True)
            outcome[step["with"]["test-name"]] = done.returncode
    assert outcome["engine.add"] == 1
    assert {k for k, v in outcome.items() if v != 0} == {"engine.add"}


def test_the_classroom_export_writes_the_workflow_file(tmp_path):
    out = tmp_path / ".github" / "workflows" / "classroom.yml"
    assert main(["export", "classroom", "--out", str(out)]) == 0
    assert yaml.safe_load(out.read_text())["name"] == "Autograding"
