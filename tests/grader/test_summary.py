"""The class summary (per-exercise pass rates, the scores' histogram, the frequent hints), and the
progress bar that runs before it."""

from __future__ import annotations

import base64
import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios

import nbformat
from mgc.cli import main
from mgc.course.manifest import ROOT

SAMPLES = ROOT / "samples"  # ben assigns in __add__, cleo writes 1 - t for tanh, eve hands in the stubs


def test_the_summary_shows_what_the_class_got_wrong(tmp_path, capsys):
    page, notes = tmp_path / "summary.html", tmp_path / "summary.md"
    for out in (page, notes):
        assert main(["grade", str(SAMPLES), "--quiet", "--no-progress", "--summary", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Summary of engine: 5 graded" in printed
    assert re.search(r"engine\.add\s*│\s*60% \(3/5\)", printed)  # ada, cleo and dan; not ben, not eve
    assert re.search(r"engine\.tanh\s*│\s*60% \(3/5\)", printed)  # not cleo, not eve
    assert re.search(r"engine\.mul\s*│\s*80% \(4/5\)", printed)  # only eve
    assert "1 of 5: engine.tanh: the local derivative of tanh is 1 - t**2" in printed
    assert "1 of 5: nn.train: the grads are never reset" in printed  # dan's
    text = notes.read_text()
    assert "## engine" in text and "| `engine.add` | 60% (3/5) |" in text
    html = page.read_text()
    (png,) = re.findall(r'alt="scores of engine" src="data:image/png;base64,([^"]+)"', html)
    assert base64.b64decode(png).startswith(b"\x89PNG")


def test_a_students_error_text_is_never_taken_for_a_hint(tmp_path, capsys):
    # a red team raised an error whose text held "hint: " lines: they became the class's hints, and
    # the Markdown summary carried its image and script as they were
    notebook = nbformat.read(SAMPLES / "ada" / "engine" / "engine.ipynb", as_version=4)
    value = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    forged = "x\nhint: ![beacon](http://example.invalid/b.png) <script>alert(1)</script>"
    raising = f"    def exp(self):\n        raise ValueError({forged!r})\n"
    value.source = value.source.replace("    def exp(self):\n", raising)
    (tmp_path / "class" / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(notebook, tmp_path / "class" / "mallory" / "engine" / "engine.ipynb")
    notes = tmp_path / "summary.md"
    grade = ["grade", str(tmp_path / "class"), "--quiet", "--no-progress", "--summary", str(notes)]
    assert main(grade) == 0
    assert "beacon" not in capsys.readouterr().out.split("Summary of engine")[1]
    assert "beacon" not in notes.read_text() and "<script>" not in notes.read_text()


def test_a_summary_file_of_another_kind_is_refused_before_grading(tmp_path, capsys):
    assert main(["grade", str(SAMPLES / "ada"), "--summary", str(tmp_path / "summary.txt")]) == 2
    assert "write it as .md or .html" in capsys.readouterr().err


def _run_on_a_terminal(command: list[str]) -> str:
    """Run `command` with stdout and stderr on a pseudo-terminal, as in an instructor's shell."""
    main_fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows, 120 columns
    env = os.environ | {"TERM": "xterm"}
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(main_fd)
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_progress_bar_runs_in_a_terminal_and_never_under_a_table(tmp_path):
    for student in ("ada", "ben", "cleo"):
        shutil.copytree(SAMPLES / student / "engine", tmp_path / student / "engine")
    command = [sys.executable, "-m", "mgc.cli", "grade", str(tmp_path), "--seed", "1"]
    screen = _run_on_a_terminal(command)
    assert "notebook/s" in screen or "s/notebook" in screen, "no progress bar in a terminal"
    lines = [line.rsplit("\r", 1)[-1] for line in screen.replace("\r\n", "\n").split("\n")]  # as shown
    assert sum("┏" in line for line in lines) >= 4  # a table per submission, and the gradebook
    for line in lines:  # the bar is cleared before each table: never a bar with text after it
        assert "%|" not in line or re.fullmatch(r"\s*\d+%\|.*\]\s*", line), repr(line)
    piped = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert "%|" not in piped.stdout + piped.stderr and "notebook/s" not in piped.stderr  # no bar in a pipe
