"""Which edition is being built, and the words the hooks write into its pages."""

from __future__ import annotations

import re

DEFAULT = "en"
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Chinese characters and punctuation
FENCE = re.compile(r"^[ \t]*(```|~~~)")


def joined(markdown: str) -> str:
    """Chinese Markdown with each paragraph's lines joined where the break falls between two Chinese
    characters: HTML would show the break as a space, and Chinese puts none between words. Code
    blocks, headings and tables are left as they are."""
    lines, fenced = [], False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        previous = lines[-1] if lines else ""
        stripped = line.lstrip()
        if (
            not fenced
            and stripped[:1]
            and CJK.match(stripped[0])
            and previous[-1:]
            and CJK.match(previous[-1])
            and not previous.lstrip().startswith(("#", "|", "!!!", "???"))
        ):
            lines[-1] = previous + stripped
        else:
            lines.append(line)
    return "\n".join(lines)


def of(config) -> str:
    """The language of the edition being built (mkdocs-static-i18n sets the theme's language)."""
    language = str(config.theme.get("language") or DEFAULT)
    return "zh" if language.startswith("zh") else "en"


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "points": "**{points:g} points** in one notebook, `{notebook}`.",
        "download": "Download {notebook}",
        "open": "Open it in Jupyter, or in Colab: it checks itself without installing anything. "
        "From a terminal, `mgc check {notebook}` runs the same checks.",
        "table": "| exercise | points | you write |",
        "graph_title": "Open the graph at full size",
        "left_out_title": "Left out of this edition",
        "left_out": "This step's code is the answer to {links}: the text above derives it, and you write it "
        "in the exercise. (A reader's edition of the course shows it here.)",
    },
    "zh": {
        "points": "共 **{points:g} 分**，都在一个 notebook 里：`{notebook}`。",
        "download": "下载 {notebook}（中文版）",
        "open": "用 Jupyter 或 Colab 打开即可，无须安装任何东西，它能自己检查你的代码。"
        "在终端里，`mgc check {notebook}` 会运行同样的检查。",
        "table": "| 练习 | 分数 | 你要写的 |",
        "graph_title": "查看原尺寸的图",
        "left_out_title": "本版从略",
        "left_out": "这一步的代码是练习 {links} 的答案：上文已经推导出它，请在练习中亲手写出来。"
        "（面向普通读者的版本会在这里给出代码。）",
    },
}


def words(config) -> dict[str, str]:
    return WORDS[of(config)]
