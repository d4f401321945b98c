"""Flag code that reaches for the grading machinery instead of doing the exercise.

The sandbox keeps a student's code away from everything outside its child, and the
child is never sent the answer to its exercise. What no sandbox can stop is code
that, inside its own child, writes its own report: it can read the cases from the
child's pipe, or hook `exec`, and answer them with numbers worked out some other way
(finite differences of plain floats, say). Such code has to reach for the
interpreter's or the process's machinery, which an honest micrograd notebook never
needs. This scan reads the notebook's code (it never runs it) and names every such
reach, so that the instructor can look; it does not change the score.

It allows rather than forbids where it can: only the modules an exercise may use are
imported silently, `sys` only for its recursion limit, and a name spelled in a string is
judged as if it were written as an attribute. A cell it cannot read is itself named.
"""

from __future__ import annotations

import ast
import functools
import importlib
import re
import types

# What honest notebooks import from the standard library: the sandbox's server imports all of it
# before any child (mgc.sandbox.child), since a child imports nothing new; any other import there gives a
# stand-in that fails where it is used (mgc.sandbox.standins). Neither is named here.
ALLOWED_STDLIB = {
    "math", "cmath", "random", "statistics", "fractions", "decimal", "numbers", "itertools", "functools",
    "operator", "collections", "collections.abc", "dataclasses", "enum", "typing", "abc", "copy", "heapq",
    "bisect", "graphlib", "string", "textwrap", "re", "json", "pprint", "time", "datetime", "timeit",
    "logging", "warnings", "traceback", "linecache", "contextlib", "io", "__future__",
}  # fmt: skip
SYS_ALLOWED = {  # sys: deep graphs, printing, versions
    "setrecursionlimit", "getrecursionlimit", "maxsize", "float_info", "stdout", "stderr", "version",
    "version_info", "getsizeof", "platform",
}  # fmt: skip
MODULES = {  # what the known reaches are for, to say so
    "builtins": "the interpreter's built-ins",
    "ctypes": "raw memory",
    "gc": "every live object",
    "inspect": "the call stack",
    "importlib": "the import system",
    "marshal": "raw code objects",
    "mmap": "shared memory",
    "os": "the process's files and pipes",
    "posix": "the process's files and pipes",
    "pickle": "code run on loading",
    "signal": "signals",
    "socket": "sockets",
    "subprocess": "other processes",
    "threading": "threads",
    "multiprocessing": "other processes",
    "fcntl": "file descriptors",
    "select": "file descriptors",
    "resource": "process limits",
}
ATTRIBUTES = {  # distinctive enough to be named wherever they are spelled, strings included
    "_getframe": "the call stack",
    "f_back": "the call stack",
    "f_globals": "another frame's globals",
    "f_locals": "another frame's locals",
    "f_builtins": "the built-ins",
    "f_code": "a frame's code",
    "gi_code": "a generator's code",
    "cr_code": "a coroutine's code",
    "co_names": "the names inside code",
    "co_consts": "the constants inside code",
    "co_code": "raw bytecode",
    "tb_frame": "the call stack",
    "tb_next": "the call stack",
    "gi_frame": "the call stack",
    "cr_frame": "the call stack",
    "ag_frame": "the call stack",
    "settrace": "a trace hook",
    "setprofile": "a profile hook",
    "addaudithook": "an audit hook",
    "get_objects": "every live object",
    "get_referrers": "every live object",
    "attrgetter": "attributes by name",
    "methodcaller": "methods by name",
    "FunctionType": "functions built from code",
    "LambdaType": "functions built from code",
    "CodeType": "code built by hand",
    "CellType": "closure cells",
    "FrameType": "the call stack",
    "TracebackType": "the call stack",
}
# The dunders that hand over what an object was made from: code, the namespace it runs in, the
# call stack, the class hierarchy (to every class alive), the interpreter's built-ins, pickling.
REACHING_DUNDERS = {
    "__globals__", "__closure__", "__code__", "__func__", "__self__", "__wrapped__", "__defaults__",
    "__kwdefaults__", "__builtins__", "__import__", "__loader__", "__spec__", "__subclasses__",
    "__bases__", "__base__", "__mro__", "__traceback__", "__context__", "__cause__", "__objclass__",
    "__getattribute__", "__reduce__", "__reduce_ex__", "__subclasshook__", "__init_subclass__",
}  # fmt: skip
# Every other dunder of Python's data model (what numbers, containers, properties and objects
# define), and the ones a notebook names for itself: an engine defines and calls them.
SAFE_DUNDERS = {
    name
    for kind in (object, int, float, complex, str, list, tuple, dict, set, slice, property)
    for name in dir(kind)
    if name.startswith("__") and name.endswith("__")
} - REACHING_DUNDERS | {
    "__main__", "__name__", "__qualname__", "__module__", "__slots__", "__weakref__", "__dict__",
    "__all__", "__version__", "__annotations__", "__post_init__", "__match_args__", "__enter__",
    "__exit__", "__iter__", "__next__", "__call__", "__missing__", "__matmul__", "__rmatmul__",
    "__file__", "__debug__", "__future__",
}  # fmt: skip
NAMES = {
    "breakpoint": "the debugger",
    "open": "files",
}
RUNS_CODE = {"exec", "eval", "compile"}  # judged by the code they are given, when the cell spells it
BY_NAME = {"getattr", "setattr", "delattr", "hasattr"}  # fine with a plain name, a reach without one
NAMED_BY = {"attrgetter": None, "methodcaller": 1}  # operator's: how many leading arguments are names


def _modules_inside_allowed() -> dict[str, str]:
    """The attributes of the allowed modules that are themselves modules (`random._os`, `typing.sys`)."""
    found = {}
    for name in sorted(ALLOWED_STDLIB):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in {*MODULES, "sys"}:
                found[attr] = f"the module {value.__name__} inside {name}"
    return found


_inside: dict[str, str] | None = None  # computed on first use


def _flagged_attribute(name: str) -> str | None:
    """Why reaching for attribute `name` is flagged, or None."""
    global _inside
    if _inside is None:
        _inside = _modules_inside_allowed()
    if name in ATTRIBUTES:
        return ATTRIBUTES[name]
    if name.startswith("__") and name.endswith("__") and name not in SAFE_DUNDERS:
        return "an object's internals"
    return _inside.get(name)


def reaches(cells: list[str]) -> list[str]:
    """Each place in `cells` that reaches for the grading machinery: 'cell N, line L: what'."""
    found: list[str] = []
    for number, source in enumerate(cells, start=1):
        try:
            places = _scan(ast.parse(source))
        except SyntaxError:
            continue  # it runs nowhere: the sandbox reports the cell's error
        except (ValueError, RecursionError, MemoryError):
            found.append(f"cell {number}: too deeply nested or too large to read (it was not run)")
            continue
        found += [f"cell {number}, line {line}: {what}" for line, what in places]
    return list(dict.fromkeys(found))


def _scan(tree: ast.AST) -> list[tuple[int | str, str]]:
    """The reaches in one cell's tree, as (line, what). Iterative (ast.walk): a hostile cell may nest
    deeper than the stack."""
    parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    sys_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "sys"
    }
    bindings: dict[str, list[ast.AST]] = {}  # a name -> what the cell binds it to (for a loop: all of it)
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.comprehension):
            targets, value = [node.target], node.iter
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                bindings.setdefault(target.id, []).append(value)
            elif isinstance(target, ast.Tuple | ast.List):  # a, b = ...: bound to something unseen
                for inner in target.elts:
                    if isinstance(inner, ast.Name):
                        bindings.setdefault(inner.id, []).append(None)
    found = []
    for node in ast.walk(tree):
        what = _reach(node, parent.get(node), sys_names, bindings)
        if what is not None:
            found.append((getattr(node, "lineno", "?"), what))
    return found


def _strings(node: ast.AST | None, bindings: dict, depth: int = 0) -> list[str] | None:
    """Every string `node` can be, when the cell spells them: a literal, literal pieces put together
    (`"__glo" + "bals__"`, `"_" * 2`, `"".join(...)`, `s[::-1]`, an f-string), a list of them, or a
    name the cell binds only to such. None when it cannot tell."""
    if node is None or depth > 20:
        return None
    again = functools.partial(_strings, bindings=bindings, depth=depth + 1)
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else None
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return _every([again(e) for e in node.elts])
    if isinstance(node, ast.Name):
        return _every([again(v) for v in bindings.get(node.id, [None])])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = again(node.left), again(node.right)
        return None if left is None or right is None else [a + b for a in left for b in right][:64]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for text, times in ((node.left, node.right), (node.right, node.left)):
            count = times.value if isinstance(times, ast.Constant) else None
            if type(count) is int and 0 <= count < 64 and again(text) is not None:
                return [s * count for s in again(text)]
        return None
    if isinstance(node, ast.JoinedStr):
        pieces = [again(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
        return None if None in pieces or any(len(p) != 1 for p in pieces) else ["".join(p[0] for p in pieces)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        glue, items = again(node.func.value), again(node.args[0]) if len(node.args) == 1 else None
        return None if glue is None or items is None or len(glue) != 1 else [glue[0].join(items)]
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        part = node.slice
        bounds = [_integer(b) for b in (part.lower, part.upper, part.step)]
        strings = again(node.value)
        if strings is None or "?" in bounds or bounds[2] == 0:
            return None
        return [s[slice(*bounds)] for s in strings]
    return None


def _integer(node: ast.AST | None) -> int | str | None:
    """A slice's bound as the cell spells it (None when left out, "?" when it cannot tell)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        found = _integer(node.operand)
        return -found if type(found) is int else "?"
    if node is None or (isinstance(node, ast.Constant) and type(node.value) is int):
        return node if node is None else node.value
    return "?"


def _every(parts: list[list[str] | None]) -> list[str] | None:
    return None if None in parts else [s for part in parts for s in part][:64]


def _name_given(node: ast.AST | None, bindings: dict, what: str) -> str | None:
    """A name handed to getattr and its kind at run time: each string the cell spells for it is judged
    as a name; one built from pieces the scan cannot see is named, in place or in a variable the cell
    binds to it; a parameter, a loop variable over data or an attribute is not (the sandbox is the
    boundary, not this scan, and honest code passes names around)."""
    if node is None:
        return None
    strings = _strings(node, bindings)
    if strings is not None:
        return next(filter(None, map(_in_string, strings)), None)
    if isinstance(node, ast.Name) and any(_built(v) for v in bindings.get(node.id, []) if v is not None):
        return f"{what} with a name computed at run time"
    if isinstance(node, ast.Name | ast.Attribute | ast.Starred):
        return None
    return f"{what} with a name computed at run time"


def _built(node: ast.AST) -> bool:
    """Whether `node` puts a string together (pieces added or repeated, joined, formatted, from codes)."""
    if isinstance(node, ast.BinOp | ast.JoinedStr):
        return True
    called = node.func if isinstance(node, ast.Call) else None
    return (isinstance(called, ast.Name) and called.id == "chr") or (
        isinstance(called, ast.Attribute) and called.attr in ("join", "format", "replace", "decode")
    )


def _code_given(call: ast.Call, bindings: dict, what: str) -> str | None:
    """exec, eval and compile: judged by the code they run, when the cell spells it; named otherwise."""
    strings = _strings(call.args[0], bindings) if call.args else None
    if strings is None:
        return f"uses {what} (running code built at run time)"
    for text in strings:
        try:
            tree = ast.parse(text, mode="exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # it cannot run either
        for _, why in _scan(tree):
            return f"{what} runs code that {why}"
    return None


def _reach(node: ast.AST, above: ast.AST | None, sys_names: set[str], bindings: dict) -> str | None:
    if isinstance(node, ast.Import):
        return next(filter(None, (_module(a.name) for a in node.names)), None)
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        names = []
        for alias in node.names:
            why = _flagged_attribute(alias.name)
            if alias.name in NAMED_BY and alias.asname in (None, alias.name):
                why = None  # judged where it is called
            if module == "sys" and alias.name not in SYS_ALLOWED:
                why = why or "the interpreter's state"
            if why is not None or (alias.name == "*" and module.split(".")[0] in MODULES):
                names.append(f"imports {alias.name} from {module} ({why or 'every name'})")
        return "; ".join(names) or _module(module)
    if isinstance(node, ast.Attribute) and node.attr in NAMED_BY:
        return _named_by(node, node.attr, above, bindings)
    if isinstance(node, ast.Attribute):
        why = _flagged_attribute(node.attr)
        if why is not None:
            return f"uses .{node.attr} ({why})"
        if isinstance(node.value, ast.Name) and node.value.id in sys_names and node.attr not in SYS_ALLOWED:
            return f"uses sys.{node.attr} (the interpreter's state)"
        return None
    if isinstance(node, ast.Name) and node.id in NAMED_BY:
        return _named_by(node, node.id, above, bindings)
    if isinstance(node, ast.Name) and node.id in RUNS_CODE:
        if isinstance(above, ast.Call) and above.func is node:
            return _code_given(above, bindings, node.id)
        return f"uses {node.id} other than as a call"
    if isinstance(node, ast.Name):
        return _name(node, above, sys_names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BY_NAME:
        return _name_given(node.args[1] if len(node.args) >= 2 else None, bindings, node.func.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _in_string(node.value)
    if isinstance(node, ast.BinOp | ast.JoinedStr) and not isinstance(above, ast.BinOp):
        strings = _strings(node, bindings)  # literal pieces put together: judged as what they spell
        return next(filter(None, map(_in_string, strings)), None) if strings else None
    if isinstance(node, ast.MatchClass):  # case C(attr=...) looks attr up by name, as getattr does
        flagged = [(a, _flagged_attribute(a)) for a in node.kwd_attrs]
        return next((f"matches on .{a} ({why})" for a, why in flagged if why is not None), None)
    return None


def _named_by(node: ast.AST, factory: str, above: ast.AST | None, bindings: dict) -> str | None:
    """operator.attrgetter("data") reads an attribute as getattr(x, "data") does, and its names are
    judged as getattr's are."""
    if not (isinstance(above, ast.Call) and above.func is node and not above.keywords):
        return f"uses {factory} other than as a call"
    names = above.args if NAMED_BY[factory] is None else above.args[: NAMED_BY[factory]]
    if not names:
        return f"{factory} with a name computed at run time"
    return next(filter(None, (_name_given(name, bindings, factory) for name in names)), None)


def _in_string(text: str) -> str | None:
    """A name spelled in a string, whole (`getattr(x, "name")`) or as part of a path or a format field
    (`"0.__traceback__.tb_frame"`, string.Formatter): the distinctive ones in any part, the rest whole."""
    if text.isidentifier():
        why = _flagged_attribute(text)
        return None if why is None else f"names {text} in a string ({why})"
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if len(text) < 4096 else ():
        why = ATTRIBUTES.get(word) or (_flagged_attribute(word) if word.startswith("__") else None)
        if why is not None:
            return f"names {word} in a string ({why})"
    return None


def _module(name: str) -> str | None:
    """Why importing `name` is named: only the modules of the interpreter's and the process's
    machinery are; anything else is the standard library a notebook uses or a stand-in."""
    top = name.split(".")[0]
    return f"imports {name} ({MODULES[top]})" if top in MODULES else None


def _name(node: ast.Name, above: ast.AST | None, sys_names: set[str]) -> str | None:
    if node.id in sys_names:
        allowed = isinstance(above, ast.Attribute) and above.attr in SYS_ALLOWED
        is_import = isinstance(above, ast.Import)
        return None if allowed or is_import else f"uses {node.id} itself (sys, beyond its recursion limit)"
    if node.id in NAMES:
        return f"uses {node.id} ({NAMES[node.id]})"
    if node.id.startswith("__") and node.id.endswith("__") and node.id not in SAFE_DUNDERS:
        return f"uses {node.id} (the interpreter's internals)"
    if node.id in BY_NAME and not (isinstance(above, ast.Call) and above.func is node):
        return f"uses {node.id} other than as a call"
    return None
