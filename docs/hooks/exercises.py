"""What the exercise pages share, written from course.toml: the points, the notebook to download
(English, or the Chinese one built from it), the exercises' table, and the workspace."""

from __future__ import annotations

from hooks.lang import of, words


def notebooks() -> dict[str, bytes]:
    """The release notebooks the site serves, {site path: bytes}, as `mgc release` wrote them:
    exercises/<a>/<a>.ipynb and its Chinese twin exercises-zh/<a>/<a>.ipynb, each with the setup
    cell that lets it check itself without mgc (mgc.standalone)."""
    from mgc.course.manifest import ROOT, load
    from mgc.standalone import edition

    served = {}
    for assignment in load().assignments:
        for lang in ("en", "zh"):
            release = edition(ROOT / "exercises", lang) / assignment.id / assignment.notebook_name
            served[site_path(assignment, lang)] = release.read_bytes()
    return served


def site_path(assignment, lang: str) -> str:
    """Where an assignment's notebook in `lang` is served."""
    suffix = ".zh.ipynb" if lang == "zh" else ".ipynb"
    return f"exercises/{assignment.id}/{assignment.id}{suffix}"


def header(assignment, config) -> str:
    """Under an exercise page's introduction: its points, the release notebook to download (a link
    to the generated file, so a strict build fails without it), and its exercises' table. The
    notebook saves under its own name, whichever language it is in: that is the name to hand in."""
    said, lang = words(config), of(config)
    notebook = assignment.notebook_name
    served = site_path(assignment, lang).rsplit("/", 1)[1]
    button = f'{{ .md-button .md-button--primary download="{notebook}" }}'
    lines = [
        said["points"].format(points=assignment.max_score, notebook=notebook),
        "",
        f"[:material-download: {said['download'].format(notebook=notebook)}]"
        f"({assignment.id}/{served}){button}",
        "",
        said["open"].format(notebook=notebook),
        "",
        said["table"],
        "|---|---|---|",
    ]
    for e in assignment.exercises:
        lines.append(f"| `{e.id}` | {e.points:g} | {', '.join(f'`{s}`' for s in e.symbols)} |")
    return "\n" + "\n".join(lines) + "\n\n"


FOOTER = {
    "en": """
## How to check your work

- Run the notebook from the top (Kernel, Restart & Run All). The locked test cell under
  each exercise runs that exercise's check on the lecture's cases and, when it fails,
  says which case, what was expected and what came back. The notebook's first code cell
  lets these checks run anywhere, Colab included, without installing the course.
- From a terminal, in the folder where you saved it: `mgc check {notebook}` prints the
  same checks as a table (`mgc` comes with the course: see the
  [student guide](../student-guide.md) to install it).
- Passing these is necessary, not sufficient: the graders add random and awkward inputs.
  See the [student guide](../student-guide.md).

## Work on it here

No install needed: below is the notebook itself, its instructions, an editor for each part
you write, and its "try it" cells. **Run** under a try-it cell runs your code and that cell,
and shows what it prints; **Check** runs the lecture's cases in your browser, with the same
feedback the notebook gives. Python (Pyodide, about 14 MB) is downloaded the first time you
run or check anything on this site, and kept: every exercise page then works offline.
Your code stays in this browser between visits; **Download notebook** gives you the notebook
with your code in its cells, ready to hand in or to open in Jupyter.

<div class="mgc-workspace" data-assignment="{assignment}" data-lang="en"></div>
""",
    "zh": """
## 如何检查你的代码

- 从头运行整个 notebook（Kernel → Restart & Run All）。每个练习下方锁定的测试单元会用讲座中的
  用例检查这个练习；没通过时，它会告诉你是哪个用例、应得到什么、实际得到了什么。notebook 的第一个
  代码单元让这些检查在任何地方都能运行，包括 Colab，无须安装本课程。
- 在终端里，进入保存 notebook 的文件夹，运行 `mgc check {notebook}`，会以表格形式给出同样的检查
  （`mgc` 随课程一起提供，安装方法见[学生指南](../student-guide.md)）。
- 通过这些检查是必要的，但还不够：正式评分还会加入随机的和刁钻的输入。详见[学生指南](../student-guide.md)。

## 在这里动手

无须安装：下面就是这个 notebook 本身，包括它的说明、你要写的每一部分代码的编辑器，以及
“试一试”单元。“试一试”单元下的**运行**按钮会运行你的代码和这个单元，并显示它打印的内容；
**检查**按钮在浏览器里用讲座中的用例检查你的代码，反馈与 notebook 中的相同。第一次在本站运行或
检查时会下载 Python（Pyodide，约 14 MB）并保存下来，之后每个练习页面都能离线使用。你的代码会保存在
这个浏览器中；**下载 notebook** 会把你的代码放进 notebook 的单元里交给你，可以直接提交，也可以用
Jupyter 打开。

<div class="mgc-workspace" data-assignment="{assignment}" data-lang="zh"></div>
""",
}


def footer(assignment, config) -> str:
    """At the end of an exercise page: how to check the notebook, and the in-browser workspace."""
    return FOOTER[of(config)].format(notebook=assignment.notebook_name, assignment=assignment.id)


def around(markdown: str, assignment, config) -> str:
    """An exercise page with the shared parts: the header before its first section, the footer after."""
    intro, sections = markdown.split("\n## ", 1)
    return f"{intro}{header(assignment, config)}## {sections.rstrip()}\n{footer(assignment, config)}"
