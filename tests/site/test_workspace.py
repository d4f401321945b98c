"""The exercise pages' workspace in a real browser (Debian's Chromium, driven by Playwright): for
each assignment, a classic mistake typed in gets its hint, the solution passes, the code survives a
reload, and the downloaded notebook gets the same verdict from mgc grade and checks itself in a plain
Python without mgc. Run shows what a try-it cell prints and names the line of an error as the page
numbers it; everything works in Chinese; Pyodide is downloaded once for the whole site and a second
exercise page checks offline; the editor's colours keep 4.5:1 in both schemes. (How long checks
take is measured by bench/workspace.py; here only hang guards.)"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import typing
from collections import Counter

import pytest
from mgc.course.cells import is_solution_cell
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.standalone import self_checking
from mgc.workspace import filled, segments

from tests.site.test_standalone import run_plain

HANG = 120_000  # ms: no check, first or later, may take anywhere near this
MISTAKES = {  # assignment: (solution text, what a student writes instead, the hint it must get)
    "derivatives": (
        "return (f(x + h) - f(x)) / h",
        "return (f(x + h) - f(x - h)) / (2 * h)",
        "symmetric",
    ),
    "engine": (
        "self.grad += out.grad\n            other.grad += out.grad",
        "self.grad = out.grad\n            other.grad = out.grad",
        "+=",
    ),
    "nn": ("        model.zero_grad()\n", "", "zero_grad"),
    "softmax": ("total = sum(counts)", "total = sum(c.data for c in counts)", ".data"),
}


def _solution_code(assignment: str) -> dict[str, str]:
    """The solution notebook's solution cells, by grade_id."""
    notebook = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    cells = [c for c in notebook["cells"] if is_solution_cell(c)]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells}


def _release_cells(assignment: str) -> list[dict]:
    release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    return [
        {"id": c["id"], "grade_id": c["metadata"]["nbgrader"]["grade_id"]}
        for c in release["cells"]
        if is_solution_cell(c)
    ]


def _type_into(page, cell_id: str, code: str) -> None:
    """Type a whole solution cell into the page: each part into its own editor."""
    parts = [p["source"] for p in segments(code)]
    editors = page.locator(f'.mgc-editor[data-cell="{cell_id}"]')
    assert editors.count() == len(parts), (cell_id, editors.count(), len(parts))
    for index, part in enumerate(parts):
        editor = page.locator(f'.mgc-editor[data-cell="{cell_id}"][data-part="{index}"] .cm-content')
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(part)
    typed = _editor_text(page, cell_id)
    differences = [pair for pair in zip(typed.splitlines(), code.splitlines()) if pair[0] != pair[1]]
    assert typed == code, differences[:3]


def _editor_text(page, cell_id: str) -> str:
    """A solution cell's code as the page holds it: its parts in the cell's order (the page shows
    each exercise's part where the exercise is explained, which may be another order)."""
    return page.evaluate(
        """(cell) => [...document.querySelectorAll(`.mgc-editor[data-cell="${cell}"]`)]
            .sort((a, b) => a.dataset.part - b.dataset.part)
            .map(e => MgcEditor.EditorView.findFromDOM(e.querySelector('.cm-editor')).state.doc.toString())
            .join('')""",
        cell_id,
    )


def _check(page, name: str = "Check") -> tuple[dict[str, str], str]:
    """Press Check; ({exercise: status}, the results' text)."""
    page.evaluate("() => document.querySelector('.mgc-results').replaceChildren()")
    page.get_by_role("button", name=name, exact=True).click()
    page.locator(".mgc-summary").wait_for(timeout=HANG)
    verdicts = {
        v.get_attribute("data-exercise"): v.get_attribute("class").split("mgc-")[-1]
        for v in page.locator(".mgc-results .mgc-verdict").all()
    }
    return verdicts, page.locator(".mgc-results").inner_text()


def _run(page, index: int = 0) -> str:
    """Press the Run button of the `index`th try-it cell; what shows under it."""
    output = page.locator(".mgc-output").nth(index)
    page.locator(".mgc-run").nth(index).click()
    page.wait_for_function(
        "(i) => { const o = document.querySelectorAll('.mgc-output')[i];"
        " return !o.hidden && !o.textContent.endsWith('…') && !o.textContent.endsWith('……') }",
        arg=index,
        timeout=HANG,
    )
    return output.inner_text()


def _open(page, url: str) -> None:
    page.goto(url)
    page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)


@pytest.mark.parametrize("assignment", [a.id for a in load().assignments])
def test_the_workspace_checks_keeps_and_hands_in_code(browser, served_site, assignment, tmp_path):
    exercises = [e.id for e in load().assignment(assignment).exercises]
    page = browser.new_page()
    try:
        _open(page, f"{served_site}exercises/{assignment}/")
        solutions = _solution_code(assignment)
        right, wrong, hint = MISTAKES[assignment]

        # a classic mistake: its exercise fails with the notebook's hint, under its own test slot too
        typed = {}
        for cell in _release_cells(assignment):
            code = solutions[cell["grade_id"]]
            typed[cell["id"]] = code.replace(right, wrong) if right in code else code
            _type_into(page, cell["id"], typed[cell["id"]])
        verdicts, text = _check(page)
        failed = sorted(e for e, status in verdicts.items() if status == "failed")
        assert list(verdicts) == exercises and len(failed) == 1, text
        assert "hint: " in text and hint in text.split("hint: ", 1)[1], text
        slot = page.locator(f'.mgc-slot[data-exercise="{failed[0]}"]').inner_text()
        assert "hint: " in slot

        # the notebook downloaded now gets the same verdict from mgc grade ...
        with page.expect_download() as download:
            page.get_by_role("button", name="Download notebook").click()
        handed_in = tmp_path / "student" / assignment / f"{assignment}.ipynb"
        handed_in.parent.mkdir(parents=True)
        download.value.save_as(handed_in)
        assert download.value.suggested_filename == f"{assignment}.ipynb"
        release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
        assert json.loads(handed_in.read_text()) == json.loads(filled(self_checking(release), typed))
        [graded] = grade_paths([handed_in], Options(seed=3))
        assert sorted(v.exercise for v in graded.verdicts if not v.passed) == failed

        # ... and checks itself in a plain Python that has no mgc: only that exercise's test cell fails
        outcomes, _ = run_plain(json.loads(handed_in.read_text()), tmp_path / "plain")
        tests = {e.test_cell: e.id for e in load().assignment(assignment).exercises}
        cells = {c["id"]: c for c in json.loads(handed_in.read_text())["cells"]}
        failing = sorted(
            tests[cells[i]["metadata"]["nbgrader"]["grade_id"]]
            for i, o in outcomes.items()
            if o["error"] and cells[i]["metadata"].get("nbgrader", {}).get("grade_id") in tests
        )
        assert failing == failed, outcomes

        # the solution passes
        for cell in _release_cells(assignment):
            _type_into(page, cell["id"], solutions[cell["grade_id"]])
        verdicts, text = _check(page)
        assert set(verdicts.values()) == {"passed"}, text

        # a reload keeps the code, in this browser
        page.reload()
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        for cell in _release_cells(assignment):
            assert _editor_text(page, cell["id"]) == solutions[cell["grade_id"]]
    finally:
        page.close()


def test_run_shows_what_a_try_it_cell_prints_and_where_an_error_is(browser, served_site):
    page = browser.new_page()
    try:
        _open(page, f"{served_site}exercises/engine/")
        [cell] = _release_cells("engine")
        _type_into(page, cell["id"], _solution_code("engine")["value"])
        assert _run(page, 0).strip() == "looks right"  # the try-it cell under engine.add
        try_it = page.locator(".mgc-try .cm-content").first
        try_it.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text("print('the sum is', (Value(2.0) + 3).data)\nprint(undefined_name)\n")
        shown = _run(page, 0)
        assert "the sum is 5.0" in shown and "line 2: NameError" in shown, shown
        # an error in the student's code is named by its editor and the line the page shows
        mul = page.locator(f'.mgc-editor[data-cell="{cell["id"]}"][data-part="2"]')  # engine.mul's part
        assert "engine.mul" in mul.evaluate("e => e.previousElementSibling.textContent")
        first_number = int(mul.locator(".cm-lineNumbers .cm-gutterElement").nth(1).inner_text())
        mul.locator(".cm-content").click()
        page.keyboard.press("Control+Home")
        page.keyboard.insert_text("    oops = 1 +\n")
        shown = _run(page, 0)
        assert f"Your code for engine.mul, line {first_number}: SyntaxError" in shown, shown
    finally:
        page.close()


def test_the_chinese_workspace_speaks_chinese(browser, served_site):
    page = browser.new_page()
    try:
        _open(page, f"{served_site}zh/exercises/engine/")
        assert page.get_by_role("button", name="检查", exact=True).count() == 1
        assert "Value 引擎" in page.locator(".mgc-markdown").first.inner_text()  # the Chinese notebook's text
        [cell] = _release_cells("engine")
        right, wrong, _ = MISTAKES["engine"]
        _type_into(page, cell["id"], _solution_code("engine")["value"].replace(right, wrong))
        assert "looks right" not in _run(page, 0)  # its assert fails: x.grad is 1.0, not 2.0
        verdicts, text = _check(page, "检查")
        assert verdicts["engine.add"] == "failed" and "提示：" in text and "累积梯度" in text, text
        assert "个练习中通过了" in text
        with page.expect_download() as download:
            page.get_by_role("button", name="下载 notebook").click()
        notebook = json.loads(download.value.path().read_text())
        assert download.value.suggested_filename == "engine.ipynb"
        assert "Value 引擎" in "".join(notebook["cells"][0]["source"])
    finally:
        page.close()


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    served: typing.ClassVar[Counter] = Counter()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.served[self.path.split("?")[0]] += 1
        super().do_GET()


@pytest.fixture
def counting_site(built_site):
    """The built site on a server of its own that counts what it serves."""
    _CountingHandler.served = Counter()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_CountingHandler, directory=built_site[0])
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", _CountingHandler.served
    server.shutdown()
    server.server_close()


def test_pyodide_is_downloaded_once_for_the_whole_site_and_a_second_page_checks_offline(
    browser, counting_site
):
    url, served = counting_site
    context = browser.new_context()  # an empty cache, no service worker yet
    try:
        page = context.new_page()
        _open(page, f"{url}exercises/derivatives/")
        _check(page)
        wasm = [path for path in served if path.endswith("pyodide.asm.wasm")]
        assert [served[p] for p in wasm] == [1]
        page.goto(f"{url}zh/exercises/softmax/")  # another page, the other language
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        context.set_offline(True)
        verdicts, text = _check(page, "检查")
        assert set(verdicts) == {e.id for e in load().assignment("softmax").exercises}, text
        assert [served[p] for p in wasm] == [1]  # not fetched again
        assert sum(n for p, n in served.items() if "/pyodide/" in p) == len(
            [p for p in served if "/pyodide/" in p]
        )  # no Pyodide file twice
    finally:
        context.close()


CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = (e) => {
    for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return rgb(c);
    }
    return [255, 255, 255];
  };
  const worst = {};
  const items = [...document.querySelectorAll(
    '.mgc-workspace .cm-line span, .mgc-workspace .cm-line, .mgc-workspace .cm-gutterElement')];
  for (const e of items) {
    if (!e.textContent.trim() || e.closest('.cm-activeLine, .cm-activeLineGutter')) continue;
    const key = e.className || e.parentElement.className;
    const r = ratio(rgb(getComputedStyle(e).color), background(e));
    if (!(key in worst) || r < worst[key]) worst[key] = r;
  }
  return worst;
}"""


def test_the_editor_keeps_its_contrast_in_light_and_dark_mode(browser, served_site):
    page = browser.new_page()
    try:
        _open(page, f"{served_site}exercises/engine/")
        light = page.evaluate(CONTRAST)
        page.locator("form[data-md-component=palette] label:visible").first.click()
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        dark = page.evaluate(CONTRAST)
        assert len(light) >= 5 and len(dark) >= 5
        low = {k: round(v, 2) for k, v in [*light.items(), *dark.items()] if v < 4.5}
        assert low == {}, low
        gutter = page.evaluate(
            "getComputedStyle(document.querySelector('.mgc-workspace .cm-gutters')).backgroundColor"
        )
        assert gutter != "rgb(245, 245, 245)"  # the gutter follows the dark scheme
    finally:
        page.close()


def test_a_lesson_page_loads_nothing_of_the_workspace(browser, served_site):
    page = browser.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served_site}lessons/05-backward/")
    page.wait_for_load_state("networkidle")
    page.close()
    assert not [url for url in requested if "pyodide" in url or "editor.js" in url or "workspace" in url]


def test_code_that_never_returns_is_stopped_and_the_next_check_starts_afresh(browser, served_site):
    page = browser.new_page()
    try:
        _open(page, f"{served_site}exercises/derivatives/")
        solutions = _solution_code("derivatives")
        cells = _release_cells("derivatives")
        first = cells[0]
        _type_into(page, first["id"], solutions[first["grade_id"]] + "\nwhile True:\n    pass\n")
        page.evaluate("() => { document.querySelector('.mgc-workspace').dataset.limit = '3' }")
        page.get_by_role("button", name="Check", exact=True).click()
        page.get_by_text("Stopped after 3 s").wait_for(timeout=60_000)  # the page is still there
        _type_into(page, first["id"], solutions[first["grade_id"]])
        page.evaluate("() => { delete document.querySelector('.mgc-workspace').dataset.limit }")
        for cell in cells[1:]:
            _type_into(page, cell["id"], solutions[cell["grade_id"]])
        verdicts, text = _check(page)
        assert set(verdicts.values()) == {"passed"}, text
    finally:
        page.close()
