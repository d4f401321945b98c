"""Confine this process, then become the sandbox's fork server: where bubblewrap does not start it.

Run as `python -I -S -B -c SOURCE FILTER_FD PYTHON SERVER_SOURCE CONTROL_FD` by mgc.sandbox.runner in
the fallback confinements ("unprivileged user", "none"). It asks the kernel to kill it with its
parent, sets no_new_privs, loads the seccomp filter it reads from FILTER_FD (mgc.sandbox.syscalls), and
then replaces itself with a fresh interpreter running the server (mgc.sandbox.child). The filter, the
parent-death signal and no_new_privs survive execve; ctypes, which loading them takes, does not:
no process that runs student code ever holds it. Bubblewrap does the same with --seccomp and
--die-with-parent, so there this file is not used.
"""

import ctypes
import os
import sys

PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP = 1, 38, 22
SECCOMP_MODE_FILTER, SIGKILL = 2, 9


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def confine_and_exec(filter_fd: int, python: str, server: str, control_fd: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getppid()
    if libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
        raise SystemExit("the grader was gone before the sandbox started")
    with os.fdopen(filter_fd, "rb") as source:
        program = source.read()
    code = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.addressof(code))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_SECCOMP")
    os.execv(python, [python, "-I", "-S", "-B", "-c", server, control_fd])


if __name__ == "__main__":
    confine_and_exec(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4])
