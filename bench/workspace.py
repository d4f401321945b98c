"""The exercise pages' workspace, timed in headless Chromium against its targets.

    python bench/workspace.py [--site DIR]   # builds the site into build/bench-site unless given one

Three measures, each the time from pressing Check to the verdicts on the page, with the solution
typed in:
- the first check of a visit (Python, Pyodide, downloaded and started);
- a later check on the same page (Python already running);
- the first check on a second exercise page, offline, with Pyodide kept by the site's service
  worker (nothing downloaded: the network is cut before the check).
The tests assert only that these work (tests/site/test_workspace.py); the times are printed here.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {  # seconds
    "first check (Pyodide downloaded and started)": 10.0,
    "a later check, same page": 0.5,
    "first check on a second page, offline, Pyodide cached": 5.0,
}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def build(site: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(site)], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip


def serve(site: Path) -> str:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def type_solution(page, assignment: str) -> None:
    from mgc.course.cells import is_solution_cell
    from mgc.workspace import segments

    release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    solution = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    code = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in solution["cells"]
            if is_solution_cell(c)}  # fmt: skip
    for cell in release["cells"]:
        if is_solution_cell(cell):
            for index, part in enumerate(segments(code[cell["metadata"]["nbgrader"]["grade_id"]])):
                page.locator(
                    f'.mgc-editor[data-cell="{cell["id"]}"][data-part="{index}"] .cm-content'
                ).click()
                page.keyboard.press("Control+A")
                page.keyboard.insert_text(part["source"])


def check(page, name: str = "Check") -> float:
    page.evaluate("() => document.querySelector('.mgc-results').replaceChildren()")
    started = time.perf_counter()
    page.get_by_role("button", name=name, exact=True).click()
    page.locator(".mgc-summary").wait_for(timeout=180_000)
    seconds = time.perf_counter() - started
    text = page.locator(".mgc-results").inner_text()
    assert page.locator(".mgc-results .mgc-failed").count() == 0, text
    return seconds


def measure(url: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        context = browser.new_context()  # an empty cache, no service worker yet
        page = context.new_page()
        page.goto(f"{url}exercises/engine/")
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        type_solution(page, "engine")
        first = check(page)
        later = min(check(page) for _ in range(3))
        page.goto(f"{url}zh/exercises/derivatives/")  # a second page, in the other language
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        type_solution(page, "derivatives")
        context.set_offline(True)
        second = check(page, "检查")
        browser.close()
    return dict(zip(TARGETS, (first, later, second)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build it into build/bench-site)")
    args = parser.parse_args()
    site = args.site
    if site is None:
        site = ROOT / "build" / "bench-site"
        started = time.perf_counter()
        build(site)
        print(f"built both editions in {time.perf_counter() - started:.1f} s")
    times = measure(serve(site))
    print("the workspace, in headless Chromium:")
    for name, seconds in times.items():
        target = TARGETS[name]
        verdict = "within" if seconds <= target else "OVER"
        print(f"  {name:55} {seconds:6.2f} s   target {target:4.1f} s   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
