"""Graders of the softmax assignment: softmax and the negative log-likelihood."""

import pytest


@pytest.mark.exercise("softmax.exp")
def test_exp(check):
    check()


@pytest.mark.exercise("softmax.log")
def test_log(check):
    check()


@pytest.mark.exercise("softmax.div")
def test_div(check):
    check()


@pytest.mark.exercise("softmax.softmax")
def test_softmax(check):
    check()


@pytest.mark.exercise("softmax.nll")
def test_nll(check):
    check()
