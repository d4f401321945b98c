"""The exercise pages' workspace in a real browser (Debian's Chromium, driven by Playwright): for
each assignment, a classic mistake typed in gets its hint, the solution passes, the code survives
a reload, and the downloaded notebook gets the same verdict from mgc grade. How fast it checks is
bench/workspace.py's to measure, not a test's."""

from __future__ import annotations

import json

import pytest
from mgc.course.cells import is_solution_cell
from mgc.course.manifest import ROOT, load
from mgc.grading.run import Options, grade_paths
from mgc.workspace import filled

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


def _type_into(page, cell_id: str, code: str) -> None:
    editor = page.locator(f'.mgc-editor[data-cell="{cell_id}"] .cm-content')
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)
    typed = _editor_text(page, cell_id)
    differences = [pair for pair in zip(typed.splitlines(), code.splitlines()) if pair[0] != pair[1]]
    assert typed == code, differences[:3]


def _editor_text(page, cell_id: str) -> str:
    editor = f"document.querySelector('.mgc-editor[data-cell=\"{cell_id}\"] .cm-editor')"
    return page.evaluate(f"() => MgcEditor.EditorView.findFromDOM({editor}).state.doc.toString()")


def _check(page) -> tuple[dict[str, str], str]:
    """Press Check; ({exercise: status}, the results' text)."""
    page.evaluate("() => document.querySelector('.mgc-results').replaceChildren()")
    page.get_by_role("button", name="Check").click()
    page.locator(".mgc-summary").wait_for(timeout=300_000)  # a hang guard: Pyodide starts in seconds
    verdicts = {
        v.get_attribute("data-exercise"): v.get_attribute("class").split("mgc-")[-1]
        for v in page.locator(".mgc-verdict").all()
    }
    return verdicts, page.locator(".mgc-results").inner_text()


@pytest.mark.parametrize("assignment", [a.id for a in load().assignments])
def test_the_workspace_checks_keeps_and_hands_in_code(browser, served_site, assignment, tmp_path):
    exercises = [e.id for e in load().assignment(assignment).exercises]
    page = browser.new_page()
    try:
        page.goto(f"{served_site}exercises/{assignment}/")
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        fetched = f"() => fetch('../../workspace/{assignment}.json').then(r => r.text())"
        cells = json.loads(page.evaluate(fetched))
        solutions = _solution_code(assignment)
        right, wrong, hint = MISTAKES[assignment]

        # a classic mistake: its exercise fails with the notebook's hint (the first check starts Python)
        typed = {}
        for cell in cells["cells"]:
            code = solutions[cell["grade_id"]]
            typed[cell["id"]] = code.replace(right, wrong) if right in code else code
            _type_into(page, cell["id"], typed[cell["id"]])
        verdicts, text = _check(page)
        failed = sorted(e for e, status in verdicts.items() if status == "failed")
        assert list(verdicts) == exercises and len(failed) == 1, text
        assert "hint: " in text and hint in text.split("hint: ", 1)[1], text

        # the notebook downloaded now gets the same verdict from mgc grade
        with page.expect_download() as download:
            page.get_by_role("button", name="Download notebook").click()
        handed_in = tmp_path / "student" / assignment / f"{assignment}.ipynb"
        handed_in.parent.mkdir(parents=True)
        download.value.save_as(handed_in)
        release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
        assert json.loads(handed_in.read_text()) == json.loads(filled(release, typed))  # as nbgrader takes it
        [graded] = grade_paths([handed_in], Options(seed=3))
        assert sorted(v.exercise for v in graded.verdicts if not v.passed) == failed

        # the solution passes, on the Python already running
        for cell in cells["cells"]:
            _type_into(page, cell["id"], solutions[cell["grade_id"]])
        verdicts, text = _check(page)
        assert set(verdicts.values()) == {"passed"}, text

        # a reload keeps the code, in this browser
        page.reload()
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        for cell in cells["cells"]:
            assert _editor_text(page, cell["id"]) == solutions[cell["grade_id"]]
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
        page.goto(f"{served_site}exercises/derivatives/")
        page.locator(".mgc-workspace[data-ready]").wait_for(timeout=30_000)
        fetched = "() => fetch('../../workspace/derivatives.json').then(r => r.text())"
        cells = json.loads(page.evaluate(fetched))
        solutions = _solution_code("derivatives")
        first = cells["cells"][0]
        _type_into(page, first["id"], solutions[first["grade_id"]] + "\nwhile True:\n    pass\n")
        page.evaluate("() => { document.querySelector('.mgc-workspace').dataset.limit = '3' }")
        page.get_by_role("button", name="Check").click()
        page.get_by_text("Stopped after 3 s").wait_for(timeout=60_000)  # the page is still there
        _type_into(page, first["id"], solutions[first["grade_id"]])
        page.evaluate("() => { delete document.querySelector('.mgc-workspace').dataset.limit }")
        for cell in cells["cells"][1:]:
            _type_into(page, cell["id"], solutions[cell["grade_id"]])
        verdicts, text = _check(page)
        assert set(verdicts.values()) == {"passed"}, text
    finally:
        page.close()
