"""Fetch what the exercise pages' workspace runs on, from the npm registry, into build/npm/:
Pyodide (CPython for the browser, served by the site itself) and a CodeMirror editor bundled
into one file by esbuild. Nothing fetched is committed; the site's build copies what it needs.

    python docs/vendor.py        # once; `make site` and the site's tests run it when needed
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

NPM = Path(__file__).resolve().parent.parent / "build" / "npm"
PYODIDE = "pyodide@0.27.7"
PYODIDE_TGZ = NPM / "pyodide-0.27.7.tgz"
EDITOR = NPM / "editor" / "editor.js"
EDITOR_PACKAGES = ["codemirror@6.0.1", "@codemirror/lang-python@6.1.7", "esbuild@0.24.2"]
EDITOR_ENTRY = """\
export { EditorView, basicSetup } from "codemirror";
export { python } from "@codemirror/lang-python";
export { keymap } from "@codemirror/view";
export { indentWithTab } from "@codemirror/commands";
"""


def fetch() -> None:
    """Fetch Pyodide and build the editor, unless they are there already."""
    if shutil.which("npm") is None:
        raise SystemExit("docs/vendor.py: npm is needed (Debian: apt-get install nodejs npm)")
    NPM.mkdir(parents=True, exist_ok=True)
    if not PYODIDE_TGZ.exists():
        subprocess.run(["npm", "pack", "--silent", PYODIDE], cwd=NPM, check=True, capture_output=True)
    if not EDITOR.exists():
        folder = EDITOR.parent
        folder.mkdir(exist_ok=True)
        (folder / "package.json").write_text('{"name": "mgc-editor", "private": true}\n')
        (folder / "entry.js").write_text(EDITOR_ENTRY)
        install = ["npm", "install", "--silent", "--no-audit", "--no-fund", *EDITOR_PACKAGES]
        subprocess.run(install, cwd=folder, check=True, capture_output=True)
        bundle = [str(folder / "node_modules" / ".bin" / "esbuild"), "entry.js", "--bundle", "--minify"]
        bundle += ["--format=iife", "--global-name=MgcEditor", f"--outfile={EDITOR.name}"]
        subprocess.run(bundle, cwd=folder, check=True, capture_output=True)


if __name__ == "__main__":
    fetch()
    print(f"vendor: {PYODIDE_TGZ.relative_to(NPM.parent.parent)}, {EDITOR.relative_to(NPM.parent.parent)}")
    sys.exit(0)
