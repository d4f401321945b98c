"""Hostile and broken submissions: each attack, placed in one method (`exp`), costs that
exercise only, finishes within its time limit, leaves no process alive, and never stops
the rest of the class."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from mgc.course.manifest import ROOT
from mgc.grading.run import Options, grade_paths
from mgc.sandbox.runner import confinement

from tests.conftest import require
from tests.grader.helpers import edited, failed, grade_cells, solution_cells

EXP_LINE = "        out = Value(math.exp(self.data), (self,), 'exp')\n"
MARKER = "4242.5"  # a sleep of this many seconds marks processes an attack started

ATTACKS = {
    "ignores-signals-and-catches-everything": """
        import signal
        for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
""",
    "patches-comparisons": """
        import builtins, math
        math.isclose = lambda *a, **k: True
        builtins.abs = lambda x: 0.0
        builtins.round = lambda *a, **k: 0.0
        try:
            import torch
            torch.allclose = torch.isclose = lambda *a, **k: True
        except ImportError:
            pass
        return Value(0.0, (self,), 'exp')
""",
    "lying-floats": """
        class Liar(float):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __sub__(self, other): return Liar(0.0)
            def __rsub__(self, other): return Liar(0.0)
            def __abs__(self): return Liar(0.0)
            def __float__(self): return 2.718281828459045
            __hash__ = float.__hash__
        out = Value(Liar(0.0), (self,), 'exp')
        def _backward():
            self.grad = Liar(0.0)
        out._backward = _backward
        return out
""",
    "allocates-gigabytes": """
        hoard = bytearray(8 * 2**30)
""",
    "allocates-gigabytes-slowly": """
        hoard = []
        while True:
            hoard.append(bytearray(2**26))
""",
    "outlives-itself": f"""
        import os, subprocess
        subprocess.Popen(['sleep', '{MARKER}'], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            os.execvp('sleep', ['sleep', '{MARKER}'])
        return Value(0.0)
""",
    "floods-stdout": """
        import sys
        for _ in range(2000):
            print('x' * 100000)
            print('{"results": []}', file=sys.stderr)
        return Value(0.0)
""",
    "delegates-to-the-reference-engine": f"""
        import sys
        sys.path.insert(0, {str(ROOT / "reference")!r})
        from micrograd.engine import Value as Reference
        return Reference(self.data).exp()
""",
    "imports-the-grader": f"""
        import sys
        sys.path.insert(0, {str(ROOT / "grader")!r})
        import mgc.judge.expected  # a stand-in: the sandbox has no mgc, and imports nothing new
        truth = mgc.judge.expected.operation("a.exp()", [self.data], None)[0]
""",
    "reads-the-solutions": f"""
        source = open({str(ROOT / "solutions" / "engine" / "engine.ipynb")!r}).read()
        return Value(0.0)
""",
    "recurses-without-end": """
        def deeper(n):
            return deeper(n + 1)
        deeper(0)
""",
    "recurses-until-the-interpreter-crashes": """
        import sys
        sys.setrecursionlimit(10**7)
        def deeper(n):
            return deeper(n + 1)
        deeper(0)
""",
    "exits-quietly": """
        import os
        os._exit(0)
""",
    "kills-its-own-process-group": """
        import os, signal
        os.killpg(os.getpgid(0), signal.SIGKILL)
""",
}
NEEDS_NAMESPACES = {  # without bubblewrap, files readable by the grader are readable by the child
    "delegates-to-the-reference-engine",
    "imports-the-grader",
    "reads-the-solutions",
    "outlives-itself",  # without a PID namespace, a setsid grandchild escapes the process group
}


def _marked_processes() -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if MARKER.encode() in cmdline and b"pytest" not in cmdline:
            found.append(int(pid))
    return found


def _attacked(attack: str) -> list[str]:
    body = ATTACKS[attack].strip("\n") + "\n"
    return edited(solution_cells("engine"), EXP_LINE, body + EXP_LINE)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_an_attack_costs_its_own_exercise_only(attack):
    if attack in NEEDS_NAMESPACES:
        require(confinement() == "bubblewrap", "hiding files and processes needs bubblewrap")
    limit = 2.0
    start = time.monotonic()
    outcome = grade_cells("engine", _attacked(attack), seconds=limit)
    elapsed = time.monotonic() - start
    assert failed(outcome) == {"engine.exp"}, outcome
    # each request may take the limit once, plus a restart; nothing waits longer
    assert elapsed < 3 * limit + 30, elapsed
    time.sleep(0.2)
    assert _marked_processes() == [], "a process the submission started is still alive"


def _notebook_with(tmp_path: Path, student: str, cells: list[str]) -> None:
    release = nbformat.read(ROOT / "samples" / "ada" / "engine" / "engine.ipynb", as_version=4)
    value = next(c for c in release.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    value.source = next(c for c in cells if "class Value" in c)
    folder = tmp_path / student / "engine"
    folder.mkdir(parents=True)
    nbformat.write(release, folder / "engine.ipynb")


def test_a_class_with_attackers_is_graded_normally(tmp_path):
    attacks = ["ignores-signals-and-catches-everything", "outlives-itself", "lying-floats", "exits-quietly"]
    for attack in attacks:
        _notebook_with(tmp_path, attack, _attacked(attack))
    shutil.copytree(ROOT / "samples" / "ada" / "engine", tmp_path / "ada" / "engine")
    (tmp_path / "zed" / "engine").mkdir(parents=True)
    (tmp_path / "zed" / "engine" / "engine.ipynb").write_bytes(os.urandom(2048))
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=4, time_limit=2.0))}
    assert set(results) == {*attacks, "ada", "zed"}
    for r in results.values():
        assert all(0 <= v.points <= v.max_points for v in r.verdicts)
    assert results["ada"].score == results["ada"].max_score
    assert results["zed"].score == 0
    for attack in attacks:
        lost = {v.exercise for v in results[attack].verdicts if v.points < v.max_points}
        assert lost == {"engine.exp"}, (attack, results[attack].to_row())
    time.sleep(0.2)
    assert _marked_processes() == []


def test_text_that_is_not_utf8_never_stops_a_writer_for_the_class(tmp_path):
    # a fifth red team's: a file name that is not UTF-8, an error text and a comment holding a lone
    # surrogate stopped the CSV, the feedback pages and the grading of an honest notebook
    import json

    from mgc.cli import main

    ada = ROOT / "samples" / "ada" / "engine" / "engine.ipynb"
    klass = tmp_path / "class"
    for student in ("zoe", "mallory", "nina"):
        (klass / student / "engine").mkdir(parents=True)
    shutil.copy(ada, klass / "zoe" / "engine" / "engine.ipynb")
    shutil.copy(ada, os.fsdecode(bytes(klass / "zoe") + b"/notes-\xff.ipynb"))
    raising = nbformat.read(ROOT / "exercises" / "engine" / "engine.ipynb", as_version=4)
    raising.cells.append(
        nbformat.v4.new_code_cell('Value.__add__ = lambda s, o: (_ for _ in ()).throw(ValueError("\\ud800"))')
    )
    nbformat.write(raising, klass / "mallory" / "engine" / "engine.ipynb")
    commented = json.loads(ada.read_text())
    for cell in commented["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "value":
            cell["source"] = ["# notes \ud800\n", *cell["source"]]
    (klass / "nina" / "engine" / "engine.ipynb").write_text(json.dumps(commented))
    book, table, summary = tmp_path / "g.json", tmp_path / "g.csv", tmp_path / "s.md"
    args = ["grade", str(klass), "--jobs", "1", "--no-progress", "--quiet", "--json", str(book)]
    assert main([*args, "--csv", str(table), "--summary", str(summary)]) == 0
    rows = {(r["student"], Path(r["path"]).name): r for r in json.loads(book.read_text())["submissions"]}
    assert rows[("nina", "engine.ipynb")]["score"] == rows[("zoe", "engine.ipynb")]["score"] == 17
    assert any(name.startswith("notes-") for _, name in rows) and table.read_text() and summary.read_text()
    assert main(["feedback", str(book), "--out", str(tmp_path / "pages")]) == 0
    assert len(list((tmp_path / "pages").rglob("*.html"))) >= 3
