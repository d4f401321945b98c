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
        """`nin` weights and a bias; `nonlin=False` makes it linear; `activation` is tanh or relu."""
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))
        self.nonlin = nonlin
        self.activation = activation

    def __call__(self, x: Sequence[Value | Number] | Value) -> Value:
        """act(w . x + b) for the `nin` inputs `x` (numbers or Values).

        Local derivatives: w_i with respect to x_i, x_i with respect to w_i and
        1 with respect to b, each times the activation's derivative
        (1 - out**2 for tanh, 1 or 0 for relu).
        """
        if isinstance(x, Value):  # the output of a one-neuron layer
            x = [x]
        if len(x) != len(self.w):
            raise ValueError(f"this neuron takes {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if not self.nonlin:
            return act
        return act.tanh() if self.activation == "tanh" else act.relu()

    def parameters(self) -> list[Value]:
        """The weights in order, then the bias: `nin + 1` Values."""
        return self.w + [self.b]

    def __repr__(self) -> str:
        """`TanhNeuron(nin)`, `ReluNeuron(nin)` or `LinearNeuron(nin)`."""
        kind = self.activation.capitalize() if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that each see the same `nin` inputs."""

    def __init__(self, nin: int, nout: int, **kwargs: object) -> None:
        """`nout` neurons of `nin` inputs each; `kwargs` go to every Neuron."""
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number] | Value) -> Value | list[Value]:
        """Every neuron on the same inputs: a list of outputs, or the Value itself for one neuron.

        No operation of its own: the gradient reaches the inputs through each neuron.
        """
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs  # one neuron: the Value itself

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron, in one flat list."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        """`Layer of [...]`, listing its neurons."""
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
        """Layers of sizes `nouts` after `nin` inputs; `linear_output` drops the last activation."""
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=activation, nonlin=not (linear_output and i == last))
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | Number] | Value) -> Value | list[Value]:
        """Each layer's output is the next layer's input; returns the last layer's output.

        No operation of its own: the chain rule runs back through the layers.
        """
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        """Every layer's parameters, layer by layer, in one flat list (41 for MLP(3, [4, 4, 1]))."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        """`MLP of [...]`, listing its layers."""
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
