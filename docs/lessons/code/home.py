# The home page's example, in both editions.
# --8<-- [start:what]
from micrograd import Value

a, b = Value(2.0), Value(-3.0)
L = (a * b + 10) * -2
L.backward()
print(L.data, a.grad, b.grad)
# --8<-- [end:what]
