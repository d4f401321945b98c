"""Graded courses leave the answers out: with `extra: solutions: false` in mkdocs.yml, the solution
page, its nav entry and its search entries are not built, and each lesson block marked as an
answer (`<!-- answer: engine.add engine.mul -->` on the line before it) still runs, so the blocks
after it work, but shows neither its code nor its output: a note says which exercise it answers.
The default build (a reader's) shows everything."""

from __future__ import annotations

import re

from mkdocs.structure.files import Files

from hooks.lang import words

SOLUTION_PAGE = "solution.md"
ANSWER = re.compile(r"^<!-- answer: ([\w. ]+) -->\n(```+)(python[^\n]*)\n(.*?)^\2[ \t]*$", re.M | re.S)
SHOWN = re.compile(r'\s+(?:source|result)="[^"]*"')


def solutions(config) -> bool:
    return bool(config.extra.get("solutions", True))


def _without(nav: list, page: str) -> list:
    """`nav` with every entry that points at `page` left out."""
    kept = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            kept.append({next(iter(item)): _without(value, page)})
        elif value != page:
            kept.append(item)
    return kept


def leave_out_of_nav(config):
    if not solutions(config):
        config.nav = _without(config.nav, SOLUTION_PAGE)
    return config


def drop_solution(files: Files, config) -> Files:
    """Leave the solution page (in every language) out of the build when `extra: solutions` is false."""
    if not solutions(config):
        for file in list(files):
            if file.src_uri in (SOLUTION_PAGE, SOLUTION_PAGE.replace(".md", ".zh.md")):
                files.remove(file)
    return files


def hide_answers(markdown: str, config) -> str:
    """In a graded build, each answer block runs silently and a note takes its place."""
    if solutions(config):
        return markdown

    def hidden(match: re.Match) -> str:
        exercises, fence, header, body = match.groups()
        links = ", ".join(f"[`{e}`](../exercises/{e.split('.')[0]}.md)" for e in exercises.split())
        said = words(config)
        note = f'!!! note "{said["left_out_title"]}"\n    {said["left_out"].format(links=links)}\n'
        return f"{fence}{SHOWN.sub('', header)}\n{body}{fence}\n\n{note}"

    return ANSWER.sub(hidden, markdown)
