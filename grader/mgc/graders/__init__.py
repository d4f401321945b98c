"""The hidden graders: one pytest test per exercise, generated from course.toml.

Run them against a submission with plain pytest (the assignment is the one its own cells
name, or --assignment):

    pytest grader/mgc/graders --submission path/to/engine.ipynb

`mgc grade` runs the same checks on the same cases (mgc.judge.checks.run_exercise), without
pytest's start-up for every notebook; a test holds the two to the same verdicts.
"""

from pathlib import Path

GRADERS = Path(__file__).resolve().parent  # this folder: the test module, its conftest and pytest.ini
