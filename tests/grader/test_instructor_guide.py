"""The instructor guide, run: every bash command of docs/instructor.md, in the guide's order, on a
fresh copy of the course, while a class made from samples/ arrives the ways the guide says it
does (nbgrader's exchange, an LMS zip, GitHub Classroom repositories)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT, load

from tests.conftest import copy_of_the_course, require

GUIDE = ROOT / "docs" / "instructor.md"
SAMPLES = ROOT / "samples"
ENGINE = load().assignment("engine")
NOT_RUN = {  # the guide's commands no test can run, and what stands in for each
    "git clone <your copy of micrograd-course> && cd micrograd-course": "the test copies the course",
    "make test": "what CI runs: this test runs inside it",
    "source .venv/bin/activate": "the test puts this environment's bin/ first on PATH",
}
LMS_NAMES = {  # as an LMS names the files of its zip download (mgc.nbgrader_collect)
    "ada": "ada_12345_67890_engine.ipynb",
    "ben": "ben_late_23456_78901_engine.ipynb",
    "cleo": "cleo_34567_89012_engine.ipynb",
    "dan": "dan_45678_90123_engine.ipynb",
    "eve": "eve_56789_01234_engine.ipynb",
}
LMS_IDS = {sample: name.split("_")[-3] for sample, name in LMS_NAMES.items()}  # Canvas's user ids
EXCHANGE_ID, MISSING_ID = (
    "70001",
    "80001",
)  # on the roster: the exchange's student, and one who hands in nothing


def bash_blocks(text: str) -> list[list[str]]:
    """The guide's bash blocks, each as its command lines (comments and blank lines left out)."""
    blocks = re.findall(r"^```bash\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    lines = [[re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()] for block in blocks]
    return [[line for line in block if line and not line.startswith("#")] for block in lines]


class Term:
    """A fresh copy of the course, the environment the guide's commands run in, and the students."""

    def __init__(self, folder: Path) -> None:
        self.course, self.student_home = copy_of_the_course(folder / "course"), folder / "student"
        self.git("init", "-q")
        self.git("add", "-A")
        self.git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "the course")
        exchange, config = folder / "exchange", folder / "jupyter"
        exchange.mkdir(mode=0o777)
        exchange.chmod(0o777)
        config.mkdir()
        (config / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
        self.student_home.mkdir()
        self.me = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
        rows = [f"{sample.title()},{uid},{uid},{sample},A" for sample, uid in LMS_IDS.items()]
        rows += [f"Me,{EXCHANGE_ID},{EXCHANGE_ID},{self.me},A", f"Fay,{MISSING_ID},{MISSING_ID},fay,B"]
        roster = "Student,ID,SIS User ID,SIS Login ID,Section,engine (4242)\n"
        (self.course / "roster.csv").write_text(roster + "".join(row + ",\n" for row in rows))
        self.env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MGC_SANDBOX")}
        self.env |= {
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "PYTHONPATH": str(self.course / "grader"),  # the copy's mgc, not this checkout's
            "JUPYTER_CONFIG_DIR": str(config),
        }
        self.outputs: list[str] = []

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.course, capture_output=True, text=True, check=True)
        return done.stdout

    def run(self, script: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=cwd or self.course,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"{script}\nexit {done.returncode}\n{output[-4000:]}"
        self.outputs.append(output)
        return output

    def submit_through_the_exchange(self, sample: str) -> None:
        """A student fetches the engine notebook in Jupyter, writes it (as `sample` did), submits."""
        course = "--course micrograd-course"
        self.run(f"nbgrader fetch_assignment engine {course} 2>/dev/null || true", cwd=self.student_home)
        notebook = SAMPLES / sample / "engine" / "engine.ipynb"
        shutil.copy(notebook, self.student_home / "engine" / "engine.ipynb")
        self.run(f"nbgrader submit engine {course}", cwd=self.student_home)

    def lms_download(self) -> None:
        archive = self.course / "downloaded" / "engine" / "archive"
        archive.mkdir(parents=True)
        with zipfile.ZipFile(archive / "engine.zip", "w") as z:
            for student, name in LMS_NAMES.items():
                z.write(SAMPLES / student / "engine" / "engine.ipynb", name)

    def classroom_repositories(self) -> None:
        for student in LMS_NAMES:
            repository = self.course / "downloaded" / "classroom" / f"engine-{student}"
            repository.mkdir(parents=True)
            shutil.copy(SAMPLES / student / "engine" / "engine.ipynb", repository / "engine.ipynb")

    def exchange_class_only(self) -> None:
        """release_feedback is for a class that came through the exchange: set the LMS's aside."""
        aside = self.course.parent / "lms-feedback"
        aside.mkdir()
        for uid in LMS_IDS.values():
            shutil.move(self.course / "feedback" / uid, aside / uid)

    def rows(self, name: str) -> dict[str, dict]:
        with (self.course / "grades" / name).open() as f:
            return {row["student"]: row for row in csv.DictReader(f)}


def test_every_command_of_the_instructor_guide_runs_on_a_fresh_course(tmp_path):
    require(shutil.which("bwrap") is not None, "the guide grades under bubblewrap")
    term = Term(tmp_path)
    blocks = bash_blocks(GUIDE.read_text())
    skipped = [line for block in blocks for line in block if line in NOT_RUN]
    assert sorted(skipped) == sorted(NOT_RUN), "a command of the guide is neither run here nor explained"

    before: dict[str, Callable[[], None]] = {
        "nbgrader collect engine": lambda: term.submit_through_the_exchange("ada"),
        "nbgrader zip_collect engine": term.lms_download,
        "mgc grade downloaded/classroom/": term.classroom_repositories,
        "nbgrader collect engine --update": lambda: term.submit_through_the_exchange("ben"),  # late; wrong
        "nbgrader release_feedback engine": term.exchange_class_only,
    }
    seen: dict[str, dict] = {}
    for block in blocks:
        script = "\n".join(line for line in block if line not in NOT_RUN)
        if not script:
            continue
        first = block[0]
        hook = next((key for key in sorted(before, key=len, reverse=True) if first.startswith(key)), None)
        if hook is not None:
            before.pop(hook)()
        if script.startswith(f"mgc grade submitted/{LMS_IDS['ben']}"):
            seen["before regrade"] = term.rows("engine.csv")
        if "--resume" in script:
            seen["before late"] = term.rows("engine.csv")
        output = term.run(script)
        if first.startswith("mgc grade downloaded/classroom/"):
            seen["classroom"] = term.rows("classroom.csv")
        if script.startswith("mkdir -p grades"):
            seen["deadline"] = term.rows("engine.csv")
            assert "pass rate" in output.lower() or "passed" in output.lower()
    assert not before, f"the guide no longer runs {sorted(before)}"

    full = f"{ENGINE.max_score:g}"
    deadline = seen["deadline"]
    # every student on the roster: the LMS's five, the exchange's one, and one who handed in nothing
    assert sorted(deadline) == sorted([*LMS_IDS.values(), EXCHANGE_ID, MISSING_ID])
    assert deadline[LMS_IDS["ada"]]["score"] == deadline[EXCHANGE_ID]["score"] == full
    assert deadline[EXCHANGE_ID]["name"] == "Me" and deadline[LMS_IDS["ada"]]["name"] == "Ada"
    assert float(deadline[LMS_IDS["ben"]]["score"]) < ENGINE.max_score  # ben's += mistake
    assert deadline[MISSING_ID]["outcome"] == "missing" and deadline[MISSING_ID]["score"] == "0"
    seed = (term.course / "grades" / "seed").read_text().strip()  # drawn once, private, reused by every run
    assert os.stat(term.course / "grades" / "seed").st_mode & 0o777 == 0o600 and int(seed) >= 2**40
    assert {row["seed"] for s, row in deadline.items() if s != MISSING_ID} == {seed}
    assert "data:image/png;base64," in (term.course / "grades" / "engine-summary.html").read_text()

    assert seen["before regrade"] == deadline  # the regrade changed nothing it should not
    late = term.rows("engine.csv")
    changed = {s for s in late if late[s] != seen["before late"][s]}
    assert changed == {EXCHANGE_ID}, "--resume regraded only the notebook handed in again"
    assert float(late[EXCHANGE_ID]["score"]) < ENGINE.max_score

    classroom = seen["classroom"]
    assert sorted(classroom) == sorted(f"engine-{s}" for s in LMS_NAMES)
    assert classroom["engine-ada"]["score"] == full

    # nbgrader's gradebook agrees with mgc's (same seed), and its steps ran without warnings of ours
    with (term.course / "grades.csv").open() as f:
        nbgrader = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == "engine"}
    folders = {EXCHANGE_ID: term.me} | {uid: uid for uid in LMS_IDS.values()}
    assert {s: float(nbgrader[folders[s]]["score"]) for s in folders} == {
        s: float(late[s]["score"]) for s in folders
    }
    assert (tmp_path / "lms-feedback" / LMS_IDS["ada"] / "engine" / "engine.html").exists()
    assert (tmp_path / "exchange" / "micrograd-course" / "feedback").is_dir()
    assert not any("display_data_priority" in output for output in term.outputs)
    assert (term.course / "build" / "gradescope-engine.zip").exists()
    assert (term.course / "build" / "classroom-engine" / ".github" / "workflows" / "classroom.yml").exists()

    # back to the LMS: Canvas's import, under the roster's own header for the assignment
    with (term.course / "grades" / "canvas-import.csv").open() as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "engine (4242)"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][5] == full
    imported = {row[1]: row[5] for row in canvas[2:]}
    assert imported == {s: late[s]["score"] for s in late}
    pages = term.course / "grades" / "feedback"
    assert (pages / MISSING_ID / "engine.html").exists() and (pages / LMS_IDS["ben"] / "engine.html").exists()
    with zipfile.ZipFile(term.course / "grades" / "feedback-moodle.zip") as z:
        assert f"Ben_{LMS_IDS['ben']}_assignsubmission_file_/engine-feedback.html" in z.namelist()
    # three parts on three machines, merged: the gradebook one run writes
    merged = json.loads((term.course / "grades" / "merged.json").read_text())["submissions"]
    assert {r["student"]: r["score"] for r in merged} == {s: float(r["score"]) for s, r in late.items()}

    # everything the term wrote is ignored by git, and the release came out as committed
    assert term.git("status", "--porcelain") == ""
    report = json.loads((term.course / "grades" / "engine.json").read_text())
    assert report["seed"] == int(seed)


@pytest.mark.parametrize("line", sorted(NOT_RUN))
def test_the_commands_not_run_are_in_the_guide(line):
    assert line in {line for block in bash_blocks(GUIDE.read_text()) for line in block}
