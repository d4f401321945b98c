# Lesson 10's code: the lecture's four examples, the loss and the training loop (nn.py:loss), and
# what the learning rate does.
# ruff: noqa: E402, F821
# --8<-- [start:data]
from micrograd.data import tiny

xs, ys = tiny()
for x, y in zip(xs, ys):
    print(x, "->", y)
# --8<-- [end:data]

# --8<-- [start:run]
import random

from micrograd import MLP

random.seed(1)
model = MLP(3, [4, 4, 1])
losses = train(model, xs, ys, steps=60, learning_rate=0.05)
for step in (0, 20, 40, 59):
    print(step, round(losses[step], 6))
print([round(model(x).data, 3) for x in xs])
# --8<-- [end:run]

# --8<-- [start:too-large]
random.seed(1)
model = MLP(3, [4, 4, 1])
losses = train(model, xs, ys, steps=20, learning_rate=1.0)
print("losses:", [round(loss, 4) for loss in losses[:3]], "...", round(losses[-1], 4))
print("predictions:", [round(model(x).data, 4) for x in xs])
print(f"largest grad at the last step: {max(abs(p.grad) for p in model.parameters()):.1e}")
# --8<-- [end:too-large]

# --8<-- [start:half]
random.seed(1)
model = MLP(3, [4, 4, 1])
losses = train(model, xs, ys, steps=6, learning_rate=0.5)
print([round(loss, 3) for loss in losses])
# --8<-- [end:half]
