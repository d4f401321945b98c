# A third red team's cell, with the stubs: no pipe at all. The probe's isolated class carries the
# grader's op_* functions, whose __globals__ are the payload's: it swapped `evaluate` (14/17).
# The child now compares the probe's namespace before and after: changed, the results are void.
# Every engine method stays a stub. During the trusted phase the probe's isolated subclass carries
# the grader's own op_* functions; their globals are the payload's, so the student's __init__
# swaps the payload's `evaluate` for one that works the expression out on plain floats and
# hands back a node whose _backward adds central-difference slopes.
import math, string
_get = string.Formatter().get_field

class _F(float):
    def _w(f): return lambda *a: _F(f(*[float(x) for x in a]))
    __add__ = _w(float.__add__); __radd__ = _w(float.__radd__); __mul__ = _w(float.__mul__)
    __rmul__ = _w(float.__rmul__); __sub__ = _w(float.__sub__); __rsub__ = _w(float.__rsub__)
    __truediv__ = _w(float.__truediv__); __rtruediv__ = _w(float.__rtruediv__); __pow__ = _w(float.__pow__)
    __neg__ = _w(float.__neg__)
    def exp(s): return _F(math.exp(s))
    def log(s): return _F(math.log(s))
    def tanh(s): return _F(math.tanh(s))
    def relu(s): return _F(s if s > 0 else 0.0)
    def sigmoid(s): return _F(1 / (1 + math.exp(-s)))

_state = {}

def _install(cls):
    for f in (cls.__add__, cls.__mul__, cls.__pow__, cls.__radd__, cls.exp, cls.tanh, cls.relu):
        try:
            g = _get("0._" + "_globals_" + "_", (f,), {})[0]
        except Exception:
            continue
        if "evaluate" in g and not _state.get(id(g)):
            _state[id(g)] = True
            real = g["evaluate"]
            def fake(expr, xs, c=None, _real=real):
                V = type(xs[0])
                vals = [float(x.data) for x in xs if x is not None]
                leaves = []
                for x in xs:
                    if x is not None and all(x is not l for l in leaves):
                        leaves.append(x)
                def f(shift=None):
                    fl = {id(l): _F(l.data + (shift[1] if shift and shift[0] is l else 0.0)) for l in leaves}
                    return float(_real(expr, [fl[id(x)] if x is not None else None for x in xs], c))
                out = V(f(), tuple(leaves), "forged")
                slopes = [(f((l, 1e-6)) - f((l, -1e-6))) / 2e-6 for l in leaves]
                def back():
                    for l, s in zip(leaves, slopes):
                        l.grad += s * out.grad
                out._backward = back
                return out
            g["evaluate"] = fake

_orig_init = Value.__init__
def _init(self, *args, _o=_orig_init, **kwargs):
    _o(self, *args, **kwargs)
    if type(self) is not Value:
        _install(type(self))
Value.__init__ = _init
