"""Graders of the engine assignment: the value engine and backpropagation."""

import pytest


@pytest.mark.exercise("engine.add")
def test_add(check):
    check()


@pytest.mark.exercise("engine.mul")
def test_mul(check):
    check()


@pytest.mark.exercise("engine.rmul")
def test_rmul(check):
    check()


@pytest.mark.exercise("engine.pow")
def test_pow(check):
    check()


@pytest.mark.exercise("engine.exp")
def test_exp(check):
    check()


@pytest.mark.exercise("engine.tanh")
def test_tanh(check):
    check()


@pytest.mark.exercise("engine.relu")
def test_relu(check):
    check()


@pytest.mark.exercise("engine.composites")
def test_composites(check):
    check()


@pytest.mark.exercise("engine.backward")
def test_backward(check):
    check()
