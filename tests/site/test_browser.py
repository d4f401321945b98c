"""Every page of the built site in a real browser (Debian's Chromium, driven by Playwright):
no console errors, no failed requests, every image loaded, math rendered, search working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT


def _page_urls(site: Path) -> list[str]:
    return sorted(
        str(p.parent.relative_to(site)).replace(".", "") + "/"
        for p in site.rglob("index.html")
        if "search" not in p.parts
    )


def test_every_page_loads_cleanly_with_its_images_and_math(browser, built_site, served_site):
    site = built_site[0]
    urls = _page_urls(site)
    assert len(urls) >= 20
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} {r.failure}"))
    page.on(  # offline: every request stays on this site (data: URLs are inline)
        "request",
        lambda r: None if r.url.startswith((served_site, "data:")) else problems.append(f"outside: {r.url}"),
    )
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    with_math = 0
    for url in urls:
        page.goto(served_site + url.lstrip("/"), wait_until="load")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert broken == [], (url, broken)
        if page.locator(".arithmatex").count():
            with_math += 1
            page.wait_for_selector("mjx-container", timeout=15000)
            raw = page.evaluate(
                "[...document.querySelectorAll('.arithmatex')]"
                ".filter(e => !e.querySelector('mjx-container')).length"
            )
            assert raw == 0, f"{url}: math left unrendered"
    assert problems == []
    assert with_math >= 8  # the lessons are full of math: it must be rendered on each


@pytest.mark.parametrize("query", ["backward", "zero_grad", "topological"])
def test_search_finds_pages(browser, served_site, query):
    page = browser.new_page()
    page.goto(served_site, wait_until="networkidle")
    page.keyboard.press("/")  # Material's shortcut: open search and focus it
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.locator(".md-search-result__item")
    assert results.count() > 0
    assert query.lower() in results.first.inner_text().lower()


# The rendered size, in CSS px, of the smallest node text of every draw_dot graph on the page:
# inline SVG text scaled by its screen transform; a graph drawn as an <img>, its file's text
# scaled by the image's rendered width over the drawing's own (viewBox) width.
GRAPH_TEXT_SIZES = """async () => {
  const found = [];
  for (const svg of document.querySelectorAll('.graph > svg')) {
    if (!svg.getBoundingClientRect().width) continue;
    const sizes = [...svg.querySelectorAll('text')].map(
      t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    found.push({graph: 'inline svg', px: Math.min(...sizes)});
  }
  for (const img of document.querySelectorAll('.graph > img')) {
    const shown = img.getBoundingClientRect().width;
    if (!shown) continue;
    const drawing = new DOMParser().parseFromString(
      await (await fetch(img.src)).text(), 'image/svg+xml').documentElement;
    const scale = parseFloat((drawing.querySelector('g').getAttribute('transform') || '')
      .match(/scale\\(([\\d.]+)/)?.[1] || '1');
    const sizes = [...drawing.querySelectorAll('text')].map(
      t => parseFloat(t.getAttribute('font-size')) * scale * shown / drawing.viewBox.baseVal.width);
    found.push({graph: img.getAttribute('src'), px: Math.min(...sizes)});
  }
  return found;
}"""

SCREENSHOTS = ROOT / "build" / "screenshots"
# CodeMirror measures an editor's lines only once it is on screen (a reader scrolling does that);
# a full-page screenshot would show the others with their first guess of the gutter's line heights.
LAY_OUT_EDITORS = """async () => {
  const frame = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  for (const editor of document.querySelectorAll('.cm-editor')) { editor.scrollIntoView(); await frame(); }
  window.scrollTo(0, 0);
  await frame();
}"""


@pytest.mark.parametrize("width", [1400, 390])
def test_every_page_at_desktop_and_phone_width(browser, built_site, served_site, width):
    """Graphs legible (node text at least 10 CSS px), math loaded only where there is math,
    no page wider than the window; a full-page screenshot of each, kept under build/screenshots/."""
    site = built_site[0]
    shots = SCREENSHOTS / str(width)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    graphs, small, math_mismatch, too_wide = 0, [], [], []
    for url in _page_urls(site):
        page.goto(served_site + url.lstrip("/"), wait_until="networkidle")
        for graph in page.evaluate(GRAPH_TEXT_SIZES):
            graphs += 1
            if graph["px"] < 10:
                small.append((url, graph))
        has_math = page.locator(".arithmatex").count() > 0
        loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        if not has_math and any("mathjax" in name for name in loaded):
            math_mismatch.append(url)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide.append(url)
        copy_output = "[...document.querySelectorAll('.result button')].filter(b => b.offsetParent).length"
        assert page.evaluate(copy_output) == 0, f"{url}: a copy button over output"
        name = url.strip("/").replace("/", "-") or "home"
        page.evaluate(LAY_OUT_EDITORS)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert graphs >= 8, "no draw_dot graph was measured"
    assert small == [], f"graph text under 10 px at {width} px wide: {small}"
    assert math_mismatch == [], f"a math script loaded by a page without math: {math_mismatch}"
    assert too_wide == [], f"pages wider than a {width} px window (clipped or sideways scrolling): {too_wide}"
    assert len(list(shots.glob("*.png"))) == len(_page_urls(site))


def test_a_cold_lesson_page_is_light(browser, served_site):
    """Everything a first visit to a lesson loads (HTML, CSS, JS, images, the search index):
    under 1 MB, with its math and figures (MathJax alone in the browser was 2.1 MB)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # an empty cache
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(served_site + "lessons/03-manual-backprop/", wait_until="networkidle")
    weight = sum(len(r.body()) for r in responses)
    context.close()
    print(f"cold lesson 3: {len(responses)} requests, {weight / 1e6:.2f} MB")
    assert len(responses) >= 5 and weight < 1_000_000, weight


def test_figures_follow_dark_mode(browser, served_site):
    """Drawn black on transparent, the figures are inverted in the dark scheme, and only there."""
    page = browser.new_page()
    page.goto(served_site + "lessons/04-neuron/", wait_until="networkidle")
    figures = "[...document.querySelectorAll('.graph > svg, .graph > img, img[src*=\"figures/\"]')]"
    light = page.evaluate(f"{figures}.map(e => getComputedStyle(e).filter)")
    assert len(light) >= 2 and set(light) == {"none"}, light  # an inline graph and a plot
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    dark = page.evaluate(f"{figures}.map(e => getComputedStyle(e).filter)")
    assert all("invert" in f for f in dark), dark


@pytest.mark.parametrize(
    ("query", "start", "found"),
    [("反向传播", "zh/", "zh/lessons/"), ("链式法则", "zh/lessons/01-derivatives/", "zh/lessons/"),
     ("backpropagation", "", "lessons/")],
)  # fmt: skip
def test_search_finds_chinese_words_in_the_chinese_edition(browser, served_site, query, start, found):
    """Chinese has no spaces: the index is cut into words by jieba when the site is built, keeping
    the course's terms whole, so that a Chinese query finds the Chinese lessons."""
    page = browser.new_page()
    page.goto(served_site + start, wait_until="networkidle")
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.keyboard.press("End")  # Playwright inserts Chinese with no key up, which Material searches on
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.locator(".md-search-result__item")
    assert results.count() > 0
    links = [link.get_attribute("href") for link in page.locator(".md-search-result__link").all()]
    assert any(found in (link or "") for link in links), links
    assert query in results.first.inner_text() or query.lower() in results.first.inner_text().lower()
    page.close()


@pytest.mark.parametrize("path", ["lessons/05-backward/", "exercises/engine/", "glossary/", ""])
def test_the_language_switch_keeps_the_page(browser, served_site, path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(served_site + path, wait_until="networkidle")
    page.locator(".md-header .md-select").first.hover()
    page.locator('.md-select__link[hreflang="zh"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url == served_site + "zh/" + path
    assert page.evaluate("document.documentElement.lang") == "zh"
    page.locator(".md-header .md-select").first.hover()
    page.locator('.md-select__link[hreflang="en"]').click()
    page.wait_for_load_state("networkidle")
    assert page.url == served_site + path
    page.close()
