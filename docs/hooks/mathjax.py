"""Math typeset to SVG when the site is built, so that no page loads a math script."""

from __future__ import annotations

import html as markup
import json
import logging
import re
import shutil
import subprocess
import tarfile

log = logging.getLogger("mkdocs.hooks.math")

MATH_SCRIPTS = ("javascripts/mathjax-config.js", "javascripts/vendor/mathjax/tex-svg.js")
MATH = re.compile(r'<(span|div) class="arithmatex">\\[(\[](.*?)\\[)\]]</\1>', re.S)


class MathAtBuild:
    """MathJax, run by Node while the site is built: TeX in, SVG out, one process for all editions.

    It needs `node` and the MathJax package that `make` fetches (build/npm/mathjax-*.tgz);
    without them, pages fall back to typesetting in the browser (events.on_post_page).
    Both editions' builds nest (the second runs inside the first's post-build), so the process
    starts with the first and stops with the last.
    """

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.depth = 0

    def start(self) -> bool:
        from mgc.course.manifest import ROOT

        self.depth += 1
        if self.process is not None:
            return True
        node = shutil.which("node")
        packages = sorted((ROOT / "build" / "npm").glob("mathjax-*.tgz"))
        if node is None or not packages:
            log.info("math: typeset in the browser (no node, or no build/npm/mathjax-*.tgz)")
            return False
        folder = ROOT / "build" / "mathjax-node" / packages[-1].stem
        if not (folder / "package" / "es5" / "node-main.js").exists():
            with tarfile.open(packages[-1]) as archive:
                archive.extractall(folder, filter="data")
        script = str(ROOT / "docs" / "tex2svg.js")
        self.process = subprocess.Popen(
            [node, script, str(folder / "package")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        return True

    @property
    def running(self) -> bool:
        return self.process is not None

    def render(self, formulas: list[tuple[str, bool]]) -> list[str]:
        self.process.stdin.write(json.dumps(formulas) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("MathJax (docs/tex2svg.js) stopped while typesetting")
        return json.loads(line)

    def stop(self) -> None:
        self.depth = max(0, self.depth - 1)
        if self.depth == 0 and self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


MATH_AT_BUILD = MathAtBuild()


def typeset(html: str) -> str:
    """Every arithmatex formula replaced by MathJax's SVG, with its plain text beside it for
    search and screen readers."""
    found = list(MATH.finditer(html))
    if not found or not MATH_AT_BUILD.running:
        return html
    tex = [markup.unescape(m.group(2)) for m in found]
    svgs = MATH_AT_BUILD.render([(t, m.group(1) == "div") for t, m in zip(tex, found)])
    pieces, last = [], 0
    for m, t, svg in zip(found, tex, svgs):
        if "data-mjx-error" in svg or "merror" in svg:
            raise ValueError(f"MathJax cannot typeset {t!r}")
        svg = svg.replace("<svg ", '<svg aria-hidden="true" ', 1)
        text = markup.escape(plain_math(t))
        pieces += [html[last : m.start()], f'<{m.group(1)} class="arithmatex">{svg}']
        pieces += [f'<span class="math-text">{text}</span></{m.group(1)}>']
        last = m.end()
    return "".join(pieces + [html[last:]])


TEX = {r"\partial": "∂", r"\cdot": "·", r"\sum": "Σ", r"\sqrt": "√", r"\pm": "±", r"\infty": "∞",
       r"\approx": "≈", r"\ldots": "…", r"\dots": "…", r"\tanh": "tanh", r"\log": "log", r"\max": "max",
       r"\sin": "sin", r"\left": "", r"\right": "", r"\,": " ", r"\quad": " "}  # fmt: skip


def plain_math(tex: str) -> str:
    """A formula as search snippets can show it: `\\frac{a}{b}` as a/b, `\\partial` as ∂, no TeX left."""
    tex = re.sub(r"\\(?:text|mathrm|operatorname)\{([^{}]*)\}", r"\1", tex)
    while "\\frac" in tex:
        new = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", tex)
        if new == tex:
            break
        tex = new
    for command, text in TEX.items():
        tex = re.sub(re.escape(command) + r"(?![A-Za-z])", text, tex)
    tex = re.sub(r"\\([A-Za-z]+)", r"\1", tex)  # any other command: its name
    tex = re.sub(r"\((\w)\)", r"\1", tex)
    return " ".join(tex.replace("{", "").replace("}", "").split())
