"""Run a student's notebook code in a child process that the parent can always stop.

The sandbox knows nothing about micrograd: it starts `child.py` with no site
packages, hands it the code cells and the probes' source, sends probe requests
and reads back plain JSON. The parent enforces a wall-clock limit on every
request by killing the child's whole process group, and starts a fresh child
(skipping any cell that hung) for the requests that follow.

Where the grader runs as root (CI, a grading server), util-linux's `unshare`
puts the child in its own mount and PID namespaces: the repository, the
virtual environment and the site packages are hidden under empty tmpfs
mounts (no reference engine, grader, solutions or torch to read), and killing
the child, PID 1 of its namespace, takes every process it started with it,
even those that called setsid. Elsewhere the child still runs with no site
packages, in its own process group, under the same limits.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import resource
import select
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD_SOURCE = (HERE / "child.py").read_text(encoding="utf-8")
PROBES_SOURCE = (HERE / "probes.py").read_text(encoding="utf-8")
REPOSITORY = HERE.parents[1]

DEFAULT_SECONDS = 8.0  # wall clock per exercise, and for loading a notebook: a hang costs under 10 s
MEMORY_LIMIT = 1 << 30  # bytes of address space for the child
OUTPUT_LIMIT = 1 << 20  # the longest report line the parent will read


class SandboxError(Exception):
    """The child did not answer: it hung, crashed, exited, or sent garbage."""


@dataclass
class Limits:
    """Wall-clock seconds for loading the notebook and for each probe request."""

    load_seconds: float = DEFAULT_SECONDS
    request_seconds: float = DEFAULT_SECONDS
    memory_bytes: int = MEMORY_LIMIT


def _limit_child(memory_bytes: int) -> None:  # runs in the child between fork and exec
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 24, 1 << 24))
    resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))  # binds everyone but root


def base_python() -> str:
    """The interpreter outside any virtual environment: its standard library is all the child gets."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def hidden_paths() -> list[str]:
    """Folders the child must not see: this repository, the virtual environment, the site packages."""
    paths = sysconfig.get_paths()
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})
    candidates = {str(REPOSITORY), sys.prefix, paths["purelib"], paths["platlib"]}
    candidates |= {base["purelib"], base["platlib"]}
    keep = (os.path.realpath(paths["stdlib"]), os.path.dirname(base_python()))
    found = sorted(
        p
        for p in map(os.path.realpath, candidates)
        if os.path.isdir(p) and not any(k == p or k.startswith(p + os.sep) for k in keep)
    )
    return [p for p in found if not any(p.startswith(q + os.sep) for q in found)]  # outermost only


@functools.cache
def namespaces_available() -> bool:
    """True if the child can get its own mount and PID namespaces here (root with util-linux)."""
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("mount")):
        return False
    probe = ["unshare", "--mount", "--pid", "--fork", "--kill-child", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def child_command(request_fd: int, report_fd: int) -> list[str]:
    """How to start the child: inside fresh namespaces with the grader's files hidden, if possible."""
    python = [base_python(), "-I", "-S", "-B", "-c", CHILD_SOURCE, str(request_fd), str(report_fd)]
    if not namespaces_available():
        return python
    mounts = " && ".join(f"mount -t tmpfs -o ro,size=4k mgc-hidden {shlex.quote(p)}" for p in hidden_paths())
    # sh stays as PID 1 of the namespace (no exec): PID 1 ignores signals sent from inside it,
    # and the child must die at once when it kills its own process group
    script = f"{mounts} && {shlex.join(python)}"
    return ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--", "/bin/sh", "-c", script]


@dataclass
class Sandbox:
    """One student notebook's code, loaded in a child process, ready for probes."""

    cells: list[str]
    limits: Limits = field(default_factory=Limits)
    skipped_cells: set[int] = field(default_factory=set)
    cell_errors: dict[int, str] = field(default_factory=dict)
    _process: subprocess.Popen | None = None
    _requests: object = None
    _reports: object = None
    _buffer: bytes = b""
    _workdir: tempfile.TemporaryDirectory | None = None

    # ---- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start a child and load the notebook; a cell that hangs is skipped on the next start."""
        while True:
            self._spawn()
            sent = [src if i not in self.skipped_cells else "" for i, src in enumerate(self.cells)]
            self._send({"probes": PROBES_SOURCE, "cells": sent})
            current = -1
            deadline = time.monotonic() + self.limits.load_seconds
            try:
                while True:
                    message = self._receive(deadline, self.limits.load_seconds)
                    if "cell" in message:
                        current = message["cell"]
                    elif "cell_error" in message:
                        self.cell_errors[message["cell_error"]] = message["error"]
                    elif message.get("loaded"):
                        return
            except SandboxError as error:
                self.stop()
                if current < 0 or current in self.skipped_cells:
                    raise SandboxError(f"the notebook could not be loaded: {error}") from None
                self.skipped_cells.add(current)
                self.cell_errors[current] = f"skipped: {error}"

    def _spawn(self) -> None:
        self._workdir = tempfile.TemporaryDirectory(prefix="mgc-")
        request_read, request_write = os.pipe()
        report_read, report_write = os.pipe()
        self._process = subprocess.Popen(
            child_command(request_read, report_write),
            pass_fds=(request_read, report_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self._workdir.name,
            env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "HOME": self._workdir.name},
            preexec_fn=lambda: _limit_child(self.limits.memory_bytes),
        )
        os.close(request_read)
        os.close(report_write)
        self._requests = os.fdopen(request_write, "w", encoding="utf-8")
        self._reports = report_read
        self._buffer = b""

    def stop(self) -> None:
        """Kill the child's whole process group and release everything it held."""
        if self._process is not None:
            for kill in (os.killpg, os.kill):  # the group, and the child itself should it have left it
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None
        if self._requests is not None:
            with contextlib.suppress(OSError):
                self._requests.close()
            self._requests = None
        if self._reports is not None:
            os.close(self._reports)
            self._reports = None
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- requests ------------------------------------------------------------------

    def probe(self, name: str, cases: list[dict], **options: object) -> list[dict]:
        """Run probe `name` on `cases` in the child; a child that fails is replaced for the next request."""
        if self._process is None:
            self.start()
        try:
            self._send({"probe": name, "cases": cases, "options": options})
            seconds = self.limits.request_seconds
            message = self._receive(time.monotonic() + seconds, seconds)
            results = message.get("results")
            if not isinstance(results, list) or len(results) != len(cases):
                raise SandboxError("the grading process sent a malformed report")
            return results
        except SandboxError:
            self.stop()
            raise

    def _send(self, message: dict) -> None:
        try:
            self._requests.write(json.dumps(message) + "\n")
            self._requests.flush()
        except (BrokenPipeError, OSError):
            raise SandboxError(self._exit_reason()) from None

    def _receive(self, deadline: float, seconds: float) -> dict:
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError(f"timed out after {seconds:g} s (an infinite loop?)")
            ready, _, _ = select.select([self._reports], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._reports, 65536)
            if not chunk:
                raise SandboxError(self._exit_reason())
            self._buffer += chunk
            if len(self._buffer) > OUTPUT_LIMIT:
                raise SandboxError("the grading process sent more output than any report needs")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise SandboxError("the grading process sent something that is not a report") from None
        if not isinstance(message, dict):
            raise SandboxError("the grading process sent something that is not a report")
        return message

    def _exit_reason(self) -> str:
        process = self._process
        if process is None:
            return "the grading process is not running"
        try:
            code = process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return "the grading process closed its report channel"
        if code < 0:
            name = signal.Signals(-code).name
            if name == "SIGKILL":
                return "the grading process was killed (out of memory?)"
            return f"the grading process died with {name}"
        return f"the code ended the grading process itself (exit status {code})"
