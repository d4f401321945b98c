"""Every number the lecture (shared/lecture/FACTS.md) says the engine must reproduce."""

from __future__ import annotations

import math

import pytest
from micrograd import MLP, Layer, Neuron, Value


def f(x: float) -> float:
    return 3 * x**2 - 4 * x + 5


def test_one_sided_derivative_of_a_parabola():
    h = 0.001
    assert f(3.0) == 20.0
    slope = (f(3.0 + h) - f(3.0)) / h
    assert slope == pytest.approx(14.003, abs=1e-9)
    assert abs(slope - 14.0) < 0.01


def test_too_small_a_step_breaks_in_floating_point():
    assert (f(3.0 + 1e-16) - f(3.0)) / 1e-16 == 0.0  # 3.0 + 1e-16 rounds back to 3.0


def test_nudging_each_input_of_d_equals_a_times_b_plus_c():
    a, b, c, h = 2.0, -3.0, 10.0, 1e-4
    d = a * b + c
    assert (a * b + c + 0) == d == 4.0
    assert ((a + h) * b + c - d) / h == pytest.approx(b)  # dd/da = b
    assert (a * (b + h) + c - d) / h == pytest.approx(a)  # dd/db = a
    assert (a * b + (c + h) - d) / h == pytest.approx(1.0)


def lecture_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return a, b, c, d, e, f, L


def test_value_has_the_lecture_fields():
    a = Value(2.0, label="a")
    assert (a.data, a.grad, a._prev, a._op, a.label) == (2.0, 0.0, (), "", "a")
    assert repr(a) == "Value(data=2.0, grad=0.0)"
    a._backward()  # a leaf's backward does nothing
    assert a.grad == 0.0
    b = a * 3
    assert b._op == "*" and b._prev[0] is a and b._prev[1].data == 3


def test_manual_backprop_numbers():
    a, b, c, d, e, f, L = lecture_graph()
    assert L.data == -8.0
    L.backward()
    grads = {v.label: v.grad for v in (L, f, d, c, e, a, b)}
    assert grads == {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}


def test_manual_backprop_agrees_with_nudging_each_input():
    h = 1e-6

    def L_of(a=2.0, b=-3.0, c=10.0, f=-2.0):
        return (a * b + c) * f

    base = L_of()
    a, b, c, _, _, f, L = lecture_graph()
    L.backward()
    nudged = {a: L_of(a=2.0 + h), b: L_of(b=-3.0 + h), c: L_of(c=10.0 + h), f: L_of(f=-2.0 + h)}
    for leaf, value in nudged.items():
        assert (value - base) / h == pytest.approx(leaf.grad, abs=1e-4)


def test_one_optimisation_step_raises_L():
    a, b, c, _, _, f, L = lecture_graph()
    L.backward()
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    e = a * b
    d = e + c
    assert (d * f).data == pytest.approx(-7.286496, abs=1e-12)


def lecture_neuron(tanh_from_exp: bool = False):
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    if tanh_from_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.backward()
    return o, n, {v.label: v.grad for v in (b, x1, w1, x2, w2)}


def test_a_neuron_with_tanh():
    o, n, grads = lecture_neuron()
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-12)
    assert n.grad == pytest.approx(0.5, abs=1e-12)  # 1 - tanh(n)**2
    expected = {"b": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    assert grads == pytest.approx(expected, abs=1e-12)


def test_tanh_built_from_exp_matches_the_single_node():
    o1, _, grads1 = lecture_neuron()
    o2, _, grads2 = lecture_neuron(tanh_from_exp=True)
    assert o2.data == pytest.approx(o1.data, abs=1e-12)
    assert grads2 == pytest.approx(grads1, abs=1e-12)


def test_a_value_used_twice_accumulates():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_the_second_accumulation_case():
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)


def test_more_operations_with_plain_numbers():
    a = Value(2.0)
    assert (a + 1).data == 3.0 and (1 + a).data == 3.0
    assert (a * 2).data == 4.0 and (2 * a).data == 4.0
    assert (a - 1).data == 1.0 and (1 - a).data == -1.0
    assert (a / 4).data == 0.5 and (4 / a).data == 2.0
    assert (-a).data == -2.0
    assert a.exp().data == pytest.approx(math.exp(2.0))
    assert (a**3).data == 8.0


@pytest.mark.parametrize(
    ("build", "expected_grad"),
    [
        (lambda a: a.exp(), math.exp(2.0)),  # its own output
        (lambda a: a**3, 3 * 2.0**2),  # n * x**(n-1)
        (lambda a: a**-1, -1 / 2.0**2),
        (lambda a: a**0.5, 0.5 / math.sqrt(2.0)),
        (lambda a: 1 / a, -1 / 2.0**2),
        (lambda a: a / 4, 0.25),
        (lambda a: -a, -1.0),
        (lambda a: 5 - a, -1.0),
        (lambda a: a.log(), 0.5),
        (lambda a: a.relu(), 1.0),
        (lambda a: (-a).relu(), 0.0),
        (lambda a: a.sigmoid(), math.exp(-2) / (1 + math.exp(-2)) ** 2),
    ],
)
def test_local_derivative_of_each_operation(build, expected_grad):
    a = Value(2.0)
    build(a).backward()
    assert a.grad == pytest.approx(expected_grad, rel=1e-12)


@pytest.mark.parametrize(
    ("as_lecture", "tolerance"),
    # The lecture's torch.Tensor([...]).double() rounds each input to float32
    # first; a float64 tensor from the start agrees to the last bit.
    [(True, 1e-6), (False, 1e-15)],
)
def test_the_neuron_agrees_with_pytorch(as_lecture, tolerance):
    import torch

    def tensor(x):
        t = torch.Tensor([x]).double() if as_lecture else torch.tensor([x], dtype=torch.float64)
        t.requires_grad = True
        return t

    x1, x2, w1, w2, b = map(tensor, (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    o = torch.tanh(x1 * w1 + x2 * w2 + b)
    o.backward()
    ours, _, grads = lecture_neuron()
    assert o.item() == pytest.approx(ours.data, abs=tolerance)
    for name, t in {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}.items():
        assert t.grad.item() == pytest.approx(grads[name], abs=tolerance)


def test_the_mlp_of_the_lecture_has_41_parameters():
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41
    assert len(Neuron(3).parameters()) == 4
    assert len(Layer(3, 4).parameters()) == 16


def test_a_one_neuron_layer_returns_the_value_itself():
    out = Layer(3, 1)([1.0, 2.0, 3.0])
    assert isinstance(out, Value)
    outs = Layer(3, 2)([1.0, 2.0, 3.0])
    assert isinstance(outs, list) and len(outs) == 2


def test_training_on_the_tiny_dataset_drives_the_loss_near_zero():
    import random

    from micrograd.data import tiny

    random.seed(42)
    xs, ys = tiny()
    model = MLP(3, [4, 4, 1])
    losses = []
    for _ in range(200):
        predictions = [model(x) for x in xs]
        loss = sum((p - y) ** 2 for p, y in zip(predictions, ys))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.01 < losses[0]
    assert all(abs(p.data - y) < 0.1 for p, y in zip((model(x) for x in xs), ys))


def test_without_zero_grad_gradients_pile_up():
    model = MLP(3, [4, 1])
    x = [1.0, -2.0, 0.5]
    model(x).backward()
    first = [p.grad for p in model.parameters()]
    model(x).backward()  # no zero_grad: the new grads land on top of the old
    assert [p.grad for p in model.parameters()] == pytest.approx([2 * g for g in first])
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())
    model(x).backward()
    assert [p.grad for p in model.parameters()] == pytest.approx(first)
