"""The sandbox: a hung, exiting or lying submission costs its own exercise and nothing else."""

from __future__ import annotations

import os
import time

import pytest
from mgc.sandbox.runner import Limits, Sandbox, SandboxError, _Child

from tests.grader.helpers import edited, failed, grade_cells, grade_sandbox, solution_cells

EXP_BODY = "        out = Value(math.exp(self.data), (self,), 'exp')\n"


def _engine_with(exp_body: str) -> list[str]:
    return edited(solution_cells("engine"), EXP_BODY, exp_body)


def test_an_infinite_loop_in_one_method_costs_that_exercise_and_the_time_limit_only():
    start = time.monotonic()
    outcome = grade_cells("engine", _engine_with("        while True:\n            pass\n"), seconds=1.5)
    elapsed = time.monotonic() - start
    assert failed(outcome) == {"engine.exp"}
    assert "timed out after 1.5 s" in outcome["engine.exp"]
    assert elapsed < 1.5 + 30, elapsed  # a hang guard: the loop never ends by itself


def test_exiting_the_process_costs_only_that_exercise():
    for exit_call in ("import os; os._exit(0)", "import sys; sys.exit(0)", "raise SystemExit(0)"):
        outcome = grade_cells("engine", _engine_with(f"        {exit_call}\n"))
        assert failed(outcome) == {"engine.exp"}, (exit_call, outcome)


def test_fake_reports_on_stdout_and_stderr_reach_nobody():
    fake = (
        "        import sys\n"
        '        print(\'{"results": [{"data": 1, "grads": [1], "numeric": [1]}]}\')\n'
        "        print('{\"results\": []}', file=sys.stderr)\n"
        "        raise ValueError('no exp here')\n"
    )
    outcome = grade_cells("engine", _engine_with(fake))
    assert failed(outcome) == {"engine.exp"} and "no exp here" in outcome["engine.exp"]


def test_a_cell_that_hangs_at_load_time_is_skipped_and_the_rest_still_grades():
    cells = [*solution_cells("engine"), "while True:\n    pass\n"]
    box = Sandbox(cells, Limits(load_seconds=1.0, request_seconds=5.0))
    box.probe("zero_grad", [])  # any probe: the child loads the notebook first
    assert len(cells) - 1 in box.skipped_cells
    assert "timed out" in box.cell_errors[len(cells) - 1]
    assert failed(grade_cells("engine", cells, seconds=1.0)) == set()


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "beneath the guard"])
def test_the_child_cannot_import_the_reference_engine_torch_or_the_grader(guarded):
    cells = [
        "results = []\n"
        "for name in ('micrograd', 'mgc', 'torch', 'numpy'):\n"
        "    try:\n"
        "        module = __import__(name)\n"
        "        if hasattr(module, '__file__') or hasattr(module, '__path__'):  # not a stand-in\n"
        "            results.append(name)\n"
        "    except ImportError:\n"
        "        pass\n"
        "assert not results, results\n"
    ]
    box = Sandbox(cells, Limits(guarded=guarded))
    box.probe("zero_grad", [])
    assert box.cell_errors == {}


def test_a_value_cell_that_imports_what_the_lecture_imports_is_graded_and_using_them_says_why():
    # a second red team's honest notebook: `import numpy` atop its Value cell cost it 17 of 17 points
    lecture = "import numpy as np\nimport matplotlib.pyplot as plt\nfrom graphviz import Digraph\n"
    lecture += "np.random.seed(1)\n"
    cells = solution_cells("engine")
    value = next(i for i, c in enumerate(cells) if "class Value" in c)
    cells[value] = lecture + cells[value]
    assert failed(grade_cells("engine", cells)) == set()
    box = Sandbox(["import numpy as np\nx = np.array([1.0]) + 1\n"])
    box.probe("zero_grad", [])
    error = box.cell_errors[0]
    assert error.startswith("ModuleNotFoundError: numpy is not installed where notebooks are graded")


def test_magics_and_shell_escapes_do_not_run(tmp_path):
    marker = tmp_path / "ran"
    cells = [f"!touch {marker}\n%time x = 1\nimport os\n", "y = 2"]
    import nbformat
    from mgc.course.notebook import student_code

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    box = Sandbox(student_code(nb))
    box.probe("zero_grad", [])
    assert box.cell_errors == {}
    assert not marker.exists()


def test_a_cell_of_many_magics_is_not_handed_to_ipython():
    # IPython re-reads a cell once per magic, in the grading process and outside every time limit:
    # a red team's 64 KB cell of 8,000 `%time x` took 69 s. Past the budget, magics become `pass`
    import nbformat
    from mgc.course.notebook import student_code

    bomb = "%time x\n" * 8000
    honest = "%matplotlib inline\nx = 1\n"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (bomb, honest, "y = x?")])
    cells = student_code(nb)
    assert cells[0] == "pass\n" * 8000
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in cells[1] and "x = 1" in cells[1]
    assert "get_ipython()" in cells[2]  # a help query, within the budget, is IPython's


def test_a_slow_notebook_stops_being_run_once_its_total_time_is_spent():
    cells = [*solution_cells("engine"), "import time\ntime.sleep(1.0)\n"]
    box = Sandbox(cells, Limits(load_seconds=3.0, request_seconds=3.0, total_seconds=2.5))
    start = time.monotonic()
    outcome = grade_sandbox("engine", box)
    assert time.monotonic() - start < 2.5 + 30  # a hang guard; that the budget stops it is shown below
    used_up = {k for k, v in outcome.items() if "used up its 2.5 s" in v}
    assert used_up and set(outcome) - used_up, outcome  # some exercises ran, the rest did not


def test_a_cell_that_fails_to_run_is_named_in_every_exercise_it_breaks():
    no_colon = "    def __add__(self, other)\n"
    cells = edited(solution_cells("engine"), "    def __add__(self, other):\n", no_colon)
    outcome = grade_cells("engine", cells)
    assert failed(outcome) == set(outcome), outcome  # no Value class at all
    for feedback in outcome.values():
        assert "some of your code did not run" in feedback
        assert "SyntaxError" in feedback and "line" in feedback


def test_a_child_that_stops_reading_its_input_is_cut_off_by_the_deadline():
    # student code can no longer stop reading (it holds no descriptor: mgc.sandbox.child._guard), so the
    # parent's side is tested on a pipe that nobody reads
    unread, requests = os.pipe()
    reports, unwritten = os.pipe()
    child = _Child(None, requests, reports, -1)
    start = time.monotonic()
    try:
        with pytest.raises(SandboxError, match="stopped reading its input"):
            child.send({"padding": "x" * 200_000}, time.monotonic() + 1.0, 1.0)  # more than a pipe holds
        assert time.monotonic() - start < 1.0 + 10  # a hang guard: nobody ever reads that pipe
    finally:
        for fd in (unread, requests, reports, unwritten):
            os.close(fd)
