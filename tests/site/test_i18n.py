"""The Chinese edition's words: every message and hint the checks give on the lecture's classic
mistakes has a Chinese translation (one catalogue, mgc.i18n), and the Chinese notebooks are the
English ones with Chinese markdown only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mgc.course.manifest import ROOT, load
from mgc.i18n import MESSAGES, UI, chinese_notebook, read_translations, translate

from tests.grader.helpers import edited, grade_cells, solution_cells
from tests.grader.test_mistakes import MISTAKES

MGC = ROOT / "grader" / "mgc"
SOURCES = [*(MGC / "judge" / "checks").glob("*.py"), MGC / "inline.py"]
CHECKS = re.sub(r'"\s*\n\s*f?"', "", "\n".join(p.read_text() for p in SOURCES))  # "a " "b" is "a b"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _mistakes() -> list:
    """(assignment, cells) for each classic mistake of tests/grader/test_mistakes.py, and for the
    errors a check explains itself: a stub left in, code that raises, a plain number not wrapped."""
    cases = []
    for param in MISTAKES:
        assignment, right, wrong, *_ = param.values
        cases.append(pytest.param(assignment, edited(solution_cells(assignment), right, wrong), id=param.id))
    for assignment in ("derivatives", "nn"):
        stubs = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
        from mgc.course.cells import is_student_code

        cells = ["".join(c["source"]) for c in stubs["cells"] if is_student_code(c)]
        cells.append("1 / 0  # a cell that fails\n")
        cases.append(pytest.param(assignment, cells, id=f"{assignment}-stubs-and-a-broken-cell"))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "cells"), _mistakes())
def test_every_message_on_the_classic_mistakes_has_a_chinese_translation(assignment, cells):
    """Graded as `mgc grade` grades (the sandbox, hidden cases too): any line or fragment of the
    feedback that no template of the catalogue matches fails the test, so a new English message
    cannot appear without its Chinese."""
    outcome = grade_cells(assignment, cells, seed=7)
    feedback = [text for text in outcome.values() if text]
    assert feedback, "the mistake cost nothing: nothing to translate"
    for text in feedback:
        unknown: list[str] = []
        chinese = translate(text, "zh", unknown)
        assert unknown == [], f"no Chinese for {unknown} in:\n{text}"
        for english, translated in zip(text.splitlines(), chinese.splitlines()):
            if english.strip() and not english[:1].isspace():  # indented lines: the student's own error
                assert translated != english, english


def test_a_passing_check_and_its_hints_read_in_chinese():
    assert translate("engine.add: the lecture's cases pass", "zh") == "engine.add：讲座中的用例全部通过"
    text = (
        "engine.add: a + a with a=3.0, out.grad seeded with 1.0\n"
        "a.grad: expected [2.0] (PyTorch), got [1.0]\n"
        "hint: a value used twice must receive both contributions: accumulate grads with +=, never ="
    )
    assert translate(text, "zh").splitlines() == [
        "engine.add：a + a，其中 a=3.0，out.grad 设为 1.0",
        "a.grad：应为 [2.0]（PyTorch），实际为 [1.0]",
        "提示：被用了两次的值必须收到两份贡献：用 += 累积梯度，不要用 =",
    ]
    assert translate(text, "en") == text
    raised = "engine.add: a + b with a=2.0, out.grad seeded with 1.0\nraised NameError: x\n  hint: mine"
    assert translate(raised, "zh").splitlines()[1:] == ["抛出了 NameError: x", "  hint: mine"]  # as it was


def test_the_student_guide_quotes_the_feedback_as_it_is_given():
    guide = (ROOT / "docs" / "student-guide.zh.md").read_text()
    example = guide.split("```text\n", 1)[1].split("```", 1)[0].strip()
    english = (
        "engine.add: a + a with a=3.0, out.grad seeded with 1.0\n"
        "a.grad: expected [2.0] (PyTorch), got [1.0]\n"
        "hint: a value used twice must receive both contributions: accumulate grads with +=, never ="
    )
    assert example == translate(english, "zh")


def test_every_template_is_a_message_the_checks_still_write():
    """The catalogue's English side is the checks' own text: each template's words (between its
    placeholders) occur in grader/mgc/checks/ or mgc.inline, so a reworded message shows here."""
    stale = []
    for english, chinese in MESSAGES:
        words = [w for w in re.split(r"\{[^}]*\}", english) if len(w.strip()) >= 8]
        if not all(w in CHECKS for w in words):
            stale.append(english)
        assert set(re.findall(r"\{(\w+)", english)) == set(re.findall(r"\{(\w+)", chinese)), english
    assert stale == []


def test_the_workspace_has_every_word_in_both_languages():
    assert UI["zh"].keys() == UI["en"].keys()
    for key, text in UI["en"].items():
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", UI["zh"][key])), key
        if re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", text)):  # words, not just placeholders
            assert HAN.search(UI["zh"][key]), key


@pytest.mark.parametrize("assignment", [a.id for a in load().assignments])
def test_the_chinese_notebook_differs_from_the_english_one_in_markdown_only(assignment):
    source = ROOT / load().assignment(assignment).notebook
    release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text())
    chinese = chinese_notebook(release, read_translations(source))
    assert [c["id"] for c in chinese["cells"]] == [c["id"] for c in release["cells"]]
    for zh, en in zip(chinese["cells"], release["cells"]):
        assert zh["metadata"] == en["metadata"] and zh["cell_type"] == en["cell_type"]
        if en["cell_type"] == "markdown":
            assert HAN.search("".join(zh["source"])), zh["id"]
            code = re.findall(r"`[^` ]+`", "".join(en["source"]))  # names and code stay as they are
            assert set(code) <= set(re.findall(r"`[^` ]+`", "".join(zh["source"]))), zh["id"]
        else:
            assert zh == en
    assert chinese["metadata"]["language"] == "zh"


def test_a_translation_for_a_cell_that_is_gone_or_missing_is_an_error(tmp_path):
    release = json.loads((ROOT / "exercises" / "nn" / "nn.ipynb").read_text())
    translations = read_translations(ROOT / "solutions" / "nn" / "nn.ipynb")
    with pytest.raises(ValueError, match="not-a-cell"):
        chinese_notebook(release, {**translations, "not-a-cell": "文字"})
    first = next(iter(translations))
    with pytest.raises(KeyError, match=first):
        chinese_notebook(release, {k: v for k, v in translations.items() if k != first})


def test_the_chinese_search_keeps_the_course_terms_whole():
    """jieba cuts Chinese into words when the site is built; the glossary's terms are in its user
    dictionary, so that 反向传播 is one word in the index and the query finds it."""
    listed = (ROOT / "docs" / "hooks" / "jieba-terms.txt").read_text().splitlines()
    terms = {line.split()[0] for line in listed}
    glossary = (ROOT / "docs" / "glossary.zh.md").read_text()
    cells = [cell.split("（")[0] for cell in re.findall(r"^\| ([^|]+) \|", glossary, re.M)]
    wanted = {t.strip() for cell in cells for t in cell.split("、") if len(t.strip()) >= 3}
    assert wanted - {"中文"} <= terms, wanted - terms


def _pages(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*.md")}


def test_every_learners_page_has_its_chinese_edition():
    docs = ROOT / "docs"
    english = {p for p in _pages(docs) if not p.endswith(".zh.md")}
    missing = {p for p in english if p.replace(".md", ".zh.md") not in _pages(docs)}
    assert missing == {"instructor.md"}  # the instructor guide stays English


def test_mgc_check_answers_in_the_notebooks_language_or_the_one_asked_for(tmp_path, capsys):
    from mgc.cli import main

    notebook = json.loads((ROOT / "samples" / "ben" / "engine" / "engine.ipynb").read_text())
    english = tmp_path / "engine.ipynb"
    english.write_text(json.dumps(notebook))
    chinese = tmp_path / "engine-zh.ipynb"
    chinese.write_text(json.dumps({**notebook, "metadata": {**notebook["metadata"], "language": "zh"}}))
    assert main(["check", str(chinese)]) == 1  # ben's engine.add assigns its grads
    said = capsys.readouterr().out
    assert "被用了两次的值必须收到两份贡献" in said and "这些只是讲座中的用例" in said
    assert main(["check", str(chinese), "--lang", "en"]) == 1
    said = capsys.readouterr().out
    assert "a value used twice" in said and not HAN.search(said)
    assert main(["check", str(english), "--lang", "zh"]) == 1
    assert "被用了两次的值" in capsys.readouterr().out
