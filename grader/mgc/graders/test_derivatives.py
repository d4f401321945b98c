"""Graders of the derivatives assignment: derivatives, by nudging and by hand."""

import pytest


@pytest.mark.exercise("derivatives.one_sided")
def test_one_sided(check):
    check()


@pytest.mark.exercise("derivatives.symmetric")
def test_symmetric(check):
    check()


@pytest.mark.exercise("derivatives.gradient")
def test_gradient(check):
    check()


@pytest.mark.exercise("derivatives.accuracy")
def test_accuracy(check):
    check()
