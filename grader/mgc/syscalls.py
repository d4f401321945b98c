"""The system calls a child may not make: a seccomp filter, built with libseccomp (pyseccomp).

A child runs plain Python: it needs no new processes, no signals to others, no
tracing, no mounts, no namespaces, no keyrings. Refusing process creation also makes the child's memory
limit (RLIMIT_AS) a limit on the whole sandbox, and ends fork bombs before they
start. Threads are still allowed (clone with CLONE_THREAD). System calls of another
architecture (32-bit calls from a 64-bit process) kill the child: libseccomp's default.
"""

from __future__ import annotations

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
)


@functools.cache
def _filter():
    """The filter, or None where libseccomp or its Python binding is missing."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError):
        return None
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in DENIED:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (OSError, RuntimeError, ValueError):  # a call this architecture does not have
            continue
    # clone makes a thread or a process; only threads are allowed. clone3 says "not here", so
    # that the C library falls back to clone, whose flags a filter can read.
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    return rules


def available() -> bool:
    """Whether a child's system calls can be filtered here."""
    return _filter() is not None


@functools.cache
def program() -> bytes:
    """The filter compiled to a BPF program, as bubblewrap's --seccomp reads it."""
    read, write = os.pipe()
    with os.fdopen(write, "wb") as out:
        _filter().export_bpf(out)
    with os.fdopen(read, "rb") as compiled:
        return compiled.read()


def program_fd() -> int:
    """A pipe holding the compiled filter, to hand to bubblewrap (which reads it once)."""
    data = program()
    read, write = os.pipe()
    os.write(write, data)  # a few hundred bytes: far below a pipe's capacity
    os.close(write)
    return read


def load() -> None:
    """Apply the filter to this process and what it executes (for the children run without
    bubblewrap; called between fork and exec)."""
    _filter().load()
