# The lecture's Value as lessons 2 and 3 grow it: forward only. Its _backward
# functions are the engine exercise; the finished class is on the solution page.
# --8<-- [start:value]
class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0  # dL/d(self), 0 until backprop
        self._prev = tuple(_children)  # a set in the lecture
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), "*")


# --8<-- [end:value]


# --8<-- [start:expression]
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = Value(10.0, label="c")
e = a * b
e.label = "e"
d = e + c
d.label = "d"
f = Value(-2.0, label="f")
L = d * f
L.label = "L"
# --8<-- [end:expression]
