"""What the grader asks of a student's code: run beside that code, report plain numbers.

This module runs inside the sandboxed child, next to the student's notebook,
so it imports nothing but the standard library. A probe takes the student's
namespace and a list of cases and returns, per case, either a dict of plain
numbers or {"error": "..."}. Whether the numbers are right is decided
elsewhere (mgc.judge.checks), in a process that never runs student code.

A child is never sent this whole file: mgc.probes.payload cuts out the probe it runs
and what that probe needs, and leaves out whatever would answer the child's
exercise.

Isolation: to grade one method, `isolate` builds a subclass of the student's
class in which each *other* operation the class defines is the grader's own
(of those the child was sent), and the grader walks the graph itself. A broken
`__mul__` then cannot cost the `__add__` points.
"""

from __future__ import annotations

import io
import math
import sys

from mgc.probes.handed import (  # in a child, those it was sent come from the handed namespace
    FUNCTIONS,
    GIVEN,
    GraderMLP,
    StandInPart,
    backward_given,
    give_backward,
    grader_mse,
    grader_softmax,
    in_their_words,
    module_of,
    new_node,
    recording_backward,
    unavailable,
)

_true_float = float.__float__  # a float subclass cannot lie through these
_true_int = int.__int__


class ProbeError(Exception):
    """The student's code returned something of the wrong kind."""


def number(x: object, what: str = "a value") -> float:
    """The real float inside `x`, whatever its class claims; ProbeError if it is not a number."""
    if isinstance(x, float):
        return _true_float(x)
    if isinstance(x, int):
        return float(_true_int(x))
    raise ProbeError(f"expected {what} to be a number, got {type(x).__name__}")


def describe(error: BaseException) -> str:
    """One line naming the error, then the last student frames of its traceback."""
    if isinstance(error, NotImplementedError):
        return "NotImplementedError"
    if isinstance(error, ProbeError):
        return str.__getitem__(str(error), slice(None))  # an exact str, whatever a subclass returns
    frames = [f for f in printed_frames(error.__traceback__) if f[0].startswith("<cell")]
    where = "".join(f"\n  {name}, line {line}{_source_line(name, line)}" for name, line, _ in frames[-3:])
    return f"{type(error).__name__}: {error}{where}"


def printed_frames(tb) -> list[tuple[str, int, str]]:
    """(file name, line, function) of each entry of traceback `tb`, read from what the interpreter's
    own printer writes: in a child no Python code may look at a frame (mgc.sandbox.child._guard)."""
    printed, stderr = io.StringIO(), sys.stderr
    sys.stderr = printed
    try:
        sys.__excepthook__(Exception, Exception(), tb)  # a blank error: no message, no chained ones
    finally:
        sys.stderr = stderr
    frames = []
    for line in printed.getvalue().splitlines():
        if not line.startswith('  File "'):
            continue
        name, quote, rest = line[8:].partition('", line ')
        number, _, function = rest.partition(", in ")
        if quote and number.isdigit():
            frames.append((name, int(number), function))
    return frames


CELLS: list[str] = []  # the notebook's code cells, set by the child so errors can quote them


def _source_line(filename: str, lineno: int | None) -> str:
    """': the line' of cell "<cell N>", or nothing where there is none to quote."""
    try:
        line = CELLS[int(filename[6:-1]) - 1].splitlines()[(lineno or 0) - 1].strip()
    except (ValueError, IndexError):
        return ""
    return f": {line}" if line else ""


# ---- the operations, written once for any engine with the lecture's API --------
# Each operation is an expression (course.toml's [operations]) that `evaluate` runs on
# the student's Values in the child and on torch tensors in the parent, so both sides
# compute the very same expression.


def evaluate(expression: str, xs: list, c: float | None = None):
    """The expression in a, b (the operands `xs`) and c (a plain number)."""
    names = {"a": xs[0], "b": xs[1] if len(xs) > 1 else None, "c": c, "__builtins__": {}}
    return eval(expression, names)  # an expression from course.toml, never from a student


METHOD_OPS = {  # method name -> the grader's function for it
    "__add__": "op_add",
    "__radd__": "op_radd",
    "__mul__": "op_mul",
    "__rmul__": "op_rmul",
    "__pow__": "op_pow",
    "__neg__": "op_neg",
    "__sub__": "op_sub",
    "__rsub__": "op_rsub",
    "__truediv__": "op_truediv",
    "__rtruediv__": "op_rtruediv",
    "exp": "op_exp",
    "log": "op_log",
    "tanh": "op_tanh",
    "relu": "op_relu",
}


def granted(name: str):
    """A definition this child was sent for its exercise (mgc.probes.payload decides which)."""
    found = globals().get(name)
    if found is None:
        raise ProbeError(f"the grader sent no {name} for this exercise")
    return found


def isolate(V: type, keep: list[str], alone: bool = False) -> type:
    """The student's class `V` itself (the child is thrown away after one probe, and `type(x) is
    Value` must still hold), with each method it defines, except those in `keep`, replaced: by the
    grader's own operation, or, `alone`, by one that refuses to be used (a primitive operation
    computes its own result, and cannot lean on the grader's). Methods the class lacks stay missing."""
    missing = [name for name in keep if not callable(getattr(V, name, None))]
    if missing:
        raise ProbeError(f"{V.__name__} has no method {', '.join(missing)}")
    sent = globals()
    for method, function in METHOD_OPS.items():
        if method not in keep and callable(getattr(V, method, None)):
            replacement = unavailable(method, keep) if alone else sent.get(function)
            if replacement is not None:
                PATCHED.append((V, method, V.__dict__.get(method, PATCHED)))
                setattr(V, method, replacement)
    make_room_for_backward(V)
    return V


def make_room_for_backward(V: type) -> None:
    """A class whose nodes have no room for a `_backward` of their own (__slots__, no __dict__) and
    whose `_backward` is a method (one rule per `_op`): the grader's nodes run the `_backward` it gave
    them, the class's own nodes its method, bound as the class binds it (a plain function, a
    staticmethod or a classmethod). Any other class is left as it is."""
    if V.__dictoffset__ or "_backward" in _slots_of(V):
        return  # its nodes take a _backward of their own
    found = [vars(c)["_backward"] for c in V.__mro__ if "_backward" in vars(c)]
    if found and hasattr(found[0], "__get__"):
        PATCHED.append((V, "_backward", V.__dict__.get("_backward", PATCHED)))
        V._backward = backward_given(found[0])


def _slots_of(V: type) -> set:
    names = set()
    for c in V.__mro__:
        slots = vars(c).get("__slots__", ())
        names |= {slots} if isinstance(slots, str) else set(slots)
    return names


PATCHED: list = []  # (class, method, what it had, or PATCHED itself for nothing): undone after each case


def restore() -> None:
    """Put back what isolate() replaced (in a notebook's own kernel, its class lives on)."""
    while PATCHED:
        V, method, old = PATCHED.pop()
        if old is PATCHED:
            delattr(V, method)
        else:
            setattr(V, method, old)
    GIVEN.clear()


def topological_order(root) -> list:
    """Every node under `root`, each after all of its children (by identity, not by ==)."""
    order, seen, stack = [], {id(root)}, [(root, iter(list(root._prev)))]
    while stack:
        _v, children = stack[-1]
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(list(child._prev))))
                break
        else:
            order.append(stack.pop()[0])
    return order


def walk_backward(root, seed: float = 1.0) -> None:
    """The grader's own backward pass: seed the root, run every `_backward` in reverse order."""
    order = topological_order(root)
    root.grad = seed
    for v in reversed(order):
        v._backward()


def defined(ns: dict, name: str):
    """What the notebook defines under `name`; ProbeError, saying so, when it defines nothing there."""
    if name not in ns:
        raise ProbeError(f"the notebook defines no {name} (did the cell that defines it run?)")
    return ns[name]


def student_class(ns: dict, name: str = "Value") -> type:
    V = ns.get(name)
    if not isinstance(V, type):
        raise ProbeError(f"the notebook defines no class named {name}")
    return V


def cases_of(probe):
    """Run `probe(case)` for each case, turning anything the student's code raises into an error entry."""

    def run(ns: dict, cases: list, **options):
        results = []
        for case in cases:
            try:
                results.append(probe(ns, case, **options))
            except BaseException as error:  # student code may raise anything, SystemExit included
                results.append({"error": describe(error)})
            finally:
                restore()
        return results

    return run


# ---- probes: the engine's operations --------------------------------------------


def _leaves_and_root(V, case, shift=None):
    values = list(case["values"])
    if shift is not None:
        i, delta = shift
        values[i] += delta
    leaves = [V(v) for v in values]
    return leaves, evaluate(case["expr"], leaves, case.get("const"))


@cases_of
def operation(
    ns: dict, case: dict, keep: list[str], eps: float, alone: bool = False, cls: str = "Value"
) -> dict:
    """One operation on fresh leaves: its value, the leaves' grads after a seeded backward
    (on top of pre-loaded grads, so `=` instead of `+=` shows), and central differences. `alone`:
    the other operations are not there to lean on (a primitive computes its own result)."""
    V = isolate(student_class(ns, cls), keep, alone)
    leaves, out = _leaves_and_root(V, case)
    if not isinstance(out, V):
        raise ProbeError(f"{case['op']} returned {type(out).__name__}, not a {cls}")
    for leaf, pre in zip(leaves, case["pre"]):
        leaf.grad = pre
    reached = {id(v) for v in topological_order(out)}
    walk_backward(out, case["seed"])
    result = {"data": number(out.data, "out.data"), "grads": [number(v.grad, "grad") for v in leaves]}
    result["reached"] = [id(leaf) in reached for leaf in leaves]  # by out's children, as backward() walks
    result["numeric"] = [_central_difference(V, case, i, eps) for i in range(len(leaves))]
    return result


def _central_difference(V, case, i: int, eps: float) -> float:
    up = _leaves_and_root(V, case, (i, eps))[1]
    down = _leaves_and_root(V, case, (i, -eps))[1]
    return (number(up.data) - number(down.data)) / (2 * eps)


# ---- probes: backward() and the topological sort --------------------------------


def graph_step(op: str, a, b, tanh=lambda t: t.tanh()):
    """One step of a graph program ("+", "*" or "tanh" of nodes a and b): on plain numbers in
    the child (with math.tanh), on tensors in the grader."""
    return tanh(a) if op == "tanh" else (a + b if op == "+" else a * b)


@cases_of
def backward(ns: dict, case: dict, cls: str = "Value") -> dict:
    """Build a graph whose `_backward` closures the grader wrote, call the student's `backward()` on
    its root twice, and report every grad and the order the closures ran in after the first call,
    and the grads after the second (they accumulate: nothing resets them between calls)."""
    V = student_class(ns, cls)
    if not callable(getattr(V, "backward", None)):
        raise ProbeError(f"{cls} has no method backward")
    make_room_for_backward(V)
    nodes = [V(x) for x in case["leaves"]]
    calls: list[int] = []
    for op, i, j in case["program"]:
        a, b = nodes[i], nodes[j]
        data = graph_step(op, a.data, b.data, math.tanh)
        out = new_node(V, data, (a,) if op == "tanh" else (a, b), op)
        give_backward(out, recording_backward(op, out, a, b, len(nodes), calls))
        nodes.append(out)
    root = nodes[-1]
    root.backward()
    ran = [int.__int__(k) for k in calls if type(k) is int]  # the student's code can reach `calls`
    result = {"grads": [number(v.grad, "grad") for v in nodes], "calls": ran}
    root.backward()
    result["again"] = [number(v.grad, "grad") for v in nodes]
    return result


# ---- probes: functions that build a graph (the neuron, the losses, softmax) ------


def _call_builder(ns, case, values, builder):
    V = isolate(student_class(ns, case.get("cls", "Value")), [])
    leaves = [V(v) for v in values]
    root = granted("build_" + builder)(ns, leaves, case)
    if not isinstance(root, V):
        raise ProbeError(f"expected a Value back, got {type(root).__name__}")
    return leaves, root


@cases_of
def graph(ns: dict, case: dict, builder: str, eps: float) -> dict:
    """A student's function that builds a graph from leaves (called by `build_<builder>`): its
    value, its leaves' grads, and central differences."""
    leaves, root = _call_builder(ns, case, case["values"], builder)
    walk_backward(root, 1.0)
    result = {"data": number(root.data, "the result"), "grads": [number(v.grad, "grad") for v in leaves]}
    numeric = []
    for i in range(len(leaves)):
        up = [v + eps * (j == i) for j, v in enumerate(case["values"])]
        down = [v - eps * (j == i) for j, v in enumerate(case["values"])]
        f_up = number(_call_builder(ns, case, up, builder)[1].data)
        f_down = number(_call_builder(ns, case, down, builder)[1].data)
        numeric.append((f_up - f_down) / (2 * eps))
    result["numeric"] = numeric
    return result


def build_neuron(ns, leaves, case):
    neuron = defined(ns, "Neuron")(len(case["x"]))
    neuron.w, neuron.b = leaves[:-1], leaves[-1]
    return neuron(list(case["x"]))


def build_mse(ns, leaves, case):
    return defined(ns, "mse_loss")(leaves, list(case["ys"]))


def build_softmax_nll(ns, leaves, case):
    saved = ns.get("softmax")
    ns["softmax"] = in_their_words(saved, grader_softmax)  # nll_loss on its own, not on their softmax
    try:
        return defined(ns, "nll_loss")(leaves, case["target"])
    finally:
        ns["softmax"] = saved


@cases_of
def softmax(ns: dict, case: dict) -> dict:
    """The student's softmax on logits (the grader's operations on the student's Values): the
    probabilities, and the logits' grads of sum(weights[i] * probs[i]), walked by the grader."""
    V = isolate(student_class(ns), [])
    logits = [V(z) for z in case["values"]]
    probs = defined(ns, "softmax")(logits)
    result = {"probs": [number(p.data, "a probability") for p in probs]}
    if len(probs) == len(logits):
        add, mul = granted("op_add"), granted("op_mul")
        total = mul(probs[0], case["weights"][0])
        for p, w in zip(probs[1:], case["weights"][1:]):
            total = add(total, mul(p, w))
        walk_backward(total)
        result["grads"] = [number(z.grad, "grad") for z in logits]
    return result


# ---- probes: the neural-net library ----------------------------------------------


def _tags(values, names: dict) -> list[str]:
    """Each value's name among the known parameters ("?" for an unknown one, "[...]" for a list)."""
    return ["[...]" if isinstance(v, list | tuple) else names.get(id(v), "?") for v in values]


def _outputs(result) -> list[float] | float:
    if isinstance(result, list):
        return [number(v.data, "an output") for v in result]
    return number(result.data, "the output")


@cases_of
def layer_call(ns: dict, case: dict) -> dict:
    """Layer.__call__ with stand-in neurons: which outputs come back, in which shape."""
    V = defined(ns, "Value")
    layer = defined(ns, "Layer")(case["nin"], len(case["scales"]))
    layer.neurons = [StandInPart(V, [], s) for s in case["scales"]]
    out = layer(list(case["x"]))
    return {"out": _outputs(out), "connected": _connected(out, [n.returned[-1:] for n in layer.neurons])}


def _connected(out, returned: list[list]) -> bool:
    """Whether each output's graph holds the Value its stand-in returned (so gradients reach it)."""
    outs = out if isinstance(out, list) else [out]
    if len(outs) != len(returned):
        return False
    return all(bool(r) and any(node is r[0] for node in topological_order(o)) for o, r in zip(outs, returned))


@cases_of
def mlp_call(ns: dict, case: dict) -> dict:
    """MLP.__call__ with stand-in layers that each sum their inputs: the composed output."""
    V = defined(ns, "Value")
    mlp = defined(ns, "MLP")(case["nin"], [1] * len(case["scales"]))
    mlp.layers = [StandInPart(V, [], s, layer=True) for s in case["scales"]]
    out = mlp(list(case["x"]))
    return {"out": _outputs(out), "connected": _connected(out, [mlp.layers[-1].returned[-1:]])}


@cases_of
def parameters(ns: dict, case: dict) -> dict:
    """parameters() of a Neuron, a Layer of stand-ins, an MLP of stand-ins, and a real MLP's count."""
    V = defined(ns, "Value")
    part = case["part"]
    if part == "neuron":
        neuron = defined(ns, "Neuron")(case["nin"])
        names = {id(w): f"w{i}" for i, w in enumerate(neuron.w)} | {id(neuron.b): "b"}
        return {"tags": _tags(neuron.parameters(), names)}
    if part in ("layer", "mlp"):
        parts, names = [], {}
        for k, size in enumerate(case["sizes"]):
            params = [V(0.0) for _ in range(size)]
            names |= {id(p): f"{k}.{i}" for i, p in enumerate(params)}
            parts.append(StandInPart(V, params, layer=part == "mlp"))
        if part == "layer":
            module = defined(ns, "Layer")(2, len(parts))
            module.neurons = parts
        else:
            module = defined(ns, "MLP")(2, [1] * len(parts))
            module.layers = parts
        return {"tags": _tags(module.parameters(), names)}
    model = defined(ns, "MLP")(case["nin"], list(case["nouts"]))
    return {"count": len(model.parameters())}


@cases_of
def zero_grad(ns: dict, case: dict) -> dict:
    """Module.zero_grad on a module whose parameters() the grader wrote."""
    V, Module = defined(ns, "Value"), defined(ns, "Module")
    params = [V(1.0) for _ in case["grads"]]
    for p, g in zip(params, case["grads"]):
        p.grad = g
    module = module_of(Module, params)
    module.zero_grad()
    return {"grads": [number(p.grad, "grad") for p in params], "data": [number(p.data) for p in params]}


@cases_of
def train(ns: dict, case: dict) -> dict:
    """The student's training loop on the grader's MLP (with the grader's MSE in scope): the losses."""
    V = isolate(student_class(ns), [])
    model = GraderMLP(V, case["sizes"], case["weights"])
    saved = ns.get("mse_loss")
    ns["mse_loss"] = in_their_words(saved, grader_mse)
    try:
        losses = defined(ns, "train")(
            model, [list(x) for x in case["xs"]], list(case["ys"]), case["steps"], case["lr"]
        )
    finally:
        ns["mse_loss"] = saved
    if not isinstance(losses, list) or len(losses) != case["steps"]:
        raise ProbeError(f"train should return a list of {case['steps']} losses, one per step")
    return {"losses": [number(v, "a loss") for v in losses]}


# ---- probes: derivatives with plain numbers ----------------------------------------


@cases_of
def call(ns: dict, case: dict, grader_slopes: bool = False) -> dict:
    """Call a student's plain function on numbers (FUNCTIONS named by string), report what it returns."""
    fn = ns.get(case["function"])
    if not callable(fn):
        raise ProbeError(f"the notebook defines no function named {case['function']}")
    args = [FUNCTIONS[a[1:]] if isinstance(a, str) and a.startswith("@") else a for a in case["args"]]
    saved = {name: ns.get(name) for name in ("one_sided_derivative", "symmetric_derivative")}
    if grader_slopes:  # grade compare_errors on its own, not on the student's slopes
        for name, grader_slope in zip(saved, ("slope_one_sided", "slope_symmetric")):
            ns[name] = in_their_words(saved[name], granted(grader_slope))
    try:
        result = fn(*args)
    finally:
        ns.update(saved)
    if isinstance(result, list | tuple):
        return {"result": [number(r, "each returned item") for r in result]}
    return {"result": number(result, "the result")}
