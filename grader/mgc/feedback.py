"""An nbgrader feedback preprocessor: show students the error, not the traceback.

A failing test cell's traceback quotes the lines around the failure, and so the
hidden test's own source line, and the grader's. Feedback keeps the error's
name and message (the check's feedback text) and drops the traceback.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class HideTracebacks(Preprocessor):
    """Replace each error output's traceback with its one-line summary."""

    enabled = Bool(True, help="on unless configured off; nbconvert's default is off").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
