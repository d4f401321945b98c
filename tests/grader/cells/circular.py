# A fourth red team's cell (issue 18), kept as written.
# A "Value" in which no operation computes anything or knows any derivative: every method is
# written in terms of the *other* methods. Run on its own, every operation recurses forever
# (try: Value(2.0) * Value(3.0) -> RecursionError). The grader isolates each method and
# substitutes its own correct versions of all the others, so each one "works".
import math


def _V(self, x):
    return x if hasattr(x, "_prev") else type(self)(x)


def _neg(y):  # -y from exp, ** and log only (no *, which the mul child lacks)
    return (y.exp() ** -1).log()


def _abs(y):  # |y| from ** only
    return (y ** 2) ** 0.5


def _mul(self, other):
    other = _V(self, other)
    a, b = self.data, other.data
    if a == 0 or b == 0:  # ab = ((a+b)^2 - (a-b)^2) / 4, the /4 as ((x+1/16)^2 - (x-1/16)^2)
        x = (self + other) ** 2 + _neg((self + _neg(other)) ** 2)
        return (x + 1 / 16) ** 2 + _neg((x + (-1 / 16)) ** 2)
    p = (_abs(self).log() + _abs(other).log()).exp()
    return p if (a > 0) == (b > 0) else _neg(p)


def _add(self, other):
    other = _V(self, other)
    return (self.exp() * other.exp()).log()


def _pow(self, c):
    if float(c).is_integer() and c != 0:
        p = self
        for _ in range(int(abs(c)) - 1):
            p = p * self
        if c > 0:
            return p
        r = (-(p if p.data > 0 else -p).log()).exp()
        return r if p.data > 0 else -r
    return (self.log() * c).exp()


def _exp(self):
    t = (self * 0.5).tanh()
    return (t + 1) / (-t + 1)


def _tanh(self):
    e = (self * 2).exp()
    return (e - 1) / (e + 1)


Value.__add__ = _add
Value.__mul__ = _mul
Value.__radd__ = lambda self, other: self + other
Value.__rmul__ = lambda self, other: self * other
Value.__pow__ = _pow
Value.exp = _exp
Value.tanh = _tanh
Value.relu = lambda self: self * (1.0 if self.data > 0 else 0.0)
Value.sigmoid = lambda self: (1 + (-self).exp()) ** -1
Value.__neg__ = lambda self: self * -1.0
Value.__sub__ = lambda self, other: self + (-other)
Value.__truediv__ = lambda self, other: self * (other ** -1 if hasattr(other, "_prev") else 1.0 / other)
# names the grader fills with its own operations when the class has them
Value.log = lambda self: self.log()
Value.__rsub__ = lambda self, other: (-self) + other
Value.__rtruediv__ = lambda self, other: self ** -1 * other
