"""Checking your work needs no PyTorch: the visible cases' answers ship with the course
(mgc/visible_truth.json, written by mgc release), and are current."""

from __future__ import annotations

import json
import math
import shlex
import subprocess
import sys

import nbformat
import pytest
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.judge import expected
from mgc.release import visible_truths

from tests.conftest import copy_of_the_course

COURSE = load()
SOLUTIONS = [ROOT / "solutions" / a.id / a.notebook_name for a in COURSE.assignments]
SAMPLES = sorted((ROOT / "samples").glob("*/*/*.ipynb"))
GUIDE = ROOT / "docs" / "student-guide.md"
WITHOUT_TORCH = "import sys; sys.modules['torch'] = None  # import torch now fails\n"


def _same(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300) or (math.isnan(a) and math.isnan(b))
    return a == b


def test_the_shipped_answers_are_current():
    shipped = json.loads(expected.SHIPPED.read_text())
    fresh = visible_truths(COURSE)
    keys = [(r["function"], r["args"], r["kwargs"]) for r in shipped]
    assert keys == [(r["function"], r["args"], r["kwargs"]) for r in fresh], "run mgc release"
    for old, new in zip(shipped, fresh):
        assert _same(old["result"], new["result"]), f"{old['function']}{old['args']}: run mgc release"


def _verdicts(results) -> list[tuple]:
    return [(r.path, v.exercise, str(v.status), v.feedback) for r in results for v in r.verdicts]


def test_every_visible_check_gives_todays_verdicts_without_pytorch(monkeypatch):
    # today: every answer computed by PyTorch, the shipped ones ignored
    monkeypatch.setattr(expected, "SHIPPED", ROOT / "no-such-file.json")
    expected.shipped.cache_clear()
    try:
        today = _verdicts(grade_paths([*SOLUTIONS, *SAMPLES], Options(visible_only=True, seed=1)))
    finally:
        expected.shipped.cache_clear()
    script = WITHOUT_TORCH + (
        "import json\n"
        "from mgc.grading.run import Options, grade_paths\n"
        f"paths = {[str(p) for p in [*SOLUTIONS, *SAMPLES]]!r}\n"
        "from pathlib import Path\n"
        "results = grade_paths(list(map(Path, paths)), Options(visible_only=True, seed=1))\n"
        "rows = [(r.path, v.exercise, str(v.status), v.feedback) for r in results for v in r.verdicts]\n"
        "print(json.dumps(rows))\n"
        "assert 'torch' not in sys.modules or sys.modules['torch'] is None\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    without = [tuple(v) for v in json.loads(done.stdout.splitlines()[-1])]
    assert without == today
    solutions = {str(p) for p in SOLUTIONS}
    assert all(status == "passed" for path, _, status, _ in without if path in solutions)
    assert any(status == "failed" for _, _, status, _ in without)  # the samples' mistakes are caught


@pytest.mark.parametrize("assignment", [a.id for a in COURSE.assignments])
def test_the_solution_notebooks_test_cells_pass_in_a_kernel_without_pytorch(assignment):
    # as Jupyter runs the notebook: every code cell in order (the "try it" cells too), test cells included
    notebook = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert sum("check(" in c for c in cells) == len(COURSE.assignment(assignment).exercises)
    script = WITHOUT_TORCH + (
        "import json\n"
        f"cells = json.loads({json.dumps(json.dumps(cells))})\n"
        "namespace = {'__name__': '__main__'}\n"
        "for source in cells:\n"
        "    exec(compile(source, '<cell>', 'exec'), namespace)\n"
    )
    run = [sys.executable, "-c", script]
    done = subprocess.run(run, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("the lecture's cases pass") == len(COURSE.assignment(assignment).exercises)


def test_a_case_that_was_not_shipped_says_what_to_do_without_pytorch():
    script = WITHOUT_TORCH + (
        "from mgc.judge import expected\n"
        "try:\n"
        "    expected.operation('a + b', [0.123, 4.56], None)\n"
        "except expected.NoTruth as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "not shipped" in done.stdout and "mgc release" in done.stdout and "torch-cpu.txt" in done.stdout


def test_a_student_install_without_pytorch_checks_the_release(tmp_path):
    # the student guide's install: a copy of the course, installed with its `check` extra into a
    # fresh environment (the package finds course.toml in the copy it was installed from)
    course = copy_of_the_course(tmp_path / "course")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    [line] = [line for line in GUIDE.read_text().splitlines() if "'.[check]'" in line]
    packages = shlex.split(line.split("#")[0])[2:]  # the student guide's own install line
    assert packages[:2] == ["-e", ".[check]"]
    install = [python, "-m", "pip", "install", "-q", "--retries", "0", *packages]
    done = subprocess.run(install, capture_output=True, text=True, timeout=900, cwd=course)
    assert done.returncode == 0, done.stderr[-3000:]
    assert subprocess.run([python, "-c", "import torch"], capture_output=True).returncode != 0
    assert (venv / "bin" / "jupyter").exists()
    mgc = str(venv / "bin" / "mgc")
    solution_path = course / "solutions" / "engine" / "engine.ipynb"
    solution = subprocess.run([mgc, "check", str(solution_path)], capture_output=True, text=True, timeout=300)
    assert solution.returncode == 0, solution.stdout[-3000:] + solution.stderr[-2000:]
    stub = course / "exercises" / "engine" / "engine.ipynb"
    released = subprocess.run([mgc, "check", str(stub)], capture_output=True, text=True, timeout=300)
    assert released.returncode == 1 and "not implemented yet" in released.stdout


def _nudged(value, by):
    """`value` with every float in it moved `by` (a function of the float)."""
    if isinstance(value, list):
        return [_nudged(v, by) for v in value]
    return by(value) if isinstance(value, float) else value


def test_a_release_keeps_the_recorded_digits_when_another_cpu_differs_in_the_last_bits(tmp_path):
    # PyTorch's float64 sums differ in the last bits from one CPU to another: the shipped file, as
    # another machine would record it (every float one ulp away), is left byte for byte as it is
    from mgc.release import write_visible_truths

    shipped = json.loads(expected.SHIPPED.read_text())
    for answer in shipped:
        answer["result"] = _nudged(answer["result"], lambda x: math.nextafter(x, math.inf))
    path = tmp_path / "visible_truth.json"
    text = "[\n" + ",\n".join(json.dumps(answer) for answer in shipped) + "\n]\n"
    path.write_text(text)
    assert write_visible_truths(COURSE, path) is False
    assert path.read_text() == text

    # an answer that is really wrong is rewritten, and only that one
    wrong = json.loads(text)
    losses = next(a for a in wrong if a["function"] == "mlp_losses")
    losses["result"] = _nudged(losses["result"], lambda x: x * 1.001)
    path.write_text(json.dumps(wrong))
    assert write_visible_truths(COURSE, path) is True
    rewritten = json.loads(path.read_text())
    assert [a for a in rewritten if a["function"] != "mlp_losses"] == [
        a for a in json.loads(text) if a["function"] != "mlp_losses"
    ]
    key = lambda a: json.dumps([a["args"], a["kwargs"]])  # noqa: E731
    fresh = {key(a): a["result"] for a in visible_truths(COURSE) if a["function"] == "mlp_losses"}
    for answer in (a for a in rewritten if a["function"] == "mlp_losses"):
        assert _same(answer["result"], fresh[key(answer)])
