"""Read a submitted notebook once: its bytes' digest, its cells, the code the student wrote as plain
Python, and the assignment its own cells say it belongs to; or a clear error."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mgc.course.cells import grade_id, is_solution_cell, is_student_code
from mgc.course.manifest import Assignment, Course
from mgc.judge.verdict import writable

SIZE_LIMIT = 20 << 20  # bytes: the course's notebooks are under 100 KiB; a larger one is refused
DEPTH_LIMIT = 64  # levels of JSON nesting: a notebook needs about six


class NotebookError(Exception):
    """The file is not a notebook we can grade; the message says why."""


@dataclass(frozen=True)
class Submission:
    """A notebook as it was handed in, read once."""

    path: Path
    sha256: str
    notebook: nbformat.NotebookNode
    assignment: Assignment | None  # by its own cells (Course.assignment_of), never by its file name

    @property
    def grade_ids(self) -> set[str]:
        return {grade_id(c) for c in self.notebook.cells} - {""}

    @property
    def code(self) -> list[str]:
        return student_code(self.notebook)

    @property
    def code_digest(self) -> str:
        """The SHA-256 of the solution cells' code with all whitespace taken out."""
        code = "\0".join("".join(c.source.split()) for c in self.notebook.cells if is_solution_cell(c))
        return hashlib.sha256(code.encode()).hexdigest()


def read_submission(path: str | Path, course: Course) -> Submission:
    """Read, validate and identify a submitted notebook; NotebookError says why it cannot be graded."""
    path = Path(path)
    raw = _read_regular_file(path)
    notebook = _parse(path, raw)
    ids = {grade_id(c) for c in notebook.cells}
    return Submission(path, hashlib.sha256(raw).hexdigest(), notebook, course.assignment_of(ids))


def _writable(value):
    """The notebook's JSON with each lone surrogate in its strings written as its escape (`# \\ud800`
    in a comment made every exercise not graded: no UTF-8 writer takes one)."""
    if isinstance(value, str):
        return writable(value)
    if isinstance(value, list):
        return [_writable(v) for v in value]
    if isinstance(value, dict):
        return {writable(k): _writable(v) for k, v in value.items()}
    return value


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, raising NotebookError with a reason a person can act on."""
    path = Path(path)
    return _parse(path, _read_regular_file(path))


def _parse(path: Path, raw: bytes) -> nbformat.NotebookNode:
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
    data_was_cleaned = "\\ud" in text.lower()  # JSON's escape of a surrogate, which may be a lone one
    if data_was_cleaned:
        data = _writable(data)
    _check_cells(path, data)
    try:
        nbformat.validate(data)
    except RecursionError:
        raise NotebookError(f"{path.name} is not a valid notebook: it is nested too deeply") from None
    except nbformat.ValidationError as error:
        raise NotebookError(f"{path.name} is not a valid notebook: {error.message}") from None
    except Exception as error:  # an nbformat version this nbformat does not know, and the like
        raise NotebookError(f"{path.name} is not a valid notebook: {error}") from None
    return nbformat.reads(json.dumps(data) if data_was_cleaned else text, as_version=4)


CELL_LIMIT = 256 << 10  # characters of one cell's code: the course's largest is under 8 KiB


def _check_cells(path: Path, data: dict) -> None:
    """What nbformat's validation would take long to refuse, refused first and cheaply: cells that
    are not objects, sources that are not text (a list of 300 000 numbers took it 20 s), and code
    cells too large to scan and compile within any limit."""
    cells = data.get("cells", [])
    if not isinstance(cells, list):
        raise NotebookError(f"{path.name} is not a valid notebook: its cells are not a list")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"{path.name} is not a valid notebook: cell {number} is not an object")
        source = cell.get("source", "")
        if isinstance(source, list):
            if not all(isinstance(line, str) for line in source):
                raise NotebookError(
                    f"{path.name} is not a valid notebook: cell {number}'s source is not text"
                )
            size = sum(map(len, source))
        elif isinstance(source, str):
            size = len(source)
        else:
            raise NotebookError(f"{path.name} is not a valid notebook: cell {number}'s source is not text")
        if cell.get("cell_type") == "code" and size > CELL_LIMIT:
            raise NotebookError(
                f"{path.name}: cell {number} holds {size >> 10} KiB of code, more than any exercise needs "
                f"({CELL_LIMIT >> 10} KiB): clear it and hand the notebook in again"
            )


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
# Cell magics whose body is Python run in the notebook's namespace (%%time, %%capture, ...): the body
# is what the cell defines. Every other cell magic (%%bash, %%writefile, %%html) runs no Python here.
RUNS_ITS_BODY = re.compile(r"\A(\s*)%%(?:time|timeit|capture|prun)\b[^\n]*", re.A)


def student_code(notebook: nbformat.NotebookNode) -> list[str]:
    """The code cells that define the student's work (not the test cells, not the "try it" cells),
    with IPython magics turned into plain calls (or, past MAGIC_BUDGET, into `pass`)."""
    from IPython.core.inputtransformer2 import TransformerManager

    transform = TransformerManager().transform_cell
    budget = MAGIC_BUDGET
    cells = []
    for cell in filter(is_student_code, notebook.cells):
        source = RUNS_ITS_BODY.sub(r"\1", cell.source, count=1)  # keeps the body's line numbers
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
    present = {grade_id(c) for c in notebook.cells}
    missing = [e for e in exercises if e.test_cell not in present]
    return missing if len(missing) < len(exercises) else []


def missing_cell_note(exercise) -> str:
    return (
        f"\nnote: this notebook has no test cell for {exercise.id} (grade_id {exercise.test_cell}): it may "
        "come from an older release, or the cell was deleted. It was graded from your code all the same."
    )
