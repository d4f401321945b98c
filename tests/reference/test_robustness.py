"""Where the original micrograd breaks: deep graphs, bad inputs, domain errors, reuse."""

from __future__ import annotations

import gc
import math

import numpy as np
import pytest
from micrograd import MLP, Neuron, Value


def test_a_100000_deep_chain_runs_forward_and_backward():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0001 + 0.5
    y.backward()
    # y = 1.0001**n * x + const, so dy/dx = 1.0001**n
    assert x.grad == pytest.approx(1.0001**100_000, rel=1e-9)


def test_a_deep_graph_with_reuse_at_every_level():
    x = Value(0.5)
    y = x
    for _ in range(5_000):
        y = (y * y + y) * 0.5  # each node is used twice
    y.backward()
    # the same derivative, accumulated by hand with the chain rule
    v, d = 0.5, 1.0
    for _ in range(5_000):
        d *= (2 * v + 1) * 0.5
        v = (v * v + v) * 0.5
    assert y.data == pytest.approx(v, rel=1e-12)
    assert x.grad == pytest.approx(d, rel=1e-9)


def live_values() -> int:
    return sum(type(o) is Value for o in gc.get_objects())


def test_a_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()  # so that only reference counting can free anything
    try:
        before = live_values()
        x = Value(2.0)
        y = (x * 3 + 1).tanh().exp() ** 2 / (x - 5)
        y.backward()
        assert live_values() > before + 10
        del x, y
        assert live_values() == before, "the graph was not freed by reference counting alone"
    finally:
        gc.enable()


@pytest.mark.parametrize("bad", ["3", None, [1.0], {"a": 1}, complex(1, 2), object()])
def test_non_numeric_data_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_numpy_scalars_are_accepted_as_floats():
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0


def test_a_plain_operand_that_is_not_a_number_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "2"


def test_value_to_the_power_of_a_value_is_a_clear_type_error():
    with pytest.raises(TypeError, match="exponent must be an int or a float"):
        Value(2.0) ** Value(3.0)


@pytest.mark.parametrize(
    ("build", "error", "words"),
    [
        (lambda: Value(-1.0).log(), ValueError, "positive"),
        (lambda: Value(0.0).log(), ValueError, "positive"),
        (lambda: Value(-8.0) ** 0.5, ValueError, "negative base"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "negative power"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "negative power"),
        (lambda: Value(1000.0).exp(), OverflowError, "too large"),
    ],
)
def test_math_domain_errors_are_clear(build, error, words):
    with pytest.raises(error, match=words):
        build()


def test_negative_base_with_a_whole_exponent_is_fine():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


def test_tanh_and_sigmoid_saturate_without_overflow():
    for x in (-800.0, 800.0):
        t, s = Value(x).tanh(), Value(x).sigmoid()
        assert abs(t.data) == 1.0 and s.data in (0.0, 1.0)
        t.backward()
        s.backward()
    assert Value(800.0).tanh().data == math.tanh(800.0)


def test_at_most_two_children():
    a = Value(1.0)
    with pytest.raises(ValueError, match="at most two children"):
        Value(1.0, (a, a, a))


def test_an_mlp_with_a_one_neuron_hidden_layer_works():
    model = MLP(2, [16, 1, 1])
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    out.backward()
    assert len(model.parameters()) == 16 * 3 + 17 + 2


def test_a_neuron_rejects_the_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="takes 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])


def test_an_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="activation"):
        Neuron(3, activation="gelu")


def test_relu_neurons_and_a_linear_output():
    model = MLP(2, [3, 1], activation="relu", linear_output=True)
    assert [str(n) for n in model.layers[0].neurons] == ["ReluNeuron(2)"] * 3
    assert str(model.layers[1].neurons[0]) == "LinearNeuron(3)"


def test_a_power_of_zero_has_no_gradient_even_at_zero():
    # PyTorch's answer: d(x ** 0)/dx is 0, also at x = 0, where the general rule would divide by zero
    for base in (0.0, 2.5, -1.0):
        x = Value(base)
        y = x**0
        y.backward()
        assert (y.data, x.grad) == (1.0, 0.0)
