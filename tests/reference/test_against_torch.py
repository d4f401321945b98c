"""Random expression graphs: micrograd against PyTorch float64 and against finite differences."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import assume, given
from micrograd import Value

from tests.reference.expressions import leaf_values, programs, run


def finite(*xs: float) -> bool:
    return all(math.isfinite(x) and abs(x) < 1e8 for x in xs)


@given(programs, leaf_values)
def test_forward_and_every_leaf_gradient_match_pytorch(program, values):
    leaves = [Value(v) for v in values]
    root, _ = run(program, leaves)
    assume(finite(root.data))
    root.backward()

    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    troot, _ = run(program, tensors)
    troot.backward()

    assert root.data == pytest.approx(troot.item(), rel=1e-12, abs=1e-12)
    for leaf, t in zip(leaves, tensors):
        expected = t.grad.item() if t.grad is not None else 0.0
        assert leaf.grad == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(programs, leaf_values)
def test_every_leaf_gradient_matches_central_differences(program, values):
    leaves = [Value(v) for v in values]
    root, kinks = run(program, leaves)
    assume(finite(root.data))
    assume(all(abs(k) > 1e-3 for k in kinks))  # relu is not differentiable at 0
    root.backward()

    eps = 1e-6
    for i, leaf in enumerate(leaves):
        up = [Value(v + eps * (j == i)) for j, v in enumerate(values)]
        down = [Value(v - eps * (j == i)) for j, v in enumerate(values)]
        (r_up, kinks_up), (r_down, kinks_down) = run(program, up), run(program, down)
        # relu must not change sides between the two evaluations
        assume(all((a > 0) == (b > 0) for a, b in zip(kinks_up, kinks_down)))
        numeric = (r_up.data - r_down.data) / (2 * eps)
        assume(finite(numeric) and abs(numeric) < 1e4)
        # torch.autograd.gradcheck's rule: |a - n| <= atol + rtol * |n|
        assert abs(leaf.grad - numeric) <= 1e-5 + 1e-3 * abs(numeric)


def test_torch_and_micrograd_agree_on_the_lecture_follow_up_softmax():
    logits = [Value(x) for x in (0.0, 3.0, -2.0, 1.0)]
    counts = [z.exp() for z in logits]
    total = sum(counts)
    probs = [c / total for c in counts]
    loss = -probs[3].log()
    loss.backward()

    t = torch.tensor([0.0, 3.0, -2.0, 1.0], dtype=torch.float64, requires_grad=True)
    tloss = -torch.softmax(t, dim=0)[3].log()
    tloss.backward()
    assert loss.data == pytest.approx(tloss.item(), rel=1e-14)
    assert [z.grad for z in logits] == pytest.approx(t.grad.tolist(), abs=1e-14)
