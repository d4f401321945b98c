"""The class summary: per-exercise pass rates, the scores' histogram and the frequent hints."""

from __future__ import annotations

import base64
import re

from mgc.cli import main
from mgc.manifest import ROOT

SAMPLES = ROOT / "samples"  # ben assigns in __add__, cleo writes 1 - t for tanh, eve hands in the stubs


def test_the_summary_shows_what_the_class_got_wrong(tmp_path, capsys):
    page, notes = tmp_path / "summary.html", tmp_path / "summary.md"
    for out in (page, notes):
        assert main(["grade", str(SAMPLES), "--gradebook-only", "--no-progress", "--summary", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Summary of engine: 5 graded" in printed
    assert re.search(r"engine\.add\s*│\s*60% \(3/5\)", printed)  # ada, cleo and dan; not ben, not eve
    assert re.search(r"engine\.tanh\s*│\s*60% \(3/5\)", printed)  # not cleo, not eve
    assert re.search(r"engine\.mul\s*│\s*80% \(4/5\)", printed)  # only eve
    assert "1 of 5: engine.tanh: the local derivative of tanh is 1 - t**2" in printed
    assert "1 of 5: nn.train: the grads are never reset" in printed  # dan's
    text = notes.read_text()
    assert "## engine" in text and "| `engine.add` | 60% (3/5) |" in text
    html = page.read_text()
    (png,) = re.findall(r'alt="scores of engine" src="data:image/png;base64,([^"]+)"', html)
    assert base64.b64decode(png).startswith(b"\x89PNG")


def test_a_summary_file_of_another_kind_is_refused_before_grading(tmp_path, capsys):
    assert main(["grade", str(SAMPLES / "ada"), "--summary", str(tmp_path / "summary.txt")]) == 2
    assert "write it as .md or .html" in capsys.readouterr().err
