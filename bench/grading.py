"""Benchmark: grade one class three ways, in one run, and compare.

    python bench/grading.py [--copies 3] [--jobs 2] [--class-size 300] [--small 20]

The class is the bundled sample class (samples/), repeated --copies times under
new student names. It is graded by:

- stock nbgrader: `nbgrader autograde` with nbgrader's own steps (a Jupyter
  kernel per notebook, Execute);
- nbgrader + mgc: `nbgrader autograde` with this course's config, where mgc's
  SandboxGrade replaces Execute (the sandbox, no kernel);
- mgc: `mgc grade --jobs N`, as a fresh command, start-up included.

It also times nbgrader's own autograde steps with nothing graded at all (no
Execute, no SandboxGrade): no grader run through nbgrader can be faster, so
stock's time over that one bounds the speed-up any autograde step can give.

nbgrader runs one `autograde` per assignment, as an instructor does, or with
--together one `autograde '*'` for the whole class (the release is generated
first, untimed). All three must give identical totals
(mgc and SandboxGrade use one seed). Then, at class scale, `mgc grade` on
--class-size engine notebooks (300: the target is under 20 s on 2 cores,
start-up included), and on --small (20) with --jobs 1 and with --jobs 2, in
turn, three times each, the best of each compared (2 must be faster). Last,
one submission whose `exp` loops forever is graded each way, to show what a
hung method costs. Prints seconds per submission and the ratios; exits 1 if
mgc grade misses a target (nbgrader + SandboxGrade's ratio is shown beside
the best any autograde step could reach, nbgrader's own floor).
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
from mgc.course.manifest import load  # noqa: E402
from mgc.judge.checks import draw_seed  # noqa: E402

MGC = str(Path(sys.executable).parent / "mgc")
TARGET_RATIO = 10.0  # mgc grade, and nbgrader + mgc, against stock nbgrader
CLASS_SECONDS = 20.0  # for --class-size engine notebooks (300), start-up included, on 2 cores
# nbgrader's autograde steps without the one that grades: each test cell then keeps no output
NOTHING = "--Autograde.autograde_preprocessors=" + json.dumps(nbg.STOCK_AUTOGRADE[1:])
HANG = "        while True:\n            pass\n"


def make_class(folder: Path, copies: int) -> int:
    for k in range(copies):
        for student in sorted(p for p in (ROOT / "samples").iterdir() if p.is_dir()):
            shutil.copytree(student, folder / f"{student.name}{k}")
    return len(list(folder.glob("*/*/*.ipynb")))


def make_engine_class(folder: Path, size: int) -> None:
    """`size` engine notebooks, the sample class's in turn, each in a student folder of its own."""
    samples = sorted(p for p in (ROOT / "samples").glob("*/engine/engine.ipynb"))
    for k in range(size):
        sample = samples[k % len(samples)]
        (folder / f"{sample.parent.parent.name}{k:03}" / "engine").mkdir(parents=True)
        shutil.copy(sample, folder / f"{sample.parent.parent.name}{k:03}" / "engine" / "engine.ipynb")


def make_hanging_student(folder: Path) -> None:
    """ada's engine notebook, with a `while True` at the top of exp."""
    notebook = nbformat.read(ROOT / "samples" / "ada" / "engine" / "engine.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "value")
    anchor = "        out = Value(math.exp(self.data), (self,), 'exp')\n"
    assert anchor in cell.source
    cell.source = cell.source.replace(anchor, HANG + anchor)
    (folder / "hal" / "engine").mkdir(parents=True)
    nbformat.write(notebook, folder / "hal" / "engine" / "engine.ipynb")


def time_mgc(folder: Path, jobs: int, seed: int) -> tuple[float, dict]:
    out = folder.parent / f"{folder.name}-mgc.json"
    start = time.perf_counter()
    command = [MGC, "grade", str(folder), "--jobs", str(jobs), "--seed", str(seed)]
    command += ["--gradebook-only", "--no-progress", "--json", str(out)]
    subprocess.run(command, capture_output=True)  # exit status 1 when a notebook was not graded
    seconds = time.perf_counter() - start
    data = json.loads(out.read_text())
    return seconds, {(s["student"], s["assignment"]): s["score"] for s in data["submissions"]}


def time_nbgrader(
    folder: Path, course: Path, *options: str, together: bool = False
) -> tuple[float, dict | None]:
    """Seconds nbgrader autograde took, and its totals (None if it could not grade the class)."""
    nbg.make_course(course, folder)
    assignments = nbg.assignments_in(course)
    for assignment in assignments:
        nbg.release(course, assignment)
    start = time.perf_counter()
    try:
        for assignment in ["*"] if together else assignments:
            nbg.autograde(course, assignment, *options)
    except nbg.NbgraderError:  # nbgrader gives up on a notebook whose cell times out
        return time.perf_counter() - start, None
    seconds = time.perf_counter() - start
    submitted = {(p.parent.parent.name, p.parent.name) for p in (course / "submitted").glob("*/*/*.ipynb")}
    return seconds, {k: v for k, v in nbg.export(course).items() if k in submitted}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="how many times to repeat the sample class")
    parser.add_argument("--jobs", type=int, default=2, help="mgc grade --jobs")
    parser.add_argument("--class-size", type=int, default=300, help="engine notebooks of the class-scale run")
    parser.add_argument("--small", type=int, default=20, help="engine notebooks of the --jobs 1 vs 2 run")
    parser.add_argument(
        "--together",
        action="store_true",
        help="one `nbgrader autograde '*'` run for every assignment (default: one run per assignment)",
    )
    args = parser.parse_args()
    seed = draw_seed()
    together = args.together
    ours = (f"--SandboxGrade.seed={seed}",)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="mgc-bench-") as tmp:
        tmp = Path(tmp)
        n = make_class(tmp / "class", args.copies)
        say(f"grading {n} submissions with stock nbgrader autograde (a kernel per notebook) ...")
        stock_seconds, stock_totals = time_nbgrader(
            tmp / "class", tmp / "stock", nbg.STOCK, together=together
        )
        say(f"grading {n} submissions with nbgrader autograde through mgc's SandboxGrade ...")
        ours_seconds, ours_totals = time_nbgrader(tmp / "class", tmp / "ours", *ours, together=together)
        say(f"running nbgrader autograde on {n} submissions with nothing graded ...")
        floor_seconds, _ = time_nbgrader(tmp / "class", tmp / "floor", NOTHING, together=together)
        say(f"grading {n} submissions with mgc grade --jobs {args.jobs} ...")
        mgc_seconds, mgc_totals = time_mgc(tmp / "class", args.jobs, seed)

        say(f"grading {args.class_size} engine submissions with mgc grade --jobs {args.jobs} ...")
        make_engine_class(tmp / "big", args.class_size)
        big_seconds, _ = time_mgc(tmp / "big", args.jobs, seed)
        say(f"grading {args.small} engine submissions with mgc grade --jobs 1, then --jobs 2 ...")
        make_engine_class(tmp / "small", args.small)
        runs = {1: [], 2: []}
        for _ in range(3):  # in turn, each's best of three: a second matters, and this machine moves
            for jobs in (1, 2):
                runs[jobs].append(time_mgc(tmp / "small", jobs, seed))
        best = {jobs: min(timed, key=lambda run: run[0]) for jobs, timed in runs.items()}
        (small_one, small_one_totals), (small_two, small_two_totals) = best[1], best[2]

        say("grading one submission whose exp() never returns ...")
        make_hanging_student(tmp / "hang")
        (tmp / "fine" / "ada").mkdir(parents=True)
        shutil.copytree(ROOT / "samples" / "ada" / "engine", tmp / "fine" / "ada" / "engine")
        mgc_fine, _ = time_mgc(tmp / "fine", 1, seed)
        mgc_hang, hang_totals = time_mgc(tmp / "hang", 1, seed)
        ours_hang, ours_hang_totals = time_nbgrader(tmp / "hang", tmp / "hang-ours", *ours)
        stock_hang, stock_hang_totals = time_nbgrader(tmp / "hang", tmp / "hang-stock", nbg.STOCK)

    ratio_ours = stock_seconds / ours_seconds
    ratio_mgc = stock_seconds / mgc_seconds
    same = stock_totals == ours_totals == mgc_totals and small_one_totals == small_two_totals
    loop_cost = mgc_hang - mgc_fine

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    def hung(totals: dict | None) -> str:
        return (
            "not graded"
            if totals is None
            else f"{totals[('hal', 'engine')]:g} of {load().assignment('engine').max_score:g}"
        )

    rows = [
        ("stock nbgrader autograde", f"{stock_seconds:.1f} s", f"{stock_seconds / n:.2f} s", ""),
        ("nbgrader + mgc SandboxGrade", f"{ours_seconds:.1f} s", f"{ours_seconds / n:.2f} s", ""),
        ("nbgrader, nothing graded", f"{floor_seconds:.1f} s", f"{floor_seconds / n:.2f} s", ""),
        (f"mgc grade --jobs {args.jobs}", f"{mgc_seconds:.1f} s", f"{mgc_seconds / n:.2f} s", ""),
        (
            "speed-up, nbgrader + mgc",
            "",
            f"{ratio_ours:.1f}x",
            f">= {TARGET_RATIO:.0f}x  {verdict(ratio_ours >= TARGET_RATIO)}",
        ),
        ("speed-up, at best (nothing graded)", "", f"{stock_seconds / floor_seconds:.1f}x", ""),
        (
            "speed-up, mgc grade",
            "",
            f"{ratio_mgc:.1f}x",
            f">= {TARGET_RATIO:.0f}x  {verdict(ratio_mgc >= TARGET_RATIO)}",
        ),
        ("identical totals (all three)", "", "yes" if same else "NO", verdict(same)),
        (
            f"{args.class_size} engine notebooks, mgc --jobs {args.jobs}",
            f"{big_seconds:.1f} s",
            f"{big_seconds / args.class_size:.3f} s",
            f"< {CLASS_SECONDS:.0f} s  {verdict(big_seconds < CLASS_SECONDS)}",
        ),
        (
            f"{args.small} engine notebooks, mgc --jobs 1",
            f"{small_one:.1f} s",
            f"{small_one / args.small:.2f} s",
            "",
        ),
        (
            f"{args.small} engine notebooks, mgc --jobs 2",
            f"{small_two:.1f} s",
            f"{small_two / args.small:.2f} s",
            f"faster than --jobs 1 ({small_one / small_two:.2f}x)  {verdict(small_two < small_one)}",
        ),
        ("a hung exp(): mgc, extra", f"{loop_cost:.1f} s", "", f"<= 10 s  {verdict(loop_cost <= 10)}"),
        ("a hung exp(): mgc, score", hung(hang_totals), "", "only exp's 1 point lost"),
        ("a hung exp(): nbgrader + mgc", f"{ours_hang:.1f} s", "", "(the exercise's limit, then 0)"),
        ("a hung exp(): nbgrader + mgc, score", hung(ours_hang_totals), "", ""),
        ("a hung exp(): stock nbgrader", f"{stock_hang:.1f} s", "", "(30 s per hung cell)"),
        ("a hung exp(): stock nbgrader, score", hung(stock_hang_totals), "", ""),
    ]
    runs = "one nbgrader run" if together else "one nbgrader run per assignment"
    python = sys.version.split()[0]
    print(f"\nGrading {n} submissions (the sample class x{args.copies}; {runs}), Python {python}")
    header = ("", "total", "per submission", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    if not same:
        print("stock nbgrader:", stock_totals, "\nnbgrader + mgc:", ours_totals, "\nmgc:", mgc_totals)
    ok = ratio_mgc >= TARGET_RATIO and same and loop_cost <= 10
    ok = ok and big_seconds < CLASS_SECONDS and small_two < small_one
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
