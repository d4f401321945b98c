"""Expression graphs on a page: labelled, fitted to the column, never drawn too small to read."""

from __future__ import annotations

import re

WIDEST_LEFT_TO_RIGHT = 800  # pt: a wider graph is drawn top to bottom instead
SMALLEST_SCALE = 0.6  # Graphviz's 14 pt text (18.7 px) is never drawn smaller than 11 px
GRAPH_WIDTHS: dict[str, float] = {}  # each graph figure's natural width, in pt (figures/graph-*.svg)


def label_every_node(root) -> None:
    """Name each unlabelled value after how it was made (`2*n`, `e - 1`), a constant after its value."""
    from micrograd.viz import trace

    order, seen = [], set()

    def visit(v):  # children first, so their names exist when a parent is named
        if v not in seen:
            seen.add(v)
            for child in v._prev:
                visit(child)
            order.append(v)

    visit(root)
    assert len(order) == len(trace(root)[0])
    for v in order:
        if v.label:
            continue
        names = [c.label for c in v._prev]
        if not v._prev:
            v.label = f"{v.data:g}"
        elif v._op.startswith("**"):
            v.label = f"{names[0]}{v._op}"
        elif len(names) == 2:
            left, right = (f"({n})" if " " in n else n for n in names)
            v.label = f"{left}{v._op}{right}" if v._op == "*" else f"{left} {v._op} {right}"
        else:
            v.label = f"{v._op}({names[0]})"


def graph_svg(root) -> bytes:
    """draw_dot's SVG of `root`, every node labelled, top to bottom when left to right is too wide."""
    from micrograd.viz import draw_dot

    label_every_node(root)
    svg = draw_dot(root).pipe(format="svg")
    width = float(re.search(rb'<svg width="([\d.]+)pt"', svg).group(1))
    if width > WIDEST_LEFT_TO_RIGHT:
        svg = draw_dot(root, rankdir="TB").pipe(format="svg")
    return clean_graph(svg.decode()).encode()


def clean_graph(svg: str) -> str:
    """A Graphviz SVG ready to sit in a page: no XML prologue, a transparent background
    (so dark mode can invert it), and a class the stylesheet sizes it by."""
    svg = svg[svg.index("<svg") :]
    return re.sub(
        r'(<g id="graph0" class="graph"[^>]*>\s*(?:<title>[^<]*</title>\s*)?<polygon) fill="white"',
        r'\1 fill="none"',
        svg,
        count=1,
    )


def sized(width_pt: float) -> str:
    """The CSS that fits a graph to its column, between its natural size and SMALLEST_SCALE of it."""
    natural = width_pt * 4 / 3  # pt to CSS px
    return (
        f"width: 100%; max-width: {natural:.0f}px; min-width: {natural * SMALLEST_SCALE:.0f}px; height: auto"
    )


# an SVG printed into a page, with the prologue and comments Graphviz puts before it
INLINE_GRAPH = re.compile(
    r"(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<svg\b.*?</svg>", re.S
)
GRAPH_IMAGE = re.compile(r'<img\b[^>]*\bsrc="([^"]*figures/graph-[^"]*\.svg)"[^>]*>')


def _inline_graph(match: re.Match) -> str:
    if "graphviz" not in match.group(0):
        return match.group(0)
    svg = clean_graph(match.group(0))
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    styled = svg.replace("<svg ", f'<svg style="{sized(width)}" ', 1)
    return f'<div class="graph">{styled}</div>'


def _graph_image(match: re.Match, title: str) -> str:
    img, src = match.group(0), match.group(1)
    width = GRAPH_WIDTHS[src.rsplit("/", 1)[1]]
    img = img.replace("<img ", f'<img style="{sized(width)}" ', 1)
    return f'<a class="graph" href="{src}" title="{title}">{img}</a>'


def fit_graphs(html: str, title: str) -> str:
    """Every expression graph fitted to the column but never below SMALLEST_SCALE of its natural
    size, in a box that scrolls sideways when that is still too wide (a phone): drawn on the page
    by draw_dot (inline SVG), or a figure file, which is also a link (`title`) to itself at full size."""
    html = INLINE_GRAPH.sub(_inline_graph, html)
    return GRAPH_IMAGE.sub(lambda m: _graph_image(m, title), html)


def measure(figures: dict[str, bytes]) -> None:
    """Remember each graph figure's natural width, for fit_graphs."""
    for name, content in figures.items():
        if name.startswith("graph-"):
            GRAPH_WIDTHS[name] = float(re.search(rb'<svg width="([\d.]+)pt"', content).group(1))
