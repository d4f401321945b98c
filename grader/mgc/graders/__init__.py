"""The hidden graders: one pytest test per exercise, generated from course.toml.

Run them against a submission with plain pytest (the assignment is the one whose
notebook name the submission has, or --assignment):

    pytest grader/mgc/graders --submission path/to/engine.ipynb

`mgc grade` runs these same tests.
"""
