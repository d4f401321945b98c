# Lesson 8's code: the lecture's neuron in PyTorch, and a new differentiable operation.
# ruff: noqa: E402
# --8<-- [start:torch]
import torch


def leaf(x):
    return torch.tensor([x], dtype=torch.double, requires_grad=True)


x1, x2 = leaf(2.0), leaf(0.0)
w1, w2 = leaf(-3.0), leaf(1.0)
b = leaf(6.8813735870195432)

n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)
o.backward()
print(f"o    {o.item():.10f}")
for name, t in [("x1", x1), ("w1", w1), ("x2", x2), ("w2", w2)]:
    print(f"{name:4} {t.grad.item():.10f}")
# --8<-- [end:torch]

# --8<-- [start:micrograd]
from micrograd import Value

x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
o_mg = (x1 * w1 + x2 * w2 + b).tanh()
o_mg.backward()
grads = {v.label: v.grad for v in (x1, w1, x2, w2, b)}
print(f"o    {o_mg.data:.10f}")
for name in ["x1", "w1", "x2", "w2"]:
    print(f"{name:4} {grads[name]:.10f}")
# --8<-- [end:micrograd]


# --8<-- [start:function]
class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        t = torch.tanh(x)
        ctx.save_for_backward(t)
        return t

    @staticmethod
    def backward(ctx, grad_output):
        (t,) = ctx.saved_tensors
        return (1 - t**2) * grad_output


x1, x2, w1, w2, b = leaf(2.0), leaf(0.0), leaf(-3.0), leaf(1.0), leaf(6.8813735870195432)
o = Tanh.apply(x1 * w1 + x2 * w2 + b)
o.backward()
ours = {"x1": x1, "w1": w1, "x2": x2, "w2": w2, "b": b}
print(all(abs(ours[k].grad.item() - grads[k]) < 1e-12 for k in ours), f"o {o.item():.10f}")
print(torch.autograd.gradcheck(Tanh.apply, (leaf(0.3),)))
# --8<-- [end:function]
