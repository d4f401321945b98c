"""The system calls the sandbox may not make: a seccomp filter, built with libseccomp (pyseccomp).

The filter is loaded before the sandbox's interpreter starts (bubblewrap's --seccomp, or
mgc.sandbox.launcher), so it binds the fork server and every child it forks, and no process that runs
student code ever needs the means to load one (ctypes). They run plain Python: no signals to
anyone (the grader ends a child through a pidfd, from outside), no tracing, no mounts, no
namespaces, no keyrings, no sockets, and no file written; they may change their own limits,
niceness and cores, but no other process's, and may not have the kernel signal anyone for them
(O_ASYNC, F_SETOWN) or take a lease on a file (which would stall every process that opens it).
Refusing every way to leave something behind (files, System V and POSIX IPC, sockets) means
nothing passes from one exercise's child to the next one's, whatever the confinement.

The server forks, so clone is allowed here; a child cannot, because it runs under
RLIMIT_NPROC 1 as an unprivileged user of the host (mgc.sandbox.runner). The interpreter is started
with execve, so that is allowed too; but no descriptor can be made to survive one (no dup that
keeps it open across exec, no clearing of close-on-exec, no pipe without it), so a child that
replaced its own program would hold nothing: not the pipes its report goes back on.
System calls of another architecture (32-bit calls from a 64-bit process) kill the process:
libseccomp's default.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os

DENIED = (  # refused with EPERM
    "fork",
    "vfork",  # the server forks with clone; these two are for nobody
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "keyctl",
    "add_key",
    "request_key",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "mknod",
    "mknodat",
    # signals: without bubblewrap, the sandboxes of several students share uid 65534; the server
    # does not need them either (mgc.sandbox.runner ends a child with a pidfd, from outside)
    "kill",
    "tkill",
    "tgkill",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "pidfd_send_signal",
    # leaving the process group, so that killing the group reaches every child
    "setsid",
    "setpgid",
    # anything another exercise's child could find later: files, IPC objects, sockets
    "creat",
    "mkdir",
    "mkdirat",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "unlink",
    "unlinkat",
    "rmdir",
    "truncate",
    "chmod",
    "fchmod",
    "fchmodat",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "utime",
    "utimes",
    "utimensat",
    "futimesat",
    "setxattr",
    "lsetxattr",
    "fsetxattr",
    "removexattr",
    "lremovexattr",
    "fremovexattr",
    "shmget",
    "semget",
    "msgget",
    "mq_open",
    "socket",
    "socketpair",
    # slowing down or starving later children through the server that forks them all (each
    # would inherit its niceness, its cores, its I/O priority): see TO_ITSELF for the rest
    "setpriority",
    "ioprio_set",
    "migrate_pages",
    "kcmp",
    "pidfd_getfd",
    # opening a file by its handle skips the flag rules below (and the path)
    "open_by_handle_at",
    "name_to_handle_at",
    # memory that RLIMIT_AS does not count (a red team held twice its limit in memfds)
    "memfd_create",
    "memfd_secret",
    # a descriptor that would survive execve: see CLOEXEC below
    "dup",
    "dup2",
    "pipe",
)
# fcntl commands that make the kernel signal another process (the server, when a pipe is read),
# or block everyone who opens a file: F_SETOWN, F_SETSIG, F_SETOWN_EX, F_SETLEASE, F_NOTIFY
SIGNALLING_FCNTL = (8, 10, 15, 1024, 1026)
F_SETFL = 4
SIGNALLING_IOCTL = (0x5452, 0x8901, 0x8902)  # FIOASYNC, FIOSETOWN, SIOCSPGRP
# calls that may name another process by pid: a child may make them about itself only (pid 0)
TO_ITSELF = (
    "prlimit64",
    "sched_setaffinity",
    "sched_setscheduler",
    "sched_setparam",
    "sched_setattr",
    "move_pages",
)
# keeping every descriptor close-on-exec: fcntl F_DUPFD (not F_DUPFD_CLOEXEC) and F_SETFD without
# FD_CLOEXEC; ioctl FIONCLEX; dup3 and pipe2 without O_CLOEXEC (dup, dup2 and pipe are DENIED)
F_DUPFD, F_SETFD, FD_CLOEXEC, FIONCLEX = 0, 2, 1, 0x5450
MISSING = (OSError, RuntimeError, ValueError)  # what libseccomp raises for a call this architecture lacks
WRITING = (0o1, 0o2, 0o100, 0o1000, 0o2000)  # O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND


@functools.cache
def _filter():
    """The filter, or None where libseccomp or its Python binding is missing."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError):
        return None
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in DENIED:
        with contextlib.suppress(*MISSING):
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
    # clone3 says "not here", so that the C library falls back to clone (RLIMIT_NPROC binds both)
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "fcntl", seccomp.Arg(1, seccomp.EQ, F_DUPFD))
    no_cloexec = seccomp.Arg(2, seccomp.MASKED_EQ, FD_CLOEXEC, 0)
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "fcntl", seccomp.Arg(1, seccomp.EQ, F_SETFD), no_cloexec)
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "ioctl", seccomp.Arg(1, seccomp.EQ, FIONCLEX))
    for name, flags in (("dup3", 2), ("pipe2", 1)):
        without = seccomp.Arg(flags, seccomp.MASKED_EQ, os.O_CLOEXEC, 0)
        rules.add_rule(seccomp.ERRNO(errno.EPERM), name, without)
    # opening a file for writing; openat2 hides its flags from a filter, so it too says "not here"
    for flag in WRITING:
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "openat", seccomp.Arg(2, seccomp.MASKED_EQ, flag, flag))
        with contextlib.suppress(*MISSING):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "open", seccomp.Arg(1, seccomp.MASKED_EQ, flag, flag))
    with contextlib.suppress(*MISSING):
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "openat2")
    for command in SIGNALLING_FCNTL:
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "fcntl", seccomp.Arg(1, seccomp.EQ, command))
    async_flag = seccomp.Arg(2, seccomp.MASKED_EQ, os.O_ASYNC, os.O_ASYNC)
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "fcntl", seccomp.Arg(1, seccomp.EQ, F_SETFL), async_flag)
    for request in SIGNALLING_IOCTL:
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "ioctl", seccomp.Arg(1, seccomp.EQ, request))
    for name in TO_ITSELF:
        with contextlib.suppress(*MISSING):
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(0, seccomp.NE, 0))
    return rules


def available() -> bool:
    """Whether a child's system calls can be filtered here."""
    return _filter() is not None


@functools.cache
def program() -> bytes:
    """The filter compiled to a BPF program: 8-byte instructions, ready for prctl(PR_SET_SECCOMP)."""
    read, write = os.pipe()
    with os.fdopen(write, "wb") as out:
        _filter().export_bpf(out)
    with os.fdopen(read, "rb") as compiled:
        return compiled.read()
