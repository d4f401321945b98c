"""Graders of the nn assignment: a neural-net library and its training loop."""

import pytest


@pytest.mark.exercise("nn.neuron")
def test_neuron(check):
    check()


@pytest.mark.exercise("nn.layer")
def test_layer(check):
    check()


@pytest.mark.exercise("nn.mlp")
def test_mlp(check):
    check()


@pytest.mark.exercise("nn.parameters")
def test_parameters(check):
    check()


@pytest.mark.exercise("nn.zero_grad")
def test_zero_grad(check):
    check()


@pytest.mark.exercise("nn.mse")
def test_mse(check):
    check()


@pytest.mark.exercise("nn.train")
def test_train(check):
    check()
