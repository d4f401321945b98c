# Lesson 12's code: the finished library on the two-moons data set.

# --8<-- [start:demo]
from micrograd.data import make_moons
from micrograd.demo import demo_model

xs, ys = make_moons(100, noise=0.1, seed=1337)
model = demo_model(1337)
print(len(xs), "points,", len(model.parameters()), "parameters")
# --8<-- [end:demo]
