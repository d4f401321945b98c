"""Every judge takes every report its probe can write: it passes the case or rejects it, and its
hints say something or nothing. A judge that raises anything else would leave the exercise not
graded, for the student's slip (a slope returned as a one-item tuple did)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mgc.course.manifest import load
from mgc.judge.checks import check_for
from mgc.judge.checks.base import (
    FLAG,
    FLAGS,
    NUMBER,
    NUMBERS,
    REPORTS,
    WHOLES,
    WORDS,
    Rejection,
    _first_hint,
    well_formed,
)

NUMBERS_SEEN = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e-12, 1e300]),
)
KINDS = {  # what a probe's report holds: plain floats (mgc.probes.probes.number), flags, counts, tags
    NUMBER: NUMBERS_SEEN,
    NUMBERS: st.lists(NUMBERS_SEEN, max_size=12),
    FLAG: st.booleans(),
    FLAGS: st.lists(st.booleans(), max_size=6),
    WHOLES: st.lists(st.integers(-2, 40), max_size=12),
    WORDS: st.lists(st.sampled_from(["w0", "w1", "b", "0.0", "1.2", "?", "[...]"]), max_size=8),
}
EXERCISES = [e for a in load().assignments for e in a.exercises]


def numbers(size: int):
    return st.lists(NUMBERS_SEEN, min_size=size, max_size=size)


def report(probe: str, case: dict):
    """Any report the probe can write for `case`: its kinds, and the sizes and keys it fixes (a grad
    per node, a loss per step, tags or a count by the part asked for)."""
    parts = {key.rstrip("?"): st.one_of(*(KINDS[k] for k in kinds)) for key, kinds in REPORTS[probe].items()}
    if probe == "backward":
        nodes = len(case["leaves"]) + len(case["program"])
        parts |= {"grads": numbers(nodes), "again": numbers(nodes)}
    if probe == "train":
        parts["losses"] = numbers(case["steps"])
    if probe == "parameters":
        keep = "count" if case["part"] == "count" else "tags"
        return st.fixed_dictionaries({keep: parts[keep]})
    optional = [key.rstrip("?") for key in REPORTS[probe] if key.endswith("?")]
    return st.fixed_dictionaries(parts).flatmap(
        lambda full: st.sets(st.sampled_from(optional or [""])).map(
            lambda left_out: {k: v for k, v in full.items() if k not in left_out}
        )
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_a_judge_passes_or_rejects_every_report_its_probe_can_write(exercise):
    check = check_for(exercise)
    cases = check.cases(random.Random(7))

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.sampled_from(range(len(cases))).flatmap(
            lambda i: st.tuples(st.just(i), report(check.probe, cases[i]))
        )
    )
    def judged(drawn):
        index, result = drawn
        assert well_formed(check.probe, result)
        try:
            check.judge(cases[index], result)
        except Rejection as rejection:
            _first_hint(rejection.hints, cases, [result] * len(cases))

    judged()
