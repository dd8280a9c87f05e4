"""A report's figures as a pandas DataFrame, for analysts who open the notebook to look closer.

One row per data cell of the format, in official order, with where each figure came from.  Blank
stays missing (``pd.NA``), never 0; not applicable stays ``/``.
"""

from __future__ import annotations

import pandas as pd

from .report import Report
from .values import NA, format_value

from .i18n import T

#: The frame's columns, in the analyst's language (the official labels themselves stay as they are).
COLUMNS = {
    "table": T("表", "table"), "row": T("行", "row"), "column": T("列", "column"), "value": T("数值", "value"),
    "source": T("来源", "source"), "line": T("CSV行", "CSV line"), "note": T("备注", "note"),
}

#: How a figure reached the table.
GIVEN, COMPUTED, BLANK, NOT_APPLICABLE, UNREAD = "given", "computed", "blank", "n/a", "unread"
SOURCES = {
    GIVEN: T("填报", "given"), COMPUTED: T("由分项计算", "computed"), BLANK: T("未填报", "blank"),
    NOT_APPLICABLE: T("不适用", "n/a"), UNREAD: T("未读取", "unread"),
}


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
            "table": cell.table, "row": cell.row, "column": cell.column,
            "value": pd.NA if value is None else format_value(value, cell.kind),
            "source": SOURCES[source].render(),
            "line": figures.lines.get(key, pd.NA) if figures else pd.NA,
            "note": figures.notes.get(key, "") if figures else "",
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype({"value": "string", "line": "Int64"})
    return frame.rename(columns={k: t.render() for k, t in COLUMNS.items()})
