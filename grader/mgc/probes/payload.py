"""What grader code a child may hold: the probe it runs, and nothing that answers its exercise.

A child is sent its payload only after the student's code has loaded, so that code
can find nothing of the grader's while it runs. The payload is cut from probes.py and
handed.py: the probe function, every top-level definition it names (and they name, in
turn), and the definitions its exercise is granted (`grants`). Whatever a probe reaches
only through `granted(NAME)`, such as the grader's own operations, its slopes or its
softmax, is sent only where a grant says so. So the child that grades `__mul__` holds
the grader's `+` and `exp` but no `*`, and the one that grades `backward()` holds no
graph walk at all. tests/grader/test_payload.py checks it for every exercise.

The payload comes in two parts, run in two namespaces (mgc.sandbox.child.main): what is handed to
the student's code (handed.py's definitions) and the probe itself (probes.py's), which
the student's code is never handed and so cannot reach.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from mgc.probes import handed, probes
from mgc.sandbox import standins

SOURCES = {"probes": Path(probes.__file__), "handed": Path(handed.__file__)}


@functools.cache
def _definitions(path: Path) -> tuple[str, dict[str, tuple[str, frozenset[str]]]]:
    """A file's imports (but mgc's own: a child has no mgc), and each top-level definition: its
    source and the names it uses."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    imports, found = [], {}
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        source = "".join(lines[first - 1 : node.end_lineno])
        if isinstance(node, ast.Import | ast.ImportFrom):
            if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mgc")):
                imports.append(source)
            continue
        names = [node.name] if isinstance(node, ast.FunctionDef | ast.ClassDef) else []
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        used = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
        for name in names:
            found[name] = (source, used)
    return "".join(imports), found


def grants(probe: str, options: dict) -> list[str]:
    """The definitions a probe reaches only through `granted()`, for these options."""
    if probe == "operation":
        if options.get("alone"):  # a primitive operation: refused stand-ins, and no operation to find
            return []
        keep = set(options.get("keep", ()))
        return [function for method, function in probes.METHOD_OPS.items() if method not in keep]
    if probe in ("graph", "softmax", "train"):
        extra = [f"build_{options['builder']}"] if probe == "graph" else []
        return list(probes.METHOD_OPS.values()) + extra
    if probe == "call" and options.get("grader_slopes"):
        return ["slope_one_sided", "slope_symmetric"]
    return []


def _found() -> dict[str, tuple[str, str, frozenset[str]]]:
    """Every top-level definition of probes.py and handed.py: (file, source, names it uses)."""
    every = {}
    for part, path in SOURCES.items():
        every |= {name: (part, source, used) for name, (source, used) in _definitions(path)[1].items()}
    return every


def names_in(probe: str, options: dict) -> list[str]:
    """Every top-level definition of probes.py and handed.py that the child for this probe is
    sent, in file order."""
    found = _found()
    wanted, todo = set(), [probe, "describe", *grants(probe, options)]
    while todo:
        name = todo.pop()
        if name in wanted or name not in found:
            continue
        wanted.add(name)
        todo.extend(found[name][2])
    return [name for name in found if name in wanted]


def _source(part: str, names: list[str]) -> str:
    found, seen = _found(), set()
    parts = [_definitions(SOURCES[part])[0]]
    for name in names:
        file, source, _ = found[name]
        if file == part and source not in seen:  # an assignment of several names appears once
            seen.add(source)
            parts.append(source)
    return "\n\n".join(parts)


def payload(probe: str, options: dict) -> tuple[str, str]:
    """The two sources a child receives to run `probe` with `options`: what it may hand to the
    student's code, and the probe."""
    if probe not in _definitions(SOURCES["probes"])[1]:
        raise KeyError(f"no probe named {probe}")
    names = names_in(probe, options)
    return _source("handed", names), _source("probes", names)


def helpers() -> str:
    """What a child holds while the student's code loads: how to describe an error, and the
    stand-ins that let honest code run (mgc.sandbox.standins); nothing of the grader's answers."""
    imports, found = _definitions(Path(standins.__file__))
    describe = _source("probes", names_in("describe", {}))
    return "\n\n".join([describe, imports, *dict.fromkeys(source for source, _ in found.values())])
