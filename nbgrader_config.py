"""nbgrader's settings for this course: the repository root is the course directory.

The instructor's notebooks live in solutions/ (nbgrader's "source" step) and the
student release is generated into exercises/ (its "release" step):

    nbgrader generate_assignment engine --force     # or: mgc release
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.course_id = "micrograd-course"

c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("replace this line with your code")'
}

# Feedback: nbgrader's default shows students the hidden tests' source. Clear those regions,
# and cut tracebacks down to their message (a traceback quotes the hidden line that failed).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "mgc.feedback.HideTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
