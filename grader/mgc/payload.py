"""What grader code a child may hold: the probe it runs, and nothing that answers its exercise.

A child is sent its payload only after the student's code has loaded, so that code
can find nothing of the grader's while it runs. The payload is cut from probes.py:
the probe function, every top-level definition it names (and they name, in turn),
and the definitions its exercise is granted (`grants`). Whatever a probe reaches only
through `granted(NAME)`, such as the grader's own operations, its slopes or its
softmax, is sent only where a grant says so. So the child that grades `__mul__`
holds the grader's `+` and `exp` but no `*`, and the one that grades `backward()`
holds no graph walk at all. tests/grader/test_payload.py checks it for every exercise.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from mgc import probes

PROBES_FILE = Path(probes.__file__)


@functools.cache
def _definitions() -> tuple[str, dict[str, tuple[str, frozenset[str]]]]:
    """probes.py's imports, and each top-level definition: its source and the names it uses."""
    text = PROBES_FILE.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    imports, found = [], {}
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        source = "".join(lines[first - 1 : node.end_lineno])
        if isinstance(node, ast.Import | ast.ImportFrom):
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
        keep = set(options.get("keep", ()))
        return [function for method, function in probes.METHOD_OPS.items() if method not in keep]
    if probe in ("graph", "softmax", "train"):
        extra = [f"build_{options['builder']}"] if probe == "graph" else []
        return list(probes.METHOD_OPS.values()) + extra
    if probe == "call" and options.get("grader_slopes"):
        return ["slope_one_sided", "slope_symmetric"]
    return []


def names_in(probe: str, options: dict) -> list[str]:
    """Every top-level definition of probes.py that the child for this probe is sent, in file order."""
    _, found = _definitions()
    wanted, todo = set(), [probe, "describe", *grants(probe, options)]
    while todo:
        name = todo.pop()
        if name in wanted or name not in found:
            continue
        wanted.add(name)
        todo.extend(found[name][1])
    return [name for name in found if name in wanted]


def payload(probe: str, options: dict) -> str:
    """The source a child receives to run `probe` with `options`."""
    imports, found = _definitions()
    if probe not in found:
        raise KeyError(f"no probe named {probe}")
    seen, parts = set(), [imports]
    for name in names_in(probe, options):
        source = found[name][0]
        if source not in seen:  # an assignment of several names appears once
            seen.add(source)
            parts.append(source)
    return "\n\n".join(parts)


def helpers() -> str:
    """What a child holds while the student's code loads: how to describe an error, nothing more."""
    imports, found = _definitions()
    return "\n\n".join([imports] + [found[name][0] for name in names_in("describe", {})])
