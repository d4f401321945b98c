# The first red team's route: protocol_forger.py rewritten to look like nothing the first scan knew
# (getattr with constant names, posix for os, marshal from sys.modules), after forger_answers.py.
import posix as _p, sys as _s, json as _j, math as _m
_g = getattr(_s, "_getframe")
_mods = getattr(_s, "modules")
_f = _g()
while "reports" not in getattr(_f, "f_locals"):
    _f = getattr(_f, "f_back")
_loc = getattr(_f, "f_locals")
_REQ, _REP = _loc["requests"], _loc["reports"]
def _rd(n):
    b = b""
    while len(b) < n:
        b += _p.read(_REQ, n - len(b))
    return b
_p.write(_REP, b'{"loaded": true}\n')
_req = _mods["marshal"].loads(_rd(int.from_bytes(_rd(8), "big")))
_res = [(_op if _req["probe"] == "operation" else _bw)(c) for c in _req["cases"]]
_p.write(_REP, (_j.dumps({"results": _res}) + "\n").encode())
_p._exit(0)
