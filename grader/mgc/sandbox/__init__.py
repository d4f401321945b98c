"""The sandbox: runs untrusted code in confined child processes that the grader can always stop,
and knows nothing about micrograd. runner.py is the grader's side; child.py the confined server
and its children; launcher.py, interpreter.py and syscalls.py how they are confined; standins.py
what honest notebook code finds there besides the standard library."""


class SandboxError(Exception):
    """The code did not answer: it hung, crashed, exited, used up its time or sent garbage. The
    student's to mend: the exercise fails, saying so."""


class SandboxFailure(SandboxError):
    """The sandbox itself failed (its server stopped answering, a process could not be confined):
    not the code's doing, so what it was asked is not graded, never scored 0."""
