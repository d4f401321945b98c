"""What a notebook's code finds in the sandbox besides the standard library, so that honest code runs.

Standard library only: mgc.probes.payload sends this file's source to every child, which runs it in a
namespace of its own before the student's code (mgc.sandbox.child.main). A child imports nothing new
(mgc.sandbox.child._guard), so:

- every import of a module the server did not load (IPython.display, sklearn, numpy, tqdm, ...)
  gives a stand-in: importing it, and calling into it, works; using what comes back as a value
  fails, saying the package is not installed where notebooks are graded. Only the exercise that
  uses it fails.
- what IPython gives every notebook without an import (`display`, `get_ipython`, `In`, `Out`) is
  there: `display` shows nothing, `get_ipython()` answers every magic with nothing.
- the traceback module works without frames (a child may not see one: they lead to the grader's
  own): it reads file names and lines from the interpreter's own printer.
"""

import linecache
import sys
import traceback

from mgc.probes.probes import (
    printed_frames,  # in a child, this file runs beside it (mgc.probes.payload.helpers)
)


class Absent(type(sys)):
    """A package the sandbox does not have: importing it works, and so does calling into it
    (np.random.seed(1) does nothing); using what comes back as a value fails, saying why."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return Absent(f"{self.__name__}.{name}")

    def __call__(self, *args, **kwargs):
        return Absent(f"{self.__name__}(...)")

    def _refuse(self, *args, **kwargs):
        package = self.__name__.split(".")[0]
        raise ModuleNotFoundError(f"{package} is not installed where notebooks are graded ({self.__name__})")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __pow__ = __rpow__ = __neg__ = __float__ = __int__ = __index__ = __bool__ = __len__ = _refuse
    __iter__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse


class NoIPython:
    """What `get_ipython()` gives a notebook's magics here: nothing runs, shell escapes included."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


def display(*objects, **options) -> None:
    """IPython's `display`, a builtin in every notebook: here there is nothing to show things on."""


def jupyter_names() -> dict:
    """What IPython puts in every notebook's namespace without an import."""
    return {"get_ipython": NoIPython, "display": display, "In": [""], "Out": {}}


def stand_in_import(name, globals=None, locals=None, fromlist=(), level=0):
    """`__import__` for the student's code: a module the server loaded, or a stand-in for it."""
    if level:
        raise ImportError("attempted relative import with no known parent package")
    modules = sys.modules
    parts = name.split(".")
    for depth in range(1, len(parts) + 1):
        dotted = ".".join(parts[:depth])
        if modules.get(dotted) is None:
            modules[dotted] = Absent(dotted)
            if depth > 1:
                setattr(modules[".".join(parts[: depth - 1])], parts[depth - 1], modules[dotted])
    module = modules[name]
    if not fromlist:
        return modules[parts[0]]
    if hasattr(module, "__path__"):  # from a package, a submodule the server did not load
        for item in fromlist:
            if item != "*" and not hasattr(module, item):
                setattr(module, item, stand_in_import(f"{name}.{item}", fromlist=("x",)))
    return module


class _Code:
    def __init__(self, filename: str, name: str) -> None:
        self.co_filename, self.co_name = filename, name


class _Frame:
    """What the traceback module reads of a frame: its code's file and function names."""

    def __init__(self, filename: str, name: str) -> None:
        self.f_code, self.f_globals, self.f_locals = _Code(filename, name), {}, {}


def _walk_tb(tb):
    for filename, lineno, function in printed_frames(tb):
        yield _Frame(filename, function), lineno


def _walk_tb_with_full_positions(tb):
    for frame, lineno in _walk_tb(tb):
        yield frame, (lineno, None, None, None)


def notebook_module(cells: list, guarded: bool):
    """The module the notebook's cells run in, as `__main__` (so dataclasses and pickle find it),
    with its cells' lines where tracebacks look for them; guarded, the stand-ins are installed."""
    module = type(sys)("__main__")
    module.__dict__.update(jupyter_names())
    sys.modules["__main__"] = module
    for index, source in enumerate(cells):
        name = f"<cell {index + 1}>"
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    if guarded:
        import builtins

        builtins.__import__ = stand_in_import
        traceback.walk_tb = _walk_tb
        traceback._walk_tb_with_full_positions = _walk_tb_with_full_positions
        traceback.walk_stack = lambda f: iter(())
    module.__dict__["__builtins__"] = sys.modules["builtins"]
    return module
