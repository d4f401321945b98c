# Lesson 11's code: what the grads do when nobody resets them.
# ruff: noqa: B007, E402

# --8<-- [start:pile-up]
from micrograd import Value

w = Value(1.0)
for step in range(3):
    loss = (w * 3.0 - 1.0) ** 2
    loss.backward()          # no zero_grad: w.grad keeps growing
    print(step, w.grad)
# --8<-- [end:pile-up]

# --8<-- [start:ten-runs]
import random

from micrograd import MLP
from micrograd.data import tiny

xs, ys = tiny()


def final_loss(seed, zero_grad):
    random.seed(seed)
    model = MLP(3, [4, 4, 1])
    for step in range(100):
        loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
        if zero_grad:
            model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -0.05 * p.grad
    return loss.data, max(abs(p.data) for p in model.parameters())


print("seed   with zero_grad   without   largest weight without")
for seed in range(10):
    right, _ = final_loss(seed, True)
    wrong, biggest = final_loss(seed, False)
    print(f"{seed:4}   {right:12.2e}   {wrong:9.2e}   {biggest:8.1f}")
# --8<-- [end:ten-runs]
