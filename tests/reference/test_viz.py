"""What draw_dot draws: one record per value, one node per operation, edges child -> op -> value."""

from __future__ import annotations

import re
import shutil

import pytest
from micrograd import Value
from micrograd.viz import draw_dot, save_svg, trace

from tests.conftest import require
from tests.reference.test_lecture_facts import lecture_graph as lecture_values


def lecture_graph() -> Value:
    """The lecture's L = (a*b + c) * f, backpropagated."""
    *_, L = lecture_values()
    L.backward()
    return L


def test_trace_finds_every_node_and_edge():
    L = lecture_graph()
    nodes, edges = trace(L)
    assert sorted(v.label for v in nodes) == ["L", "a", "b", "c", "d", "e", "f"]
    assert sorted((c.label, p.label) for c, p in edges) == [
        ("a", "e"),
        ("b", "e"),
        ("c", "d"),
        ("d", "L"),
        ("e", "d"),
        ("f", "L"),
    ]


def test_draw_dot_draws_records_and_operations_left_to_right():
    source = draw_dot(lecture_graph()).source
    assert "rankdir=LR" in source
    records = re.findall(r'label="\{ (\w*) \| data (\S+) \| grad (\S+) \}" shape=record', source)
    assert sorted(records) == sorted(
        [
            ("L", "-8.0000", "1.0000"),
            ("a", "2.0000", "6.0000"),
            ("b", "-3.0000", "-4.0000"),
            ("c", "10.0000", "-2.0000"),
            ("d", "4.0000", "-2.0000"),
            ("e", "-6.0000", "-2.0000"),
            ("f", "-2.0000", "4.0000"),
        ]
    )
    ops = re.findall(r'(\w+op) \[label="(.)"\]', source)
    assert sorted(op for _, op in ops) == ["*", "*", "+"]
    # 3 op -> value edges, and 6 child -> op edges
    assert len(re.findall(r"-> v\d+op", source)) == 6
    assert len(re.findall(r"op -> v\d+\n", source)) == 3


def test_the_same_graph_always_gives_the_same_source():
    assert draw_dot(lecture_graph()).source == draw_dot(lecture_graph()).source


def test_special_characters_in_labels_are_escaped():
    v = Value(1.0, label="a|b{c}<d>")
    assert r"a\|b\{c\}\<d\>" in draw_dot(v).source


def test_save_svg_renders_with_graphviz(tmp_path):
    require(shutil.which("dot") is not None, "Graphviz's dot is not installed")
    path = save_svg(lecture_graph(), tmp_path / "graph" / "L.svg")
    svg = path.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert svg.count('class="node"') == 7 + 3  # records plus operations


def test_a_deep_graph_can_be_traced():
    x = Value(1.0)
    for _ in range(20_000):
        x = x + 1
    nodes, edges = trace(x)
    assert len(nodes) == 40_001 and len(edges) == 40_000


def test_a_bad_rankdir_is_rejected():
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(Value(1.0), rankdir="sideways")
