"""The site, built once per test session with `mkdocs build --strict`, and served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT

from tests.conftest import has_module, require

MATHJAX = ROOT / "docs" / "javascripts" / "vendor" / "mathjax" / "tex-svg.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install -y chromium)")
    require(has_module("playwright"), "playwright is not installed (pip install playwright)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> tuple[Path, float, str]:
    """(the site folder, seconds the build took, the build's log)."""
    if not MATHJAX.exists():
        subprocess.run(["make", str(MATHJAX.relative_to(ROOT))], cwd=ROOT, check=True, capture_output=True)
    npm = ROOT / "build" / "npm"
    if not list(npm.glob("mathjax-*.tgz")) and shutil.which("npm"):  # the build typesets math with it
        npm.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "--silent", "mathjax@3.2.2"], cwd=npm, check=True, capture_output=True)
    if shutil.which("npm"):  # the exercise pages' workspace: Pyodide and the editor (docs/vendor.py)
        subprocess.run([sys.executable, str(ROOT / "docs" / "vendor.py")], check=True, capture_output=True)
    site = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    assert done.returncode == 0, (
        f"mkdocs build --strict failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return site, seconds, done.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site on http://127.0.0.1:PORT/ for the length of the session."""
    site = built_site[0]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=site)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
