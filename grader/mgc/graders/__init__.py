"""The hidden graders: one pytest module per assignment, one test per exercise.

Run them against a submission with plain pytest:

    pytest grader/mgc/graders/test_engine.py --submission path/to/engine.ipynb

`mgc grade` runs these same tests.
"""
