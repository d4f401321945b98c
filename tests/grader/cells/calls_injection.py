# A fourth red team's cell (issue 18), kept as written.
# The backward probe reports `list(calls)`, and `calls` is the list the grader's recording
# `_backward` closures append to. The student's Value receives each closure (out._backward = ...),
# reads `calls` from its __closure__, and appends a str subclass whose .replace() returns raw JSON:
# mgc.child._json calls value.replace(...) on any str instance, so the text goes out unescaped
# (a newline too), and the report line is whatever the student writes.
class Raw(str):
    def replace(self, *args):
        return RawText(str(self))


class RawText(str):
    def replace(self, *args):
        return self

    def __iter__(self):  # _json escapes control characters char by char: hand back each as "printable"
        return iter(Char(c) for c in str.__str__(self))


class Char(str):
    def __ge__(self, other):
        return True


CALLS = []
FORGED = 'x"]}], "results": %s}\n'


def _set_backward(self, fn):
    self.__dict__["_bw"] = fn
    cells = getattr(fn, "__closure__", None) or ()
    for cell in cells:
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if type(value) is list and not any(value is c for c in CALLS) and all(type(x) is int for x in value):
            CALLS.append(value)


Value._backward = property(lambda self: self.__dict__.get("_bw", lambda: None), _set_backward)


def _backward_stub(self):
    # a plain (wrong) walk: no topological sort at all; then overwrite the report
    for calls in CALLS:
        calls.append(Raw(FORGED % '"anything"'))
    CALLS.clear()


Value.backward = _backward_stub
