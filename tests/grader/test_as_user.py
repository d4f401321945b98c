"""The sandbox holds when the instructor is an ordinary user, and in the fallback for hosts without
user namespaces (the child dropped to uid 65534 by a root grader)."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pyseccomp
import pytest
from mgc.course.manifest import ROOT

from tests.conftest import require
from tests.grader import attacks

USER = "mgc-test-instructor"
SYSTEM_PYTHON = "/usr/bin/python3"
SANDBOX_MODULES = ("__init__.py", "sandbox", "probes", "judge/__init__.py", "judge/tamper.py")  # all it needs


def _user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", USER], check=True)
        return pwd.getpwnam(USER)


@pytest.fixture
def workspace(tmp_path_factory) -> Path:
    """A folder anyone may read: the sandbox's modules, the attacks, a classmate and a secret."""
    require(os.geteuid() == 0, "creating a test user needs root")
    require(bool(shutil.which("useradd") and shutil.which("runuser")), "needs useradd and runuser")
    require(os.access(SYSTEM_PYTHON, os.X_OK), "needs Debian's python3")
    require(shutil.which("bwrap") is not None, "needs bubblewrap")
    folder = tmp_path_factory.mktemp("as-user")
    for name in SANDBOX_MODULES:
        source, target = ROOT / "grader" / "mgc" / name, folder / "mgc" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    shutil.copy(Path(attacks.__file__), folder / "attacks.py")
    shutil.copy(pyseccomp.__file__, folder / "pyseccomp.py")  # one file over the system's libseccomp
    shutil.copy(Path(__file__).with_name("as_user.py"), folder / "as_user.py")
    (folder / "classmate.ipynb").write_text("{}")
    (folder / "secret.txt").write_text("only the instructor may read this")
    os.chmod(folder / "secret.txt", 0o600)
    for path in [folder, *folder.rglob("*")]:
        if path.name != "secret.txt":
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    for parent in folder.parents:  # pytest's temporary folders are private to root
        if parent == Path("/tmp"):
            break
        os.chmod(parent, parent.stat().st_mode | 0o711)
    return folder


def _targets(folder: Path) -> dict[str, str]:
    return {
        "repository": str(ROOT),
        "solution": str(ROOT / "solutions" / "engine" / "engine.ipynb"),
        "classmate": str(folder / "classmate.ipynb"),
        "grader_module": str(folder / "mgc" / "probes" / "probes.py"),
        "venv": str(folder),
        "reference": str(folder / "secret.txt"),
        "grader_pid": "1",  # as_user.py puts its own pid here
        "port": "1",
    }


def _attack(folder: Path, as_user: bool, env: dict[str, str] | None = None) -> dict:
    command = [SYSTEM_PYTHON, str(folder / "as_user.py"), json.dumps(_targets(folder))]
    if as_user:
        _user()
        command = [shutil.which("runuser"), "-u", USER, "--", *command]
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder), **(env or {})}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=folder, env=environment)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    report["found"] = attacks.findings(report["found"])
    return report


def test_an_ordinary_user_grades_under_bubblewrap_and_the_attacks_fail(workspace):
    probes = workspace / "mgc" / "probes" / "probes.py"
    before = (workspace / "classmate.ipynb").read_text(), probes.read_text()
    report = _attack(workspace, as_user=True)
    assert report["confinement"] == "bubblewrap" and report["filtered"]
    assert report["past_guard"] == []
    assert "timed out after" in report["wedged"]  # the deadline held, and this run went on
    assert report["killed"] == "graded"  # kill -1 reached nothing but the child's own namespace
    assert "op_mul is nowhere to be found" in report["stolen"]["error"]
    found = report["found"]
    assert found.pop("uid") == 65534
    assert len(found.pop("processes")) <= 3
    assert found == {}, f"the child reached: {found}"
    after = (workspace / "classmate.ipynb").read_text(), probes.read_text()
    assert after == before


def test_without_user_namespaces_a_root_grader_drops_the_child_to_nobody(workspace):
    report = _attack(workspace, as_user=False, env={"MGC_SANDBOX": "unprivileged user"})
    assert report["confinement"] == "unprivileged user" and report["filtered"]
    assert report["past_guard"] == []  # a second red team read the solutions here: no open() now
    # here kill -1 would reach every process of uid 65534, a classmate's child too: the filter refuses it
    assert report["killed"] == "graded" and report["bystander"] == "alive"
    assert "op_mul is nowhere to be found" in report["stolen"]["error"]
    found = report["found"]
    assert found["uid"] == 65534
    # files anyone may read stay readable here (say so in the docs); what is private or
    # writable only by the grader is out of reach
    assert not {"write-classmate", "write-grader-module", "read-reference", "grader-environ"} & set(found)
