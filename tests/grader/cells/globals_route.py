# A third red team's route, past the guard's first version (after forger_answers.py): 17/17 from
# stubs, unflagged, until main was sealed over its own globals and builtins and the hook kept its own lists.
# child.py's module globals through the get_ipython stand-in (a class defined in child.py):
# replace _read (to see the request) and _json (to write the report) that main's closures look up.
import string
_G = string.Formatter().get_field("0._" + "_getattr_" + "_._" + "_globals_" + "_", (get_ipython,), {})[0]
_orig_read, _orig_json, _loads = _G["_read"], _G["_json"], _G["marshal"].loads
_box = {}
def _r(read, fd, size, _o=_orig_read, _l=_loads, _b=_box):
    data = _o(read, fd, size)
    if size > 8:
        try:
            m = _l(data)
            if isinstance(m, dict) and "probe" in m:
                _b["req"] = m
        except Exception:
            pass
    return data
def _j(msg, _o=_orig_json, _b=_box):
    if isinstance(msg, dict) and "results" in msg and "req" in _b:
        msg = _answer(_b["req"])
    return _o(msg)
_G["_read"] = _r
_G["_json"] = _j
