"""A tiny neural-network library shaped like PyTorch's `torch.nn`."""

from __future__ import annotations

import random
from collections.abc import Sequence

from micrograd.engine import Number, Value

ACTIVATIONS = ("tanh", "relu")


class Module:
    """Base class: anything with parameters that can have their grads reset."""

    def zero_grad(self) -> None:
        """Set every parameter's grad back to 0 (call it before each backward())."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every trainable Value in this module."""
        return []


class Neuron(Module):
    """One neuron: act(w . x + b), with weights and bias drawn uniformly from [-1, 1]."""

    def __init__(self, nin: int, nonlin: bool = True, activation: str = "tanh") -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))
        self.nonlin = nonlin
        self.activation = activation

    def __call__(self, x: Sequence[Value | Number] | Value) -> Value:
        if isinstance(x, Value):  # the output of a one-neuron layer
            x = [x]
        if len(x) != len(self.w):
            raise ValueError(f"this neuron takes {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if not self.nonlin:
            return act
        return act.tanh() if self.activation == "tanh" else act.relu()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        kind = self.activation.capitalize() if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that each see the same `nin` inputs."""

    def __init__(self, nin: int, nout: int, **kwargs: object) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number] | Value) -> Value | list[Value]:
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs  # one neuron: the Value itself

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts`, applied one after another.

    The lecture's MLP uses tanh everywhere, the output included (the default).
    The two-moons demo uses `activation="relu", linear_output=True`.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
        linear_output: bool = False,
    ) -> None:
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=activation, nonlin=not (linear_output and i == last))
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | Number] | Value) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
