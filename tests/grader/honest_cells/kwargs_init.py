# an honest student's: the constructor takes the children and the operation through **kwargs
import math


class Value:
    """A scalar that remembers how it was computed, and its gradient."""

    def __init__(self, data, **kwargs):
        self.data = data
        self.grad = 0.0                   # d(output)/d(self); 0 until backward() runs
        self._backward = lambda: None     # passes out.grad to the children; nothing on a leaf
        self._prev = set(kwargs.get('_children', ()))
        self._op = kwargs.get('_op', '')
        self.label = kwargs.get('label', '')

    def __repr__(self):
        return f"Value(data={self.data})"

    # ### Exercise engine.add: self + other
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, _children=(self, other,), _op='+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.mul: self * other
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, _children=(self, other,), _op='*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.rmul: other + self and other * self, when other is a plain number
    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    # ### Exercise engine.pow: self ** other, for an int or float exponent
    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int and float exponents"
        out = Value(self.data**other, _children=(self,), _op=f'**{other}')

        def _backward():
            self.grad += other * self.data**(other - 1) * out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.exp: e ** self
    def exp(self):
        out = Value(math.exp(self.data), _children=(self,), _op='exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.tanh: the hyperbolic tangent, forward and backward
    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, _children=(self,), _op='tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.relu: max(0, self)
    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, _children=(self,), _op='ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.sigmoid: 1 / (1 + e ** -self), in one step
    def sigmoid(self):
        s = 1.0 / (1.0 + math.exp(-self.data))
        out = Value(s, _children=(self,), _op='sigmoid')

        def _backward():
            self.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    # ### Exercise engine.composites: -self, self - other, self / other, from the operations above
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    # ### Exercise engine.backward: sort the graph topologically, then apply the chain rule
    def backward(self):
        topo = []
        visited = set()

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
        ### END SOLUTION
