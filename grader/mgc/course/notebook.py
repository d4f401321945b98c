"""Read a submitted notebook: the code the student wrote, as plain Python, or a clear error."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

import nbformat

from mgc.course.cells import is_student_code

SIZE_LIMIT = 20 << 20  # bytes: the course's notebooks are under 100 KiB; a larger one is refused
DEPTH_LIMIT = 64  # levels of JSON nesting: a notebook needs about six


class NotebookError(Exception):
    """The file is not a notebook we can grade; the message says why."""


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, raising NotebookError with a reason a person can act on."""
    path = Path(path)
    raw = _read_regular_file(path)
    if not raw.strip():
        raise NotebookError(f"{path.name} is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError(f"{path.name} is not a notebook: it is binary data, not JSON text") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"{path.name} is not a notebook: it is not valid JSON ({error})") from None
    except RecursionError:
        raise NotebookError(f"{path.name} is not a notebook: its JSON is nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise NotebookError(f"{path.name} is not a notebook: it has no nbformat version")
    if _depth(data) > DEPTH_LIMIT:
        raise NotebookError(f"{path.name} is not a notebook: its JSON is nested too deeply")
    try:
        nbformat.validate(data)
    except RecursionError:
        raise NotebookError(f"{path.name} is not a valid notebook: it is nested too deeply") from None
    except nbformat.ValidationError as error:
        raise NotebookError(f"{path.name} is not a valid notebook: {error.message}") from None
    except Exception as error:  # an nbformat version this nbformat does not know, and the like
        raise NotebookError(f"{path.name} is not a valid notebook: {error}") from None
    notebook = nbformat.reads(text, as_version=4)
    return notebook


def _depth(data: object) -> int:
    """How deeply `data` nests lists and dicts, found without recursion."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        item, depth = todo.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > DEPTH_LIMIT:
                    return depth + 1
                deepest = max(deepest, depth + 1)
                todo.append((child, depth + 1))
    return max(deepest, 1)


def digest(path: str | Path) -> str:
    """The SHA-256 of a notebook file's bytes ("" if it cannot be read as one): tells a gradebook
    row whether the notebook changed since it was graded."""
    try:
        return hashlib.sha256(_read_regular_file(Path(path))).hexdigest()
    except NotebookError:
        return ""


def _read_regular_file(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file of at most SIZE_LIMIT bytes, never following a
    symbolic link (a link could point at a classmate's notebook, a device or a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if os.path.islink(path):
            raise NotebookError(f"{path} is a symbolic link, not a notebook file: refused") from None
        raise NotebookError(f"cannot read {path}: {error.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotebookError(f"{path} is not a regular file (a folder, device, FIFO or socket): refused")
        if info.st_size > SIZE_LIMIT:
            raise NotebookError(
                f"{path.name} is {info.st_size / 2**20:.0f} MiB; notebooks over {SIZE_LIMIT >> 20} MiB "
                "are refused (clear large outputs and hand it in again)"
            )
        raw = f.read(SIZE_LIMIT + 1)
    if len(raw) > SIZE_LIMIT:
        raise NotebookError(f"{path.name} grew past {SIZE_LIMIT >> 20} MiB while it was read: refused")
    return raw


# IPython re-reads a whole cell once per magic in it (a 36 KB cell with 50 magics: 5 s, in the grading
# process, outside every time limit), so a notebook gets this many magic-bytes of it; an honest
# one uses a few magics in small cells. Beyond that, magic lines become `pass`.
MAGIC_BUDGET = 50 * 4096
MAGIC_LINE = re.compile(r"^([ \t]*)[%!].*$|\?[ \t]*$|=[ \t]*[%!]", re.M)
LINE_MAGIC = re.compile(r"^([ \t]*)[%!].*$", re.M)


def student_code(notebook: nbformat.NotebookNode) -> list[str]:
    """The code cells that define the student's work (not the test cells, not the "try it" cells),
    with IPython magics turned into plain calls (or, past MAGIC_BUDGET, into `pass`)."""
    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    budget = MAGIC_BUDGET
    cells = []
    for cell in filter(is_student_code, notebook.cells):
        source = cell.source
        cost = len(MAGIC_LINE.findall(source)) * len(source)
        if cost > budget:
            cells.append(LINE_MAGIC.sub(r"\1pass", source))
            continue
        budget -= cost
        try:
            cells.append(transform(source) if cost else source)
        except Exception:  # a cell IPython cannot parse is handed on as is; the child reports its error
            cells.append(source)
    return cells


def missing_test_cells(notebook: nbformat.NotebookNode, exercises) -> list:
    """The exercises whose nbgrader test cell (by grade_id) this notebook lacks, when it holds
    the test cells of some of them: a notebook from an older release, or one whose cells were
    deleted. A notebook with none of them is left alone (it was not made from the release)."""
    present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in notebook.cells}
    missing = [e for e in exercises if e.test_cell not in present]
    return missing if len(missing) < len(exercises) else []


def missing_cell_note(exercise) -> str:
    return (
        f"\nnote: this notebook has no test cell for {exercise.id} (grade_id {exercise.test_cell}): it may "
        "come from an older release, or the cell was deleted. It was graded from your code all the same."
    )
