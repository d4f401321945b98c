"""The site's MkDocs hooks (mkdocs.yml names this file): each event hands its work to the module
of the package that does that job (see hooks/__init__.py). Generated files are added after
mkdocs-static-i18n has sorted the documentation into editions (priority -200), and shared by both."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # docs/, where the package `hooks` is

from hooks import answers, exercises, figures, graphs, lang, mathjax, search, workspace

log = logging.getLogger("mkdocs.hooks")


def on_config(config):
    return answers.leave_out_of_nav(config)


def on_pre_build(config) -> None:
    mathjax.MATH_AT_BUILD.start()


@event_priority(-200)
def on_files(files: Files, config) -> Files:
    answers.drop_solution(files, config)
    if mathjax.MATH_AT_BUILD.running:  # typeset at build time: no page needs MathJax itself
        for path in mathjax.MATH_SCRIPTS:
            if (script := files.get_file_from_path(path)) is not None:
                files.remove(script)
    notebooks = exercises.notebooks()
    made = dict(notebooks)
    shared = workspace.shared_files()
    if shared:
        made |= shared | workspace.page_files(notebooks, lang.of(config))
    drawn = figures.figures()
    graphs.measure(drawn)
    made |= {f"figures/{name}": content for name, content in drawn.items()}
    for path, content in made.items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content))
    log.info("drew %d figures from the reference code", len(drawn))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    """`{{ config.repo_url }}` in a page becomes the repository named in mkdocs.yml; lesson blocks
    that answer exercises are hidden in graded builds; a page whose front matter names an
    `assignment` gets that exercise page's shared parts around its own text."""
    markdown = markdown.replace("{{ config.repo_url }}", config.repo_url or "")
    markdown = answers.hide_answers(markdown, config)
    if "assignment" in page.meta:
        from mgc.course.manifest import load

        markdown = exercises.around(markdown, load().assignment(page.meta["assignment"]), config)
    return lang.joined(markdown) if lang.of(config) == "zh" else markdown


def on_page_content(html: str, page, config, files) -> str:
    return mathjax.typeset(graphs.fit_graphs(html, lang.words(config)["graph_title"]))


def on_post_page(output: str, page, config) -> str:
    """Scripts only where they are used: the workspace's on the exercise pages that have one
    (Pyodide itself is fetched by the page on the first run); MathJax (2 MB), when the math could
    not be typeset at build time, on the pages with math."""
    from mkdocs.utils import get_relative_url

    scripts = []
    if 'class="mgc-workspace"' in output and workspace.shared_files():
        scripts += [get_relative_url(src, page.url) for src in workspace.SCRIPTS]
    if 'class="arithmatex"' in output and "<mjx-container" not in output:
        scripts += [get_relative_url(src, page.url) for src in mathjax.MATH_SCRIPTS]
    if not scripts:
        return output
    root = get_relative_url(".", page.url)
    tags = "".join(f'<script src="{src}" data-site-root="{root}/"></script>' for src in scripts)
    head, tail = output.rsplit("</body>", 1)
    return f"{head}{tags}</body>{tail}"


@event_priority(-200)
def on_post_build(config) -> None:
    """After every edition is built (and mkdocs-static-i18n has merged their search entries)."""
    search.plain_math_in_index(config.site_dir)
    mathjax.MATH_AT_BUILD.stop()
