# A third red team's route, past the guard's first version (after forger_answers.py): 17/17 from
# stubs, unflagged, until main was sealed over its own globals and builtins and the hook kept its own lists.
# Only the shared builtins module: main's _read calls len() on the whole request blob, and _json
# calls isinstance() on the report before it serialises it. Nothing of child.py is touched.
import string, typing
_get = string.Formatter().get_field
_bi = _get("0.sys.modules[builtins]", (typing,), {})[0]
_ml = _get("0.sys.modules[marshal].loads", (typing,), {})[0]
_box = {}
def _len(x, _o=_bi.len, _l=_ml, _b=_box, _t=type):
    n = _o(x)
    if _t(x) is bytes and n > 64 and "req" not in _b:
        try:
            m = _l(x)
            if _t(m) is dict and "probe" in m:
                _b["req"] = m
        except Exception:
            pass
    return n
def _isinstance(x, c, _o=_bi.isinstance, _b=_box, _t=type):
    if _t(x) is dict and "results" in x and "req" in _b and not _b.get("done"):
        _b["done"] = True
        x["results"] = _answer(_b["req"])["results"]
    return _o(x, c)
setattr(_bi, "len", _len)
setattr(_bi, "isinstance", _isinstance)
