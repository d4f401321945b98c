"""The site's two editions and its two builds: every learner's page in English and in Chinese, each
linking its twin; the lessons' facts as the lecture has them; and a graded build (extra: solutions:
false) that runs the lessons' answer blocks without showing them, where the default build shows them."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT

from tests.site.test_build import LESSONS, outputs, pages

sys.path.insert(0, str(ROOT / "docs"))

from hooks.answers import ANSWER
from hooks.figures import descend


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text()))


def test_every_page_has_its_twin_in_the_other_language(built_site):
    site = built_site[0]
    english = [p for p in pages(site) if "zh" not in p.relative_to(site).parts[:1]]
    assert len(english) >= 20
    for page in english:
        path = page.relative_to(site)
        twin = site / "zh" / path
        assert twin.exists(), path
        text = twin.read_text()
        assert '<html lang="zh"' in text, path
        here = "/".join(path.parts[:-1])
        # the language switch of each page leads to the same page in the other language
        zh_link = re.search(r'<a href="([^"]+)" hreflang="zh"', page.read_text()).group(1)
        en_link = re.search(r'<a href="([^"]+)" hreflang="en"', text).group(1)
        assert os.path.normpath(os.path.join("/" + here, zh_link)) == os.path.normpath(f"/zh/{here}"), path
        assert os.path.normpath(os.path.join(f"/zh/{here}", en_link)) == os.path.normpath(f"/{here}"), path
        if path.parts[0] not in ("instructor", "reference"):  # these stay English
            assert len(re.findall(r"[\u4e00-\u9fff]", text_of(twin))) > 150, f"zh/{path} is not in Chinese"


def test_the_instructor_guide_is_out_of_the_learners_navigation_and_linked_from_home(built_site):
    site = built_site[0]
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', (site / "index.html").read_text(), re.S)
    assert "instructor/" not in nav.group(0)
    home = (site / "index.html").read_text()
    assert 'href="instructor/"' in home and "instructor guide" in home
    assert (site / "instructor" / "index.html").exists()


def test_lesson_3_steps_uphill_and_the_home_page_says_so(built_site):
    site = built_site[0]
    step = outputs(site, "03-manual-backprop")[-1]
    assert float(step) == pytest.approx(-7.286496) and float(step) > -8  # L went up: uphill
    home = text_of(site / "index.html")
    assert "one step uphill" in home and "downhill" not in home
    assert "向上走一步" in text_of(site / "zh" / "index.html")


def test_lesson_6_tells_the_truth_about_the_set_of_children(built_site):
    site = built_site[0]
    for page in (
        site / "lessons" / "06-accumulation" / "index.html",
        site / "zh" / "lessons" / "06-accumulation" / "index.html",
    ):
        text = text_of(page)
        assert "holds a twice" not in re.sub(r"\s+", " ", text) and "{a}" in text
    printed = next(b for b in outputs(site, "06-accumulation") if "Value(data=6.0)" in b)
    assert "a.grad = 1.0" in printed  # lesson 5's assigning closures, one set element, two assignments


def test_lesson_10_says_how_often_the_loss_climbs_at_half(built_site):
    site = built_site[0]
    losses = descend(1, 60, 0.5)
    climbs = sum(b > a for a, b in itertools.pairwise(losses))
    assert climbs == 1
    printed = [float(x) for x in re.findall(r"-?\d+\.\d+", outputs(site, "10-training")[-1])]
    assert sum(b > a for a, b in itertools.pairwise(printed)) == climbs  # the page's own run agrees
    english = re.sub(r"\s+", " ", text_of(site / "lessons" / "10-training" / "index.html"))
    chinese = re.sub(r"\s+", "", text_of(site / "zh" / "lessons" / "10-training" / "index.html"))
    assert "the loss climbs once" in english and "two steps" not in english
    assert "损失只上升一次" in chinese


def test_the_lessons_print_value_and_neuron_as_the_lecture_does(built_site):
    site = built_site[0]
    values = neurons = 0
    for lesson in LESSONS:
        for block in outputs(site, lesson):
            assert "<__main__." not in block and "object at 0x" not in block, (lesson, block)
            for printed in re.findall(r"Value\([^)]*\)", block):
                assert re.fullmatch(r"Value\(data=-?[\d.e+-]+\)", printed), (lesson, printed)
                values += 1
            for printed in re.findall(r"\w*Neuron\(\d+\)", block):
                assert printed.startswith("TanhNeuron("), (lesson, printed)
                neurons += 1
    assert values >= 10 and neurons >= 5


def test_both_editions_print_the_same_numbers(built_site):
    site = built_site[0]
    for lesson in LESSONS:
        english = outputs(site, lesson)
        chinese = [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(
            r'<div class="result"[^>]*>\s*<div class="highlight"><pre>(.*?)</pre>',
            (site / "zh" / "lessons" / lesson / "index.html").read_text(), re.S)]  # fmt: skip
        assert len(chinese) == len(english), lesson
        numbers = [re.findall(r"-?\d+\.\d{3,}", b) for b in english]
        for lesson_numbers, block in zip(numbers, chinese):
            for number in lesson_numbers[:3]:  # set orders may differ; printed values may not
                assert number in block or lesson in ("02-value", "05-backward", "06-accumulation"), (
                    lesson,
                    number,
                )


# ---- the graded build ----------------------------------------------------------------------------


def _included(block: str) -> list[str]:
    """The lines a code block shows once its snippets are included."""
    lines = []
    for file, section in re.findall(r'--8<-- "([^":]+):([^"]+)"', block):
        text = (ROOT / file).read_text()
        lines += (
            text.split(f"# --8<-- [start:{section}]", 1)[1].split(f"# --8<-- [end:{section}]")[0].splitlines()
        )
    return [line.strip() for line in lines]


def answer_lines() -> set[str]:
    """The lines of every lesson block marked as an answer, long enough to be distinctive, that
    neither the release's notebooks nor the lessons' other blocks show anyway (lesson 2's
    forward-only operations, say)."""
    stubs = "\n".join(p.read_text() for p in (ROOT / "exercises").rglob("*.ipynb"))
    answers, others = set(), set()
    for page in (ROOT / "docs" / "lessons").glob("*.md"):
        text = page.read_text()
        marked = [m.group(4) for m in ANSWER.finditer(text)]
        answers.update(line for block in marked for line in _included(block))
        unmarked = ANSWER.sub("", text)
        others.update(line for block in re.findall(r"```python[^\n]*\n(.*?)```", unmarked, re.S)
                      for line in _included(block))  # fmt: skip
    shown_anyway = re.sub(r"\s+", "", "\n".join(others))
    return {
        line
        for line in answers
        if len(line) >= 15
        and not line.startswith("#")
        and json.dumps(line)[1:-1] not in stubs
        and re.sub(r"\s+", "", line) not in shown_anyway
    }


@pytest.fixture(scope="module")
def graded_site(tmp_path_factory) -> Path:
    """The site built as a graded course builds it: mkdocs.yml with `solutions: false`."""
    site = tmp_path_factory.mktemp("graded")
    config = (ROOT / "mkdocs.yml").read_text()
    assert "\n  solutions: true\n" in config
    mkdocs = Path(sys.executable).parent / "mkdocs"
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "-f", "-", "--site-dir", str(site)],
        input=config.replace("\n  solutions: true\n", "\n  solutions: false\n"),
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return site


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_default_build_shows_the_lectures_code_and_the_graded_build_does_not(built_site, graded_site):
    lines = answer_lines()
    assert "self.grad += 1.0 * out.grad" in lines and len(lines) >= 15, lines  # (the nn notebook gives
    # the engine complete, so the lines it shows are no secret: they are not counted)
    shown = _squeezed("\n".join(text_of(p) for p in pages(built_site[0])))
    missing = [line for line in lines if _squeezed(line) not in shown]
    assert missing == [], missing  # a reader's build shows every answer block
    started = time.perf_counter()
    graded = _squeezed("\n".join(text_of(p) for p in pages(graded_site)))
    index = _squeezed(json.dumps(json.loads((graded_site / "search" / "search_index.json").read_text()),
                                 ensure_ascii=False))  # fmt: skip
    leaked = [
        line for line in lines if _squeezed(line) in graded or _squeezed(json.dumps(line)[1:-1]) in index
    ]
    assert leaked == [], leaked
    assert not (graded_site / "solution").exists() and not (graded_site / "zh" / "solution").exists()
    assert time.perf_counter() - started < 60


def test_a_graded_build_still_runs_what_it_hides_and_says_where_the_answer_goes(graded_site):
    lesson = graded_site / "lessons" / "06-accumulation" / "index.html"
    printed = next(b for b in outputs(graded_site, "06-accumulation") if "Value(data=6.0)" in b)
    assert "a.grad = 1.0" in printed  # the hidden class ran
    text = text_of(lesson)
    assert "Left out of this edition" in text and "engine.add" in text
    assert 'href="../../exercises/engine/' in lesson.read_text()
    assert "本版从略" in text_of(graded_site / "zh" / "lessons" / "06-accumulation" / "index.html")


def test_chinese_paragraphs_have_no_stray_spaces(built_site):
    """The Chinese Markdown is wrapped at a line length, and HTML shows a line break as a space,
    which Chinese puts nowhere between words: the breaks between two Chinese characters are gone."""
    site = built_site[0]
    stray = []
    for page in (site / "zh").rglob("index.html"):
        for block in re.findall(r"<(?:p|li|td)\b[^>]*>(.*?)</(?:p|li|td)>", page.read_text(), re.S):
            text = html.unescape(re.sub(r"<[^>]+>", "", block))
            stray += [
                (page.parent.name, m) for m in re.findall(r"[\u4e00-\u9fff，。；：、] +[\u4e00-\u9fff]", text)
            ]
    assert stray == [], stray[:10]
