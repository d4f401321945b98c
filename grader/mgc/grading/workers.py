"""Worker processes that grade in parallel, each reused for many submissions.

Written by hand because the standard pools fail the way a class cannot afford:
ProcessPoolExecutor marks every pending submission failed when one worker dies,
and multiprocessing.Pool waits forever for the task of a worker that died. Here a
worker that dies (killed, crashed, out of memory) or overruns its deadline is
replaced, its task is tried once more in a fresh worker, and a task that fails
twice comes back as `Lost`; the other tasks go on. Every worker dies with the
process that started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from time import monotonic
from typing import Any

PR_SET_PDEATHSIG = 1
READY = "ready"  # a worker's first message: it has warmed up, and its task's clock may start
PARENT = "MGC_FORK_SERVER_PARENT"  # the pid the fork server must find as its parent (dies_with_parent.py)


def nothing() -> None:
    """The default warm-up: none."""


@dataclass
class Lost:
    """A task no worker could finish: why, after how many tries."""

    reason: str
    tries: int


def die_with_parent() -> None:
    """End this worker when the process that started it dies: by the kernel when that is its parent
    (Linux), and by a watching thread when it was forked by multiprocessing's fork server."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_die_when_ready, args=(parent.sentinel,), daemon=True).start()


def _die_when_ready(sentinel: int) -> None:
    wait([sentinel])
    os.kill(os.getpid(), signal.SIGKILL)


def _serve(connection: Connection, warm: Callable[[], None], work: Callable[[Any], Any]) -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    warm()
    connection.send(READY)
    while True:
        task = connection.recv()
        if task is None:
            return
        connection.send(work(task))


class _Worker:
    def __init__(self, context, warm: Callable[[], None], work: Callable[[Any], Any]) -> None:
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, warm, work), daemon=True)
        self.process.start()
        theirs.close()
        self.ready = False
        self.task: int | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join()
        self.connection.close()


def _context(preload: tuple[str, ...]):
    """Workers are started fresh ("spawn") or, to share `preload`'s imports, forked from a server that
    has imported them but run nothing ("forkserver"; never this process: it may have run torch)."""
    if not preload:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    os.environ[PARENT] = str(os.getpid())
    return context


def prestart(preload: tuple[str, ...]) -> None:
    """Start the fork server now, so that it imports `preload` while this process does other work."""
    import multiprocessing.forkserver

    _context(preload)
    multiprocessing.forkserver.ensure_running()


def run_tasks(
    tasks: list[Any],
    work: Callable[[Any], Any],
    jobs: int,
    warm: Callable[[], None] = nothing,
    seconds: Callable[[Any], float] = lambda task: 3600.0,
    tries: int = 2,
    preload: tuple[str, ...] = (),
) -> Iterator[tuple[int, Any]]:
    """Yield (index, work(task)) as tasks finish, or (index, Lost) for a task that failed `tries` times.

    `work` and `warm` run in the workers and must be importable functions; `seconds(task)` is how long
    a worker may take over one task before it is killed. The modules in `preload` are imported once,
    by a fork server the workers are forked from, instead of once by every worker.
    """
    context = _context(preload)
    pending = deque(range(len(tasks)))
    attempts = dict.fromkeys(range(len(tasks)), 0)
    workers = [_Worker(context, warm, work) for _ in range(min(jobs, len(tasks)))]
    failed_starts = 0
    try:
        while pending or any(w.task is not None for w in workers):
            for worker in workers:
                if worker.ready and worker.task is None and pending:
                    index = pending.popleft()
                    attempts[index] += 1
                    worker.task, worker.deadline = index, monotonic() + seconds(tasks[index])
                    worker.connection.send(tasks[index])
            busy = [w for w in workers if w.task is not None]
            timeout = max(0.0, min(w.deadline for w in busy) - monotonic()) if busy else None
            watched = [w for w in workers if w.task is not None or not w.ready]
            ready = wait([w.connection for w in watched] + [w.process.sentinel for w in watched], timeout)
            for i, worker in enumerate(workers):
                if not worker.ready:
                    if worker.connection in ready:
                        with contextlib.suppress(EOFError, OSError):
                            worker.ready = worker.connection.recv() == READY
                    if not worker.ready and (worker.connection in ready or worker.process.sentinel in ready):
                        failed_starts += 1
                        if failed_starts > 2 * len(workers):
                            raise RuntimeError("the grading workers die as they start (see their errors)")
                        worker.kill()
                        workers[i] = _Worker(context, warm, work)
                    continue
                if worker.task is None:
                    continue
                index = worker.task
                reason = None
                if worker.connection in ready:
                    try:
                        result = worker.connection.recv()
                    except (EOFError, OSError):
                        reason = "the grading worker died"
                    else:
                        worker.task = None
                        yield index, result
                        continue
                elif worker.process.sentinel in ready:
                    reason = "the grading worker died"
                elif monotonic() > worker.deadline:
                    reason = f"the grading worker took more than {seconds(tasks[index]):g} s"
                if reason is None:
                    continue
                worker.process.join(timeout=1.0)  # a closed pipe can come before the exit status
                code = worker.process.exitcode
                worker.kill()
                if code is not None and code < 0:
                    reason += f" ({signal.Signals(-code).name})"
                workers[i] = _Worker(context, warm, work)
                if attempts[index] < tries:
                    pending.appendleft(index)
                else:
                    yield index, Lost(reason, attempts[index])
    finally:
        for worker in workers:
            worker.kill()
