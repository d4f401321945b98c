"""Benchmark: grade one class with the real nbgrader and with mgc, in one run, and compare.

    python bench/grading.py [--copies 3] [--jobs 2]

The class is the bundled sample class (samples/), repeated --copies times under
new student names. nbgrader runs `autograde` on it (its release is generated
first, untimed); mgc runs `mgc grade --jobs N` as a fresh command, start-up
included. Both must give identical totals. Then one submission whose `exp`
loops forever is graded by each, to show what a hung method costs.
Prints seconds per submission and the ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "grader"))

from mgc import nbgrader_course as nbg  # noqa: E402

MGC = str(Path(sys.executable).parent / "mgc")
TARGET_RATIO = 10.0
HANG = "        while True:\n            pass\n"


def make_class(folder: Path, copies: int) -> int:
    for k in range(copies):
        for student in sorted(p for p in (ROOT / "samples").iterdir() if p.is_dir()):
            shutil.copytree(student, folder / f"{student.name}{k}")
    return len(list(folder.glob("*/*/*.ipynb")))


def make_hanging_student(folder: Path) -> None:
    """ada's engine notebook, with a `while True` at the top of exp."""
    notebook = nbformat.read(ROOT / "samples" / "ada" / "engine" / "engine.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    anchor = "        out = Value(math.exp(self.data), (self,), 'exp')\n"
    assert anchor in cell.source
    cell.source = cell.source.replace(anchor, HANG + anchor)
    (folder / "hal" / "engine").mkdir(parents=True)
    nbformat.write(notebook, folder / "hal" / "engine" / "engine.ipynb")


def time_mgc(folder: Path, jobs: int) -> tuple[float, dict]:
    out = folder.parent / f"{folder.name}-mgc.json"
    start = time.perf_counter()
    subprocess.run(
        [
            MGC,
            "grade",
            str(folder),
            "--jobs",
            str(jobs),
            "--gradebook-only",
            "--no-progress",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    data = json.loads(out.read_text())
    return seconds, {(s["student"], s["assignment"]): s["score"] for s in data["submissions"]}


def time_nbgrader(folder: Path, course: Path) -> tuple[float, dict | None]:
    """Seconds nbgrader autograde took, and its totals (None if it could not grade the class)."""
    nbg.make_course(course, folder)
    assignments = nbg.assignments_in(course)
    for assignment in assignments:
        nbg.release(course, assignment)
    start = time.perf_counter()
    try:
        for assignment in assignments:
            nbg.autograde(course, assignment)
    except nbg.NbgraderError:  # nbgrader gives up on a notebook whose cell times out
        return time.perf_counter() - start, None
    seconds = time.perf_counter() - start
    submitted = {(p.parent.parent.name, p.parent.name) for p in (course / "submitted").glob("*/*/*.ipynb")}
    return seconds, {k: v for k, v in nbg.export(course).items() if k in submitted}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="how many times to repeat the sample class")
    parser.add_argument("--jobs", type=int, default=2, help="mgc grade --jobs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mgc-bench-") as tmp:
        tmp = Path(tmp)
        n = make_class(tmp / "class", args.copies)
        print(f"grading {n} submissions with nbgrader autograde ...", file=sys.stderr, flush=True)
        nb_seconds, nb_totals = time_nbgrader(tmp / "class", tmp / "course")
        print(f"grading {n} submissions with mgc grade --jobs {args.jobs} ...", file=sys.stderr, flush=True)
        mgc_seconds, mgc_totals = time_mgc(tmp / "class", args.jobs)

        print("grading one submission whose exp() never returns ...", file=sys.stderr, flush=True)
        make_hanging_student(tmp / "hang")
        (tmp / "fine" / "ada").mkdir(parents=True)
        shutil.copytree(ROOT / "samples" / "ada" / "engine", tmp / "fine" / "ada" / "engine")
        mgc_fine, _ = time_mgc(tmp / "fine", 1)
        mgc_hang, hang_totals = time_mgc(tmp / "hang", 1)
        nb_hang, nb_hang_totals = time_nbgrader(tmp / "hang", tmp / "hang-course")

    ratio = (nb_seconds / n) / (mgc_seconds / n)
    same = nb_totals == mgc_totals
    loop_cost = mgc_hang - mgc_fine

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    rows = [
        ("nbgrader autograde", f"{nb_seconds:.1f} s", f"{nb_seconds / n:.2f} s", ""),
        (f"mgc grade --jobs {args.jobs}", f"{mgc_seconds:.1f} s", f"{mgc_seconds / n:.2f} s", ""),
        ("speed-up", "", f"{ratio:.1f}x", f">= {TARGET_RATIO:.0f}x  {verdict(ratio >= TARGET_RATIO)}"),
        ("identical totals", "", "yes" if same else "NO", verdict(same)),
        ("a hung exp(): mgc, extra", f"{loop_cost:.1f} s", "", f"<= 10 s  {verdict(loop_cost <= 10)}"),
        (
            "a hung exp(): mgc, score",
            f"{hang_totals[('hal', 'engine')]:g} of 16",
            "",
            "only exp's 1 point lost",
        ),
        ("a hung exp(): nbgrader", f"{nb_hang:.1f} s", "", "(30 s per hung cell)"),
        (
            "a hung exp(): nbgrader, score",
            "not graded" if nb_hang_totals is None else str(nb_hang_totals),
            "",
            "",
        ),
    ]
    print(f"\nGrading {n} submissions (the sample class x{args.copies}), Python {sys.version.split()[0]}")
    header = ("", "total", "per submission", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    if not same:
        print("nbgrader:", nb_totals, nb_hang_totals, "\nmgc:", mgc_totals, hang_totals)
    return 0 if ratio >= TARGET_RATIO and same and loop_cost <= 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
