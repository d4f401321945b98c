"""The files the exercise pages' workspace runs on: Pyodide and the editor (fetched by
docs/vendor.py), mgc's checks for Pyodide (mgc.standalone's bundle), each assignment's notebook laid
out as the page shows it (mgc.workspace.layout, its markdown rendered here), in each language, and
the service worker that keeps Pyodide for the whole site."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
import tarfile

from hooks.lang import joined
from hooks.mathjax import typeset

log = logging.getLogger("mkdocs.hooks.workspace")

PYODIDE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
SCRIPTS = ("javascripts/vendor/editor.js", "javascripts/workspace.js")
SERVICE_WORKER = "sw.js"  # at the site's root, so that its scope is the whole site


def _vendor():
    from mgc.course.manifest import ROOT

    sys.path.insert(0, str(ROOT / "docs"))
    import vendor

    return vendor


@functools.cache
def shared_files() -> dict[str, bytes]:
    """What every language's pages share, {site path: bytes}, or {} when docs/vendor.py has not
    fetched Pyodide and the editor."""
    from mgc.course.manifest import ROOT
    from mgc.standalone import bundle

    vendor = _vendor()
    if not (vendor.PYODIDE_TGZ.exists() and vendor.EDITOR.exists()):
        log.warning("no workspace on the exercise pages: run python docs/vendor.py first")
        return {}
    made = {"javascripts/vendor/editor.js": vendor.EDITOR.read_bytes()}
    with tarfile.open(vendor.PYODIDE_TGZ) as archive:
        for name in PYODIDE_FILES:
            made[f"javascripts/vendor/pyodide/{name}"] = archive.extractfile(f"package/{name}").read()
    checks = json.dumps(bundle(), sort_keys=True).encode()
    made[f"workspace/mgc-{hashlib.sha256(checks).hexdigest()[:12]}.json"] = checks
    worker = (ROOT / "docs" / "javascripts" / "sw.js").read_text(encoding="utf-8")
    made[SERVICE_WORKER] = worker.replace("PYODIDE_VERSION", vendor.PYODIDE.split("@")[1]).encode()
    return made


def checks_path() -> str:
    """Where the checks' bundle is served: a name that changes whenever its content does."""
    return next(path for path in shared_files() if path.startswith("workspace/mgc-"))


def _html(markdown_text: str) -> str:
    import markdown

    extensions = ["fenced_code", "tables", "pymdownx.arithmatex", "pymdownx.inlinehilite"]
    html = markdown.markdown(
        markdown_text,
        extensions=extensions,
        extension_configs={
            "pymdownx.arithmatex": {"generic": True},
        },
    )
    return typeset(html)


def page_files(notebooks: dict[str, bytes], lang: str) -> dict[str, bytes]:
    """Each assignment's workspace data in `lang`, {site path: bytes}: the notebook it starts from
    (the one the page offers), its blocks as the page shows them, and the workspace's words."""
    from mgc.course.manifest import load
    from mgc.i18n import UI
    from mgc.workspace import layout

    from hooks.exercises import site_path

    made = {}
    for assignment in load().assignments:
        path = site_path(assignment, lang)
        blocks = layout(json.loads(notebooks[path]))
        for block in blocks:
            if block["kind"] == "markdown":
                source = block.pop("source")
                block["html"] = _html(joined(source) if lang == "zh" else source)
        data = {
            "notebook": path,
            "name": assignment.notebook_name,
            "checks": checks_path(),
            "lang": lang,
            "ui": UI[lang],
            "blocks": blocks,
        }
        made[f"workspace/{assignment.id}.{lang}.json"] = json.dumps(data, ensure_ascii=False).encode()
    return made
