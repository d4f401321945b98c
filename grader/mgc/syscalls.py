"""The system calls a child may not make: a seccomp filter, built with libseccomp (pyseccomp).

A child runs plain Python: it needs no new processes, no signals to others, no
tracing, no mounts, no namespaces, no keyrings, no sockets, and it writes no file;
it may change its own limits, niceness and cores, but no other process's (the
server's would pass to every later child, classmates' included), and it may not
have the kernel signal anyone for it (O_ASYNC, F_SETOWN) or take a lease on a
file (which would stall every process that opens it).
Refusing process creation also makes the child's memory limit (RLIMIT_AS) a limit
on the whole sandbox, and ends fork bombs before they start. Refusing every way to
leave something behind (files, System V and POSIX IPC, sockets) means nothing passes
from one exercise's child to the next one's, whatever the confinement. Threads are
still allowed (clone with CLONE_THREAD). System calls of another architecture
(32-bit calls from a 64-bit process) kill the child: libseccomp's default.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os

CLONE_THREAD = 0x00010000

DENIED = (  # refused with EPERM
    "fork",
    "vfork",
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
    # signals to other processes: without bubblewrap, children of several students share uid 65534
    "kill",
    "tkill",
    "tgkill",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "pidfd_open",
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
    # clone makes a thread or a process; only threads are allowed. clone3 says "not here", so
    # that the C library falls back to clone, whose flags a filter can read.
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
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
