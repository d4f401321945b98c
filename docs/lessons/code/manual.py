# Lesson 3's code: lesson 2's expression, backpropagated by hand.
# ruff: noqa: E702, F821
# --8<-- [start:start]
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = Value(10.0, label="c")
e = a * b; e.label = "e"
d = e + c; d.label = "d"
f = Value(-2.0, label="f")
L = d * f; L.label = "L"
print(L)
# --8<-- [end:start]

# --8<-- [start:product]
L.grad = 1.0
d.grad = f.data * L.grad
f.grad = d.data * L.grad
print(d.grad, f.grad)
# --8<-- [end:product]

# --8<-- [start:sum]
e.grad = 1.0 * d.grad
c.grad = 1.0 * d.grad
print(e.grad, c.grad)
# --8<-- [end:sum]

# --8<-- [start:leaves]
a.grad = b.data * e.grad
b.grad = a.data * e.grad
for v in (L, f, d, c, e, a, b):
    print(f"{v.label}: data {v.data:5}, grad {v.grad}")
# --8<-- [end:leaves]

# --8<-- [start:draw]
print(draw_dot(L, rankdir="TB").pipe(format="svg").decode())
# --8<-- [end:draw]


# --8<-- [start:nudge]
def lol():
    h = 0.001

    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b; e.label = "e"
    d = e + c; d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f; L.label = "L"
    L1 = L.data

    a = Value(2.0 + h, label="a")  # the same expression, a nudged by h
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b; e.label = "e"
    d = e + c; d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f; L.label = "L"
    L2 = L.data

    print((L2 - L1) / h)


lol()
# --8<-- [end:nudge]

# --8<-- [start:step]
a.data += 0.01 * a.grad
b.data += 0.01 * b.grad
c.data += 0.01 * c.grad
f.data += 0.01 * f.grad

e = a * b
d = e + c
L = d * f

print(L.data)
# --8<-- [end:step]
