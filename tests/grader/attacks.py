"""Cells a dishonest student might hand in, shared by the forgery tests (as root and as a user).

Standard library only: tests/grader/as_user.py runs some of them as an unprivileged user,
with nothing but a copy of the sandbox's own modules.
"""

from __future__ import annotations

import json
from pathlib import Path

CELLS = Path(__file__).with_name("cells")

# Every stub of the engine replaced by a delegation to the grader's own operation, found
# through the call stack, the garbage collector's objects or sys.modules.
THIEF = """
import gc, sys

def _steal(name):
    frame = sys._getframe(1)
    while frame is not None:
        if callable(frame.f_globals.get(name)):
            return frame.f_globals[name]
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and callable(obj.get(name)):
            return obj[name]
    for module in list(sys.modules.values()):
        if callable(vars(module).get(name)):
            return vars(module)[name]
    raise LookupError(name + " is nowhere to be found")


class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._backward = lambda: None
        self._prev, self._op = set(_children), _op

    def __add__(self, other): return _steal("op_add")(self, other)
    def __radd__(self, other): return _steal("op_radd")(self, other)
    def __mul__(self, other): return _steal("op_mul")(self, other)
    def __rmul__(self, other): return _steal("op_rmul")(self, other)
    def __pow__(self, k): return _steal("op_pow")(self, k)
    def exp(self): return _steal("op_exp")(self)
    def tanh(self): return _steal("op_tanh")(self)
    def relu(self): return _steal("op_relu")(self)
    def __neg__(self): return _steal("op_neg")(self)
    def __sub__(self, other): return _steal("op_sub")(self, other)
    def __truediv__(self, other): return _steal("op_truediv")(self, other)

    def backward(self):
        walk = None
        for name in ("walk_backward", "topological_order"):
            try:
                walk = _steal(name)
                break
            except LookupError:
                pass
        if walk is None:
            raise LookupError("no graph walk to steal")
        if walk.__name__ == "walk_backward":
            return walk(self)
        self.grad = 1.0
        for v in reversed(walk(self)):
            v._backward()
"""


def snoop(paths: dict[str, str]) -> str:
    """A cell that tries to read and write outside the sandbox, and reports what worked by
    raising an error whose message is `FOUND` + JSON. `paths` names the targets."""
    return f"""
import json, os, socket
from importlib.util import find_spec
paths = {json.dumps(paths)}
found = {{}}

def attempt(name, action):
    try:
        found[name] = repr(action())[:200]
    except BaseException:
        pass

def write(path):
    with open(path, "a") as f:
        f.write("# changed by a student")
    return "written"

attempt("list-repository", lambda: os.listdir(paths["repository"]))
attempt("read-solution", lambda: open(paths["solution"]).read())
attempt("read-classmate", lambda: open(paths["classmate"]).read())
attempt("write-classmate", lambda: write(paths["classmate"]))
attempt("write-grader-module", lambda: write(paths["grader_module"]))
attempt("list-venv", lambda: os.listdir(paths["venv"]))
attempt("read-reference", lambda: open(paths["reference"]).read())
attempt("import", lambda: [m for m in ("torch", "mgc", "micrograd", "numpy") if find_spec(m)] or 1 / 0)
attempt("grader-environ", lambda: open("/proc/" + paths["grader_pid"] + "/environ", "rb").read())
attempt("environ-secret", lambda: [k for k, v in os.environ.items() if "s3cret" in v] or 1 / 0)
attempt("network", lambda: socket.create_connection(("127.0.0.1", int(paths["port"])), timeout=1))
attempt("write-tmp-big", lambda: open("/tmp/big", "wb").write(b"x" * (64 << 20)))
attempt("write-dev-shm", lambda: write("/dev/shm/stash"))

def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid

attempt("fork", fork)
attempt("subprocess", lambda: __import__("subprocess").run(["true"]))
found["processes"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
found["uid"] = os.getuid()
raise RuntimeError("FOUND" + json.dumps(found))
"""


def findings(error_text: str) -> dict:
    """What a snoop cell reported, from the error the sandbox recorded for it."""
    start = error_text.index("FOUND") + len("FOUND")
    return json.loads(error_text[start:].split("\n", 1)[0])


# Fills its own request pipe through a second writer opened on /proc/self/fd, keeps that pipe
# open but unread, and swaps an empty pipe of its own in under the request fd's number (the
# child's first argument): without a deadline, the parent's next write would block forever.
# Finds the child's own two pipes: they are locals of the frame that runs the cells.
PIPES = """
import os, sys
frame = sys._getframe()
while "requests" not in frame.f_locals:
    frame = frame.f_back
requests, reports = frame.f_locals["requests"], frame.f_locals["reports"]
"""

WEDGE_PIPES = (
    PIPES
    + """
kept = os.dup(requests)
try:  # the seccomp filter refuses to open anything for writing; the rest of the attack goes on
    writer = os.open(f"/proc/self/fd/{requests}", os.O_WRONLY | os.O_NONBLOCK)
    while True:
        os.write(writer, b"x" * 65536)
except OSError:
    pass
empty, _unused = os.pipe()
os.dup2(empty, requests, inheritable=False)  # dup3: the filter refuses dup2, which keeps it across exec
"""
)

# Kills everything it can signal: its parent and every process of its uid.
KILL_EVERYTHING = """
import os, signal
for target in (os.getppid(), 1):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
"""


def cell(name: str) -> str:
    """One of the attack cells kept as written in tests/grader/cells/."""
    return (CELLS / f"{name}.py").read_text(encoding="utf-8")


# Tries to leave something for the next exercise's child (files, a System V segment, a
# socket, a process) and to read the fork server's memory; raises what it found and what was refused.
LEAVE_BEHIND = """
import ctypes, json, os, socket, time
libc = ctypes.CDLL(None, use_errno=True)
found, refused = [], []
for path in ("/tmp/left", "/dev/shm/left", "left", "/left"):
    if os.path.exists(path):
        found.append(path)
    try:
        with open(path, "w") as out:
            out.write("the grader's own tanh")
    except OSError:
        refused.append(path)
if libc.shmget(4242, 0, 0) >= 0:
    found.append("shm")
if libc.shmget(4242, 4096, 0o1000 | 0o600) < 0:
    refused.append("shm")
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).bind("\\0left")
except OSError:
    refused.append("socket")
try:
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
except OSError:
    refused.append("fork")
for name in ("maps", "environ"):  # the interpreter is not readable, so the process is not dumpable
    try:
        with open(f"/proc/{os.getppid()}/{name}", "rb") as server:
            server.read(1)
        found.append(f"server {name}")
    except OSError:
        refused.append(f"server {name}")
raise RuntimeError("LEFT" + json.dumps({"found": found, "refused": refused}))
"""

# A child that tries to slow down or starve every later child through the server they share
# (which forks them all): lower its limits, raise its niceness, pin it to one core. Then reports
# its own limits, niceness and cores, which a later child must find untouched.
REACH_THE_SERVER = """
import json, os, resource
server = os.getppid()
attempts = {
    "prlimit": lambda: resource.prlimit(server, resource.RLIMIT_AS, (64 << 20, 64 << 20)),
    "prlimit cpu": lambda: resource.prlimit(server, resource.RLIMIT_CPU, (1, 1)),
    "nice": lambda: os.setpriority(os.PRIO_PROCESS, server, 19),
    "nice group": lambda: os.setpriority(os.PRIO_PGRP, 0, 19),
    "nice user": lambda: os.setpriority(os.PRIO_USER, 0, 19),
    "affinity": lambda: os.sched_setaffinity(server, {min(os.sched_getaffinity(0))}),
}
done = []
for name, attempt in attempts.items():
    try:
        attempt()
        done.append(name)
    except OSError:
        pass
mine = {
    "as": resource.getrlimit(resource.RLIMIT_AS)[1],
    "cpu": resource.getrlimit(resource.RLIMIT_CPU)[1],
    "nice": os.getpriority(os.PRIO_PROCESS, 0),
    "cores": len(os.sched_getaffinity(0)),
}
raise RuntimeError("REACH" + json.dumps({"done": done, "mine": mine}))
"""

# Found by a red team: a child that has the kernel signal the server (SIGSTOP, when the parent
# reads its report pipe), takes a lease on a file every later child opens (each one then waits
# for it), or opens a classmate's notebook by its file handle (no path, no open flags to filter).
SIGNAL_THE_SERVER = """
import ctypes, fcntl, json, os, signal, stat, sys
done = []
for fd in range(3, 64):
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            continue
    except OSError:
        continue
    for name, command, argument in (("F_SETOWN", 8, os.getppid()), ("F_SETSIG", 10, int(signal.SIGSTOP))):
        try:
            fcntl.fcntl(fd, command, argument)
            done.append(name)
        except OSError:
            pass
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
        done.append("O_ASYNC")
    except OSError:
        pass
try:
    lease = os.open(sys.modules["os"].__file__, os.O_RDONLY)
    fcntl.fcntl(lease, 1024, fcntl.F_RDLCK)  # F_SETLEASE
    done.append("F_SETLEASE")
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
class Handle(ctypes.Structure):
    _fields_ = [("bytes", ctypes.c_uint), ("type", ctypes.c_int), ("handle", ctypes.c_ubyte * 128)]
handle, mount = Handle(128), ctypes.c_int()
if libc.name_to_handle_at(-100, b"/", ctypes.byref(handle), ctypes.byref(mount), 0) == 0:
    done.append("name_to_handle_at")
if libc.open_by_handle_at(-100, ctypes.byref(handle), os.O_RDONLY) >= 0:
    done.append("open_by_handle_at")
raise RuntimeError("SIGNAL" + json.dumps(done))
"""


# Every way a cell had to the child's pipes, or to code that could find them, tried in turn (the
# second red team's routes among them); raises GUARD and the list of those that went through.
PAST_THE_GUARD = r"""
import sys, os, string
went = []
def attempt(name, do):
    try:
        do()
        went.append(name)
    except Exception:
        pass
try:
    1 / 0
except ZeroDivisionError as caught:
    error = caught
generator = (x for x in [1])
attempt("sys._getframe", lambda: sys._getframe().f_back.f_locals)
attempt("tb_frame", lambda: error.__traceback__.tb_frame)
attempt("gi_frame", lambda: generator.gi_frame)
attempt("formatter", lambda: string.Formatter().get_field("0.__traceback__.tb_frame", (error,), {}))
def match_frame():
    match error:
        case object(__traceback__=object(tb_frame=frame)):
            return frame
    raise LookupError
attempt("match", match_frame)
attempt("os.write", lambda: os.write)
attempt("os.read", lambda: os.read)
attempt("os.dup2", lambda: os.dup2)
attempt("posix.write", lambda: __import__("posix").write)
attempt("open a descriptor", lambda: open(3, "rb", closefd=False))
attempt("open a file", lambda: open("/etc/hostname"))
attempt("list /proc/self/fd", lambda: os.listdir("/proc/self/fd"))
attempt("import ctypes", lambda: __import__("ctypes").__file__)  # a stand-in has no file
attempt("import _ctypes", lambda: sys.modules["_frozen_importlib"]._gcd_import("_ctypes"))
attempt("importlib", lambda: __import__("importlib").import_module("_ctypes"))
attempt("gc objects", lambda: __import__("gc").get_objects())
attempt("marshal.loads", lambda: __import__("marshal").loads(__import__("marshal").dumps(1)))
attempt("fork", lambda: os.fork() or os._exit(0))  # a child that started would end at once
attempt("a fresh posix", lambda: sys.modules["_imp"].create_builtin)
attempt("signal handler", lambda: __import__("_signal").signal)
attempt("settrace", lambda: sys.settrace(lambda *a: None))
heard = []
sys.addaudithook(lambda event, args: heard.append(event))  # refused quietly: no hook is added
compile("0", "x", "eval")
attempt("audit hook", lambda: heard[0])
attempt("code.replace", lambda: (lambda: 0).__code__.replace(co_names=()))
attempt("a function from code", lambda: type(lambda: 0)(compile("0", "x", "eval"), {}))
def victim():
    return 0
def swap_code():
    victim.__code__ = (lambda: 1).__code__
attempt("a function's code swapped", swap_code)
attempt("a thread", lambda: __import__("_thread").start_new_thread(lambda: None, ()))
raise RuntimeError("GUARD" + repr(went))
"""


def forger(route: str) -> str:
    """A second red team's forger: cells/forger_answers.py, then cells/ROUTE_route.py."""
    return cell("forger_answers") + cell(f"{route}_route")


def pasted_under_the_stubs(notebook, source: str) -> None:
    """`source` as a new cell right after the notebook's Value cell, where a student pastes it
    (an nbformat notebook, changed in place)."""
    import nbformat

    cells = notebook.cells
    value = next(i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    cells.insert(value + 1, nbformat.v4.new_code_cell(source))
