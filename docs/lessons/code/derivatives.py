# Lesson 1's code: a derivative measured by nudging the input.
# --8<-- [start:f]
def f(x):
    return 3 * x**2 - 4 * x + 5


print(f(3.0))
# --8<-- [end:f]

# --8<-- [start:slope]
h = 0.001
print((f(3.0 + h) - f(3.0)) / h)
# --8<-- [end:slope]

# --8<-- [start:symmetric]
print((f(3.0 + h) - f(3.0 - h)) / (2 * h))
# --8<-- [end:symmetric]

# --8<-- [start:too-small]
h = 1e-16
print(3.0 + h == 3.0, (f(3.0 + h) - f(3.0)) / h)
# --8<-- [end:too-small]

# --8<-- [start:several]
a, b, c, h = 2.0, -3.0, 10.0, 0.0001
d = a * b + c
print("dd/da", ((a + h) * b + c - d) / h)   # b
print("dd/db", (a * (b + h) + c - d) / h)   # a
print("dd/dc", (a * b + (c + h) - d) / h)   # 1
# --8<-- [end:several]
