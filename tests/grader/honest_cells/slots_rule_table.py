# an honest student's: __slots__, and one _backward method with a rule per operation (no closures)
import math

# local derivatives, one rule per operation: rule(out) -> [(child, d out / d child), ...]
RULES = {
    '+': lambda out: [(c, 1.0) for c in out._prev],
    '*': lambda out: [(out._prev[0], out._prev[1].data), (out._prev[1], out._prev[0].data)],
    'exp': lambda out: [(out._prev[0], out.data)],
    'tanh': lambda out: [(out._prev[0], 1 - out.data**2)],
    'relu': lambda out: [(out._prev[0], float(out.data > 0))],
    'sigmoid': lambda out: [(out._prev[0], out.data * (1 - out.data))],
}


class Value:
    """A scalar that remembers how it was computed, and its gradient."""
    __slots__ = ('data', 'grad', '_prev', '_op', 'label', '_k')

    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
        self._k = None          # the exponent of a ** node

    def __repr__(self):
        return f"Value(data={self.data})"

    def _backward(self):
        """Pass out.grad to the children, by the rule for this node's operation."""
        if self._op.startswith('**'):
            (x,) = self._prev
            x.grad += self._k * x.data ** (self._k - 1) * self.grad
            return
        rule = RULES.get(self._op)
        if rule is None:
            return
        for child, local in rule(self):
            child.grad += local * self.grad

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), '+')

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), '*')

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int and float exponents"
        out = Value(self.data**other, (self,), f'**{other}')
        out._k = other
        return out

    def exp(self):
        return Value(math.exp(self.data), (self,), 'exp')

    def tanh(self):
        return Value(math.tanh(self.data), (self,), 'tanh')

    def relu(self):
        return Value(max(0.0, self.data), (self,), 'relu')

    def sigmoid(self):
        return Value(1 / (1 + math.exp(-self.data)), (self,), 'sigmoid')

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
