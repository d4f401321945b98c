"""Benchmark: how long the exercise pages' workspace takes to check a student's code, in a real browser.

    python bench/workspace.py [--site site/] [--runs 3]

Serves the built site (`make site` first, or --site), opens each exercise page in Debian's
Chromium (driven by Playwright, offline), types the solution into every editor and presses
Check twice: the first check starts Python in the page (Pyodide), a later one reuses it. Prints
each page's times, the best of --runs, against their targets, and exits 1 if a target is missed.
The browser tests (tests/site/test_workspace.py) check what the workspace says, never how fast.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "grader"), str(ROOT)]

from mgc.course.cells import is_solution_cell  # noqa: E402
from mgc.course.manifest import load  # noqa: E402

FIRST_CHECK_SECONDS = 10.0  # Pyodide starting, then the assignment's visible checks
LATER_CHECK_SECONDS = 0.5  # Python already running in the page
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _solutions(assignment: str) -> dict[str, str]:
    notebook = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    cells = [c for c in notebook["cells"] if is_solution_cell(c)]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells}


def _check(page) -> float:
    page.evaluate("() => document.querySelector('.mgc-results').replaceChildren()")
    started = time.perf_counter()
    page.get_by_role("button", name="Check").click()
    page.locator(".mgc-summary").wait_for(timeout=300_000)
    return time.perf_counter() - started


def time_page(browser, url: str, assignment: str) -> tuple[float, float]:
    """(first check, later check) in seconds, on a fresh page with the solution typed in."""
    page = browser.new_page()
    try:
        page.goto(f"{url}exercises/{assignment}/")
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=60_000)
        cells = json.loads(
            page.evaluate(f"() => fetch('../../workspace/{assignment}.json').then(r => r.text())")
        )
        solutions = _solutions(assignment)
        for cell in cells["cells"]:
            page.locator(f'.mgc-editor[data-cell="{cell["id"]}"] .cm-content').click()
            page.keyboard.press("Control+A")
            page.keyboard.insert_text(solutions[cell["grade_id"]])
        return _check(page), _check(page)
    finally:
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if not (args.site / "index.html").exists() or chromium is None:
        print("needs the built site (make site) and Debian's chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    missed = False
    print(
        f"workspace checks, best of {args.runs} (targets: first {FIRST_CHECK_SECONDS:g} s, "
        f"later {LATER_CHECK_SECONDS:g} s)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        for assignment in (a.id for a in load().assignments):
            runs = [time_page(browser, url, assignment) for _ in range(args.runs)]
            first, later = min(r[0] for r in runs), min(r[1] for r in runs)
            ok = first < FIRST_CHECK_SECONDS and later < LATER_CHECK_SECONDS
            missed |= not ok
            print(
                f"  {assignment:12} first {first:6.2f} s ({first / FIRST_CHECK_SECONDS:4.2f} of target)"
                f"   later {later:5.2f} s ({later / LATER_CHECK_SECONDS:4.2f} of target)"
                f"{'' if ok else '   MISSED'}"
            )
        browser.close()
    server.shutdown()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
