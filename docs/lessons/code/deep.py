# Lesson 5's last block: the course's engine on a graph deeper than Python's recursion limit.
# --8<-- [start:deep]
from micrograd import Value

x = Value(1.0)
y = x
for _ in range(100_000):
    y = y * 1.0001 + 0.5
y.backward()
print(f"{x.grad:.6g}")
# --8<-- [end:deep]
