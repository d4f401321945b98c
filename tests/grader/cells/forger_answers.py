# The second red team's forgers' shared part: every case answered with plain floats (central
# differences for backward). attacks.forger(ROUTE) puts it before a route to main's pipes.
import math as _m
_OPS = {"add": lambda x, y, c: x + y, "add_const": lambda x, y, c: x + c, "add_self": lambda x, y, c: x + x,
        "radd": lambda x, y, c: c + x, "mul": lambda x, y, c: x * y, "mul_const": lambda x, y, c: x * c,
        "mul_self": lambda x, y, c: x * x, "rmul": lambda x, y, c: c * x, "pow": lambda x, y, c: x ** c,
        "exp": lambda x, y, c: _m.exp(x), "log": lambda x, y, c: _m.log(x), "tanh": lambda x, y, c: _m.tanh(x),
        "relu": lambda x, y, c: x if x > 0 else 0.0, "sigmoid": lambda x, y, c: 1 / (1 + _m.exp(-x)),
        "neg": lambda x, y, c: -x, "sub": lambda x, y, c: x - y,
        "sub_const": lambda x, y, c: x - c, "rsub": lambda x, y, c: c - x, "truediv": lambda x, y, c: x / y,
        "truediv_const": lambda x, y, c: x / c, "rtruediv": lambda x, y, c: c / x}
def _ap(op, v, c): return float(_OPS[op](v[0], v[1] if len(v) > 1 else None, c))
def _d(f, x, h=1e-6): return (f(x + h) - f(x - h)) / (2 * h)
def _op(c):
    v, k, op = c["values"], c.get("const"), c["op"]
    ds = [_d(lambda t, i=i: _ap(op, v[:i] + [t] + v[i + 1:], k), v[i]) for i in range(len(v))]
    return {"data": _ap(op, v, k), "grads": [p + c["seed"] * d for p, d in zip(c["pre"], ds)],
            "numeric": ds, "reached": [True] * len(v)}
def _ev(c, k=None, dl=0.0):
    v = list(c["leaves"]); n0 = len(v)
    if k is not None and k < n0: v[k] += dl
    for n, (op, i, j) in enumerate(c["program"]):
        r = _m.tanh(v[i]) if op == "tanh" else (v[i] + v[j] if op == "+" else v[i] * v[j])
        v.append(r + (dl if k == n0 + n else 0.0))
    return v[-1]
def _bw(c):
    n, n0 = len(c["leaves"]) + len(c["program"]), len(c["leaves"])
    g = [(_ev(c, k, 1e-6) - _ev(c, k, -1e-6)) / 2e-6 for k in range(n)]; g[-1] = 1.0
    return {"grads": g, "calls": list(range(n - 1, n0 - 1, -1)), "again": [2 * x for x in g]}
def _answer(req):
    return {"results": [(_op if req["probe"] == "operation" else _bw)(c) for c in req["cases"]]}
