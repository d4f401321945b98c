# Lesson 4's code: the lecture's neuron, forward, then backpropagated by hand.
# ruff: noqa: E702, F821
# --8<-- [start:neuron]
# inputs x1, x2
x1 = Value(2.0, label="x1")
x2 = Value(0.0, label="x2")
# weights w1, w2
w1 = Value(-3.0, label="w1")
w2 = Value(1.0, label="w2")
# bias of the neuron
b = Value(6.8813735870195432, label="b")
# x1*w1 + x2*w2 + b
x1w1 = x1 * w1; x1w1.label = "x1*w1"
x2w2 = x2 * w2; x2w2.label = "x2*w2"
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = "x1*w1 + x2*w2"
n = x1w1x2w2 + b; n.label = "n"
o = n.tanh(); o.label = "o"
print(n.data, o.data)
# --8<-- [end:neuron]

# --8<-- [start:by-hand]
o.grad = 1.0
n.grad = (1 - o.data**2) * o.grad     # tanh
x1w1x2w2.grad = n.grad                # n = x1w1x2w2 + b
b.grad = n.grad
x1w1.grad = x1w1x2w2.grad             # x1w1x2w2 = x1w1 + x2w2
x2w2.grad = x1w1x2w2.grad
x1.grad = w1.data * x1w1.grad         # x1w1 = x1 * w1
w1.grad = x1.data * x1w1.grad
x2.grad = w2.data * x2w2.grad         # x2w2 = x2 * w2
w2.grad = x2.data * x2w2.grad
for v in (n, b, x1, w1, x2, w2):
    print(f"{v.label}: {v.grad:.4f}")
# --8<-- [end:by-hand]

# --8<-- [start:draw]
print(draw_dot(o, rankdir="TB").pipe(format="svg").decode())
# --8<-- [end:draw]
