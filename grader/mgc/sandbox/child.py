"""The sandboxed side: a fork server that never runs student code, and the children it forks.

mgc.sandbox.runner starts one server per grading process, confined before this interpreter started
(bubblewrap's namespaces and --seccomp, or mgc.sandbox.launcher: the seccomp filter of mgc.sandbox.syscalls,
no_new_privs, death with its parent), as an unprivileged user of the host, as
`python -I -S -B -c SOURCE CONTROL_FD`, with nothing but the standard library to import and no
raw-memory module (ctypes) ever imported. Over CONTROL_FD (a Unix socket of SOCK_SEQPACKET
messages, one marshal blob each) it first gets {"limits": {RLIMIT: n}, "modules": [NAME, ...],
"guard": True}, imports the modules (all a child may use), then serves requests:

  b"spawn"   reap the previous child, fork a new one; reply {"pid": n} and, as SCM_RIGHTS, the
             parent's ends of the child's two pipes and a pidfd of the child
  b"status"  wait up to a second for the child to end; reply {"status": wait status or None}
  b"reap"    collect the child, which the parent has killed through its pidfd (no reply)

Nothing here sends a signal: the filter refuses it to the server and its children alike. A forked
child closes every other descriptor and sets its rlimits (RLIMIT_NPROC 1: it starts no process
and no thread), installs the guard (_guard) and only then reads the student's code. It grades one
exercise and is then killed and reaped before the server forks the next child, of the same
notebook or of another student's. The parent writes each message on the child's request pipe as
8 bytes of length and a marshal blob (CODE: a code object the parent compiled), and reads one
JSON line per report on its report pipe:

  {"helpers": CODE, "cells": [SOURCE, ...],  ->  {"cell": i} before each cell,
   "code": [CODE or None, ...]}                  {"cell_error": i, "error": ...},
                                                 {"loaded": true}
  {"handed": CODE, "payload": CODE,          ->  {"results": [...]}, or {"tampered": true} if the
   "probe": NAME, "cases": [...],                 student's code changed the probe's namespace
   "options": {...}}

The payload, the only grader code that could help a student, arrives after the student's code has
run, and holds nothing that answers this child's exercise (mgc.probes.payload). What the probe hands to
the student's code (the grader's operations, stand-ins, its MLP: mgc.probes.handed) runs in a namespace
of its own, from which the probe's cannot be reached. Student output goes to /dev/null. Every
report is untrusted: the parent checks its shape and decides everything from its own copy of the
cases.
"""

# Only modules that cost a server next to nothing to import (the socket module would pull enum and
# selectors in for a few constants; _socket holds the same ones).
import _socket
import gc
import marshal
import os
import resource
import sys
import time

NOT_CONFINED = 121  # a child's exit status when it could not set its limits


def serve(control_fd: int) -> None:
    """Fork a child per request, until the parent closes the socket."""
    control = _socket.socket(fileno=control_fd)
    setup = marshal.loads(control.recv(1 << 20))
    for name in setup["modules"]:  # all a child may import: it imports nothing new (_guard)
        __import__(name)
    gc.freeze()  # the children's collections then skip the server's objects, leaving their pages shared
    child = 0
    while True:
        request = control.recv(64)
        if request == b"spawn":
            _reap(child)
            child, fds = _spawn(setup)
            packed = b"".join(fd.to_bytes(4, sys.byteorder) for fd in fds)  # a C int each
            ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, packed)]
            control.sendmsg([marshal.dumps({"pid": child})], ancillary)
            for fd in fds:
                os.close(fd)
        elif request == b"status":
            status = _wait(child, 1.0)
            child = 0 if status is not None else child
            control.send(marshal.dumps({"status": status}))
        elif request == b"reap":  # no reply: the next request is only read once this is done
            _reap(child)
            child = 0
        else:  # b"": the parent is done
            return


def _spawn(setup: dict) -> tuple[int, list[int]]:
    """Fork a child on two new pipes; return its pid and the parent's ends of the pipes and a pidfd."""
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
            for name, value in setup["limits"].items():
                resource.setrlimit(getattr(resource, name), (value, value))
            status = 0
            read, write, exit = os.read, os.write, os._exit  # main's, before _guard takes them away
            sealed = _sealed(main)  # before _guard, which refuses new functions
            permit = _guard() if setup["guard"] else None
            sealed(request_read, report_write, read, write, permit, exit)
        finally:
            os._exit(status)
    pidfd = os.pidfd_open(pid)
    os.close(request_read)
    os.close(report_write)
    return pid, [request_write, report_read, pidfd]


# The student's code shares this process with the probe that reports on it, so it could write that
# report itself: find main's pipes through a frame, or read and write the descriptors directly, or
# build code that reads memory. _guard leaves it no frame, no descriptor, no new module and no
# hand-made code: what would hand them over is taken out of os and _signal, or refused by an audit
# hook that cannot be removed. Refusals are the ones the standard library expects (sys._getframe
# raises ValueError, as on a stack too shallow), so namedtuple, enum, typing, logging and warnings
# work as usual.
FD_IO = (
    "read", "readv", "pread", "preadv", "write", "writev", "pwrite", "pwritev", "sendfile", "splice",
    "copy_file_range", "dup", "dup2", "fdopen", "eventfd_read", "eventfd_write", "open", "openpty",
)  # fmt: skip
HANDLERS = ("signal", "setitimer", "alarm", "set_wakeup_fd", "pthread_kill", "siginterrupt")  # get frames
REFUSED = {
    "open", "os.listdir", "os.scandir", "sys._current_frames", "sys._current_exceptions", "sys.settrace",
    "sys.setprofile", "sys.addaudithook", "setopencodehook", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "code.__new__", "function.__new__", "marshal.load",
}  # fmt: skip
REFUSED_FAMILIES = ("socket.", "ctypes.", "mmap.", "os.", "subprocess.", "shutil.")
FRAMES = ("tb_frame", "gi_frame", "cr_frame", "ag_frame")  # object.__getattr__ events that yield a frame
MAKERS = ("create_builtin", "create_dynamic", "exec_builtin", "exec_dynamic")  # _imp: fresh posix, unpruned


def _guard():
    """From here on: no new module, no frame (sys._getframe; tb_frame, gi_frame: object.__getattr__),
    no file or descriptor opened, no way to read or write one by number, no signal handler (it is
    handed the running frame), no trace hook, no code built by hand (marshal.loads, code.replace:
    bytecode that reads memory). Returns `permit(blob)`, which lets main unmarshal one blob of its
    own: the hook refuses every other."""
    modules = sys.modules
    for module in (os, modules["posix"]):
        for name in FD_IO:
            module.__dict__.pop(name, None)
    for name in HANDLERS:
        modules["_signal"].__dict__.pop(name, None)
    for name in MAKERS:
        modules["_imp"].__dict__.pop(name, None)
    for name in ("_socket", "resource"):
        modules.pop(name, None)
        globals().pop(name, None)

    # the hook's own copies: this module's globals are within a student's reach (a method's __globals__)
    refused, families, frames = frozenset(REFUSED), tuple(REFUSED_FAMILIES), tuple(FRAMES)
    parts = ("__code__",)  # honest code never swaps one; namedtuple sets __defaults__
    permitted: list = []

    def refuse(event: str, args: tuple) -> None:
        if event == "sys._getframe":
            raise ValueError("call stack is not deep enough")  # what the standard library catches
        if event == "marshal.loads":  # the event carries a copy of the bytes: compared, not identical
            if permitted and args[0] == permitted[-1]:
                permitted.pop()
                return
            raise PermissionError("not while grading: marshal.loads")
        if event == "import":
            raise ModuleNotFoundError(f"{args[0]} cannot be imported while grading")
        if event in refused or event.startswith(families):
            raise PermissionError(f"not while grading: {event}")
        if event == "object.__getattr__" and args[1] in frames:  # dataclasses reads __code__: let it
            raise PermissionError(f"not while grading: .{args[1]}")
        if event == "object.__setattr__" and args[1] in parts:  # a function's, the probe's above all
            raise PermissionError(f"not while grading: setting .{args[1]}")

    sys.addaudithook(_sealed(refuse))
    return permitted.append


def _sealed(function):
    """`function` made again over globals of its own, with main's helpers and a copy of the builtins.
    A student's code can reach this module's globals (through a method's __globals__) and the
    builtins module, and change what a name means there; it cannot reach this copy."""
    import builtins

    private = {"__builtins__": dict(builtins.__dict__), "marshal": marshal, "sys": sys}
    for made in (_read, _json, _fingerprint, main):
        private[made.__name__] = type(made)(made.__code__, private, made.__name__, made.__defaults__)
    if function.__name__ in private:
        return private[function.__name__]
    return type(function)(function.__code__, private, function.__name__, None, function.__closure__)


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


def _reap(child: int) -> None:
    """Collect a child the parent has killed (or that has ended)."""
    if child:
        try:  # noqa: SIM105 (contextlib is one more import for every server)
            os.waitpid(child, 0)
        except ChildProcessError:
            pass


def main(requests: int, reports: int, read, write, permit, exit) -> None:
    """One child: run the student's cells, then one probe, then end."""
    run, build, loads = exec, compile, marshal.loads  # bound now: a student's cell may replace them

    def receive():
        size = int.from_bytes(_read(read, requests, 8), "big")
        blob = _read(read, requests, size)
        if permit is not None:
            permit(blob)
        return loads(blob)

    def unmarshal(blob):
        if permit is not None:
            permit(blob)
        return loads(blob)

    def send(message: dict) -> None:
        data = (_json(message) + "\n").encode("utf-8", "backslashreplace")
        while data:
            data = data[write(reports, data) :]

    setup = receive()
    helpers: dict = {"__name__": "mgc_helpers", "__builtins__": dict(__builtins__)}
    run(unmarshal(setup["helpers"]), helpers)
    helpers["CELLS"] = list(setup["cells"])
    describe = helpers["describe"]
    code = [unmarshal(c) if c else None for c in setup["code"]]
    module = helpers["notebook_module"](setup["cells"], permit is not None)
    namespace = module.__dict__

    for index, (source, compiled) in enumerate(zip(setup["cells"], code)):
        send({"cell": index})  # the parent knows which cell hung if this is the last it sees
        try:
            run(compiled if compiled else build(source, f"<cell {index + 1}>", "exec"), namespace)
        except BaseException as error:  # a broken cell is reported, and the next one runs
            send({"cell_error": index, "error": describe(error)})
    send({"loaded": True})

    request = receive()
    handed: dict = {"__name__": "mgc_handed", "__builtins__": dict(__builtins__)}
    run(unmarshal(request["handed"]), handed)
    grader: dict = {"__name__": "mgc_probes", "__builtins__": dict(__builtins__)}
    grader.update((name, value) for name, value in handed.items() if not name.startswith("__"))
    run(unmarshal(request["payload"]), grader)
    grader["CELLS"] = list(setup["cells"])
    before = _fingerprint(grader)
    results = grader[request["probe"]](namespace, request["cases"], **request["options"])
    after = _fingerprint(grader)  # the probe's namespace is never handed over: this is a tripwire
    if len(after) != len(before) or not all(a is b for a, b in zip(after, before)):
        send({"tampered": True})
    else:
        send({"results": results})
    exit(0)


def _fingerprint(grader: dict) -> list:
    """What the probe's names are (the objects themselves, compared by identity: id() would wake the
    audit hook), down to its functions' closures, its classes' and modules' attributes, its tables
    and its builtins. If the student's code changed them, the results are void."""
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


def _json(value, depth: int = 0) -> str:
    """JSON for the plain values a report holds, by their exact types: a subclass of str, float or list
    made by the student's code goes out as the plain value it holds (read with the base type's own
    methods), and anything else as "?", so no method of theirs runs here and no line is theirs to
    write. Written here because importing the json module costs a child more (re, enum: about 18 ms
    here) than everything else it does."""
    if depth > 32:
        return '"?"'
    if isinstance(value, str):
        text = str.__getitem__(value, slice(None))  # an exact str, whatever the subclass claims
        escaped = str.replace(str.replace(text, "\\", "\\\\"), '"', '\\"')
        return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped) + '"'
    if type(value) is bool or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(int.__int__(value))
    if isinstance(value, float):
        number = float.__float__(value)
        if number != number:
            return "NaN"
        if number in (float("inf"), float("-inf")):
            return "Infinity" if number > 0 else "-Infinity"
        return float.__repr__(number)
    if type(value) is dict:
        return (
            "{"
            + ",".join(_json(k, depth + 1) + ":" + _json(v, depth + 1) for k, v in dict.items(value))
            + "}"
        )
    if type(value) in (list, tuple):
        return "[" + ",".join(_json(v, depth + 1) for v in value) + "]"
    return '"?"'


if __name__ == "__main__":
    serve(int(sys.argv[1]))
