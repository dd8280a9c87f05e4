"""A report's figures as a pandas DataFrame, for analysts who open the notebook to look closer.

One row per data cell of the format, in official order, with where each figure came from.  Blank
stays missing (``pd.NA``), never 0; not applicable stays ``/``.
"""

from __future__ import annotations

import pandas as pd

from .report import Report
from .values import NA, format_value

COLUMNS = ["表", "行", "列", "数值", "来源", "CSV行", "备注"]

#: How a figure reached the table.
GIVEN, COMPUTED, BLANK, NOT_APPLICABLE, UNREAD = "given", "computed", "blank", "n/a", "unread"


def figures_frame(report: Report) -> pd.DataFrame:
    figures, completed = report.figures, report.completed
    rows = []
    for cell in report.format.cells():
        key = cell.key
        value = completed.values.get(key) if completed else (figures.values.get(key) if figures else None)
        if figures is None or key not in figures.lines and not (completed and key in completed.computed):
            source = UNREAD
        elif completed and key in completed.computed:
            source = COMPUTED
        elif value is None:
            source = BLANK
        elif value is NA:
            source = NOT_APPLICABLE
        else:
            source = GIVEN
        rows.append({
            "表": cell.table, "行": cell.row, "列": cell.column,
            "数值": pd.NA if value is None else format_value(value, cell.kind),
            "来源": source,
            "CSV行": figures.lines.get(key, pd.NA) if figures else pd.NA,
            "备注": figures.notes.get(key, "") if figures else "",
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"数值": "string", "CSV行": "Int64"})
