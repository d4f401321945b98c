"""The graders: one test per exercise of the submission's assignment, as course.toml lists them
(the conftest parametrizes `exercise_id`)."""


def test_exercise(exercise_id, check):
    check()
