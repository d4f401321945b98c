"""Run a student's notebook code in confined child processes that the parent can always stop.

The sandbox knows nothing about micrograd. Each grading process starts one confined
fork server (`child.py`), which never runs student code, and keeps it for every
notebook it grades, one at a time (a Sandbox is not for use from two threads at
once). For every request the server forks a fresh child; the parent sends it the
student's code cells and, only once they have run, the grader code for that one
request (mgc.probes.payload), reads back plain JSON, and has the child killed and reaped
before the next is forked, for the same notebook or another. Nothing passes from
one child to the next: each sets its rlimits and loads a seccomp filter
(mgc.sandbox.syscalls) before it reads any student code, and that filter refuses new
processes, signals, sockets, IPC objects and writing any file; nothing is
inherited but its own two pipes.

Confinement of the server and its children, strongest first (`confinement()` says
which is in force):

- "bubblewrap": bwrap gives them their own user namespace (an unprivileged uid
  with no capabilities), PID, IPC, UTS, network and mount namespaces, a fresh
  /proc, and a read-only filesystem holding only /usr and the interpreter, with
  every site-packages, the virtual environment and this repository left out or
  hidden. Works as root and as an ordinary user wherever unprivileged user
  namespaces are on.
- "unprivileged user": where user namespaces are off (some Docker hosts) and the
  grader is root, the server drops to uid/gid 65534 before it starts.
- "none": neither is possible (an ordinary user without user namespaces): the
  filter, rlimits and the wall clock only. `mgc grade` says so in its first line.

The parent puts the server in a session of its own and enforces a wall-clock
deadline on every read and write; a child that passes it is killed by the server,
and a server that stops answering is killed with its whole process group (and,
under bubblewrap, its PID namespace).
"""

from __future__ import annotations

import contextlib
import functools
import json
import marshal
import os
import select
import shutil
import signal
import site
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from mgc.judge.tamper import ALLOWED_STDLIB
from mgc.probes.payload import helpers, payload
from mgc.sandbox import SandboxError, SandboxFailure, interpreter, syscalls
from mgc.sandbox import child as child_module
from mgc.sandbox.interpreter import NOBODY, base_python, interpreter_root

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[2]


@functools.cache
def source(name: str) -> str:
    """The source of one of the sandbox's own programs (child.py, launcher.py), passed as -c."""
    return (HERE / name).read_text(encoding="utf-8")


DEFAULT_SECONDS = 8.0  # wall clock per exercise, and for loading a notebook: a hang costs under 10 s
TOTAL_SECONDS = 90.0  # wall clock for all of one notebook's children together
MEMORY_LIMIT = 1 << 30  # bytes of address space for the child
OUTPUT_LIMIT = 1 << 20  # the longest report line the parent will read
CELL_ERRORS = 20  # the cells' errors kept per notebook (the first ones): a red team raised 30 000
CELL_ERROR_LENGTH = 2000  # characters of each
SERVER_SECONDS = 5.0  # for the fork server to answer: it runs no student code
MODES = ("bubblewrap", "unprivileged user", "none")


@dataclass
class Limits:
    """Wall-clock seconds for loading the notebook and for each probe request, and for all of them."""

    load_seconds: float = DEFAULT_SECONDS
    request_seconds: float = DEFAULT_SECONDS
    memory_bytes: int = MEMORY_LIMIT
    total_seconds: float = TOTAL_SECONDS
    guarded: bool = True  # mgc.sandbox.child._guard; off only in tests that attack the layers beneath it


# ---- where the server runs ------------------------------------------------------------------


def _sandbox_user() -> bool:
    """Whether the server must be started as uid 65534 of the host: always, when the grader is root."""
    return os.geteuid() == 0


def _mirrored() -> str | None:
    """The mirror of the interpreter bubblewrap binds in place of its root, where uid 65534 cannot
    read the original (mgc.sandbox.interpreter)."""
    return interpreter.mirror() if interpreter.needs_mirror() else None


def hidden_paths(mirrored: str | None = None) -> list[str]:
    """Folders under what the server sees that it must not read: every site-packages, the virtual
    environment and this repository (under a mirror of the interpreter, none of its own are there)."""
    root = interpreter_root()
    candidates = {str(REPOSITORY), sys.prefix, *site.getsitepackages()}
    for scheme_vars in ({}, {"base": sys.base_prefix, "platbase": sys.base_prefix}):
        paths = sysconfig.get_paths(vars=scheme_vars)
        candidates |= {paths["purelib"], paths["platlib"]}
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates |= {"/usr/lib/python3/dist-packages", f"/usr/local/lib/{minor}/dist-packages"}
    candidates |= {f"/usr/local/lib/{minor}/site-packages", f"/usr/lib/{minor}/site-packages"}
    seen = ["/usr"] if mirrored else ["/usr", root]
    keep = (os.path.realpath(sysconfig.get_paths()["stdlib"]), os.path.dirname(base_python()))
    found = sorted(
        p
        for p in map(os.path.realpath, candidates)
        if os.path.isdir(p)
        and any(p == s or p.startswith(s + os.sep) for s in seen)
        and not any(k == p or k.startswith(p + os.sep) for k in keep)
    )
    return [p for p in found if not any(p.startswith(q + os.sep) for q in found)]  # outermost only


def bwrap_command() -> list[str]:
    """bubblewrap's arguments: every namespace new, and nothing writable."""
    return [*_bwrap_sandbox(_mirrored()), "--"]


@functools.cache
def _bwrap_sandbox(mirrored: str | None) -> tuple[str, ...]:
    """What every server's bubblewrap is given (worked out once: it looks at the filesystem). The
    interpreter's program is always an executable-only copy (mgc.sandbox.interpreter.program)."""
    root = interpreter_root()
    args = [
        "bwrap",
        "--unshare-all",
        "--unshare-user",
        "--uid",
        str(NOBODY),
        "--gid",
        str(NOBODY),
        "--disable-userns",
        "--die-with-parent",  # no --new-session: Popen's start_new_session already left any terminal
        "--cap-drop",
        "ALL",
        "--clearenv",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for link in ("lib", "lib64", "bin"):
        if os.path.islink(f"/{link}"):
            args += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            args += ["--ro-bind", f"/{link}", f"/{link}"]
    if mirrored:
        args += ["--ro-bind", mirrored, root]
    else:
        if not (root == "/usr" or root.startswith("/usr/")):
            args += ["--ro-bind", root, root]
        args += ["--ro-bind", interpreter.program(), base_python()]
    for path in hidden_paths(mirrored):
        args += ["--tmpfs", path, "--remount-ro", path]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm", "--remount-ro", "/dev/shm"]
    args += ["--remount-ro", "/dev", "--tmpfs", "/tmp", "--remount-ro", "/tmp"]
    args += ["--chdir", "/tmp", "--setenv", "HOME", "/tmp", "--setenv", "PYTHONHASHSEED", "0"]
    return tuple(args)


def _server_command(mode: str, program: list[str], filter_fd: int | None) -> tuple[list[str], dict]:
    """How to start `program` (a Python command line, from the interpreter on) confined by `mode`:
    the command and Popen's user and environment. Under bubblewrap, bwrap loads the seccomp filter
    from `filter_fd`; otherwise mgc.sandbox.launcher does, and then execs `program`."""
    python = base_python()
    env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "HOME": "/tmp"}
    user = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if _sandbox_user() else {}
    if mode == "bubblewrap":
        seccomp = ["--seccomp", str(filter_fd)] if filter_fd is not None else []
        return [*_bwrap_sandbox(_mirrored()), *seccomp, "--", python, *program[1:]], {**user, "env": env}
    if _sandbox_user():  # root's fallback runs the mirror itself: it finds its standard library beside it
        mirrored = interpreter.mirror()
        python = os.path.join(mirrored, os.path.relpath(python, interpreter_root()))
        env["LD_LIBRARY_PATH"] = os.path.join(mirrored, "lib")
    if filter_fd is None:
        return [python, *program[1:]], {**user, "env": env}
    launch = [python, "-I", "-S", "-B", "-c", source("launcher.py"), str(filter_fd), python, *program[-2:]]
    return launch, {**user, "env": env}


def _run_probe(mode: str) -> bool:
    """Whether a trivial program starts under `mode` here (no filter: what it stops is not asked)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        command, extra = _server_command(mode, [base_python(), "-I", "-S", "-c", "pass"], None)
        return subprocess.run(command, capture_output=True, timeout=30, **extra).returncode == 0
    return False


@functools.cache
def _bwrap_works() -> bool:
    return shutil.which("bwrap") is not None and _run_probe("bubblewrap")


@functools.cache
def _nobody_works() -> bool:
    return os.geteuid() == 0 and _run_probe("unprivileged user")


def confinement() -> str:
    """The confinement in force: the strongest that works here, or the one MGC_SANDBOX names."""
    wanted = os.environ.get("MGC_SANDBOX", "")
    # as root, "none" would run student code as root: never, whatever MGC_SANDBOX says
    works = {
        "bubblewrap": _bwrap_works,
        "unprivileged user": _nobody_works,
        "none": lambda: os.geteuid() != 0,
    }
    if wanted:
        if wanted not in works:
            raise SandboxFailure(f"MGC_SANDBOX={wanted!r} is not one of {', '.join(MODES)}")
        if not works[wanted]():
            why = {
                "bubblewrap": "bwrap is missing or user namespaces are off",
                "unprivileged user": f"the grader is not root, or uid {NOBODY} cannot start {base_python()}",
                "none": "the grader is root, and student code would run as root",
            }[wanted]
            raise SandboxFailure(f"MGC_SANDBOX={wanted!r} does not work here: {why}")
        return wanted
    syscalls.available()  # build the filter before any fork
    mode = next((mode for mode in MODES if works[mode]()), None)
    if mode is None:
        raise SandboxFailure(
            f"no confinement works here: as root, either bubblewrap must work or uid {NOBODY} must be able "
            f"to start {base_python()} (install bubblewrap, or grade with a Python outside /root)"
        )
    return mode


def describe_confinement() -> str:
    """One line for the top of a grading run."""
    mode = confinement()
    line = {
        "bubblewrap": "student code runs under bubblewrap: its own user, PID, mount and network "
        "namespaces, uid 65534, no capabilities, only the standard library, read-only",
        "unprivileged user": "student code runs as uid 65534 (no user namespaces here for bubblewrap)",
        "none": "WARNING: student code is NOT confined (no bubblewrap, not root): rlimits and time "
        "limits only; grade untrusted submissions as root or where bubblewrap works",
    }[mode]
    if syscalls.available():
        return line + "; a seccomp filter refuses new processes"
    return line + "; WARNING: no seccomp filter (pyseccomp or libseccomp is missing)"


def rlimits(limits: Limits) -> dict[str, int]:
    """The resource limits a child sets on itself before it runs any student code."""
    return {
        "RLIMIT_AS": limits.memory_bytes,
        "RLIMIT_CORE": 0,
        "RLIMIT_FSIZE": 1 << 24,
        "RLIMIT_NOFILE": 64,
        "RLIMIT_CPU": int(limits.load_seconds + limits.request_seconds) + 2,
        # no new process or thread: the count of the sandbox's user is already at least 1 (its
        # server), and the kernel holds every user of the host but root to it (mgc.sandbox.interpreter)
        "RLIMIT_NPROC": 1,
    }


# ---- one notebook's fork server, and its children ------------------------------------------


class _Server:
    """The confined process that forks a notebook's children (mgc.sandbox.child). It runs no student
    code; only its children do, each after setting its rlimits."""

    def __init__(self, limits: Limits) -> None:
        mode = confinement()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        program = [base_python(), "-I", "-S", "-B", "-c", source("child.py"), str(theirs.fileno())]
        filter_fd = None
        if syscalls.available():
            filter_fd, write_end = os.pipe()  # a few KiB: well within what a pipe holds
            with os.fdopen(write_end, "wb") as out:
                out.write(syscalls.program())
        command, extra = _server_command(mode, program, filter_fd)
        try:
            self.process = subprocess.Popen(
                command,
                pass_fds=[theirs.fileno(), *([filter_fd] if filter_fd is not None else [])],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,
                **extra,
            )
        finally:
            theirs.close()
            if filter_fd is not None:
                os.close(filter_fd)
        self.control = ours
        setup = {"limits": rlimits(limits), "guard": limits.guarded, "modules": sorted(ALLOWED_STDLIB)}
        self.control.send(marshal.dumps(setup))

    def ask(self, request: bytes) -> tuple[dict, list[int]]:
        """Send one request; its reply, and the descriptors that came with it."""
        try:
            self.control.settimeout(SERVER_SECONDS)
            self.control.send(request)
            data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 3)
            reply = marshal.loads(data)
        except (OSError, EOFError, ValueError, TypeError):
            self.close()
            raise SandboxFailure("the sandbox stopped answering") from None
        if not isinstance(reply, dict):
            self.close()
            raise SandboxFailure("the sandbox sent something that is not a reply")
        return reply, fds

    def tell(self, request: bytes) -> None:
        """Send a request that has no reply."""
        try:
            self.control.settimeout(SERVER_SECONDS)
            self.control.send(request)
        except OSError:
            self.close()
            raise SandboxFailure("the sandbox stopped answering") from None

    def spawn(self) -> _Child:
        """A new child (the previous one is reaped first: its _Child.kill ended it)."""
        _, fds = self.ask(b"spawn")
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            self.close()
            raise SandboxFailure("the sandbox could not start a grading process")
        return _Child(self, *fds)

    def close(self) -> None:
        """Kill the server, its children and (under bubblewrap) its PID namespace."""
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.control.close()

    @property
    def closed(self) -> bool:
        return self.control.fileno() == -1 or self.process.poll() is not None


_SERVERS: dict[tuple, _Server] = {}  # by confinement and rlimits: one per grading process, for all notebooks


def _server_for(limits: Limits) -> _Server:
    """This process's server for these limits, started on first use (or again, if it ever died)."""
    key = (confinement(), tuple(sorted(rlimits(limits).items())), limits.guarded)
    server = _SERVERS.get(key)
    if server is None or server.closed:
        server = _SERVERS[key] = _Server(limits)
    return server


def _exit_reason(status: int | None) -> str:
    if status is None:
        return "the grading process closed its report channel"
    code = os.waitstatus_to_exitcode(status)
    if code == child_module.NOT_CONFINED:
        return "the sandbox could not confine the grading process"
    if code < 0:
        name = signal.Signals(-code).name
        if name == "SIGKILL":
            return "the grading process was killed (out of memory?)"
        return f"the grading process died with {name}"
    return f"the code ended the grading process itself (exit status {code})"


class _Child:
    """One forked child, the two pipes to it, and a pidfd to end it by; every read and write has a
    deadline. The parent ends it, not the server: nothing in the sandbox may send a signal."""

    def __init__(self, server: _Server, requests: int, reports: int, pidfd: int) -> None:
        self.server, self.requests, self.reports, self.pidfd = server, requests, reports, pidfd
        os.set_blocking(self.requests, False)
        self.buffer = b""
        self.spoke = False  # it sends nothing before it is confined: from its first word on, it runs code

    def send(self, message: dict, deadline: float, seconds: float) -> None:
        blob = marshal.dumps(message)  # the child reads marshal: no import to pay for, unlike json
        data = len(blob).to_bytes(8, "big") + blob
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError(f"timed out after {seconds:g} s: the code stopped reading its input")
            _, ready, _ = select.select([], [self.requests], [], remaining)
            if ready:
                try:
                    data = data[os.write(self.requests, data[:65536]) :]
                except BlockingIOError:
                    continue
                except OSError:
                    raise self.ended() from None

    def receive(self, deadline: float, seconds: float) -> dict:
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError(f"timed out after {seconds:g} s (an infinite loop?)")
            ready, _, _ = select.select([self.reports], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.reports, 65536)
            if not chunk:
                raise self.ended()
            self.buffer += chunk
            if len(self.buffer) > OUTPUT_LIMIT:
                raise SandboxError("the grading process sent more output than any report needs")
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            raise SandboxError("the grading process sent something that is not a report") from None
        if not isinstance(message, dict):
            raise SandboxError("the grading process sent something that is not a report")
        self.spoke = True
        return message

    def ended(self) -> SandboxError:
        """Why the child closed its pipes: its own doing (SandboxError), or the sandbox's (SandboxFailure).
        Only a child that never spoke can have failed to confine itself: once it has, its exit status
        is the student's code's to choose (os._exit(121) included), and says nothing of the sandbox."""
        status = self.server.ask(b"status")[0].get("status")
        if self.spoke:
            code = None if status is None else os.waitstatus_to_exitcode(status)
            if code == child_module.NOT_CONFINED:
                return SandboxError(f"the code ended the grading process itself (exit status {code})")
            return SandboxError(_exit_reason(status))
        reason = _exit_reason(status)
        confined = status is None or os.waitstatus_to_exitcode(status) != child_module.NOT_CONFINED
        return SandboxError(reason) if confined else SandboxFailure(reason)

    def kill(self) -> None:
        """Kill the child, have the server reap it, and release the pipes (the whole server, if it
        does not answer)."""
        try:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            if not self.server.closed:
                self.server.tell(b"reap")
        except SandboxError:
            pass
        finally:
            for fd in (self.requests, self.reports, self.pidfd):
                with contextlib.suppress(OSError):
                    os.close(fd)


# ---- a submission ---------------------------------------------------------------------------


@functools.cache
def _compiled(probe: str, options: str) -> tuple[bytes, bytes]:
    """A probe's payload (what it hands over, and the probe), or for no probe the helpers, compiled
    once, as marshalled code objects: the child runs the same interpreter, and skips compiling it
    again every time."""
    if not probe:
        return marshal.dumps(compile(helpers(), "<mgc helpers>", "exec")), b""
    handed, probes = payload(probe, json.loads(options))
    return tuple(marshal.dumps(compile(source, "<mgc probes>", "exec")) for source in (handed, probes))


def compiled_cells(cells: list[str]) -> list[bytes | None]:
    """Each cell compiled once here, for every child of the notebook (a fresh child compiles at
    a third of the speed: all its memory is new to it); None where it has a syntax error, so the
    child compiles it and reports the error as the notebook would. A cell the compiler cannot
    take here (nested too deeply: RecursionError, MemoryError) never runs: the child, whose stack
    is shallower, might compile it, and mgc.judge.tamper could not read it either."""
    code: list[bytes | None] = []
    for index, source in enumerate(cells):
        name = f"<cell {index + 1}>"
        try:
            code.append(marshal.dumps(compile(source, name, "exec", dont_inherit=True)))
        except SyntaxError:
            code.append(None)
        except (RecursionError, MemoryError, ValueError) as error:
            refusal = f"raise SyntaxError('the grader cannot compile this cell ({type(error).__name__})')"
            code.append(marshal.dumps(compile(refusal, name, "exec", dont_inherit=True)))
    return code


@dataclass
class Sandbox:
    """One student notebook's code; each probe runs it in a fresh child, forked by this process's
    server, and killed (and reaped) before the next child of any notebook is forked."""

    cells: list[str] = field(repr=False)
    limits: Limits = field(default_factory=Limits)
    skipped_cells: set[int] = field(default_factory=set, repr=False)
    cell_errors: dict[int, str] = field(default_factory=dict, repr=False)  # at most one per cell
    spent: float = 0.0  # seconds its children have taken so far
    _code: list[bytes | None] | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing of the notebook outlives its probes: each kills its child. Kept so that a Sandbox
        can be used in a `with`."""

    def _spawn(self) -> _Child:
        return _server_for(self.limits).spawn()

    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]:
        """Run probe `name` on `cases` in a fresh child that has loaded the student's code."""
        code = _compiled(name, json.dumps(options, sort_keys=True))
        started = time.monotonic()
        try:
            child = self._loaded_child()
            try:
                seconds = min(self.limits.request_seconds, self._left(started))
                deadline = time.monotonic() + seconds
                handed, code = code
                request = {
                    "handed": handed,
                    "payload": code,
                    "probe": name,
                    "cases": cases,
                    "options": options,
                }
                child.send(request, deadline, seconds)
                report = child.receive(deadline, seconds)
            finally:
                child.kill()
        finally:
            self.spent += time.monotonic() - started
        if report.get("tampered"):
            raise SandboxError("the notebook's code changed the grader's own code while it ran")
        results = report.get("results")
        if not isinstance(results, list) or len(results) != len(cases):
            raise SandboxError("the grading process sent a malformed report")
        if not all(isinstance(r, dict) for r in results):
            raise SandboxError("the grading process sent a malformed report")
        return results

    def _left(self, since: float | None = None) -> float:
        """Seconds left of this notebook's budget, counting the time since `since` as spent too;
        SandboxError once it is all spent."""
        left = self.limits.total_seconds - self.spent - (time.monotonic() - since if since else 0.0)
        if left <= 0:
            budget = self.limits.total_seconds
            raise SandboxError(f"not run: this notebook's code used up its {budget:g} s of grading time")
        return left

    def _loaded_child(self) -> _Child:
        """A child that has run every cell; a cell that hangs is skipped from then on."""
        started = time.monotonic()
        while True:
            seconds = min(self.limits.load_seconds, self._left(started))
            deadline = time.monotonic() + seconds
            sent = [src if i not in self.skipped_cells else "" for i, src in enumerate(self.cells)]
            if self._code is None:
                self._code = compiled_cells(self.cells)
            code = [c if i not in self.skipped_cells else None for i, c in enumerate(self._code)]
            current = -1
            child = self._spawn()
            messages = 2 * len(sent) + 2  # a "cell" and at most one "cell_error" for each, then "loaded"
            try:
                setup = {"helpers": _compiled("", "")[0], "cells": sent, "code": code}
                child.send(setup, deadline, seconds)
                while messages > 0:
                    messages -= 1
                    message = child.receive(deadline, seconds)
                    cell, error = message.get("cell"), message.get("cell_error")
                    if isinstance(cell, int) and cell > current:
                        current = cell
                    elif isinstance(error, int) and 0 <= error < len(sent) and error not in self.cell_errors:
                        if len(self.cell_errors) < CELL_ERRORS:
                            self.cell_errors[error] = str(message.get("error"))[:CELL_ERROR_LENGTH]
                    elif message.get("loaded") is True:
                        return child
                raise SandboxError("the grading process sent more messages than the notebook has cells")
            except SandboxError as error:
                child.kill()
                if not 0 <= current < len(self.cells) or current in self.skipped_cells:
                    raise type(error)(f"the notebook could not be loaded: {error}") from None
                self._left(started)
                self.skipped_cells.add(current)
                self.cell_errors[current] = f"skipped: {error}"
            except BaseException:
                child.kill()
                raise
