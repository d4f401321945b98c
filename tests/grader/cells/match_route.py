# A second red team's route to main's pipes, past the first scan (after forger_answers.py). With
# the answers, it scored 17/17 from stubs, unflagged; mgc.sandbox.child._guard now refuses it.
# Frames through a match statement's class pattern: its keyword names are bare strings in the AST.
try:
    1 / 0
except ZeroDivisionError as _e:
    _err = _e
match _err:
    case object(__traceback__=object(tb_frame=object(f_back=object(f_locals={"send": _send, "receive": _recv})))):
        _send({"loaded": True})
        _send(_answer(_recv()))
        _recv()  # the grader kills this child once it has the results
