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

# Autograde: nbgrader's default list with its first step, Execute (a Jupyter kernel that runs the
# student's code as you, beside gradebook.db), replaced by mgc's SandboxGrade. It starts no kernel:
# mgc grades the notebook in its sandbox and writes each test cell's verdict as the cell's output,
# which SaveAutoGrades then records, so nbgrader's totals are mgc grade's. One seed is drawn per
# run; `--SandboxGrade.seed=N` fixes it (`mgc grade --seed N` then draws the same cases).
from mgc.nbgrader_course import STOCK_AUTOGRADE, STOCK_SANITIZE  # noqa: E402 (after get_config, as nbgrader runs it)

c.Autograde.autograde_preprocessors = ["mgc.nbgrader_autograde.SandboxGrade", *STOCK_AUTOGRADE[1:]]
# A notebook from an older release (a test cell renamed or missing) is graded from its code, as
# `mgc grade` grades it, instead of being refused: unknown graded cells are set aside first.
c.Autograde.sanitize_preprocessors = ["mgc.nbgrader_autograde.ForgetUnknownCells", *STOCK_SANITIZE]

# Feedback: the test cells' outputs are mgc's verdicts. Cut each error down to its message (a kernel's
# traceback would quote code around the failure), and clear any hidden-test region a notebook may
# gain (this course's have none; nbgrader's default feedback would show their source).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "mgc.nbgrader_feedback.ClearHiddenTestsQuietly",
    "mgc.nbgrader_feedback.HideTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# The feedback pages show a student's markdown: as text, never as script (nbconvert's sanitizer).
c.HTMLExporter.sanitize_html = True

# zip_collect: an LMS's download of an assignment's submissions, one zip in
# downloaded/<assignment>/archive/. mgc's collector reads the student from the top of the download
# by Canvas's, Moodle's and Blackboard's own file names (mgc.nbgrader_collect), and stops, naming
# them, at notebooks it cannot place.
c.ZipCollectApp.collector_plugin = "mgc.nbgrader_collect.LmsCollector"
c.ZipCollectApp.extractor_plugin = "mgc.nbgrader_collect.SafeExtractor"  # ../ names, links, bombs

# Late work costs what course.toml's [late] says, as in mgc grade; a roster gives extensions.
c.AssignLatePenalties.plugin_class = "mgc.nbgrader_late.CourseLatePenalty"
# c.CourseLatePenalty.roster = "roster.csv"
