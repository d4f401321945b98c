# A second red team's route to main's pipes, past the first scan (after forger_answers.py). With
# the answers, it scored 17/17 from stubs, unflagged; mgc.sandbox.child._guard now refuses it.
# getattr in disguise: string.Formatter.get_field follows a dotted field name; the scan only
# judges strings that are single identifiers, and "0.a.b" is not one.
import string
_get = string.Formatter().get_field
try:
    1 / 0
except ZeroDivisionError as _e:
    _loc = _get("0.__traceback__.tb_frame.f_back.f_locals", (_e,), {})[0]
_send, _recv = _loc["send"], _loc["receive"]
_send({"loaded": True})
_send(_answer(_recv()))
_recv()
