# A second red team's route to main's pipes, past the first scan (after forger_answers.py). With
# the answers, it scored 17/17 from stubs, unflagged; mgc.sandbox.child._guard now refuses it.
# Names renamed after the scan: a generator's gi_code (not flagged) .replace(co_names=...) turns
# harmless names into f_back/f_locals, and type(lambda: 0) makes a function of it. locals() at a
# cell's top level is the notebook's namespace (and it is not flagged, unlike globals()).
def _walk(e):
    yield e.tb.fr.bk.lc
_code = _walk(None).gi_code
_swap = {"tb": "_" * 2 + "traceback" + "_" * 2, "fr": "tb_" + "frame", "bk": "f_" + "back", "lc": "f_" + "locals"}
_code = _code.replace(co_names=tuple(_swap.get(n, n) for n in _code.co_names))
try:
    1 / 0
except ZeroDivisionError as _e:
    _loc = next(type(lambda: 0)(_code, locals())(_e))
_send, _recv = _loc["send"], _loc["receive"]
_send({"loaded": True})
_send(_answer(_recv()))
_recv()
