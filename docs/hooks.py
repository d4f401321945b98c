"""MkDocs hooks: draw the site's figures from the reference code at build time.

Nothing in docs/figures/ is committed: every graph and plot is made here, from
`micrograd` itself, when the site is built, so a figure can never disagree
with the code. The figures are added to the build as generated files.
"""

from __future__ import annotations

import io
import logging
import random
import re

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.figures")


def _svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", transparent=True)  # dark mode inverts it
    plt.close(fig)
    return buffer.getvalue()


def _axes(figsize=(6, 3.6)):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.grid(alpha=0.3)
    return fig, ax


def derivative_plot() -> bytes:
    import numpy as np

    def f(x):
        return 3 * x**2 - 4 * x + 5

    xs = np.arange(-5, 5, 0.25)
    fig, ax = _axes()
    ax.plot(xs, f(xs), label="f(x) = 3x² − 4x + 5")
    ax.plot(xs, f(3.0) + 14.0 * (xs - 3.0), "--", label="tangent at x = 3 (slope 14)")
    ax.plot([3.0], [f(3.0)], "o", color="black")
    ax.set(ylim=(-20, 110), xlabel="x", ylabel="f(x)")
    ax.legend()
    return _svg(fig)


def tanh_plot() -> bytes:
    import numpy as np

    xs = np.arange(-5, 5, 0.05)
    fig, ax = _axes()
    ax.plot(xs, np.tanh(xs), label="tanh(x)")
    ax.plot(xs, 1 - np.tanh(xs) ** 2, "--", label="its derivative, 1 − tanh(x)²")
    ax.set(xlabel="x")
    ax.legend()
    return _svg(fig)


def descend(seed: int, steps: int, lr: float, zero_grad: bool = True) -> list[float]:
    """The lecture's loop on its four examples (lessons 10 and 11 run the same one)."""
    from micrograd import MLP
    from micrograd.data import tiny

    xs, ys = tiny()
    random.seed(seed)
    model = MLP(3, [4, 4, 1])
    losses = []
    for _ in range(steps):
        loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
        if zero_grad:
            model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses


SEEDS = range(10)  # lesson 11 runs the same ten seeds


def learning_rate_plot() -> bytes:
    fig, ax = _axes()
    for lr in (0.05, 0.5, 1.0):
        ax.plot(descend(1, 60, lr), label=f"learning rate {lr}")
    ax.set(xlabel="step", ylabel="summed squared error", yscale="log")
    ax.legend()
    return _svg(fig)


def zero_grad_plot() -> bytes:
    import matplotlib.pyplot as plt

    _axes()  # selects the Agg backend
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, zero, title in zip(axes, (True, False), ("with zero_grad()", "without: the grads pile up")):
        for seed in SEEDS:
            ax.plot(descend(seed, 100, 0.05, zero), color="tab:blue" if zero else "tab:red", alpha=0.6)
        ax.set(title=f"{title}, {len(SEEDS)} seeds", xlabel="step", yscale="symlog")
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("summed squared error")
    return _svg(fig)


def demo_plots() -> tuple[bytes, bytes]:
    """The two-moons demo's training (micrograd.demo's model and loop) and what it learned."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.lines import Line2D
    from micrograd.data import make_moons
    from micrograd.demo import demo_model
    from micrograd.train import hinge_loss, train

    xs, ys = make_moons(100, noise=0.1, seed=1337)
    model = demo_model(1337)
    history = train(model, xs, ys, steps=100)
    _, accuracy = hinge_loss(model, xs, ys)

    fig, ax = _axes()
    ax.plot(history.losses, color="tab:blue", label="loss (hinge + L2)")
    ax.set(xlabel="step", ylabel="loss")
    right = ax.twinx()
    right.plot([100 * a for a in history.accuracies], color="tab:orange", label="training accuracy")
    right.set(ylabel="accuracy (%)", ylim=(0, 102))
    ax.legend(handles=ax.lines + right.lines, loc="center right")
    loss_svg = _svg(fig)

    X, y = np.array(xs), np.array(ys)
    xx, yy = np.meshgrid(
        np.arange(X[:, 0].min() - 1, X[:, 0].max() + 1, 0.08),
        np.arange(X[:, 1].min() - 1, X[:, 1].max() + 1, 0.08),
    )
    scores = np.array([model([a, b]).data for a, b in zip(xx.ravel(), yy.ravel())]).reshape(xx.shape)
    fig, ax = _axes(figsize=(6, 4.5))
    ax.grid(False)
    ax.contourf(xx, yy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#f4a582", "#92c5de"], alpha=0.7)
    ax.contour(xx, yy, scores, levels=[0], colors="black", linewidths=1)
    for label, color, marker in ((-1, "#b2182b", "o"), (1, "#2166ac", "s")):
        ax.scatter(*X[y == label].T, c=color, marker=marker, s=30, edgecolors="white", linewidths=0.5)
    ax.set(xlabel="x₁", ylabel="x₂", title=f"After 100 steps: {accuracy:.0%} of the 100 points right")
    ax.legend(
        handles=[
            Line2D([], [], ls="", marker="o", color="#b2182b", label="class −1"),
            Line2D([], [], ls="", marker="s", color="#2166ac", label="class +1"),
            Line2D([], [], color="black", lw=1, label="decision boundary (score 0)"),
        ],
        loc="lower left",
        fontsize="small",
    )
    plt.setp(ax.get_legend().get_frame(), alpha=0.9)
    return loss_svg, _svg(fig)


def label_every_node(root) -> None:
    """Name each unlabelled value after how it was made (`2*n`, `e - 1`), a constant after its value."""
    from micrograd.viz import trace

    order, seen = [], set()

    def visit(v):  # children first, so their names exist when a parent is named
        if v not in seen:
            seen.add(v)
            for child in v._prev:
                visit(child)
            order.append(v)

    visit(root)
    assert len(order) == len(trace(root)[0])
    for v in order:
        if v.label:
            continue
        names = [c.label for c in v._prev]
        if not v._prev:
            v.label = f"{v.data:g}"
        elif v._op.startswith("**"):
            v.label = f"{names[0]}{v._op}"
        elif len(names) == 2:
            left, right = (f"({n})" if " " in n else n for n in names)
            v.label = f"{left}{v._op}{right}" if v._op == "*" else f"{left} {v._op} {right}"
        else:
            v.label = f"{v._op}({names[0]})"


WIDEST_LEFT_TO_RIGHT = 800  # pt: a wider graph is drawn top to bottom instead


def graph_svg(root) -> bytes:
    """draw_dot's SVG of `root`, every node labelled, top to bottom when left to right is too wide."""
    from micrograd.viz import draw_dot

    label_every_node(root)
    svg = draw_dot(root).pipe(format="svg")
    width = float(re.search(rb'<svg width="([\d.]+)pt"', svg).group(1))
    if width > WIDEST_LEFT_TO_RIGHT:
        svg = draw_dot(root, rankdir="TB").pipe(format="svg")
    return clean_graph(svg.decode()).encode()


def clean_graph(svg: str) -> str:
    """A Graphviz SVG ready to sit in a page: no XML prologue, a transparent background
    (so dark mode can invert it), and a class the stylesheet sizes it by."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(
        r'(<g id="graph0" class="graph"[^>]*>\s*(?:<title>[^<]*</title>\s*)?<polygon) fill="white"',
        r'\1 fill="none"',
        svg,
        count=1,
    )
    return svg


def graph_figures() -> dict[str, bytes]:
    from micrograd.examples import EXAMPLES

    return {f"graph-{name.replace('_', '-')}.svg": graph_svg(build()) for name, build in EXAMPLES.items()}


def figures() -> dict[str, bytes]:
    demo_loss, boundary = demo_plots()
    return {
        "derivative.svg": derivative_plot(),
        "tanh.svg": tanh_plot(),
        "learning-rates.svg": learning_rate_plot(),
        "zero-grad-bug.svg": zero_grad_plot(),
        "moons-loss.svg": demo_loss,
        "moons-boundary.svg": boundary,
        **graph_figures(),
    }


SOLUTION_PAGE = "solution.md"


def _without(nav: list, page: str) -> list:
    """`nav` with every entry that points at `page` left out."""
    kept = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            kept.append({next(iter(item)): _without(value, page)})
        elif value != page:
            kept.append(item)
    return kept


def on_config(config):
    if not config.extra.get("solutions", True):
        config.nav = _without(config.nav, SOLUTION_PAGE)
    return config


def drop_solution(files: Files, config) -> Files:
    """Leave the solution page out of the build when `extra: solutions` is false."""
    solution = files.get_file_from_path(SOLUTION_PAGE)
    if solution is not None and not config.extra.get("solutions", True):
        files.remove(solution)
    return files


def release_notebooks() -> dict[str, bytes]:
    """The student release, as `mgc release` wrote it: {site path: the notebook's bytes}.

    Copied into the build, never into docs/: the site serves the current release.
    """
    from mgc.course.manifest import ROOT, load

    notebooks = {}
    for assignment in load().assignments:
        release = ROOT / assignment.notebook.replace("solutions/", "exercises/", 1)
        notebooks[f"exercises/{assignment.id}/{release.name}"] = release.read_bytes()
    return notebooks


PYODIDE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
WORKSPACE_SCRIPTS = ("javascripts/vendor/editor.js", "javascripts/workspace.js")


def workspace_files() -> dict[str, bytes]:
    """What the exercise pages' workspace needs, {site path: bytes}, or {} when docs/vendor.py has
    not fetched Pyodide and the editor: those two, mgc's checks for Pyodide (the modules
    mgc.workspace imports, with the shipped answers and course.toml), and each assignment's
    solution cells as the release has them."""
    import json
    import subprocess
    import sys
    import tarfile
    from pathlib import Path

    from mgc.course.manifest import ROOT, load

    sys.path.insert(0, str(ROOT / "docs"))
    import vendor

    if not (vendor.PYODIDE_TGZ.exists() and vendor.EDITOR.exists()):
        log.warning("no workspace on the exercise pages: run python docs/vendor.py first")
        return {}
    made = {"javascripts/vendor/editor.js": vendor.EDITOR.read_bytes()}
    with tarfile.open(vendor.PYODIDE_TGZ) as archive:
        for name in PYODIDE_FILES:
            made[f"javascripts/vendor/pyodide/{name}"] = archive.extractfile(f"package/{name}").read()
    listing = (
        "import json, sys, mgc.workspace\n"
        "print(json.dumps([m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'mgc']))"
    )
    modules = subprocess.run(  # the modules mgc.workspace needs, found by importing it afresh
        [sys.executable, "-c", listing], capture_output=True, text=True, check=True
    )
    paths = sorted(Path(f) for f in json.loads(modules.stdout))
    paths += [ROOT / "grader" / "mgc" / "judge" / "visible_truth.json", ROOT / "course.toml"]
    bundle = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}
    made["workspace/mgc.json"] = json.dumps(bundle).encode()
    from mgc.workspace import solution_cells

    for assignment in load().assignments:
        release = ROOT / assignment.notebook.replace("solutions/", "exercises/", 1)
        cells = solution_cells(json.loads(release.read_text(encoding="utf-8")))
        page = {"notebook": release.name, "cells": cells}
        made[f"workspace/{assignment.id}.json"] = json.dumps(page).encode()
    return made


def exercise_header(assignment) -> str:
    """Under an exercise page's introduction: its points, the release notebook to download (a link
    to the generated file, so a strict build fails without it), and its exercises' table."""
    notebook = assignment.notebook.rsplit("/", 1)[1]
    button = "{ .md-button .md-button--primary download }"
    lines = [
        f"**{assignment.max_score:g} points** in one notebook, `{notebook}`.",
        "",
        f"[:material-download: Download {notebook}]({assignment.id}/{notebook}){button}",
        "",
        f"Open it in Jupyter; check it from a terminal with `mgc check {notebook}`.",
        "",
        "| exercise | points | you write |",
        "|---|---|---|",
    ]
    for e in assignment.exercises:
        lines.append(f"| `{e.id}` | {e.points:g} | {', '.join(f'`{s}`' for s in e.symbols)} |")
    return "\n" + "\n".join(lines) + "\n\n"


def exercise_footer(assignment) -> str:
    """At the end of an exercise page: how to check the notebook, and the in-browser workspace."""
    notebook = assignment.notebook.rsplit("/", 1)[1]
    return f"""
## How to check your work

- Run the notebook from the top (Kernel, Restart & Run All). The locked test cell under
  each exercise runs that exercise's check on the lecture's cases and, when it fails,
  says which case, what was expected and what came back.
- From a terminal, in the folder where you saved it: `mgc check {notebook}` prints the
  same checks as a table (`mgc` comes with the course: see the
  [student guide](../student-guide.md) to install it).
- Passing these is necessary, not sufficient: the graders add random and awkward inputs.
  See the [student guide](../student-guide.md).

## Work on it here

No install needed: edit the notebook's cells below and press **Check** to run the
lecture's cases in your browser, with the same feedback the notebook gives. Python
(Pyodide, about 14 MB) loads the first time you check, and works offline from then on.
Your code stays in this browser between visits; **Download notebook** gives you the
notebook with your code in its cells, ready to hand in or to open in Jupyter.

<div class="mgc-workspace" data-assignment="{assignment.id}"></div>
"""


def on_page_markdown(markdown: str, page, config, files) -> str:
    """`{{ config.repo_url }}` in a page becomes the repository named in mkdocs.yml; a page whose
    front matter names an `assignment` gets that exercise page's shared parts around its own text
    (exercise_header before its first section, exercise_footer after its last)."""
    markdown = markdown.replace("{{ config.repo_url }}", config.repo_url or "")
    if "assignment" not in page.meta:
        return markdown
    from mgc.course.manifest import load

    assignment = load().assignment(page.meta["assignment"])
    intro, sections = markdown.split("\n## ", 1)
    return f"{intro}{exercise_header(assignment)}## {sections.rstrip()}\n{exercise_footer(assignment)}"


INLINE_GRAPH = (
    re.compile(  # an SVG printed into a page, with the prologue and comments Graphviz puts before it
        r"(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<svg\b.*?</svg>", re.S
    )
)
GRAPH_IMAGE = re.compile(r'<img\b[^>]*\bsrc="([^"]*figures/graph-[^"]*\.svg)"[^>]*>')


SMALLEST_SCALE = 0.6  # Graphviz's 14 pt text (18.7 px) is never drawn smaller than 11 px


def sized(width_pt: float) -> str:
    """The CSS that fits a graph to its column, between its natural size and SMALLEST_SCALE of it."""
    natural = width_pt * 4 / 3  # pt to CSS px
    return (
        f"width: 100%; max-width: {natural:.0f}px; min-width: {natural * SMALLEST_SCALE:.0f}px; height: auto"
    )


def _inline_graph(match: re.Match) -> str:
    if "graphviz" not in match.group(0):
        return match.group(0)
    svg = clean_graph(match.group(0))
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    styled = svg.replace("<svg ", f'<svg style="{sized(width)}" ', 1)
    return f'<div class="graph">{styled}</div>'


def _graph_image(match: re.Match) -> str:
    img, src = match.group(0), match.group(1)
    width = GRAPH_WIDTHS[src.rsplit("/", 1)[1]]
    img = img.replace("<img ", f'<img style="{sized(width)}" ', 1)
    return f'<a class="graph" href="{src}" title="Open the graph at full size">{img}</a>'


def on_page_content(html: str, page, config, files) -> str:
    """Every expression graph fitted to the column but never below SMALLEST_SCALE of its natural
    size, in a box that scrolls sideways when that is still too wide (a phone): drawn on the
    page by draw_dot (inline SVG), or a figure file, which is also a link to itself at full size."""
    html = INLINE_GRAPH.sub(_inline_graph, html)
    return typeset(GRAPH_IMAGE.sub(_graph_image, html))


GRAPH_WIDTHS: dict[str, float] = {}  # each graph figure's natural width, in pt


MATH_SCRIPTS = ("javascripts/mathjax-config.js", "javascripts/vendor/mathjax/tex-svg.js")
MATH = re.compile(r'<(span|div) class="arithmatex">\\[(\[](.*?)\\[)\]]</\1>', re.S)


class _MathAtBuild:
    """MathJax, run by Node while the site is built: TeX in, SVG out, one process per build.

    It needs `node` and the MathJax package that `make` fetches (build/npm/mathjax-*.tgz);
    without them, pages fall back to typesetting in the browser (see on_post_page).
    """

    def __init__(self) -> None:
        self.process = None

    def start(self) -> bool:
        import shutil
        import subprocess
        import tarfile

        from mgc.course.manifest import ROOT

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

    def render(self, formulas: list[tuple[str, bool]]) -> list[str]:
        import json

        self.process.stdin.write(json.dumps(formulas) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("MathJax (docs/tex2svg.js) stopped while typesetting")
        return json.loads(line)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


MATH_AT_BUILD = _MathAtBuild()
WORKSPACE_FILES: dict[str, bytes] = {}  # this build's, from workspace_files()


def on_pre_build(config) -> None:
    MATH_AT_BUILD.start()


def typeset(html: str) -> str:
    """Every arithmatex formula replaced by MathJax's SVG, with its plain text beside it for
    search and screen readers."""
    found = list(MATH.finditer(html))
    if not found or MATH_AT_BUILD.process is None:
        return html
    import html as markup

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


def on_post_page(output: str, page, config) -> str:
    """Scripts only where they are used: the workspace's on the exercise pages that have one
    (Pyodide itself is fetched by the page on the first check); MathJax (2 MB), when the math
    could not be typeset at build time, on the pages with math."""
    from mkdocs.utils import get_relative_url

    scripts = []
    if 'class="mgc-workspace"' in output and WORKSPACE_FILES:
        scripts += [get_relative_url(src, page.url) for src in WORKSPACE_SCRIPTS]
    if 'class="arithmatex"' in output and "<mjx-container" not in output:
        scripts += [get_relative_url(src, page.url) for src in MATH_SCRIPTS]
    if not scripts:
        return output
    root = get_relative_url(".", page.url)
    tags = "".join(f'<script src="{src}" data-site-root="{root}/"></script>' for src in scripts)
    head, tail = output.rsplit("</body>", 1)
    return f"{head}{tags}</body>{tail}"


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


def on_post_build(config) -> None:
    """Search snippets show formulas as text: the index gets plain math instead of TeX."""
    MATH_AT_BUILD.stop()
    import json
    from pathlib import Path

    index_path = Path(config.site_dir) / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    math = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
    for doc in index["docs"]:
        for key in ("title", "text"):
            doc[key] = math.sub(lambda m: plain_math(next(g for g in m.groups() if g is not None)), doc[key])
    index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_files(files: Files, config) -> Files:
    drop_solution(files, config)
    if MATH_AT_BUILD.process is not None:  # typeset at build time: no page needs MathJax itself
        for path in MATH_SCRIPTS:
            if (script := files.get_file_from_path(path)) is not None:
                files.remove(script)
    for path, content in release_notebooks().items():
        files.append(File.generated(config, path, content=content))
    WORKSPACE_FILES.clear()
    WORKSPACE_FILES.update(workspace_files())
    for path, content in WORKSPACE_FILES.items():
        files.append(File.generated(config, path, content=content))
    made = figures()
    for name, content in made.items():
        if name.startswith("graph-"):
            GRAPH_WIDTHS[name] = float(re.search(rb'<svg width="([\d.]+)pt"', content).group(1))
    for name, content in made.items():
        files.append(File.generated(config, f"figures/{name}", content=content))
    log.info("drew %d figures from the reference code", len(made))
    return files
