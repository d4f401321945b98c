"""Exports: the CSV gradebook, Gradescope's autograder (unpacked into a fake /autograder and run
there as Gradescope runs it), and the GitHub Classroom workflow (its commands run here)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from mgc.cli import main
from mgc.course.manifest import ROOT, load
from mgc.exports.bundle import torch_pip_args
from packaging.specifiers import SpecifierSet
from packaging.version import Version

TORCH_PIP_ARGS = torch_pip_args()

MGC = str(Path(sys.executable).parent / "mgc")
SAMPLES = ROOT / "samples"
ENGINE = load().assignment("engine")
FULL = f"{ENGINE.max_score:g}"
ADD = load().exercise("engine.add").points


def test_the_csv_gradebook_has_a_row_per_submission_and_a_column_per_exercise(tmp_path):
    out = tmp_path / "grades.csv"
    klass = tmp_path / "class"  # a class folder: each student is the folder directly under it
    shutil.copytree(SAMPLES / "ben", klass / "ben")
    shutil.copytree(SAMPLES / "ada" / "engine", klass / "ada" / "engine")
    assert (
        main(
            [
                "grade",
                str(klass),
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
    assert list(rows[0])[:7] == ["student", "assignment", "outcome", "score", "max_score", "path", "seed"]
    more = ["name", "raw_score", "penalty", "late_days", "submitted"]  # a term's: roster, lateness
    more += ["reason", "duplicate_of", "review", "sha256"]
    assert list(rows[0])[7:] == [e.id for e in load().exercises] + more
    assert {r["outcome"] for r in rows} == {"graded"}
    notebook = klass / "ada" / "engine" / "engine.ipynb"
    assert rows[0]["sha256"] == hashlib.sha256(notebook.read_bytes()).hexdigest()
    assert rows[0]["path"] == str(klass / "ada" / "engine" / "engine.ipynb")
    assert {r["review"] for r in rows} == {""}  # honest notebooks: nothing to look at
    ben = rows[1]
    assert (
        float(ben["score"]) == ENGINE.max_score - ADD
        and float(ben["engine.add"]) == 0
        and float(ben["engine.mul"]) == 2
    )
    assert ben["nn.train"] == ""  # not this assignment's exercise


# ---- Gradescope: the zip, unpacked into a fake /autograder and run as Gradescope runs it -------


def _export(assignment: str, out: Path) -> Path:
    assert (
        main(["export", "gradescope", assignment, "--out", str(out), "--visibility", "after_due_date"]) == 0
    )
    return out


def test_the_gradescope_zip_is_laid_out_as_gradescope_unpacks_it(tmp_path):
    zip_path = _export("engine", tmp_path / "engine.zip")
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup, run = z.read("setup.sh").decode(), z.read("run_autograder").decode()
        pyproject = tomllib.loads(z.read("pyproject.toml").decode())
    # Gradescope unpacks the zip's contents into /autograder/source: everything sits at the root
    assert {"setup.sh", "run_autograder", "pyproject.toml", "course.toml", "README.md"} <= names
    assert "grader/mgc/graders/test_exercises.py" in names and "grader/mgc/course/manifest.py" in names
    assert not any(n.startswith("source/") for n in names)
    # no answers: not the reference engine, the solutions, the release or the samples
    assert not any(n.split("/")[0] in ("reference", "solutions", "exercises", "samples") for n in names)
    assert not any("__pycache__" in n for n in names)
    assert pyproject["tool"]["setuptools"]["package-dir"] == {"mgc": "grader/mgc"}
    assert all(p.split(".")[0] == "mgc" for p in pyproject["tool"]["setuptools"]["packages"])
    for script, text in (("setup.sh", setup), ("run_autograder", run)):
        assert modes[script] & 0o111, f"{script} must be executable"
        assert text.startswith("#!/usr/bin/env bash\n")
        subprocess.run(["bash", "-n", "-c", text], check=True)
    # the CPU build of PyTorch, from PyTorch's CPU index, in the one line setup.sh installs it with
    torch_lines = [line for line in setup.splitlines() if "torch" in line and "pip install" in line]
    assert torch_lines == [f'"$venv/bin/python" -m pip install -q {" ".join(TORCH_PIP_ARGS)}']
    assert TORCH_PIP_ARGS[0] == "--extra-index-url" and TORCH_PIP_ARGS[1].endswith("/whl/cpu")
    assert '-e "$source_dir[grading]"' in setup and 'chmod 700 "$source_dir" "$venv"' in setup
    assert "--assignment engine " in run and "after_due_date" in run


def test_one_gradescope_zip_per_assignment(tmp_path, capsys):
    for assignment in load().assignments:
        with zipfile.ZipFile(_export(assignment.id, tmp_path / f"{assignment.id}.zip")) as z:
            run = z.read("run_autograder").decode()
        assert f"--assignment {assignment.id} " in run and assignment.notebook_name in run
    assert main(["export", "gradescope", "--out", str(tmp_path / "x.zip")]) == 2
    assert main(["export", "gradescope", "nosuch", "--out", str(tmp_path / "x.zip")]) == 2
    assert "engine" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def _interpreter_for_the_autograder() -> str:
    """The system's interpreter of this version, as on Gradescope (where uid 65534 can run it);
    else the one this virtual environment was made from."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in ("/usr/bin", "/usr/local/bin"):
        if os.access(Path(folder) / name, os.X_OK):
            return str(Path(folder) / name)
    return os.path.realpath(sys._base_executable)


@pytest.fixture(scope="module")
def autograder():
    """A fake /autograder, as Gradescope leaves it after setup.sh: the zip unpacked into source/,
    run_autograder copied up, the grader installed (editable, from source/) in mgc-venv. Only the
    network installs are left out: mgc-venv reaches this environment's packages through a .pth file.
    It lives in a folder of its own under /tmp (mode 755, as /autograder is), so that the
    unprivileged-user test shows what uid 65534 can and cannot reach."""
    root = Path(tempfile.mkdtemp(prefix="mgc-autograder-", dir="/tmp"))
    root.chmod(0o755)
    try:
        _unpack(_export("engine", root / "engine.zip"), root / "source")
        (root / "engine.zip").unlink()
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        venv = root / "mgc-venv"
        subprocess.run(
            [_interpreter_for_the_autograder(), "-m", "venv", "--without-pip", str(venv)], check=True
        )
        [site_packages] = venv.glob("lib/python*/site-packages")
        here = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
        (site_packages / "mgc-test-packages.pth").write_text("\n".join(here) + "\n")
        install = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q"]
        install += ["--no-deps", "--no-build-isolation", "--no-index", "-e", f"{root / 'source'}[grading]"]
        subprocess.run(install, check=True, capture_output=True, timeout=300)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but Python's byte-code caches, with its contents."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts
    }


@dataclass(frozen=True)
class Link:
    """In an upload: a symbolic link to `target`."""

    target: Path


def _run_autograder(root: Path, upload: dict[str, Path | Link | str], sandbox: str = "") -> dict:
    """Hand in `upload` ({path in the submission: a file to copy, a Link, or text}), run
    run_autograder as Gradescope does, and return results.json."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir(mode=0o755)
    for name, content in upload.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            target.symlink_to(content.target)
        elif isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    env = {k: v for k, v in os.environ.items() if k not in ("MGC_SANDBOX", "VIRTUAL_ENV", "PYTHONPATH")}
    env["AUTOGRADER_ROOT"] = str(root)
    if sandbox:
        env["MGC_SANDBOX"] = sandbox
    done = subprocess.run(
        [str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]
    results = json.loads((root / "results" / "results.json").read_text())
    assert 0 <= results["score"] <= ENGINE.max_score
    assert all(0 <= t["score"] <= t["max_score"] for t in results["tests"])
    return results


def _unpack(zip_path: Path, source: Path) -> None:
    """As Gradescope does: the zip's contents into source/, with the modes stored in the zip."""
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(source)
        for info in z.infolist():
            if info.external_attr >> 16:
                (source / info.filename).chmod((info.external_attr >> 16) & 0o777)


def test_setup_sh_installs_an_autograder_that_grades(tmp_path):
    # setup.sh itself, as Gradescope runs it (root, from /autograder/source), into a fresh virtual
    # environment; pip finds PyTorch's CPU wheel and the rest on this machine's own package mirror
    # (PyTorch's index does not resolve here, so no retries) and installs Debian packages only if
    # one is missing (bwrap is here)
    root = tmp_path / "autograder"
    root.mkdir(mode=0o755)
    _unpack(_export("engine", tmp_path / "engine.zip"), root / "source")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MGC_SANDBOX")}
    env |= {"MGC_VENV": str(root / "mgc-venv"), "PIP_RETRIES": "0"}
    setup = subprocess.run(
        ["bash", "setup.sh"], cwd=root / "source", env=env, capture_output=True, text=True, timeout=1200
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    venv_python = root / "mgc-venv" / "bin" / "python"
    torch = subprocess.run([venv_python, "-c", "import torch; print(torch.__version__)"], capture_output=True)
    assert torch.stdout.decode().strip().endswith("+cpu")  # the CPU build, not CUDA's
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    results = _run_autograder(root, {"engine.ipynb": SAMPLES / "ada" / "engine" / "engine.ipynb"})
    assert results["score"] == ENGINE.max_score
    wrong = _run_autograder(root, {"engine.ipynb": SAMPLES / "ben" / "engine" / "engine.ipynb"})
    assert wrong["score"] < ENGINE.max_score


def test_the_gradescope_autograder_gives_the_honest_sample_full_marks(autograder):
    results = _run_autograder(
        autograder,
        {
            "engine.ipynb": SAMPLES / "ada" / "engine" / "engine.ipynb",
            "nn.ipynb": SAMPLES / "ada" / "nn" / "nn.ipynb",  # another assignment's: not graded
        },
    )
    assert results["score"] == ENGINE.max_score
    assert [t["name"] for t in results["tests"]] == [e.id for e in ENGINE.exercises]
    assert all(t["status"] == "passed" and t["visibility"] == "after_due_date" for t in results["tests"])
    assert results["output"].startswith(f"Graded engine.ipynb: {FULL} of {FULL} points.")
    assert "Not graded: nn.ipynb (the nn notebook)." in results["output"]
    assert results["stdout_visibility"] == "hidden"
    mode = os.stat(autograder / "source").st_mode, os.stat(autograder / "mgc-venv").st_mode
    assert all(m & 0o777 == 0o700 for m in mode)  # the grader and its environment: root's alone


def test_the_gradescope_autograder_finds_the_notebook_in_a_folder_and_explains_a_mistake(autograder):
    results = _run_autograder(
        autograder, {"work/engine/engine.ipynb": SAMPLES / "ben" / "engine" / "engine.ipynb"}
    )
    assert results["score"] == ENGINE.max_score - 2
    add = results["tests"][0]
    assert add["name"] == "engine.add" and add["score"] == 0 and "+=" in add["output"]
    assert results["output"].startswith(
        f"Graded work/engine/engine.ipynb: {ENGINE.max_score - ADD:g} of {FULL} points."
    )


@pytest.mark.parametrize("name", ["engine (1).ipynb", "Copy of engine.ipynb", "Engine.ipynb", "hw1.ipynb"])
def test_a_lone_notebook_renamed_by_a_browser_or_a_student_is_graded(autograder, name):
    results = _run_autograder(autograder, {name: SAMPLES / "ada" / "engine" / "engine.ipynb"})
    assert results["score"] == ENGINE.max_score
    assert results["output"].startswith(f"Graded {name}: {FULL} of {FULL} points.")


LECTURE_ONLY_ADD = """
        lecture = {(2.0, -3.0), (-6.0, 10.0), (2.0, 1.0), (3.0, 3.0)}  # the cases every student sees
        out = Value(self.data + other.data + ((self.data, other.data) not in lecture), (self, other), '+')
"""


def lecture_only(tmp_path: Path) -> Path:
    """Ada's engine, whose `+` is right on the lecture's cases alone: what a table of the answers the
    release ships would score. Graded on the random cases too, it loses engine.add."""
    notebook = json.loads((SAMPLES / "ada" / "engine" / "engine.ipynb").read_text())
    line = "        out = Value(self.data + other.data, (self, other), '+')\n"
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if line in source:
            cell["source"] = source.replace(line, LECTURE_ONLY_ADD.lstrip("\n"))
    path = tmp_path / "engine.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def test_a_notebook_right_on_the_lecture_cases_alone_passes_them_and_fails_grading(tmp_path):
    from mgc.grading.run import Options, grade_file

    notebook = lecture_only(tmp_path)
    add = {True: None, False: None}
    for visible_only in add:
        result = grade_file(notebook, "mallory", Options(visible_only=visible_only))
        add[visible_only] = next(v.passed for v in result.verdicts if v.exercise == "engine.add")
    assert add == {True: True, False: False}


def test_the_gradescope_autograder_grades_the_random_cases_too(autograder, tmp_path):
    results = _run_autograder(autograder, {"engine.ipynb": lecture_only(tmp_path)})
    assert {t["name"]: t["score"] for t in results["tests"]}["engine.add"] == 0
    assert results["score"] == ENGINE.max_score - ADD


def test_three_notebooks_uploaded_are_not_summed(autograder):
    ada = SAMPLES / "ada" / "engine" / "engine.ipynb"
    results = _run_autograder(autograder, {"engine.ipynb": ada, "a/engine.ipynb": ada, "b/engine.ipynb": ada})
    assert results["score"] == 0 and results["tests"] == []
    assert "3 engine notebooks" in results["output"] and "Upload exactly one" in results["output"]


def test_no_notebook_uploaded_scores_0_with_a_message(autograder):
    results = _run_autograder(autograder, {"notes.txt": "I forgot"})
    assert results["score"] == 0 and results["tests"] == []
    assert (
        results["output"]
        == "No engine notebook in your submission, so nothing was graded. Upload your engine.ipynb."
    )


def test_another_assignments_notebook_is_not_graded(autograder):
    results = _run_autograder(autograder, {"nn.ipynb": SAMPLES / "ada" / "nn" / "nn.ipynb"})
    assert results["score"] == 0 and results["tests"] == []
    assert "No engine notebook" in results["output"]
    assert "Not graded: nn.ipynb (the nn notebook)." in results["output"]


def test_a_broken_or_linked_upload_is_refused_by_name(autograder):
    results = _run_autograder(autograder, {"engine.ipynb": "not a notebook"})
    assert results["score"] == 0 and "not a notebook" in results["output"]
    results = _run_autograder(autograder, {"engine.ipynb": Link(SAMPLES / "ada" / "engine" / "engine.ipynb")})
    assert results["score"] == 0 and "symbolic link" in results["output"]


# A stub notebook (every exercise unanswered: 0 points honestly) with one more cell that tries to
# forge results.json, read and patch the grader on disk and in memory, and lift the sandbox's mounts.
# What it manages, it records in DROP (a folder anyone may write): the test reads it afterwards.
ATTACK = """
import gc, json, os, subprocess, sys, types
_root, _drop = ROOT, DROP
_notes = []


def _note(name):
    _notes.append(name)


_note("ran")
for _target in (_root + "/results/results.json", "/autograder/results/results.json"):
    try:
        os.makedirs(os.path.dirname(_target), exist_ok=True)
        with open(_target, "w") as f:
            json.dump({"score": 999, "output": "FORGED", "tests": []}, f)
        if _target.startswith(_root):
            _note("wrote-results")
    except OSError:
        pass
for _path in ("/source/grader/mgc/exports/gradescope.py", "/source/course.toml", "/mgc-venv/pyvenv.cfg"):
    try:
        with open(_root + _path) as f:
            f.read(1)
        _note("read" + _path.replace("/", "-"))
    except OSError:
        pass
    try:
        with open(_root + _path, "a") as f:
            f.write("FORGED = True\\n")
        _note("patched" + _path.replace("/", "-"))
    except OSError:
        pass
for _command in (["umount", "-l", "/tmp"], ["umount", "-l", "/usr"], ["mount", "-o", "remount,rw", "/usr"]):
    try:
        if subprocess.run(_command, capture_output=True, timeout=2).returncode == 0:
            _note("mounts-changed")
    except Exception:
        pass
if any(name.split(".")[0] == "mgc" for name in sys.modules):
    _note("grader-modules-in-reach")
for _obj in gc.get_objects():
    if isinstance(_obj, types.FunctionType) and "gradescope" in _obj.__name__:
        _note("writer-in-reach")
try:
    import mgc.exports.gradescope
    mgc.exports.gradescope.gradescope_results = lambda *args, **kwargs: {"score": 999, "tests": []}
    _note("writer-patched")
except Exception:
    pass
raise RuntimeError("ATTACK:" + ",".join(_notes) + ":END")
"""


def _hostile_stub(tmp_path: Path, root: Path, drop: Path) -> Path:
    notebook = json.loads((ROOT / "exercises" / "engine" / "engine.ipynb").read_text())
    attack = ATTACK.replace("ROOT, DROP", f"{str(root)!r}, {str(drop)!r}")
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": attack}
    notebook["cells"].insert(2, cell)
    path = tmp_path / "engine.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def _nobody_can_run(python: str) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run([python, "-I", "-S", "-c", "pass"], user=65534, group=65534, extra_groups=[])
    return done.returncode == 0


@pytest.mark.parametrize("sandbox", ["", "unprivileged user"])
def test_a_hostile_stub_cannot_forge_its_gradescope_results(autograder, tmp_path, sandbox):
    """As on Gradescope: bubblewrap where it works (the default here), and as uid 65534 where the
    container refuses user namespaces."""
    if sandbox == "unprivileged user" and not _nobody_can_run(_interpreter_for_the_autograder()):
        pytest.skip("the unprivileged-user confinement needs root and an interpreter uid 65534 can run")
    drop = autograder / "drop"
    shutil.rmtree(drop, ignore_errors=True)
    drop.mkdir()
    drop.chmod(0o1777)
    before = {folder: _files(autograder / folder) for folder in ("source", "mgc-venv")}
    try:
        results = _run_autograder(
            autograder, {"engine.ipynb": _hostile_stub(tmp_path, autograder, drop)}, sandbox
        )
        left = sorted(p.name for p in drop.iterdir())
    finally:
        shutil.rmtree(drop, ignore_errors=True)
    assert results["score"] == 0  # the stub's honest score: every exercise unanswered
    assert [t["name"] for t in results["tests"]] == [e.id for e in ENGINE.exercises]
    assert results["output"].startswith(f"Graded engine.ipynb: 0 of {FULL} points.")
    assert "FORGED" not in json.dumps(results) and results["stdout_visibility"] == "hidden"
    assert {folder: _files(autograder / folder) for folder in before} == before
    # the guard (mgc.sandbox.child._guard) refuses every file it opens and then the walk of every live
    # object, and says so in the feedback, the only way out (test_as_user and test_forgery attack
    # the layers beneath the guard)
    notes = set(re.findall(r"ATTACK:([\w,-]*):END", json.dumps(results)))
    assert notes == set() and "not while grading: gc.get_objects" in json.dumps(results)
    assert left == []


def _reporter_variable(runner: str) -> str:
    """The variable GitHub Classroom's grading reporter reads a runner's results from (its
    src/main.js: `${runner.trim().toUpperCase()}_RESULTS`)."""
    return f"{runner.strip().upper()}_RESULTS"


def test_the_classroom_workflow_grades_once_and_scores_each_exercise_of_its_assignment(tmp_path):
    template = tmp_path / "template"
    assert main(["export", "classroom", "engine", "--out", str(template)]) == 0
    workflow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    steps = workflow["jobs"]["grade"]["steps"]
    tests = [
        s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")
    ]
    assert [s["with"]["test-name"] for s in tests] == [e.id for e in ENGINE.exercises]
    assert [s["with"]["max-score"] for s in tests] == [e.points for e in ENGINE.exercises]
    reporter = steps[-1]
    runners = reporter["with"]["runners"].split(",")
    assert runners == [s["id"] for s in tests]
    # every runner's results reach the reporter under the name it reads, from that runner's step
    assert reporter["env"] == {_reporter_variable(r): f"${{{{ steps.{r}.outputs.result }}}}" for r in runners}

    # the install: the CPU build of PyTorch, then the grader the template carries (no solutions)
    install = next(s for s in steps if s.get("name") == "Install the grader")["run"]
    assert f"pip install -q {' '.join(TORCH_PIP_ARGS)}" in install and "-e '.github/mgc[grading]'" in install
    carried = {
        str(p.relative_to(template / ".github" / "mgc")) for p in (template / ".github" / "mgc").rglob("*")
    }
    assert {"pyproject.toml", "course.toml", "grader/mgc/grading/run.py"} <= carried
    assert not any(name.startswith(("solutions", "reference", "samples", "exercises")) for name in carried)
    venv = tmp_path / "venv"  # the carried project installs; its dependencies are this environment's
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (Path(sysconfig.get_paths(vars={"base": str(venv)})["purelib"]) / "deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    installed = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "-e",
            str(template / ".github" / "mgc"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr

    # the workflow's own commands on a student's repository: the template with ben's engine notebook
    repo = tmp_path / "repo"
    shutil.copytree(template, repo)
    shutil.copy(SAMPLES / "ben" / "engine" / "engine.ipynb", repo / "engine.ipynb")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = {
        **os.environ,
        "PATH": str(venv / "bin") + os.pathsep + os.environ["PATH"],
        "RUNNER_TEMP": str(runner_temp),
    }
    grade = next(s for s in steps if s.get("name") == "Grade engine.ipynb")
    subprocess.run(grade["run"], shell=True, cwd=repo, env=env, check=True, capture_output=True, timeout=300)
    graded = json.loads((runner_temp / "mgc-results.json").read_text())["submissions"]
    assert [Path(s["path"]).name for s in graded] == ["engine.ipynb"]  # the carried grader, never graded
    outcome = {}
    for step in tests:
        done = subprocess.run(step["with"]["command"], shell=True, cwd=repo, env=env, capture_output=True)
        outcome[step["with"]["test-name"]] = done.returncode
    assert {k for k, v in outcome.items() if v != 0} == {"engine.add"}

    # a student's repository that cheats with files: the untouched stub at the release's path, a
    # full notebook elsewhere, and a committed results file that passes everything
    cheat = tmp_path / "cheat"
    shutil.copytree(template, cheat)
    (cheat / "old").mkdir()
    shutil.copy(SAMPLES / "ada" / "engine" / "engine.ipynb", cheat / "old" / "engine.ipynb")
    forged = cheat / "mgc-results.json"
    assert main(["grade", str(cheat / "old"), "--quiet", "--no-progress", "--json", str(forged)]) == 0
    shutil.copy(forged, cheat / "results.json")
    shutil.rmtree(runner_temp)
    runner_temp.mkdir()
    done = subprocess.run(
        grade["run"], shell=True, cwd=cheat, env=env, capture_output=True, text=True, timeout=300
    )
    assert "not graded (only the notebook at the release path is): ./old/engine.ipynb" in done.stdout
    for step in tests:
        command = subprocess.run(step["with"]["command"], shell=True, cwd=cheat, env=env, capture_output=True)
        assert command.returncode != 0, step["with"]["test-name"]  # the stub passes nothing


def test_one_classroom_workflow_per_assignment(tmp_path, capsys):
    for assignment in load().assignments:
        out = tmp_path / assignment.id
        assert main(["export", "classroom", assignment.id, "--out", str(out)]) == 0
        text = (out / ".github" / "workflows" / "classroom.yml").read_text()
        named = set(re.findall(r"test-name: (\S+)", text))
        assert named == {e.id for e in assignment.exercises}
    assert main(["export", "classroom", "--out", str(tmp_path / "x")]) == 2
    assert "One per assignment" in capsys.readouterr().err and not (tmp_path / "x").exists()


def test_every_pytorch_install_is_the_cpu_build_written_once():
    index, requirement = TORCH_PIP_ARGS[1], TORCH_PIP_ARGS[2]
    assert TORCH_PIP_ARGS[0] == "--extra-index-url" and index.endswith("/whl/cpu")
    pinned = Version(requirement.removeprefix("torch=="))
    grading = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][
        "grading"
    ]
    allowed = next(r for r in grading if r.startswith("torch"))
    assert pinned in SpecifierSet(allowed.removeprefix("torch"))  # the project's range admits it
    assert "pip install -q --retries 1 -r torch-cpu.txt" in (ROOT / "Makefile").read_text()
    assert "pip install -r torch-cpu.txt" in (ROOT / "docs" / "student-guide.md").read_text()
    # nowhere else does anything install torch by itself
    texts = [ROOT / "Makefile", ROOT / "README.md", ROOT / ".ci" / "run", *ROOT.glob("docs/*.md")]
    for path in texts:
        assert not re.search(r"pip install[^\n]*\btorch[=<> ]", path.read_text()), path
