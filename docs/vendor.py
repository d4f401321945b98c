"""Fetch what the exercise pages' workspace runs on, from the npm registry, into build/npm/:
Pyodide (CPython for the browser, served by the site itself) and a CodeMirror editor bundled
into one file by esbuild. Nothing fetched is committed; the site's build copies what it needs.

    python docs/vendor.py        # once; `make site` and the site's tests run it when needed
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

NPM = Path(__file__).resolve().parent.parent / "build" / "npm"
PYODIDE = "pyodide@0.27.7"
PYODIDE_TGZ = NPM / "pyodide-0.27.7.tgz"
EDITOR_PACKAGES = ["codemirror@6.0.1", "@codemirror/lang-python@6.1.7", "esbuild@0.24.2"]
# What workspace.js uses. Highlighting is by class (classHighlighter: tok-keyword, tok-string, ...),
# so that the site's stylesheet colours code in its light and dark schemes alike.
EDITOR_ENTRY = """\
export { EditorView, minimalSetup } from "codemirror";
export { python } from "@codemirror/lang-python";
export { keymap, lineNumbers, highlightActiveLineGutter } from "@codemirror/view";
export { Compartment, EditorState } from "@codemirror/state";
export { indentWithTab } from "@codemirror/commands";
export { syntaxHighlighting, bracketMatching, indentOnInput } from "@codemirror/language";
export { classHighlighter } from "@lezer/highlight";
"""
# a changed entry or package list is a new bundle, built afresh
_EDITOR_KEY = hashlib.sha256((EDITOR_ENTRY + " ".join(EDITOR_PACKAGES)).encode()).hexdigest()[:10]
EDITOR = NPM / f"editor-{_EDITOR_KEY}" / "editor.js"


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
