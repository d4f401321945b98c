"""Workers that die or hang cost their own task at most, never the others' (mgc.grading.workers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.grading.workers import Lost, run_tasks

from tests.grader.helpers import alive


def _work(task: tuple[str, str]) -> str:
    """What a worker does with a task: its name says how it behaves."""
    name, folder = task
    marker = Path(folder) / name
    if name.startswith("dies-once") and not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("dies-always"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("hangs"):
        time.sleep(3600)
    return f"{name} done by {os.getpid()}"


def test_a_dead_worker_is_replaced_its_task_retried_once_and_the_rest_finish(tmp_path):
    names = ["a", "dies-once", "b", "dies-always", "c", "hangs", "d"]
    tasks = [(name, str(tmp_path)) for name in names]
    start = time.monotonic()
    results = dict(run_tasks(tasks, _work, jobs=2, seconds=lambda task: 3.0))
    elapsed = time.monotonic() - start
    assert set(results) == set(range(len(names)))
    for i, name in enumerate(names):
        if name in ("dies-always", "hangs"):
            assert isinstance(results[i], Lost) and results[i].tries == 2, results[i]
        else:
            assert results[i].startswith(f"{name} done by"), results[i]
    assert "SIGKILL" in results[names.index("dies-always")].reason
    assert "more than 3 s" in results[names.index("hangs")].reason
    assert elapsed < 90, elapsed  # mostly start-up: seven tasks, two of them tried twice


def test_workers_are_reused_across_tasks(tmp_path):
    tasks = [(f"t{i}", str(tmp_path)) for i in range(6)]
    pids = {result.rsplit(" ", 1)[1] for _, result in run_tasks(tasks, _work, jobs=2)}
    assert len(pids) <= 2  # six tasks, at most two processes: each worker took several


def test_a_worker_that_dies_while_grading_is_reported_not_graded_and_not_zero(tmp_path, monkeypatch):
    for student in ("ada", "ben"):
        target = tmp_path / student / "engine"
        target.mkdir(parents=True)
        (target / "engine.ipynb").write_bytes((ROOT / "samples/ada/engine/engine.ipynb").read_bytes())
    monkeypatch.setattr("mgc.grading.run._grade_in_worker", _dies_on_ben)
    results = {r.student: r for r in grade_paths([tmp_path], Options(seed=1, time_limit=3.0), jobs=2)}
    assert results["ada"].graded and results["ada"].score == load().assignment("engine").max_score
    assert not results["ben"].graded and not results["ben"].counts
    assert "not graded" in results["ben"].reason and "2 tries" in results["ben"].reason
    assert results["ben"].outcome == "not graded" and not results["ben"].graded


def _dies_on_ben(job):
    from mgc.grading.run import grade_task

    task, options = job
    if task.student == "ben":
        os.kill(os.getpid(), signal.SIGKILL)
    return grade_task(task, options)


KILLED_EARLY = """
import os, sys, time, multiprocessing.forkserver
from mgc.grading.workers import prestart
prestart(("mgc.grading.dies_with_parent", "slow_to_import"))
print(multiprocessing.forkserver._forkserver._forkserver_pid, flush=True)
time.sleep(float(sys.argv[1]))
os.kill(os.getpid(), 9)
"""


def test_the_fork_server_dies_with_mgc_grade_however_early_it_is_killed(tmp_path):
    # killed before the fork server had asked the kernel to follow it, mgc grade left it importing
    # torch for seconds (on a busy machine); slow_to_import stands for torch
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(30)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for delay in (0.0, 0.02, 0.05, 0.1, 0.3):
        command = [sys.executable, "-c", KILLED_EARLY, str(delay)]
        grade = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
        with grade.stdout:  # not read to its end: the fork server, if it lives, holds it open
            server = int(grade.stdout.readline())
        assert grade.wait() == -signal.SIGKILL
        deadline = time.monotonic() + 5  # the kernel kills it at once; a busy machine may lag
        while alive({server}) and time.monotonic() < deadline:
            time.sleep(0.05)
        outlived = alive({server})
        if outlived:
            os.kill(server, signal.SIGKILL)
        assert not outlived, f"the fork server outlived mgc grade, killed {delay} s after it started it"
