"""nbgrader feedback preprocessors: show students the error, not the traceback.

A failing test cell's traceback quotes the lines around the failure, and so the
hidden test's own source line, and the grader's. Feedback keeps the error's
name and message (the check's feedback text) and drops the traceback.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from traitlets import Bool, List


class HideTracebacks(Preprocessor):
    """Replace each error output's traceback with its one-line summary."""

    enabled = Bool(True, help="on unless configured off; nbconvert's default is off").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


class ClearHiddenTestsQuietly(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, declaring the setting HTMLExporter hands every preprocessor
    (as nbgrader's own GetGrades does), so that generate_feedback runs without a warning."""

    display_data_priority = List(GetGrades.display_data_priority.default_value).tag(config=True)
