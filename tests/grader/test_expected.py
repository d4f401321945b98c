"""The grader's truth (mgc.judge.expected) runs the grader's own formulas on PyTorch tensors; here it is
checked against PyTorch's own functions, written independently of those formulas."""

from __future__ import annotations

import itertools
import random

import torch
from mgc.judge import expected

F64 = torch.float64


def _tensor(values):
    return torch.tensor(values, dtype=F64, requires_grad=True)


def test_softmax_and_its_gradients_are_pytorchs():
    rng = random.Random(1)
    for n in (1, 3, 6):
        logits = [rng.uniform(-5, 5) for _ in range(n)]
        weights = [rng.uniform(-2, 2) for _ in range(n)]
        z = _tensor(logits)
        probs = torch.softmax(z, dim=0)
        (probs @ torch.tensor(weights, dtype=F64)).backward()
        assert torch.allclose(torch.tensor(expected.softmax(logits), dtype=F64), probs.detach(), rtol=1e-12)
        assert torch.allclose(torch.tensor(expected.softmax_grads(logits, weights), dtype=F64), z.grad)


def test_nll_is_pytorchs_cross_entropy():
    logits, target = [10.0, -10.0, 0.0, 2.5], 1
    z = _tensor(logits)
    loss = torch.nn.functional.cross_entropy(z[None], torch.tensor([target]))
    loss.backward()
    value, grads = expected.nll(logits, target)
    assert abs(value - loss.item()) < 1e-9 and torch.allclose(torch.tensor(grads, dtype=F64), z.grad)


def test_mse_is_pytorchs_summed_mse():
    ypred, ys = [0.9, -0.8, -0.7, 0.95], [1.0, -1.0, -1.0, 1.0]
    p = _tensor(ypred)
    loss = torch.nn.functional.mse_loss(p, torch.tensor(ys, dtype=F64), reduction="sum")
    loss.backward()
    value, grads = expected.mse(ypred, ys)
    assert abs(value - loss.item()) < 1e-12 and torch.allclose(torch.tensor(grads, dtype=F64), p.grad)


def test_training_matches_a_torch_nn_mlp_trained_by_torch_optim():
    sizes, xs, ys, steps, lr = [3, 4, 1], [[2.0, 3.0, -1.0], [0.5, 1.0, 1.0]], [1.0, -1.0], 5, 0.05
    layers = [torch.nn.Linear(a, b, dtype=F64) for a, b in itertools.pairwise(sizes)]
    weights = []  # the grader's order: each neuron's weights, then its bias
    for layer in layers:
        for row, bias in zip(layer.weight.tolist(), layer.bias.tolist()):
            weights += [*row, bias]
    model = torch.nn.Sequential(*(m for layer in layers for m in (layer, torch.nn.Tanh())))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    want = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((model(torch.tensor(xs, dtype=F64)).squeeze(1) - torch.tensor(ys, dtype=F64)) ** 2).sum()
        loss.backward()
        optimizer.step()
        want.append(loss.item())
    got = expected.mlp_losses(sizes, weights, xs, ys, steps, lr)
    assert all(abs(g - w) < 1e-12 for g, w in zip(got, want)), (got, want)
