# Issue 18's route with raw memory (after forger_answers.py): 38/38 from stubs, unflagged, while the
# child imported ctypes to confine itself. ctypes is found through object.__subclasses__() (or
# imported), an address is read as an object (a Union of c_void_p and py_object), the cell's own
# traceback is read at id(tb) + 24 for its frame (no .tb_frame), and that frame's f_back is main's:
# its locals hold send and receive. Where notebooks are graded now, no process holds ctypes, and
# importing it gives a stand-in with no Union: the route stops at its first step.
_ct = next((c.__init__.__globals__ for c in object.__subclasses__() if c.__name__ == "CDLL"), None)
if _ct is None:
    _ct = vars(__import__("ctypes"))
_U = type("U", (_ct["Union"],), {"_fields_": [("a", _ct["c_void_p"]), ("o", _ct["py_object"])]})


def _at(address):
    u = _U()
    u.a = address
    return u.o


try:
    1 / 0
except ZeroDivisionError as _e:
    _tb = _e.__traceback__
_frame = _at(_ct["c_void_p"].from_address(id(_tb) + 24).value)
_loc = _frame.f_back.f_locals
_send, _recv = _loc["send"], _loc["receive"]
_send({"loaded": True})
_send(_answer(_recv()))
_recv()
