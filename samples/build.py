"""Build the sample class: realistic submissions made from the release and the solutions.

Each student's notebook is the released notebook with the solution cells filled
in as that student wrote them: the instructor's solution, with the student's
mistake applied. Run `python samples/build.py` after changing solutions/;
a test fails if the committed samples are out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)

# student -> assignment -> [(text in the solution, what the student wrote instead)]
STUDENTS: dict[str, dict[str, list[tuple[str, str]] | None]] = {
    "ada": {"derivatives": [], "engine": [], "nn": [], "softmax": []},  # everything right
    "ben": {  # assigns gradients in __add__ instead of accumulating them
        "engine": [
            (
                "            self.grad += out.grad\n            other.grad += out.grad",
                "            self.grad = out.grad\n            other.grad = out.grad",
            )
        ],
        "nn": [],
    },
    "cleo": {  # tanh's local derivative written as 1 - t
        "engine": [("self.grad += (1 - t**2) * out.grad", "self.grad += (1 - t) * out.grad")],
        "nn": [],
    },
    "dan": {  # never zeroes the grads in the training loop
        "engine": [],
        "nn": [("        model.zero_grad()\n", "")],
    },
    "eve": {"engine": None, "nn": None},  # handed in the release untouched
}


def student_notebook(assignment: str, edits: list[tuple[str, str]] | None) -> nbformat.NotebookNode:
    release = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    if edits is None:
        return release
    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    written = {
        c.metadata["nbgrader"]["grade_id"]: MARKERS.sub("", c.source)
        for c in solution.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    for old, new in edits:
        hits = [k for k, src in written.items() if old in src]
        if len(hits) != 1:
            raise SystemExit(f"{assignment}: {old!r} must occur in exactly one solution cell")
        written[hits[0]] = written[hits[0]].replace(old, new)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in written:
            cell.source = written[grade_id]
    return release


def build(out: Path) -> list[Path]:
    paths = []
    for student, assignments in STUDENTS.items():
        for assignment, edits in assignments.items():
            path = out / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(assignment, edits), path)
            paths.append(path)
    return paths


if __name__ == "__main__":
    for p in build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples"):
        print("wrote", p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)
