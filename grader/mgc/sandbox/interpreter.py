"""The interpreter the sandbox runs: the grader's own base Python, readable by the sandbox's user.

Student code runs as uid 65534 of the host, never as root: only then does the kernel hold a child
to RLIMIT_NPROC (it exempts host root, even inside a user namespace), so that a child can start
no process. That user must be able to read the interpreter and its standard library. Most are
(/usr/bin/python3); one under a private home (pyenv's, under /root) is not, and for it the grader,
as root, makes a mirror once per machine: hard links (or copies, across file systems) of the
interpreter's shared library and its standard library, without site-packages or the test suite,
in a root-owned folder anyone may read. Bubblewrap mounts the mirror where the original lives, so
the interpreter finds itself where it was built to be.

The interpreter's program file itself is always a copy its user may execute but not read. The
kernel then makes the process non-dumpable (as for a program it could not read), which its forks
inherit: no other process of the same user, a classmate's child included, may read its memory,
environment or descriptors through /proc, and it may not read its own.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import stat
import sys
import sysconfig
import tempfile
from pathlib import Path

NOBODY = 65534
LEFT_OUT = {"site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip"}


def _caches() -> list[Path]:
    """Where copies are kept: root's beside the system's caches, anyone else's in their own."""
    if os.geteuid() == 0:
        return [Path("/var/cache/mgc"), Path(tempfile.gettempdir()) / "mgc-python"]
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return [home / "mgc", Path(tempfile.gettempdir()) / f"mgc-python-{os.geteuid()}"]


def base_python() -> str:
    """The interpreter outside any virtual environment: its standard library is all the child gets."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def interpreter_root() -> str:
    """The folder that holds the base interpreter and its standard library."""
    return os.path.realpath(sys.base_prefix)


def _world_can_reach(path: str) -> bool:
    """Whether any user may walk down to `path` and read it."""
    parts = Path(path).parts
    for depth in range(1, len(parts) + 1):
        mode = os.stat(Path(*parts[:depth])).st_mode
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


def needs_mirror() -> bool:
    """Whether uid 65534 cannot read the grader's interpreter where it is (only root makes a mirror)."""
    return os.geteuid() == 0 and not (_world_can_reach(base_python()) and _world_can_reach(_stdlib()))


def _stdlib() -> str:
    return os.path.realpath(sysconfig.get_paths()["stdlib"])


def _shared_library() -> list[str]:
    """libpython, where the interpreter is linked to it (--enable-shared), under the name it is loaded by."""
    name = sysconfig.get_config_var("INSTSONAME") or ""
    found = os.path.join(sysconfig.get_config_var("LIBDIR") or "", name)
    return [found] if ".so" in name and os.path.isfile(found) else []


def _wanted() -> list[str]:
    """The files the mirror holds besides the program, as paths under the interpreter's root."""
    root = interpreter_root()
    files = [p for p in _shared_library() if p.startswith(root + os.sep)]
    for folder, dirs, names in os.walk(_stdlib()):
        dirs[:] = sorted(d for d in dirs if d not in LEFT_OUT and not d.startswith("config-"))
        files += [os.path.join(folder, n) for n in sorted(names)]
    return [f for f in files if f.startswith(root + os.sep) and os.path.isfile(f)]


def _link_or_copy(source: str, target: str) -> None:
    source = os.path.realpath(source)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links refused: a copy
        shutil.copy2(source, target)
    os.chmod(target, stat.S_IMODE(os.stat(source).st_mode) | 0o444)


def _executable_only(target: Path) -> None:
    """A copy of the interpreter's program at `target` that its users may run but not read."""
    shutil.copyfile(base_python(), target)
    os.chmod(target, 0o111 if os.geteuid() == 0 else 0o100)


def _identity() -> str:
    identity = f"{interpreter_root()}\0{sys.version}\0{os.stat(base_python()).st_mtime_ns}\0{os.geteuid()}"
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _made(name: str, build) -> str:
    """The folder `name` in the first cache that can hold it, built by `build(folder)` if missing."""
    errors = []
    for cache in _caches():
        done = cache / name
        if (done / ".complete").is_file():
            return str(done)
        try:
            cache.mkdir(mode=0o755, parents=True, exist_ok=True)
            if cache.stat().st_uid != os.geteuid() or cache.stat().st_mode & 0o022:
                raise OSError(f"{cache} is not its owner's alone")
            building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
            build(building)
            (building / ".complete").write_text(interpreter_root() + "\n")
            for folder, _, _ in os.walk(building):
                os.chmod(folder, 0o755)
            with contextlib.suppress(OSError):
                building.rename(done)  # another grader may have finished first: theirs is as good
            shutil.rmtree(building, ignore_errors=True)
            if (done / ".complete").is_file():
                return str(done)
        except OSError as error:
            errors.append(f"{cache}: {error}")
    raise OSError("cannot make the sandbox's copy of the interpreter: " + "; ".join(errors))


@functools.cache
def program() -> str:
    """An executable-only copy of the interpreter's program (made once; reused afterwards)."""

    def build(folder: Path) -> None:
        _executable_only(folder / "python")

    return os.path.join(_made(f"program-{_identity()}", build), "python")


@functools.cache
def mirror() -> str:
    """A root-owned, world-readable mirror of the interpreter's root, its program executable-only."""
    root = interpreter_root()

    def build(folder: Path) -> None:
        for source in _wanted():
            target = folder / os.path.relpath(source, root)
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, str(target))
        program = folder / os.path.relpath(base_python(), root)
        program.parent.mkdir(parents=True, exist_ok=True)
        _executable_only(program)

    return _made(f"python-{_identity()}", build)
