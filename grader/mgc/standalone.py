"""A notebook that checks itself without mgc installed (Colab, a plain Jupyter).

The test cells say `from mgc.inline import check`. Where mgc is installed, that is mgc; where it
is not, a setup cell near the top unpacks the same checks and the lecture's answers (the modules
mgc.inline imports, visible_truth.json and course.toml: what the browser workspace runs too) into
a temporary folder and puts it on sys.path. The setup cell is tagged "try-it", which the graders
never run (mgc.course.cells), so `mgc grade` and nbgrader grade the notebook as before.

    self_checking(notebook, lang)   # the notebook with the setup cell (added or brought up to date)
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import subprocess
import sys
import zlib
from pathlib import Path

from mgc.course.cells import SETUP, SETUP_MARK, TRY_IT, is_setup_cell
from mgc.course.manifest import ROOT

SETUP_ID = SETUP
LANG_VARIABLE = "MGC_LANG"  # the notebook's language, which mgc.inline.check reports its feedback in


@functools.cache
def bundle() -> dict[str, str]:
    """{path under the course: text} of what mgc.inline and mgc.workspace need: the modules they
    import (found by importing them afresh), the shipped answers and course.toml. Standard library
    only: it runs in Pyodide and in any Python 3.11+."""
    listing = (
        "import json, sys, mgc.inline, mgc.workspace, mgc.i18n\n"
        "print(json.dumps([m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'mgc']))"
    )
    found = subprocess.run([sys.executable, "-c", listing], capture_output=True, text=True, check=True)
    paths = sorted(Path(f) for f in json.loads(found.stdout))
    paths += [ROOT / "grader" / "mgc" / "judge" / "visible_truth.json", ROOT / "course.toml"]
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in paths}


def packed(previous: str | None = None) -> str:
    """The bundle as one base64 string (zlib-compressed JSON), wrapped at 100 characters. A
    `previous` packing that unpacks to the same bundle is kept as it is: zlib's builds (zlib-ng,
    for one) write other bytes for the same text, and a release must not rewrite a notebook for that."""
    if previous is not None and unpacked(previous) == bundle():
        return previous
    raw = base64.b64encode(zlib.compress(json.dumps(bundle(), sort_keys=True).encode(), 9)).decode()
    return "\n".join(raw[i : i + 100] for i in range(0, len(raw), 100))


def unpacked(text: str) -> dict | None:
    """What a packing holds, or None if it is no packing."""
    try:
        return json.loads(zlib.decompress(base64.b64decode("".join(text.split()), validate=True)))
    except (ValueError, zlib.error):
        return None


def packing_of(notebook: dict) -> str | None:
    """The packing in a notebook's setup cell, if it has one."""
    for cell in notebook.get("cells", []):
        if is_setup_cell(cell):
            source = "".join(cell.get("source", ""))
            start = source.find(PACKED_START)
            end = source.find('"""', start + len(PACKED_START))
            if start >= 0 and end >= 0:
                return source[start + len(PACKED_START) : end].strip("\n")
    return None


SETUP_TEXT = {
    "en": (
        "# Setup: lets the test cells below check your work where the course's `mgc` is not installed\n"
        "# (Colab, a plain Jupyter). It holds the same checks and the lecture's answers. Run it first;\n"
        "# it changes nothing where mgc is installed, and it is never graded.\n"
    ),
    "zh": (
        "# 准备：在没有安装课程的 `mgc` 的环境里（Colab、普通的 Jupyter），\n"
        "# 让下面的测试单元也能检查你的代码。\n"
        "# 它带着同样的检查和讲座中的答案。请先运行它；装有 mgc 时它什么也不改变，也不计分。\n"
    ),
}

LOADER = """\
import base64 as _b64, json as _json, pathlib as _pathlib, sys as _sys, tempfile as _tempfile, zlib as _zlib
try:
    import mgc.inline
except ImportError:
    _root = _pathlib.Path(_tempfile.mkdtemp(prefix="mgc-"))
    for _name, _text in _json.loads(_zlib.decompress(_b64.b64decode(_PACKED))).items():
        (_root / _name).parent.mkdir(parents=True, exist_ok=True)
        (_root / _name).write_text(_text, encoding="utf-8")
    _sys.path.insert(0, str(_root / "grader"))
    import mgc.inline
print("mgc checks ready:", mgc.inline.__name__)
"""


PACKED_START = SETUP_MARK


def setup_cell(lang: str = "en", packing: str | None = None) -> dict:
    """The setup cell for a notebook in `lang` (with `packing`, by default the bundle packed now)."""
    packing = packing or packed()
    packed_line = f'{PACKED_START}\n{packing}\n"""\n'
    source = SETUP_TEXT[lang] + f"{LANG_VARIABLE} = {lang!r}\n" + packed_line + LOADER
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": SETUP_ID,
        "metadata": {"tags": [TRY_IT, SETUP], "editable": False, "deletable": False},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }


def self_checking(notebook: dict, lang: str = "en", packing: str | None = None) -> dict:
    """A copy of `notebook` with the setup cell before its first code cell (replacing an older
    one): the same cells, ids and graders otherwise."""
    copied = copy.deepcopy(notebook)
    cells = [c for c in copied["cells"] if not is_setup_cell(c)]
    first_code = next((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells))
    cells.insert(first_code, setup_cell(lang, packing))
    copied["cells"] = cells
    return copied


def edition(release_dir: Path, lang: str) -> Path:
    """Where a release in `lang` goes: the English one where nbgrader wrote it, each other language
    in a folder of its own beside it (exercises-zh/), with the same assignment folders and notebook
    names, so that a class released from it hands in the names nbgrader and mgc grade expect."""
    return release_dir if lang == "en" else release_dir.with_name(f"{release_dir.name}-{lang}")


def write_editions(release_dir: Path, root: Path = ROOT) -> list[Path]:
    """After nbgrader has written the release into `release_dir`: each assignment's notebook made
    self-checking in place, and its Chinese edition (the same cells, ids and graders, Chinese
    markdown from solutions/<a>.zh.toml) written to edition(release_dir, "zh"). What mgc.release
    calls last; returns the notebooks written. Running it again changes no byte."""
    from mgc.course.manifest import load
    from mgc.i18n import chinese_notebook, read_translations

    chinese_dir = edition(release_dir, "zh")
    recorded = [packing_of(json.loads(p.read_text(encoding="utf-8"))) for p in chinese_dir.glob("*/*.ipynb")]
    packing = packed(next((p for p in recorded if p), None))
    written = []
    for assignment in load().assignments:
        english_path = release_dir / assignment.id / assignment.notebook_name
        english = json.loads(english_path.read_text(encoding="utf-8"))
        chinese = chinese_notebook(english, read_translations(root / assignment.notebook))
        for path, notebook, lang in (
            (english_path, english, "en"),
            (chinese_dir / assignment.id / assignment.notebook_name, chinese, "zh"),
        ):
            notebook = self_checking(notebook, lang, packing)
            text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"  # as nbformat
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
