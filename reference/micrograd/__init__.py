"""micrograd: a tiny scalar autograd engine and a neural-net library on top of it."""

from micrograd.engine import Value
from micrograd.nn import MLP, Layer, Module, Neuron

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value"]
