"""The sandboxed side: a fork server that never runs student code, and the children it forks.

mgc.sandbox starts one server per grading process, confined (see mgc.sandbox), as
`python -I -S -B -c SOURCE CONTROL_FD`, with nothing but the standard library to
import. Over CONTROL_FD (a Unix socket of SOCK_SEQPACKET messages, one marshal blob
each) it first gets {"limits": {RLIMIT: n}, "filter": BPF, "modules": [NAME, ...], "absent": [NAME,
...], "guard": True}, imports the modules (the only ones its children may use), stands in for the
absent ones (_Absent), then serves requests:

  b"spawn"   kill the current child, fork a new one; reply {"pid": n} and, as
             SCM_RIGHTS, the parent's ends of the child's two pipes
  b"status"  wait up to a second for the child to end; reply {"status": wait status or None}
  b"kill"    kill the current child (no reply)

A forked child closes every other descriptor, sets its rlimits, loads the seccomp
filter (no new processes, no signals, no files written, no sockets or IPC: nothing
can pass from one child to the next) and only then reads the student's code. It
grades one exercise and is then killed and reaped before the server forks the
next child, of the same notebook or of another student's. The parent writes each message on the
child's request pipe as 8 bytes of length and a marshal blob (CODE: a code object
the parent compiled), and reads one JSON line per report on its report pipe:

  {"helpers": CODE, "cells": [SOURCE, ...],  ->  {"cell": i} before each cell,
   "code": [CODE or None, ...]}
                                                {"cell_error": i, "error": ...},
                                                {"loaded": true}
  {"payload": CODE, "probe": NAME,          ->  {"results": [...]}, or {"tampered": true} if the
   "cases": [...], "options": {...}}             student's code changed the probe's own code

The payload, the only grader code that could help a student, arrives after the
student's code has run, and holds nothing that answers this child's exercise
(mgc.payload). Student output goes to /dev/null. Every report is untrusted: the
parent checks its shape and decides everything from its own copy of the cases.
"""

# Only modules that cost a server next to nothing to import: a worker may start several. The
# socket and signal modules (enum, selectors) would add 12 ms for a few constants; _socket and
# _signal hold the same ones.
import _signal
import _socket
import ctypes
import gc
import marshal
import math  # noqa: F401  (imported once here, not by every child: notebooks use them)
import os
import random  # noqa: F401
import resource
import sys
import time

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 38
SECCOMP_MODE_FILTER = 2
NOT_CONFINED = 121  # a child's exit status when it could not confine itself


def serve(control_fd: int) -> None:
    """Fork a child per request, until the parent closes the socket."""
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no child may read or write this process's memory
    libc.prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent was gone before the line above
        return
    control = _socket.socket(fileno=control_fd)
    setup = marshal.loads(control.recv(1 << 20))
    for name in setup["modules"]:  # all a child may import: it imports nothing new (_guard)
        __import__(name)
    for name in setup["absent"]:
        sys.modules[name] = _Absent(name)
    gc.freeze()  # the children's collections then skip the server's objects, leaving their pages shared
    child = 0
    while True:
        request = control.recv(64)
        if request == b"spawn":
            _end(child)
            child, fds = _spawn(libc, setup)
            packed = b"".join(fd.to_bytes(4, sys.byteorder) for fd in fds)  # a C int each
            ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, packed)]
            control.sendmsg([marshal.dumps({"pid": child})], ancillary)
            for fd in fds:
                os.close(fd)
        elif request == b"status":
            status = _wait(child, 1.0)
            child = 0 if status is not None else child
            control.send(marshal.dumps({"status": status}))
        elif request == b"kill":  # no reply: the next request is only read once this is done
            _end(child)
            child = 0
        else:  # b"": the parent is done with this notebook
            _end(child)
            return


def _spawn(libc, setup: dict) -> tuple[int, list[int]]:
    """Fork a child on two new pipes; return its pid and the parent's ends of the pipes."""
    request_read, request_write = os.pipe()
    report_read, report_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = NOT_CONFINED
        try:
            keep = sorted((request_read, report_write))
            os.closerange(3, keep[0])
            os.closerange(keep[0] + 1, keep[1])
            os.closerange(keep[1] + 1, 1 << 16)
            _confine(libc, setup)
            status = 0
            read, write = os.read, os.write  # main's, before _guard takes them from everyone else
            sealed = _sealed(main)  # before _guard, which refuses new functions
            if setup["guard"]:
                _guard()
            sealed(request_read, report_write, read, write)
        finally:
            os._exit(status)
    os.close(request_read)
    os.close(report_write)
    return pid, [request_write, report_read]


def _confine(libc, setup: dict) -> None:
    """Before any student code: rlimits it cannot raise, and the seccomp filter it cannot lift."""
    libc.prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, 0, 0, 0)
    for name, value in setup["limits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))
    program = setup["filter"]
    if program:

        class Program(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        code = ctypes.create_string_buffer(program, len(program))
        fprog = Program(len(program) // 8, ctypes.addressof(code))
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "PR_SET_SECCOMP")


# The student's code shares this process with the probe that reports on it, so it could write
# that report itself: find main's pipes through a frame, or read and write the descriptors
# directly. _guard leaves it no frame, no descriptor and no new module: what would hand them over
# is taken out of os and _signal, or refused by an audit hook that cannot be removed.
FD_IO = (
    "read", "readv", "pread", "preadv", "write", "writev", "pwrite", "pwritev", "sendfile", "splice",
    "copy_file_range", "dup", "dup2", "fdopen", "eventfd_read", "eventfd_write", "open", "openpty",
)  # fmt: skip
HANDLERS = ("signal", "setitimer", "alarm", "set_wakeup_fd", "pthread_kill", "siginterrupt")  # get frames
REFUSED = {
    "open", "os.listdir", "os.scandir", "sys._getframe", "sys._getframemodulename", "sys._current_frames",
    "sys._current_exceptions", "sys.settrace", "sys.setprofile", "sys.addaudithook", "gc.get_objects",
    "gc.get_referrers", "gc.get_referents", "code.__new__", "function.__new__",
}  # fmt: skip
REFUSED_FAMILIES = ("socket.", "ctypes.", "mmap.", "os.", "subprocess.", "shutil.")
FRAMES = ("tb_frame", "gi_frame", "cr_frame", "ag_frame")  # object.__getattr__ events that yield a frame
DROPPED = ("ctypes", "_ctypes", "ctypes._endian", "_socket", "gc", "resource")
MAKERS = ("create_builtin", "create_dynamic", "exec_builtin", "exec_dynamic")  # _imp: fresh posix, unpruned


def _guard() -> None:
    """From here on: no new module, no frame (sys._getframe; tb_frame, gi_frame: object.__getattr__),
    no file or descriptor opened, no way to read or write one by number, no signal handler (it
    is handed the running frame), no trace hook, no code or function built by hand, no thread."""
    modules = sys.modules
    for module in (os, modules["posix"]):
        for name in FD_IO:
            module.__dict__.pop(name, None)
    for name in HANDLERS:
        _signal.__dict__.pop(name, None)
    for name in MAKERS:
        modules["_imp"].__dict__.pop(name, None)
    for name in ("start_new_thread", "start_new"):
        modules["_thread"].__dict__.pop(name, None)
    for name in DROPPED:
        modules.pop(name, None)
        globals().pop(name, None)

    # the hook's own copies: this module's globals are within a student's reach (a method's __globals__)
    refused, families, frames = frozenset(REFUSED), tuple(REFUSED_FAMILIES), tuple(FRAMES)
    parts = ("__code__", "__defaults__", "__kwdefaults__")

    def refuse(event: str, args: tuple) -> None:
        if event == "import":
            raise ModuleNotFoundError(
                f"{args[0]} cannot be imported while grading (only the standard "
                "library's math, random and a few more are there)"
            )
        if event in refused or event.startswith(families):
            raise PermissionError(f"not while grading: {event}")
        if event == "object.__getattr__" and args[1] in frames:  # dataclasses reads __code__: let it
            raise PermissionError(f"not while grading: .{args[1]}")
        if event == "object.__setattr__" and args[1] in parts:  # a function's, the probe's above all
            raise PermissionError(f"not while grading: setting .{args[1]}")

    sys.addaudithook(refuse)


def _sealed(function):
    """`function` made again over globals of its own, with main's helpers and a copy of the builtins.
    A student's code can reach this module's globals (through a method's __globals__) and the
    builtins module, and change what a name means there; it cannot reach this copy."""
    import builtins

    private = {"__builtins__": dict(builtins.__dict__), "marshal": marshal, "sys": sys}
    private["_NoIPython"] = _NoIPython
    for made in (_read, _json, _fingerprint, main):
        private[made.__name__] = type(made)(made.__code__, private, made.__name__, made.__defaults__)
    return private[function.__name__]


def _wait(child: int, seconds: float) -> int | None:
    """The child's wait status once it has ended, or None if it is still running after `seconds`."""
    if not child:
        return None
    deadline = time.monotonic() + seconds
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return status
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def _end(child: int) -> int | None:
    """Kill the child and collect it."""
    if not child:
        return None
    try:  # noqa: SIM105 (contextlib is one more import for every server)
        os.kill(child, _signal.SIGKILL)
    except ProcessLookupError:
        pass
    return os.waitpid(child, 0)[1]


def main(requests: int, reports: int, read, write) -> None:
    """One child: run the student's cells, then one probe."""
    run, build, loads = exec, compile, marshal.loads  # bound now: a student's cell may replace them

    def receive() -> dict:
        size = int.from_bytes(_read(read, requests, 8), "big")
        return loads(_read(read, requests, size))

    def send(message: dict) -> None:
        data = (_json(message) + "\n").encode("utf-8", "backslashreplace")
        while data:
            data = data[write(reports, data) :]

    setup = receive()
    helpers: dict = {"__name__": "mgc_helpers", "__builtins__": dict(__builtins__)}
    run(loads(setup["helpers"]), helpers)
    helpers["CELLS"] = list(setup["cells"])
    describe = helpers["describe"]

    namespace: dict = {"__name__": "__main__", "get_ipython": _NoIPython}
    for index, (source, code) in enumerate(zip(setup["cells"], setup["code"])):
        send({"cell": index})  # the parent knows which cell hung if this is the last it sees
        try:
            run(loads(code) if code else build(source, f"<cell {index + 1}>", "exec"), namespace)
        except BaseException as error:  # a broken cell is reported, and the next one runs
            send({"cell_error": index, "error": describe(error)})
    send({"loaded": True})

    request = receive()
    grader: dict = {"__name__": "mgc_probes", "__builtins__": dict(__builtins__)}
    run(loads(request["payload"]), grader)
    grader["CELLS"] = helpers["CELLS"]
    before = _fingerprint(grader)
    results = grader[request["probe"]](namespace, request["cases"], **request["options"])
    after = _fingerprint(grader)  # the grader's functions are handed to the student's code
    if len(after) != len(before) or not all(a is b for a, b in zip(after, before)):
        send({"tampered": True})
    else:
        send({"results": results})


def _fingerprint(grader: dict) -> list:
    """What the probe's names are (the objects themselves, compared by identity: id() would wake the
    audit hook), down to its functions' closures, its classes' and modules' attributes, its tables
    and its builtins; the guard refuses setting a function's code or defaults. Student code is handed
    the probe's own functions (an isolated class's methods) and so may reach this namespace; if it
    changes it, the results are void."""
    marks = []
    for name, value in grader.items():
        marks += (name, value)
        for cell in getattr(value, "__closure__", None) or ():
            try:
                marks.append(cell.cell_contents)
            except ValueError:  # a cell not yet filled
                marks.append(None)
        if isinstance(value, type) or (isinstance(value, type(sys)) and name not in ("sys", "io")):
            marks += [item for pair in vars(value).items() for item in pair]
        elif isinstance(value, dict):  # a table such as METHOD_OPS, or the builtins
            marks += [item for pair in value.items() for item in pair]
        elif isinstance(value, list | tuple | set):
            marks += value
    return marks


def _read(read, fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = read(fd, size - len(data))
        if not chunk:
            raise SystemExit(0)  # the parent is gone
        data += chunk
    return data


def _json(value) -> str:
    """JSON for the plain values a report holds. Written here because importing the json module
    costs a child more (re, enum: about 18 ms here) than everything else it does."""
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped) + '"'
    if value is True or value is False or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        number = float(value)
        if number != number:
            return "NaN"
        if number in (float("inf"), float("-inf")):
            return "Infinity" if number > 0 else "-Infinity"
        return repr(number)
    if isinstance(value, dict):
        return "{" + ",".join(_json(str(k)) + ":" + _json(v) for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return _json(repr(value))


class _Absent(type(sys)):
    """A package the sandbox does not have (numpy, matplotlib, ...): importing it works, and so does
    calling into it (np.random.seed(1) does nothing); using what comes back as a value fails, saying why."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Absent(f"{self.__name__}.{name}")

    def __call__(self, *args, **kwargs):
        return _Absent(f"{self.__name__}(...)")

    def _refuse(self, *args, **kwargs):
        package = self.__name__.split(".")[0]
        raise ModuleNotFoundError(f"{package} is not installed where notebooks are graded ({self.__name__})")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __pow__ = __rpow__ = __neg__ = __float__ = __int__ = __index__ = __bool__ = __len__ = _refuse
    __iter__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse


class _NoIPython:
    """What `get_ipython()` gives a notebook's magics here: nothing runs, shell escapes included."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


if __name__ == "__main__":
    serve(int(sys.argv[1]))
