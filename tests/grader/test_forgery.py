"""A dishonest student against the grader: stealing the grader's answers, reaching outside the
sandbox, wedging or killing the grader, hostile files. Each test asserts the attacker gets no
more than their honest score, every classmate keeps theirs, no file outside the sandbox
changed, and nothing is left running."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.judge.checks.operations import op_case
from mgc.judge.expected import FINITE_DIFFERENCE_STEP
from mgc.sandbox import runner as sandbox
from mgc.sandbox import syscalls
from mgc.sandbox.runner import Limits, Sandbox, SandboxError, confinement

from tests.conftest import require
from tests.grader import attacks
from tests.grader.helpers import alive, grade_sandbox, solution_cells

SAMPLE = ROOT / "samples" / "ada" / "engine" / "engine.ipynb"  # full marks
FULL = load().assignment("engine").max_score
BENEATH = Limits(5, 5, guarded=False)  # attacks on the layers beneath the guard: seccomp, namespaces


@pytest.fixture(autouse=True)
def _bubblewrap():
    require(confinement() == "bubblewrap", "confinement needs bubblewrap (apt-get install bubblewrap)")


def hand_in(folder: Path, student: str, value_cell: str | None = None, extra: str | None = None) -> Path:
    """A copy of the honest engine notebook under folder/student/engine/, with its Value cell
    replaced by `value_cell` and/or a cell of `extra` code added before the first test."""
    notebook = nbformat.read(SAMPLE, as_version=4)
    cells = notebook.cells
    value = next(c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    if value_cell is not None:
        value.source = value_cell
    if extra is not None:
        cells.insert(cells.index(value) + 1, nbformat.v4.new_code_cell(extra))
    target = folder / student / "engine" / "engine.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def scores(folder: Path, seconds: float = 3.0, jobs: int = 1, guarded: bool = True) -> dict[str, float]:
    results = grade_paths([folder], Options(seed=7, time_limit=seconds, guarded=guarded), jobs=jobs)
    return {r.student: r.score for r in results if r.counts}


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


# ---- stealing the grader's answers ------------------------------------------------------------


def test_a_thief_with_empty_stubs_steals_nothing(tmp_path):
    hand_in(tmp_path, "thief", attacks.THIEF)
    hand_in(tmp_path, "ada")
    got = scores(tmp_path)
    assert got == {"thief": 0, "ada": FULL}


def test_the_thief_does_find_the_other_operations_so_the_test_is_real(tmp_path):
    # grading __mul__, the child holds the grader's + (that is isolation): the thief's __add__
    # delegation works there, which shows the search reaches what the child holds
    cells = [attacks.THIEF, "def use():\n    return (Value(2.0) + Value(3.0)).data\n"]
    box = Sandbox(cells, BENEATH)
    results = box.probe("operation", [_mul_case()], keep=["__mul__"], eps=FINITE_DIFFERENCE_STEP)
    assert "op_mul is nowhere to be found" in results[0]["error"]
    [added] = box.probe("operation", [_add_case()], keep=["__mul__"], eps=FINITE_DIFFERENCE_STEP)
    assert added.get("data") == 5.0, added


def _mul_case() -> dict:
    return op_case("mul", [2.0, 3.0])


def _add_case() -> dict:
    return op_case("add", [2.0, 3.0])


# ---- the guard: no frame, descriptor or new module for student code -------------------------


def _went_past(limits: Limits) -> list[str]:
    box = Sandbox([attacks.PAST_THE_GUARD], limits)
    box.probe("zero_grad", [])
    return eval(box.cell_errors[0].split("GUARD", 1)[1].split("\n")[0])


def test_student_code_gets_no_frame_no_descriptor_and_no_new_module():
    # each of these let a cell find main's pipes and write its own report (two red teams' forgers)
    assert _went_past(Limits(5, 5)) == []


def test_without_the_guard_every_route_is_open_so_the_test_is_real():
    went = set(_went_past(BENEATH))
    assert {"sys._getframe", "tb_frame", "gi_frame", "formatter", "match", "os.write", "posix.write"} <= went
    assert {"import ctypes", "import _ctypes", "gc objects", "marshal.loads", "a fresh posix"} <= went
    assert {"signal handler", "settrace", "code.replace"} <= went
    assert "fork" not in went and "a thread" not in went  # the kernel's RLIMIT_NPROC, guard or not


# ---- reaching outside the sandbox ------------------------------------------------------------


def snoop_targets(classmate: Path, port: int) -> dict[str, str]:
    return {
        "repository": str(ROOT),
        "solution": str(ROOT / "solutions" / "engine" / "engine.ipynb"),
        "classmate": str(classmate),
        "grader_module": str(ROOT / "grader" / "mgc" / "judge" / "checks" / "base.py"),
        "venv": sys.prefix,
        "reference": str(ROOT / "reference" / "micrograd" / "engine.py"),
        "grader_pid": str(os.getpid()),
        "port": str(port),
    }


def test_the_child_reaches_no_file_process_secret_or_socket_outside(tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_TEST_SECRET", "s3cret")
    classmate = hand_in(tmp_path, "ada")
    before = classmate.read_bytes(), (ROOT / "grader" / "mgc" / "judge" / "checks" / "base.py").read_bytes()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        box = Sandbox([attacks.snoop(snoop_targets(classmate, server.getsockname()[1]))], BENEATH)
        box.probe("zero_grad", [])
    found = attacks.findings(box.cell_errors[0])
    assert found.pop("uid") == 65534
    assert len(found.pop("processes")) <= 3, "the child sees processes other than its own"
    assert found == {}, f"the child reached: {found}"
    after = classmate.read_bytes(), (ROOT / "grader" / "mgc" / "judge" / "checks" / "base.py").read_bytes()
    assert after == before


def test_the_snoop_cell_does_report_what_it_can_reach(tmp_path):
    # the same cell, run here without a sandbox, finds the files: the assertions above are real
    classmate = hand_in(tmp_path, "ada")
    namespace: dict = {}
    with pytest.raises(RuntimeError) as raised:
        exec(attacks.snoop({**snoop_targets(classmate, 1), "grader_module": str(tmp_path / "x")}), namespace)
    found = attacks.findings(str(raised.value))
    assert {"list-repository", "read-solution", "read-classmate", "write-classmate"} <= set(found)


# ---- wedging and killing ----------------------------------------------------------------------


def test_wedged_pipes_and_kill_everything_cost_the_attacker_only(tmp_path):
    hand_in(tmp_path, "wedge", extra=attacks.WEDGE_PIPES)
    hand_in(tmp_path, "killer", extra=attacks.KILL_EVERYTHING)
    hand_in(tmp_path, "ada")
    hand_in(tmp_path, "bea")
    start = time.monotonic()
    got = scores(tmp_path, seconds=2.0, jobs=2, guarded=False)
    elapsed = time.monotonic() - start
    assert got["ada"] == got["bea"] == FULL
    assert got["wedge"] <= FULL and got["killer"] <= FULL
    assert got["wedge"] == 0, "the wedged child should time out on every exercise"
    assert elapsed < 120, elapsed


def test_killing_mgc_grade_leaves_no_worker_sandbox_or_child(tmp_path):
    for student in ("hang1", "hang2"):
        hand_in(tmp_path, student, extra="while True:\n    pass\n")
    mgc = [sys.executable, "-m", "mgc.cli", "grade", str(tmp_path), "--jobs", "2", "--no-progress"]
    process = subprocess.Popen(mgc, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            below = descendants(process.pid)
            if any(b"bwrap" in _cmdline(pid) for pid in below):
                break
            time.sleep(0.2)
        else:
            pytest.fail("no sandbox started")
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5  # the kernel kills them at once; a busy machine may lag
        while alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(below) == set(), [_cmdline(p) for p in alive(below)]
    finally:
        process.kill()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# ---- hostile files -----------------------------------------------------------------------------


def test_hostile_files_are_refused_by_name_and_the_class_is_graded(tmp_path):
    ada = hand_in(tmp_path, "ada")
    links = {"copycat": ada, "zeros": Path("/dev/zero"), "stdin": Path("/dev/stdin")}
    for student, target in links.items():
        (tmp_path / student / "engine").mkdir(parents=True)
        (tmp_path / student / "engine" / "engine.ipynb").symlink_to(target)
    (tmp_path / "fifo" / "engine").mkdir(parents=True)
    os.mkfifo(tmp_path / "fifo" / "engine" / "engine.ipynb")
    (tmp_path / "deep" / "engine").mkdir(parents=True)
    (tmp_path / "deep" / "engine" / "engine.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    huge = tmp_path / "huge" / "engine" / "engine.ipynb"
    huge.parent.mkdir(parents=True)
    huge.write_text('{"nbformat": 4, "padding": "' + "x" * (25 << 20) + '"}')
    start = time.monotonic()
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=7, time_limit=3.0))}
    elapsed = time.monotonic() - start
    assert results["ada"].score == FULL
    expected = {
        "copycat": "symbolic link",
        "zeros": "symbolic link",
        "stdin": "symbolic link",
        "fifo": "not a regular file",
        "deep": "nested too deeply",
        "huge": "over 20 MiB",
    }
    for student, words in expected.items():
        assert results[student].score == 0
        assert words in results[student].reason, (student, results[student].reason)
    assert elapsed < 60, elapsed


def test_a_second_notebook_is_flagged_and_not_summed(tmp_path):
    first = hand_in(tmp_path, "ada")
    shutil.copy(first, first.parent / "engine-copy.ipynb")
    hand_in(tmp_path, "thief", attacks.THIEF)
    shutil.copy(first, tmp_path / "thief" / "engine" / "better.ipynb")  # a classmate's work, renamed
    results = grade_paths([tmp_path], Options(seed=7, time_limit=3.0))
    counted = {(r.student, r.path): r.score for r in results if r.counts}
    flagged = {r.path: r.duplicate_of for r in results if r.duplicate_of}
    assert counted == {("ada", str(first)): FULL, ("thief", str(tmp_path / "thief/engine/engine.ipynb")): 0}
    assert flagged == {
        str(first.parent / "engine-copy.ipynb"): str(first),
        str(tmp_path / "thief/engine/better.ipynb"): str(tmp_path / "thief/engine/engine.ipynb"),
    }


def test_a_loose_notebook_named_after_a_classmate_never_replaces_their_work(tmp_path):
    # a red team's flat upload folder: mallory uploads bea.ipynb (stubs) beside bea's own folder,
    # whose notebook is not named as the release names it; the loose one, shallower, used to count
    bea = hand_in(tmp_path, "bea")
    bea = bea.rename(bea.parent / "engine (1).ipynb")
    shutil.copy(ROOT / "samples" / "eve" / "engine" / "engine.ipynb", tmp_path / "bea.ipynb")
    results = grade_paths([tmp_path], Options(seed=7, time_limit=3.0))
    counted = {(r.student, r.path): r.score for r in results if r.counts}
    assert counted == {("bea", str(bea)): FULL}
    flagged = {r.path: r.duplicate_of for r in results if r.duplicate_of}
    assert flagged == {str(tmp_path / "bea.ipynb"): str(bea)}


def test_a_notebook_never_changes_during_grading_from_inside(tmp_path):
    classmate = hand_in(tmp_path, "bea")
    before = classmate.read_bytes()
    writer = f"open({str(classmate)!r}, 'w').write('{{}}')\n"
    hand_in(tmp_path, "writer", extra=writer)
    got = scores(tmp_path)
    assert got["bea"] == FULL and classmate.read_bytes() == before


def test_limits_apply_to_one_request_at_a_time():
    cells = [*solution_cells("engine"), "import time\ntime.sleep(30)\n"]
    box = Sandbox(cells, Limits(load_seconds=1.0, request_seconds=1.0))
    start = time.monotonic()
    box.probe("zero_grad", [])
    box.probe("zero_grad", [])  # the hanging cell is skipped from the first time on
    assert time.monotonic() - start < 20  # a hang guard: the cell sleeps 30 s, and would twice


# ---- found by a red team ------------------------------------------------------------------------


def test_a_flood_of_fake_cell_errors_keeps_at_most_one_per_cell():
    flood = attacks.PIPES + (
        "for key in range(100_000):\n"
        '    os.write(reports, b\'{"cell_error": %d, "error": "%s"}\\n\' % (key, b\'x\' * 2000))\n'
    )
    box = Sandbox(["x = 1", flood], BENEATH)
    box.probe("zero_grad", [])  # the flooding cell is cut off, then skipped
    assert box.skipped_cells == {1} and set(box.cell_errors) <= {0, 1}  # a lie about its own cells at most
    assert sum(map(len, box.cell_errors.values())) <= 4000
    assert "more messages than the notebook has cells" in box.cell_errors[1]


def test_many_hanging_cells_cost_the_notebook_its_budget_and_no_more():
    cells = [*solution_cells("engine"), *["import time\ntime.sleep(1000)\n"] * 20]
    box = Sandbox(cells, Limits(load_seconds=1.0, request_seconds=1.0, total_seconds=5.0))
    start = time.monotonic()
    outcome = grade_sandbox("engine", box)
    assert time.monotonic() - start < 5.0 + 15  # a hang guard: without the budget, 20 s per exercise
    assert all(outcome.values()), "a notebook out of time fails its remaining exercises"


def test_markup_escape_codes_and_deep_metadata_neither_crash_the_run_nor_reach_the_terminal(tmp_path):
    hand_in(tmp_path, "ada")
    screen = "\x1b[2J\x1b]0;pwned\x07[/] [bold]16 of 16"
    fake = f"def _fake(self, *a):\n    raise Exception({screen!r})\nValue.__add__ = _fake\n"
    hand_in(tmp_path, "ansi", extra=fake)
    odd = tmp_path / "m" / "[/]" / "engine"
    odd.mkdir(parents=True)
    (odd / "engine.ipynb").symlink_to(tmp_path / "ada" / "engine" / "engine.ipynb")
    text = SAMPLE.read_text()
    deep = text.replace('"metadata": {}', '"metadata": {"x": ' + '{"a":' * 700 + "1" + "}" * 700 + "}", 1)
    (tmp_path / "deep" / "engine").mkdir(parents=True)
    (tmp_path / "deep" / "engine" / "mine.ipynb").write_text(deep)
    out = tmp_path.parent / "out.json"
    mgc = [sys.executable, "-m", "mgc.cli", "grade", str(tmp_path), "--seed", "1", "--json", str(out)]
    done = subprocess.run(mgc, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert b"\x1b" not in done.stdout and b"pwned\x07" not in done.stdout
    students = {s["student"]: s for s in json.loads(out.read_text())["submissions"]}
    assert students["ada"]["score"] == FULL
    assert "nested too deeply" in students["deep"]["reason"]
    assert "symbolic link" in students["m"]["reason"]


def test_nothing_passes_from_one_child_to_the_next():
    # every child of a grading process is forked by the same server, one after the other: what one
    # child holds (the grader's tanh, say) must not reach the next (grading mul), and one student's
    # child must leave nothing for a classmate's, through a file, an IPC object or a process
    require(syscalls.available(), "the seccomp filter needs libseccomp and pyseccomp")
    seen, servers = [], set()
    ada = Sandbox([attacks.LEAVE_BEHIND], BENEATH)
    bob = Sandbox([attacks.LEAVE_BEHIND], BENEATH)
    for box in (ada, ada, bob):  # two exercises of one notebook, then a classmate's notebook
        box.probe("zero_grad", [])
        seen.append(json.loads(box.cell_errors.pop(0).split("LEFT", 1)[1].split("\n")[0]))
        servers.add(sandbox._server_for(box.limits).process.pid)
    assert len(servers) == 1, "the three children were not forked by one server"
    for run in seen:
        assert run["found"] == []
        expected = ["/tmp/left", "/dev/shm/left", "left", "/left", "shm", "socket", "fork"]
        assert run["refused"] == [*expected, "server maps", "server environ"]


def test_no_child_can_starve_the_children_forked_after_it():
    # the server forks every child of the process, classmates' included: a child must not lower its
    # limits, raise its niceness or pin it to a core, which every later child would inherit
    require(syscalls.available(), "the seccomp filter needs libseccomp and pyseccomp")
    reports = []
    for _ in range(2):
        box = Sandbox([attacks.REACH_THE_SERVER], BENEATH)
        box.probe("zero_grad", [])
        reports.append(json.loads(box.cell_errors[0].split("REACH", 1)[1].split("\n")[0]))
    attacker, classmate = reports
    assert attacker["done"] == [] and classmate["done"] == []
    assert classmate["mine"] == attacker["mine"]  # what the first child saw before its attempts
    assert attacker["mine"]["nice"] == os.getpriority(os.PRIO_PROCESS, 0)
    assert attacker["mine"]["cores"] == len(os.sched_getaffinity(0))


def test_no_child_can_have_the_server_signalled_or_stall_the_children_after_it():
    # a red team's finding: fcntl(F_SETOWN, F_SETSIG, O_ASYNC) on the report pipe had the kernel stop the
    # server when the parent read the report, so the next student's first exercise timed out; a lease
    # on a standard module stalled every child that imported it; a file handle opened any file
    require(syscalls.available(), "the seccomp filter needs libseccomp and pyseccomp")
    attacker = Sandbox([attacks.SIGNAL_THE_SERVER], BENEATH)
    attacker.probe("zero_grad", [])
    assert json.loads(attacker.cell_errors[0].split("SIGNAL", 1)[1].split("\n")[0]) == []
    classmate = Sandbox(["x = 1\n"], BENEATH)
    classmate.probe("zero_grad", [])  # a stalled server would time out here (SandboxError)
    assert classmate.cell_errors == {}


def test_as_root_student_code_never_runs_unconfined(monkeypatch):
    require(os.geteuid() == 0, "only root could be asked to run student code as root")
    monkeypatch.setenv("MGC_SANDBOX", "none")
    with pytest.raises(SandboxError, match="student code would run as root"):
        confinement()


def test_the_attack_on_the_next_child_is_real():
    # the same cell, run twice here without a sandbox, finds its file and segment the second time
    namespace: dict = {}
    cell = attacks.LEAVE_BEHIND.replace('"/tmp/left", "/dev/shm/left", "left", "/left"', '"left",')
    libc = ctypes.CDLL(None, use_errno=True)
    here = os.getcwd()
    try:
        os.chdir(tempfile.mkdtemp())
        for run in range(2):
            with pytest.raises(RuntimeError) as raised:
                exec(cell.replace("os.fork() == 0", "False"), namespace)
            found = json.loads(str(raised.value)[4:])["found"]
            assert ("left" in found and "shm" in found) == (run == 1)
    finally:
        os.chdir(here)
        libc.shmctl(libc.shmget(4242, 0, 0), 0, None)  # IPC_RMID


# ---- raw memory (issue 18) -----------------------------------------------------------------------


def test_the_raw_memory_route_forges_nothing_where_no_process_holds_ctypes(tmp_path):
    # the route is real: beneath the guard, where ctypes can still be imported, it forges full marks
    hand_in(tmp_path, "mallory", extra=attacks.forger("memory"))
    assert scores(tmp_path, guarded=False)["mallory"] == FULL
    # graded as notebooks are: the stubs' honest score
    stubs = nbformat.read(ROOT / "exercises" / "engine" / "engine.ipynb", as_version=4)
    attacks.pasted_under_the_stubs(stubs, attacks.forger("memory"))
    (tmp_path / "mallory" / "engine" / "engine.ipynb").write_text(nbformat.writes(stubs))
    [mallory] = grade_paths([tmp_path / "mallory"], Options(seed=7, time_limit=3.0))
    assert mallory.score == 0


MEMORY_REPORT = """
import sys
held = [n for n in sorted(sys.modules) if "ctypes" in n and type(sys.modules[n]).__name__ == "module"]
types = [c.__name__ for c in object.__subclasses__() if c.__module__.startswith(("_ctypes", "ctypes"))]
raise RuntimeError("HELD" + repr([held, types]))
"""


def test_no_process_that_runs_student_code_holds_ctypes_in_its_modules_or_its_memory():
    box = Sandbox([MEMORY_REPORT], Limits(5, 5))
    box.probe("zero_grad", [])
    assert box.cell_errors[0].split("HELD", 1)[1].split("\n")[0] == "[[], []]"
    server = sandbox._server_for(box.limits).process.pid
    below = descendants(server)
    assert below, "the server's processes were not found"
    for pid in below:  # bwrap's init and the fork server, which every child is a copy of
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "_ctypes" not in maps and "libffi" not in maps, _cmdline(pid)[:80]


# ---- a fourth red team (issue 18) ------------------------------------------------------------------


def test_the_graders_other_operations_are_out_of_reach_of_a_primitive(tmp_path):
    # a fourth red team's: the refusing stand-ins of a primitive's child lived beside every other
    # operation of the grader (one __globals__ away): add = log(exp a * exp b) and so on, 7/17 from
    # the stubs, no derivative written. A primitive's child is now sent no operation at all.
    stubs = nbformat.read(ROOT / "exercises" / "engine" / "engine.ipynb", as_version=4)
    attacks.pasted_under_the_stubs(stubs, attacks.cell("borrow_route"))
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(stubs, tmp_path / "mallory" / "engine" / "engine.ipynb")
    [mallory] = grade_paths([tmp_path], Options(seed=1, time_limit=3.0))
    assert mallory.score == 0, [v for v in mallory.verdicts if v.passed]


def test_a_child_ended_by_the_students_code_is_the_students_failure_whatever_its_status(tmp_path):
    # os._exit(121), the status a child uses when it could not confine itself, turned a student's own
    # failure into NOT GRADED on every exercise ("the sandbox could not confine..."): a regrade asked
    # of the instructor, forever. A child that has spoken is confined: its status is the code's.
    stubs = nbformat.read(ROOT / "exercises" / "engine" / "engine.ipynb", as_version=4)
    attacks.pasted_under_the_stubs(stubs, attacks.cell("exit_status"))
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(stubs, tmp_path / "mallory" / "engine" / "engine.ipynb")
    shutil.copytree(ROOT / "samples" / "ada" / "engine", tmp_path / "ada" / "engine")
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=1, time_limit=3.0))}
    mallory = results["mallory"]
    assert mallory.graded and mallory.outcome == "graded" and mallory.score == 0
    assert all(v.status == "failed" for v in mallory.verdicts)
    assert all("ended the grading process itself (exit status 121)" in v.message for v in mallory.verdicts)
    assert results["ada"].score == load().assignment("engine").max_score


def test_operations_defined_through_each_other_earn_nothing_for_the_primitives(tmp_path):
    # every method written in terms of the others: each one used to pass on the grader's versions of
    # the rest (14/17, unflagged). The primitive operations (course.toml) now have nothing to lean on.
    stubs = nbformat.read(ROOT / "exercises" / "engine" / "engine.ipynb", as_version=4)
    attacks.pasted_under_the_stubs(stubs, attacks.cell("circular"))
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(stubs, tmp_path / "mallory" / "engine" / "engine.ipynb")
    [mallory] = grade_paths([tmp_path], Options(seed=1, time_limit=3.0))
    passed = {v.exercise for v in mallory.verdicts if v.passed}
    primitive = {e.id for e in load().assignment("engine").exercises if e.primitive}
    assert primitive == {"engine.add", "engine.mul", "engine.pow", "engine.exp"}
    assert not passed & primitive
    # what is left are formulas in the lecture's own terms (tanh from exp, - from + and neg...),
    # which an honest notebook may write too and which are graded on the grader's operations
    assert passed <= {"engine.rmul", "engine.tanh", "engine.relu", "engine.sigmoid", "engine.composites"}
    add = next(v for v in mallory.verdicts if v.exercise == "engine.add")
    assert "called Value." in add.message and "compute this operation's result" in add.hint


@pytest.mark.parametrize("attack", ["calls_injection", "probe_error_injection"])
def test_a_string_of_the_students_own_type_never_writes_the_report(tmp_path, attack):
    # a str subclass whose replace() returned itself went out unescaped: the report line was the
    # student's to write (a forged line; JSON nested so deep the parent's parser broke)
    stubs = nbformat.read(ROOT / "exercises" / "engine" / "engine.ipynb", as_version=4)
    attacks.pasted_under_the_stubs(stubs, attacks.cell(attack))
    (tmp_path / "mallory" / "engine").mkdir(parents=True)
    nbformat.write(stubs, tmp_path / "mallory" / "engine" / "engine.ipynb")
    [mallory] = grade_paths([tmp_path], Options(seed=1, time_limit=3.0))
    assert mallory.score == 0 and mallory.graded, [v.message for v in mallory.not_graded]
    assert all(v.status == "failed" for v in mallory.verdicts)
    assert not any("results" in v.message and "anything" in v.message for v in mallory.verdicts)


def test_thousands_of_failing_cells_cost_the_notebook_a_few_lines_of_feedback():
    # a red team's: 30 000 cells raising a 2000-character error made a 600 MB gradebook row
    cells = [
        "S = 'x' * 1990\nclass E(Exception):\n    pass\n",
        *["raise E(S)\n"] * 2000,
        *solution_cells("engine"),
    ]
    box = Sandbox(cells, Limits(10, 10))
    outcome = grade_sandbox("engine", box)
    assert len(box.cell_errors) <= 20
    assert all(len(feedback) < 5000 for feedback in outcome.values())


MEMFD = """
import json, os
try:
    os.memfd_create("x")
    found = "memfd"
except OSError:
    found = "refused"
raise RuntimeError("MEMFD" + found)
"""


def test_memory_the_address_space_limit_does_not_count_is_refused():
    require(syscalls.available(), "the seccomp filter needs libseccomp and pyseccomp")
    box = Sandbox([MEMFD], BENEATH)
    box.probe("zero_grad", [])
    assert "MEMFDrefused" in box.cell_errors[0]
