"""nbgrader's late penalty, as mgc grade takes it: course.toml's [late], with the roster's extensions.

nbgrader knows when each notebook was handed in (timestamp.txt) and its assignment's due date (which
`mgc release` records from course.toml), and asks this plugin what being `total_seconds_late` costs.
The penalty is mgc.term.late's, so nbgrader's totals and mgc grade's agree; a student whose roster row
gives an extension (CourseLatePenalty.roster, set in nbgrader_config.py) is late only past it.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Unicode

from mgc.course.manifest import load
from mgc.term.late import late_days
from mgc.term.roster import read_roster


class CourseLatePenalty(LateSubmissionPlugin):
    """Points off for lateness, by course.toml's [late] and the roster's extensions."""

    roster = Unicode("", help="the class roster (CSV), for students' extensions").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float):
        course = load()
        assignment = course.assignment(self.parent.assignment_id)  # the AssignLatePenalties step's
        days = math.ceil(total_seconds_late / 86400) if total_seconds_late > 0 else 0
        if assignment is not None and assignment.due is not None and self.roster:
            student = read_roster(Path(self.roster)).by_id().get(student_id)
            if student is not None and student.extension is not None:
                submitted = assignment.due + timedelta(seconds=total_seconds_late)
                days = late_days(submitted, student.extension)
        return round(score * course.late.share(days), 6) if days else None
