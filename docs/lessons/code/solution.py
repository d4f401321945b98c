# The solution page's checks of the complete engine and library (both editions).
# ruff: noqa: E402, F821
# --8<-- [start:checks]
# the lecture's checks: lesson 3's expression and lesson 4's neuron
a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
L = (a * b + c) * f
L.backward()
print(L.data, [v.grad for v in (a, b, c, f)])

x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
bias = Value(6.8813735870195432)
n = x1 * w1 + x2 * w2 + bias
e = (2 * n).exp()
o = (e - 1) / (e + 1)   # tanh from exp, pow, division and subtraction
o.backward()
print(round(o.data, 10), [round(v.grad, 10) for v in (x1, w1, x2, w2, bias)])
# --8<-- [end:checks]

# --8<-- [start:train]
from micrograd.data import tiny

xs, ys = tiny()
random.seed(1)
model = MLP(3, [4, 4, 1])
losses = train(model, xs, ys, steps=60, learning_rate=0.05)
print(len(model.parameters()), "parameters; loss", round(losses[0], 6), "->", round(losses[-1], 6))
# --8<-- [end:train]
