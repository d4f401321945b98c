"""Flag code that reaches for the grading machinery instead of doing the exercise.

The sandbox keeps a student's code away from everything outside its child, and the
child is never sent the answer to its exercise. What no sandbox can stop is code
that, inside its own child, writes its own report: it can read the cases from the
child's pipe, or hook `exec`, and answer them with numbers worked out some other way
(finite differences of plain floats, say). Such code has to reach for the
interpreter's or the process's machinery, which an honest micrograd notebook never
needs. This scan reads the notebook's code (it never runs it) and names every such
reach, so that the instructor can look; it does not change the score.
"""

from __future__ import annotations

import ast

MODULES = {  # an honest notebook imports math and random, perhaps matplotlib; never these
    "builtins": "the interpreter's built-ins",
    "ctypes": "raw memory",
    "gc": "every live object",
    "inspect": "the call stack",
    "importlib": "the import system",
    "marshal": "raw code objects",
    "mmap": "shared memory",
    "os": "the process's files and pipes",
    "pickle": "code run on loading",
    "signal": "signals",
    "socket": "sockets",
    "subprocess": "other processes",
    "threading": "threads",
    "multiprocessing": "other processes",
    "fcntl": "file descriptors",
    "select": "file descriptors",
    "resource": "process limits",
    "_thread": "threads",
    "traceback": "the call stack",
    "types": "code and frame objects",
}
ATTRIBUTES = {
    "argv": "the grader's command line",
    "_getframe": "the call stack",
    "f_back": "the call stack",
    "f_globals": "another frame's globals",
    "f_locals": "another frame's locals",
    "f_builtins": "the built-ins",
    "tb_frame": "the call stack",
    "gi_frame": "the call stack",
    "modules": "every loaded module (sys.modules)",
    "settrace": "a trace hook",
    "setprofile": "a profile hook",
    "addaudithook": "an audit hook",
    "get_objects": "every live object",
    "get_referrers": "every live object",
    "__globals__": "a function's globals",
    "__builtins__": "the built-ins",
    "__code__": "a function's code",
    "__subclasses__": "every class",
    "__dict__": "an object's internals",
}
NAMES = {
    "exec": "running code built at run time",
    "eval": "running code built at run time",
    "compile": "running code built at run time",
    "__import__": "importing by name at run time",
    "globals": "the module's globals",
    "vars": "an object's internals",
    "breakpoint": "the debugger",
    "__builtins__": "the built-ins",
    "open": "files",
}


def reaches(cells: list[str]) -> list[str]:
    """Each place in `cells` that reaches for the grading machinery: 'cell N, line L: what'."""
    found: list[str] = []
    for number, source in enumerate(cells, start=1):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # the sandbox reports the cell's error
        for node in ast.walk(tree):
            what = _reach(node)
            if what is not None:
                found.append(f"cell {number}, line {getattr(node, 'lineno', '?')}: {what}")
    return list(dict.fromkeys(found))


def _reach(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        for name in names:
            top = name.split(".")[0]
            if top in MODULES:
                return f"imports {name} ({MODULES[top]})"
    if isinstance(node, ast.Attribute) and node.attr in ATTRIBUTES:
        return f"uses .{node.attr} ({ATTRIBUTES[node.attr]})"
    if isinstance(node, ast.Name) and node.id in NAMES:
        return f"uses {node.id} ({NAMES[node.id]})"
    dynamic = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) > 1
    if dynamic and node.func.id in ("getattr", "setattr") and not isinstance(node.args[1], ast.Constant):
        return f"{node.func.id} with a name computed at run time"
    return None
