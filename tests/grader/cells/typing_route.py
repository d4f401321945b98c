# A second red team's route to main's pipes, past the first scan (after forger_answers.py). With
# the answers, it scored 17/17 from stubs, unflagged; mgc.sandbox.child._guard now refuses it.
# eval in disguise: typing.get_type_hints evaluates string annotations (any expression) in the
# function's globals; the scan never reads code inside a string that is not one identifier.
import typing
def _probe(a: "getattr", f: "__import__('sys')._getframe"): pass
_hints = typing.get_type_hints(_probe)
_ga, _frame = _hints["a"], _hints["f"]           # getattr and sys._getframe, under names the scan lets by
_loc = _ga(_ga(_frame(), "f_" + "back"), "f_" + "locals")
_send, _recv = _loc["send"], _loc["receive"]
_send({"loaded": True})
_send(_answer(_recv()))
_recv()
