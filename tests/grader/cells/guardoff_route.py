# A third red team's route, past the guard's first version (after forger_answers.py): 17/17 from
# stubs, unflagged, until main was sealed over its own globals and builtins and the hook kept its own lists.
# The audit hook reads REFUSED, REFUSED_FAMILIES and FRAMES from child.py's globals on every
# event: empty them and sys._getframe works again; main's frame is the cell's caller.
import string, typing
_get = string.Formatter().get_field
_G = _get("0._" + "_getattr_" + "_._" + "_globals_" + "_", (get_ipython,), {})[0]
_G["REFUSED"] = frozenset()
_G["REFUSED_FAMILIES"] = ("\0",)
_G["FRAMES"] = ()
_loc = _get("0.f_" + "locals", (_get("0.sys._get" + "frame", (typing,), {})[0](1),), {})[0]
_send, _recv = _loc["send"], _loc["receive"]
_send({"loaded": True})
_send(_answer(_recv()))
_recv()
