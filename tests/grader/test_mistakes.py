"""Each classic mistake costs exactly its own exercise, with a hint that names it;
correct solutions written differently get full marks."""

from __future__ import annotations

import pytest

from tests.grader.helpers import edited, failed, grade_cells, solution_cells

ADD_BACKWARD = "            self.grad += out.grad\n            other.grad += out.grad"
NEG_SOLUTION = "    def __neg__(self):\n        ### BEGIN SOLUTION\n        return self * -1"
MUL_BACKWARD = (
    "            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad"
)

# (assignment, what the solution says, what the student wrote, the exercise it costs, words of the hint)
MISTAKES = [
    pytest.param(
        "engine",
        ADD_BACKWARD,
        ADD_BACKWARD.replace("+=", "="),
        "engine.add",
        "+=",
        id="assign-not-accumulate",
    ),
    pytest.param(
        "engine",
        "other = other if isinstance(other, Value) else Value(other)\n        out = Value(self.data + ",
        "out = Value(self.data + ",
        "engine.add",
        "Wrap the other operand",
        id="plain-number-not-wrapped",
    ),
    pytest.param(
        "engine",
        MUL_BACKWARD,
        MUL_BACKWARD.replace(" * out.grad", ""),
        "engine.mul",
        "out.grad",
        id="missing-out-grad-factor",
    ),
    pytest.param(
        "engine",
        MUL_BACKWARD,
        "            self.grad += self.data * out.grad\n            other.grad += other.data * out.grad",
        "engine.mul",
        "*other*",
        id="wrong-operand-in-mul",
    ),
    pytest.param(
        "engine",
        "other * self.data**(other - 1)",
        "other * self.data**other",
        "engine.pow",
        "off by one",
        id="pow-off-by-one",
    ),
    pytest.param(
        "engine",
        "self.grad += out.data * out.grad",
        "self.grad += self.data * out.grad",
        "engine.exp",
        "the output",
        id="exp-uses-its-input",
    ),
    pytest.param(
        "engine",
        "(1 - t**2) * out.grad",
        "(1 - t) * out.grad",
        "engine.tanh",
        "1 - t**2",
        id="tanh-one-minus-t",
    ),
    pytest.param(
        "engine",
        "self.grad += (out.data > 0) * out.grad",
        "self.grad += self.data * out.grad",
        "engine.relu",
        "relu",
        id="relu-passes-its-input",
    ),
    pytest.param(
        "engine",
        "                visited.add(v)\n",
        "",
        "engine.backward",
        "visited set",
        id="no-visited-set",
    ),
    pytest.param(
        "engine",
        "for node in reversed(topo):",
        "for node in topo:",
        "engine.backward",
        "in reverse",
        id="order-not-reversed",
    ),
    pytest.param(
        "engine", "        self.grad = 1.0\n", "", "engine.backward", "self.grad = 1.0", id="root-not-seeded"
    ),
    pytest.param(
        "nn",
        "p.grad = 0.0",
        "p.grad = p.grad",
        "nn.zero_grad",
        "left every grad",
        id="zero-grad-does-nothing",
    ),
    pytest.param(
        "nn", "return self.w + [self.b]", "return self.w", "nn.parameters", "bias", id="parameters-miss-bias"
    ),
    pytest.param(
        "nn",
        "for layer in self.layers for p in layer.parameters()",
        "for layer in self.layers[:-1] for p in layer.parameters()",
        "nn.parameters",
        "layer",
        id="parameters-miss-a-layer",
    ),
    pytest.param(
        "nn", "        model.zero_grad()\n", "", "nn.train", "zero_grad()", id="training-never-zeroes-grads"
    ),
    pytest.param(
        "nn",
        "p.data += -learning_rate * p.grad",
        "p.data += -0.2 * p.grad",
        "nn.train",
        "not the learning_rate",
        id="training-ignores-its-learning-rate",
    ),
    pytest.param(
        "nn",
        "p.data += -learning_rate * p.grad",
        "p.data += learning_rate * p.grad",
        "nn.train",
        "uphill",
        id="training-climbs-the-loss",
    ),
    pytest.param(
        "engine",
        "(self,), 'ReLU')",
        "(), 'ReLU')",
        "engine.relu",
        "operands as children",
        id="relu-output-has-no-children",
    ),
    pytest.param(
        "engine",
        "other * self.data**(other - 1) * out.grad",
        "other * out.data / self.data * out.grad",
        "engine.pow",
        None,
        id="pow-backward-divides-by-the-base",
    ),
    pytest.param(
        "engine",
        NEG_SOLUTION,
        NEG_SOLUTION.replace("self * -1", "0 - self"),
        "engine.composites",
        None,
        id="neg-needs-an-rsub-the-class-lacks",
    ),
    pytest.param(
        "softmax",
        "total = sum(counts)",
        "total = sum(c.data for c in counts)",
        "softmax.softmax",
        "not from their .data",
        id="softmax-denominator-from-data",
    ),
    pytest.param(
        "engine",
        ADD_BACKWARD,
        ADD_BACKWARD.replace("+=", "-="),
        "engine.add",
        "wrong sign",
        id="gradient-with-the-wrong-sign",
    ),
    pytest.param(
        "engine",
        "self.grad += out.data * out.grad",
        "self.grad += 0.0 * out.grad",
        "engine.exp",
        "never changes the operands' grads",
        id="backward-changes-nothing",
    ),
    pytest.param(
        "engine",
        "other * self.data**(other - 1) * out.grad",
        "self.data**(other - 1) * out.grad",
        "engine.pow",
        "keeps the factor n",
        id="pow-drops-its-factor-n",
    ),
    pytest.param(
        "engine",
        NEG_SOLUTION,
        NEG_SOLUTION.replace("self * -1", "-self"),
        "engine.composites",
        "recursion never ends",
        id="neg-calls-itself",
    ),
    pytest.param(
        "nn", "p.grad = 0.0", "p.data = 0.0", "nn.zero_grad", "never p.data", id="zero-grad-resets-the-data"
    ),
    pytest.param(
        "softmax",
        "return [c / total for c in counts]",
        "return counts",
        "softmax.softmax",
        "divide each count by the sum",
        id="softmax-forgets-to-normalise",
    ),
    pytest.param(
        "nn",
        "outs = [n(x) for n in self.neurons]",
        "outs = [Value(n(x).data) for n in self.neurons]",
        "nn.layer",
        "not new Values made from their .data",
        id="layer-cuts-the-graph",
    ),
    pytest.param(
        "nn",
        "            x = layer(x)\n        return x",
        "            x = layer(x)\n        return Value(x.data)",
        "nn.mlp",
        "not new Values made from their .data",
        id="mlp-cuts-the-graph",
    ),
    pytest.param(
        "derivatives",
        "return (f(x + h) - f(x)) / h",
        "return (f(x + h) - f(x - h)) / (2 * h)",
        "derivatives.one_sided",
        "symmetric form",
        id="one-sided-written-symmetric",
    ),
    pytest.param(
        "derivatives",
        "return (f(x + h) - f(x - h)) / (2 * h)",
        "return (f(x + h) - f(x - h)) / h",
        "derivatives.symmetric",
        None,
        id="symmetric-missing-factor-2",
    ),
    pytest.param(
        "softmax",
        "self.grad += out.grad / self.data",
        "self.grad += out.grad * out.data",
        "softmax.log",
        "1 / x",
        id="log-derivative",
    ),
    # issue 18: one tuple assignment is right for a * b and wrong for a * a (it crashed the hint lookup)
    pytest.param(
        "engine",
        MUL_BACKWARD,
        "            self.grad, other.grad = (\n"
        "                self.grad + other.data * out.grad, other.grad + self.data * out.grad)",
        "engine.mul",
        "used twice",
        id="mul-as-one-tuple-assignment",
    ),
    # issue 18: a backward() that resets every grad first passed, though lesson 11's accumulation broke
    pytest.param(
        "engine",
        "        self.grad = 1.0\n",
        "        for node in topo:\n            node.grad = 0.0\n        self.grad = 1.0\n",
        "engine.backward",
        "only zero_grad() resets them",
        id="backward-resets-every-grad",
    ),
    # issue 18: wrong hints. out.data ** (n - 1) is no off-by-one (it agrees with one only when n = 2)
    pytest.param(
        "engine",
        "other * self.data**(other - 1) * out.grad",
        "other * out.data**(other - 1) * out.grad",
        "engine.pow",
        None,
        id="pow-from-the-output-gets-no-off-by-one-hint",
    ),
    # ... and a nested list of parameters is not a missing neuron
    pytest.param(
        "nn",
        "return [p for neuron in self.neurons for p in neuron.parameters()]",
        "return [neuron.parameters() for neuron in self.neurons]",
        "nn.parameters",
        "one flat list",
        id="parameters-as-a-list-of-lists",
    ),
]


def test_assigning_in_mul_fails_the_visible_checks_at_home():
    # the lecture's cases, as mgc check and the notebook's test cell run them, now include a * a
    from mgc.course.manifest import load
    from mgc.judge.checks import run_exercise
    from mgc.sandbox.runner import Limits, Sandbox

    cells = edited(solution_cells("engine"), MUL_BACKWARD, MUL_BACKWARD.replace("+=", "="))
    verdict = run_exercise(load().exercise("engine.mul"), Sandbox(cells, Limits(10, 10)), None)
    assert not verdict.passed and "+=" in verdict.hint


def test_children_kept_under_another_name_than_the_notebooks_get_a_hint_that_says_so():
    cells = [cell.replace("_prev", "_children_set") for cell in solution_cells("engine")]
    outcome = grade_cells("engine", cells)
    assert failed(outcome), outcome
    for exercise in failed(outcome):
        assert "hint:" in outcome[exercise] and "keep that name" in outcome[exercise], outcome[exercise]


@pytest.mark.parametrize(("assignment", "old", "new", "exercise", "hint"), MISTAKES)
def test_a_classic_mistake_costs_exactly_its_own_exercise(assignment, old, new, exercise, hint):
    outcome = grade_cells(assignment, edited(solution_cells(assignment), old, new))
    assert failed(outcome) == {exercise}, outcome
    feedback = outcome[exercise]
    assert feedback.startswith(exercise + ":")
    assert any(word in feedback for word in ("expected", "raised", "not among", "not the Values"))
    if hint is not None:
        assert "hint:" in feedback and hint in feedback, feedback
    else:  # no hint unless the mistake was diagnosed
        assert "hint:" not in feedback, feedback
    assert "grader broke" not in feedback


ITERATIVE_TOPO = """
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, expanded = stack.pop()
            if expanded:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev if c not in visited)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
"""

KAHN_TOPO = """
        nodes, stack = set(), [self]
        while stack:
            v = stack.pop()
            if v not in nodes:
                nodes.add(v)
                stack.extend(v._prev)
        users = {v: 0 for v in nodes}
        for v in nodes:
            for c in v._prev:
                users[c] += 1
        ready = [self]
        self.grad = 1.0
        while ready:
            v = ready.pop()
            v._backward()
            for c in v._prev:
                users[c] -= 1
                if users[c] == 0:
                    ready.append(c)
"""

TANH_FROM_EXP = """
        e = (2 * self).exp()
        return (e - 1) / (e + 1)
"""


def _replace_method_body(cells: list[str], signature: str, body: str) -> list[str]:
    """Swap the solution region under `signature` for `body`."""
    cell = next(c for c in cells if signature in c)
    start = cell.index("### BEGIN SOLUTION", cell.index(signature))
    start = cell.index("\n", start) + 1
    end = cell.rindex("\n", 0, cell.index("### END SOLUTION", start)) + 1
    new = cell[:start] + body.lstrip("\n") + cell[end:]
    return [new if c is cell else c for c in cells]


ALTERNATIVES = [
    pytest.param("def backward(self):", ITERATIVE_TOPO, id="iterative-topological-sort"),
    pytest.param("def backward(self):", KAHN_TOPO, id="kahn-topological-sort"),
    pytest.param("def tanh(self):", TANH_FROM_EXP, id="tanh-built-from-exp"),
    pytest.param(
        "def __pow__(self, other):",
        """
        out = Value(math.pow(self.data, other), (self,), f'**{other}')

        def _backward():
            self.grad += other * math.pow(self.data, other - 1) * out.grad
        out._backward = _backward
        return out
""",
        id="math-pow",
    ),
    pytest.param("def __rmul__(self, other):", "        return self.__mul__(other)\n", id="rmul-calls-mul"),
    pytest.param(
        "def tanh(self):",
        """
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), 'tanh')

        def _backward():
            self.grad += (1 - out.data**2) * out.grad
        out._backward = _backward
        return out
""",
        id="tanh-formula-by-hand",
    ),
]


@pytest.mark.parametrize(("signature", "body"), ALTERNATIVES)
def test_a_correct_solution_written_differently_gets_full_marks(signature, body):
    cells = _replace_method_body(solution_cells("engine"), signature, body)
    for seed in (0, 1):
        assert failed(grade_cells("engine", cells, seed)) == set()


def test_the_recursive_solution_and_the_alternatives_really_differ():
    cells = solution_cells("engine")
    assert "def build_topo(v):" in "".join(cells)
    assert "build_topo" not in "".join(_replace_method_body(cells, "def backward(self):", KAHN_TOPO))


def test_numbers_in_feedback_are_printed_as_the_code_sees_them():
    from mgc.judge.checks.base import fmt

    assert fmt(2.0) == "2.0" and fmt(-3.0) == "-3.0" and fmt(2) == "2"
    assert fmt([0.5, 1e-07, 1e20, float("inf"), float("nan")]) == "[0.5, 1e-07, 1e+20, inf, nan]"
    assert fmt(0.7071067811865476) == "0.7071067812"
