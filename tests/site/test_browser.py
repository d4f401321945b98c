"""Every page of the built site in a real browser (Debian's Chromium, driven by Playwright):
no console errors, no failed requests, every image loaded, math rendered, search working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import has_module, require

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
