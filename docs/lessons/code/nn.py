# Lessons 9 and 10 and the solution page: the lecture's neural-net library and its training loop,
# on any Value with the lecture's operations (the lessons use the course's engine, `micrograd`).
# ruff: noqa: E402, E702
# --8<-- [start:engine]
# --8<-- [end:engine]
# --8<-- [start:nn]
import random

from micrograd import Value  # the course's engine: lesson 7's Value, made robust and fast


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        # w * x + b
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"TanhNeuron({len(self.w)})"


class Layer(Module):
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
# --8<-- [end:nn]


# --8<-- [start:loss]
def mse_loss(ypred, ys):
    return sum((yp - y) ** 2 for yp, y in zip(ypred, ys))


def train(model, xs, ys, steps, learning_rate):
    losses = []
    for _ in range(steps):
        loss = mse_loss([model(x) for x in xs], ys)  # forward
        model.zero_grad()                            # the grads start from 0 ...
        loss.backward()                              # ... and collect this step's
        for p in model.parameters():
            p.data += -learning_rate * p.grad        # downhill: against the gradient
        losses.append(loss.data)
    return losses
# --8<-- [end:loss]

# --8<-- [start:use]
random.seed(1)
model = MLP(3, [4, 4, 1])
print(model)
print(len(model.parameters()), "parameters")
out = model([2.0, 3.0, -1.0])
print(round(out.data, 6))
# --8<-- [end:use]

# --8<-- [start:one-neuron]
random.seed(3)
neuron = Neuron(2)
w1, w2 = neuron.w
b = neuron.b
w1.label, w2.label, b.label = "w1", "w2", "b"
x1, x2 = Value(1.0, label="x1"), Value(-2.0, label="x2")

x1w1 = x1 * w1; x1w1.label = "x1*w1"
x2w2 = x2 * w2; x2w2.label = "x2*w2"
s = x1w1 + x2w2; s.label = "x1*w1 + x2*w2"
act = s + b; act.label = "act"
out = act.tanh(); out.label = "out"
out.backward()
print(neuron, "->", round(out.data, 4))
print("w1.grad", round(w1.grad, 4))
print("x1 * (1 - out**2)", round(x1.data * (1 - out.data**2), 4))  # the same: chain rule
# --8<-- [end:one-neuron]

# --8<-- [start:draw]
from micrograd.viz import draw_dot

print(draw_dot(out, rankdir="TB").pipe(format="svg").decode())
# --8<-- [end:draw]

# --8<-- [start:all-grads]
random.seed(1)
model = MLP(3, [4, 4, 1])
out = model([2.0, 3.0, -1.0])
out.backward()
print([round(p.grad, 4) for p in model.parameters()[:6]], "...")
# --8<-- [end:all-grads]
