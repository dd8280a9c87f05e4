"""A report as pandas DataFrames, for analysts who open the notebook to look closer.

- :func:`findings_frame`: what is wrong, one row per problem, in the order every view uses;
- :func:`table_frame`: a statistical table in its official shape (official row labels as the
  index, its column headers as the columns), figures as the report prints them;
- :func:`figures_frame`: every figure of the format, one row each, with where it came from.

The notebook shows them with :func:`to_html`, never through a DataFrame's own display: its text
form depends on the console pandas detects (and the executed notebook must not), and JupyterLab's
default table style wraps long Chinese labels one character per line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd
from markupsafe import Markup

from . import spec
from .findings import place, sort_findings, tally, tally_text
from .html_tables import BLANK_TITLE, COMPUTED_TITLE, NA_TITLE  # the report's tooltips, word for word
from .i18n import T, tr
from .layout import grid
from .report import Report
from .values import NA, format_value

#: The frame's columns, in the analyst's language (the official labels themselves stay as they are).
COLUMNS = {
    "table": T("表", "table"), "row": T("行", "row"), "column": T("列", "column"), "value": T("数值", "value"),
    "source": T("来源", "source"), "line": T("CSV行", "CSV line"), "note": T("备注", "note"),
}
#: Where a workbook's figure was: its cell, in the column a CSV file's line is in.
WORKBOOK_CELL = T("工作簿单元格", "workbook cell")

#: How a figure reached the table.
GIVEN, COMPUTED, BLANK, NOT_APPLICABLE, UNREAD = "given", "computed", "blank", "n/a", "unread"
SOURCES = {
    GIVEN: T("填报", "given"), COMPUTED: T("由分项计算", "computed"), BLANK: T("未填报", "blank"),
    NOT_APPLICABLE: T("不适用", "n/a"), UNREAD: T("未读取", "unread"),
}

#: What :func:`to_html` needs beyond the frame (heading, footnotes, how to style cells), kept in
#: ``DataFrame.attrs`` so that it follows the frame through filtering and slicing.
ATTRS = "xxgk"

#: A total the file leaves blank is printed with this mark (the report's review copy marks it the same way).
COMPUTED_MARK = "*"


def figures_frame(report: Report) -> pd.DataFrame:
    """Every data cell of the format, in official order: one row per figure.  Blank stays missing
    (``pd.NA``), never 0; not applicable stays ``/``."""
    figures, completed = report.figures, report.completed
    positions = figures.positions if figures else {}
    in_workbook = any(p.sheet is not None for p in positions.values())
    rows = []
    for cell in report.format.cells():
        key = cell.key
        value = completed.values.get(key) if completed else (figures.values.get(key) if figures else None)
        if figures is None or key not in positions and not (completed and key in completed.computed):
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
            "line": _figure_position(positions.get(key), in_workbook),
            "note": figures.notes.get(key, "") if figures else "",
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype({"value": "string",
                                                               "line": "string" if in_workbook else "Int64"})
    names = {**COLUMNS, "line": WORKBOOK_CELL} if in_workbook else COLUMNS
    frame = frame.rename(columns={k: t.render() for k, t in names.items()})
    frame.attrs[ATTRS] = {
        "title": tr("全部数值：每个单元格一行，注明来源（填报、由分项计算、未填报）和所在的工作簿单元格",
                    "Every figure: one row per cell, with where it came from (given, computed, blank) and its "
                    "workbook cell") if in_workbook else
        tr("全部数值：每个单元格一行，注明来源（填报、由分项计算、未填报）和所在的 CSV 行",
           "Every figure: one row per cell, with where it came from (given, computed, blank) and its CSV line"),
        "wrap": {COLUMNS["row"].render(): 12, COLUMNS["note"].render(): 16},
    }
    return frame


# --- the tables in their official shape -------------------------------------------------------------


def _leaf_paths(nodes: tuple[spec.Node, ...]) -> list[tuple[spec.Node, ...]]:
    """Each leaf of a header tree with the groups above it, in official order."""
    out: list[tuple[spec.Node, ...]] = []

    def walk(node: spec.Node, above: tuple[spec.Node, ...]) -> None:
        path = (*above, node)
        if node.is_group:
            for child in node.children:
                walk(child, path)
        else:
            out.append(path)

    for node in nodes:
        walk(node, ())
    return out


@lru_cache(maxsize=64)
def _row_index(paths: tuple[tuple[str, ...], ...]) -> pd.Index:
    # A row label stands at its own depth, shorter paths padded after it: a top-level row such as
    # 一、本年新收… sits in the first column and (三)不予公开's items in the third, so the nesting
    # reads as it does in the official table, where a leaf label spans the label columns left.
    depth = max(map(len, paths))
    if depth == 1:
        return pd.Index([p[0] for p in paths])
    return pd.MultiIndex.from_tuples([p + ("",) * (depth - len(p)) for p in paths])


@lru_cache(maxsize=64)
def _column_index(paths: tuple[tuple[str, ...], ...], name: str | None) -> pd.Index:
    # Every column label goes in the bottom header row, right above its figures, and the padding
    # between it and its groups: pandas cannot span a header cell down as the official table does,
    # and a blank header cell between a label and its figures would read as a missing label.
    depth = max(map(len, paths))
    if depth == 1:
        return pd.Index([p[0] for p in paths], name=name)
    return pd.MultiIndex.from_tuples([p[:-1] + ("",) * (depth - len(p)) + p[-1:] for p in paths])


def _part_frame(report: Report, table: spec.Table, part: spec.Part, money_unit: Mapping) -> pd.DataFrame:
    computed = report.completed.computed if report.completed else set()
    values = report.completed.values if report.completed else (report.figures.values if report.figures else {})
    labelled = any(leaf.label for leaf in part.row_leaves())
    # (row path, column path) → the spec cell.  A part whose rows are unlabelled is table 四,
    # printed as one row of 15 figures under a header naming 行政复议 and the two kinds of
    # 行政诉讼: read here as its data are (3 rows × 5 columns), the header's groups becoming rows.
    placed: dict[tuple[tuple[str, ...], tuple[str, ...]], spec.Cell] = {}
    for cpath in _leaf_paths(part.columns):
        col = cpath[-1]
        if labelled:
            for rpath in _leaf_paths(part.rows):
                cell = table.cell(col.data_row or rpath[-1].label, col.label)
                placed[(tuple(n.label for n in rpath), tuple(n.label for n in cpath))] = cell
        else:
            cell = table.cell(col.data_row or "", col.label)
            placed[(tuple(n.label for n in cpath[:-1]), (col.label,))] = cell
    rows = list(dict.fromkeys(r for r, _ in placed))
    columns = list(dict.fromkeys(c for _, c in placed))

    def shown(cell: spec.Cell) -> str:
        text = format_value(values.get(cell.key), cell.kind, money_unit=money_unit.get(cell.key, False))
        return text + COMPUTED_MARK if cell.key in computed else text

    data = [[shown(placed[(r, c)]) for c in columns] for r in rows]  # every part is a full rectangle
    # A one-column corner (信息内容) heads the label column, where pandas prints the columns' name;
    # a wider one (table 三's) is a footnote, printed below the table.
    corner_heads = labelled and part.corner and max(map(len, rows)) == 1
    # The indexes are the format's labels, the same for every report of a version: built once per
    # process (and before the batch forks, by warm_up), shared by the frames (pandas never changes
    # an Index in place).
    frame = pd.DataFrame(data, index=_row_index(tuple(rows)),
                         columns=_column_index(tuple(columns), part.corner if corner_heads else None), dtype=object)
    notes = [part.corner] if part.corner and not corner_heads else []
    frame.attrs[ATTRS] = {"title": tr("表{id} {title}", "Table {id}: {title}", id=table.id, title=table.title),
                          "caption": part.caption, "figures": True, "notes": notes}
    return frame


def table_frame(report: Report, table_id: str) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """Table ``table_id`` (二, 三 or 四) in its official shape, figures printed as the report prints
    them: blank is an empty string (missing, never 0), not applicable ``/``, a total the kit
    computed from its parts ends in ``*``.

    Table 三: the official row labels as a three-level index (三、本年度办理结果 / （三）不予公开 /
    1.属于国家秘密), the applicant columns under 申请人情况 / 法人或其他组织.  Table 四: 行政复议
    and the two kinds of 行政诉讼 as rows, 结果维持 … 总计 as columns.  Table 二: one frame per
    第二十条 item, keyed by the item (its columns differ from item to item, and one frame of all
    of them would be mostly cells that do not exist, which read as blank figures).
    """
    table = report.format.table(table_id)
    money_unit = {gc.cell.key: gc.money_unit for gc in grid(table).data_cells() if gc.cell}
    frames = [_part_frame(report, table, part, money_unit) for part in table.parts]
    if len(frames) == 1:
        return frames[0]
    return {part.caption or str(i): frame for i, (part, frame) in enumerate(zip(table.parts, frames), 1)}


# --- findings -----------------------------------------------------------------------------------------

FINDING_COLUMNS = {
    "severity": T("严重程度", "severity"), "code": T("代码", "code"), "cell": T("单元格", "cell"),
    "location": T("位置", "location"), "message": T("说明", "message"),
}


def _cell_text(table: str | None, row: str | None, column: str | None) -> str:
    """``表三 一、本年新收政府信息公开申请数量 · 总计``: a cell as the tables label it."""
    if not table:
        return ""
    return f"表{table}" + (f" {row}" if row else "") + (f" · {column}" if column else "")


def _figure_position(position, in_workbook: bool):
    """A figure's CSV line (a number), or its workbook cell (``表三!D12``)."""
    if position is None:
        return pd.NA
    return str(position) if in_workbook else position.line


def _location(file: str | None, line: int | None, sheet: str | None = None, cell: str | None = None) -> str:
    if line is None:
        return place(file, None, sheet, cell)
    return f"{file}:{line}" if file else tr("第 {n} 行", "line {n}", n=line)


def findings_frame(report: Report, *, problems_only: bool = True) -> pd.DataFrame:
    """The findings, one row each, in :func:`~xxgk.findings.sort_findings` order: input errors,
    failed checks, plausibility and label notes, missing data; with ``problems_only=False`` the
    checks that could not be assessed and those that passed follow.  Numbered from 1."""
    listed = [f for f in sort_findings(report.findings) if not problems_only or f.status == "fail"]
    rows = [{
        "severity": f.tag(), "code": f.rule,
        "cell": _cell_text(f.table, f.row, f.column) or (_cell_text(*f.cells[0]) if len(f.cells) == 1 else ""),
        "location": _location(f.file, f.line, f.sheet, f.cell), "message": f.text(),
    } for f in listed]
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS), index=pd.RangeIndex(1, len(rows) + 1), dtype=object)
    frame = frame.rename(columns={k: t.render() for k, t in FINDING_COLUMNS.items()})
    frame.attrs[ATTRS] = {
        "title": tr("数据核验（问题在前）：", "Checks (problems first): ") + tally_text(tally(report.findings)),
        "empty": tr("没有需要处理的问题。", "Nothing to fix."),
        "wrap": {FINDING_COLUMNS["cell"].render(): 12, FINDING_COLUMNS["message"].render(): 24},
    }
    return frame


# --- HTML for JupyterLab -------------------------------------------------------------------------------

# JupyterLab lays a table out to the width of the output and lets every th and td wrap (it sets
# white-space: normal on each), and Chinese text may break between any two characters: a long label
# in a squeezed column stands one character per line.  So every cell gets its own inline style:
# short headers, figures, codes and places never wrap; row labels and long text wrap, but only
# at a readable width (min-width), so a wide table still fits beside its labels.  Inline styles,
# not a <style> element: JupyterLab removes <style> from the outputs of a notebook it does not
# trust (an executed report opened from output/) and keeps these properties.
_HEAD = "white-space: nowrap"
_GROUP_HEAD = "white-space: nowrap; text-align: center"
_LABEL = "white-space: normal; min-width: 9em; text-align: left; vertical-align: top"
_NUMBER = "white-space: nowrap; text-align: right; vertical-align: top"
_FIGURE = "white-space: nowrap; text-align: right"
_WORDS = "white-space: nowrap; text-align: left; vertical-align: top"
_TEXT = "white-space: normal; min-width: {width}em; text-align: left; vertical-align: top"
_BLANK = _FIGURE + "; background-color: #fdebc8"
_NOTE = "font-size: 90%; margin: 0.2em 0"



def _legend(frames: list[pd.DataFrame]) -> list[str]:
    """What the marks in these table frames mean, only for the marks that occur."""
    cells = [v for f in frames for v in f.to_numpy().ravel()]
    out = []
    if any(v.endswith(COMPUTED_MARK) for v in cells):
        out.append(tr("* 由分项计算：文件未给出该总计，由各分项相加得出",
                      "* computed: the file leaves this total blank; it is the sum of its parts"))
    if any(v == "" for v in cells):
        out.append(tr("空白（底色）：未填报，按缺失处理，不当作 0", "empty (shaded): missing, blank in the file, never read as 0"))
    if any(v == "/" for v in cells):
        out.append(tr("/：不适用", "/: not applicable"))
    return out


#: markupsafe's escaping, as a translation table: the same characters, the same entities, without a
#: Markup object for each of a table's thousand cells.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).translate(_ESCAPES)


def _cell(text: str, *, figures: bool, width: float | None) -> str:
    """A data cell, styled (see above); blank, n/a and computed figures get a tooltip, blank a shade."""
    if width is not None:
        return f'<td style="{_TEXT.format(width=width)}">{text}</td>'
    if not figures:
        return f'<td style="{_WORDS}">{text}</td>'
    if text == "":
        return f'<td style="{_BLANK}" title="{BLANK_TITLE.render()}"></td>'
    if text == "/":
        return f'<td style="{_FIGURE}" title="{NA_TITLE.render()}">/</td>'
    if text.endswith(COMPUTED_MARK):
        return f'<td style="{_FIGURE}" title="{COMPUTED_TITLE.render()}">{text}</td>'
    return f'<td style="{_FIGURE}">{text}</td>'


def _runs(labels: list[tuple], level: int) -> list[int]:
    """For each position, how many positions from it on share its labels up to ``level`` (0 where it
    continues the run before it): the spans of a hierarchical header, as pandas sparsifies them."""
    spans = [0] * len(labels)
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i][: level + 1] != labels[start][: level + 1]:
            spans[start] = i - start
            start = i
    return spans


def _tuples(index: pd.Index) -> list[tuple]:
    return list(index) if index.nlevels > 1 else [(v,) for v in index]


def _table_html(frame: pd.DataFrame) -> str:
    """The frame as an HTML table laid out as pandas' ``to_html`` lays it out (hierarchical row labels
    and column headers spanned, the columns' name in the corner), each cell styled for JupyterLab.
    Written here, not by pandas: pandas formats every value through its console formatters, which
    cost more than the rest of a report; these frames hold only text and whole numbers.  Missing
    values print blank (pandas would print <NA>), and labels and messages whole."""
    info = frame.attrs.get(ATTRS, {})
    figures = bool(info.get("figures"))
    widths = info.get("wrap", {})
    wrap = [widths.get(c) for c in frame.columns]
    corner = frame.index.nlevels
    columns = _tuples(frame.columns)
    head = []
    for level in range(frame.columns.nlevels):
        name = frame.columns.names[level]
        cells = [f'<th style="{_HEAD}"></th>'] * (corner - 1) + [f'<th style="{_HEAD}">{_text(name)}</th>']
        last = level == frame.columns.nlevels - 1
        for k, span in enumerate([1] * len(columns) if last else _runs(columns, level)):
            if span == 1:
                cells.append(f'<th style="{_HEAD}">{_text(columns[k][level])}</th>')
            elif span:
                cells.append(f'<th style="{_GROUP_HEAD}" colspan="{span}">{_text(columns[k][level])}</th>')
        head.append("<tr>" + "".join(cells) + "</tr>")
    rows = _tuples(frame.index)
    spans = [_runs(rows, level) if level < corner - 1 else [1] * len(rows) for level in range(corner)]
    label = _LABEL if figures else _NUMBER
    values = frame.to_numpy(dtype=object)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for level in range(corner):
            span = spans[level][i]
            if span:
                rowspan = f' rowspan="{span}"' if span > 1 else ""
                cells.append(f'<th style="{label}"{rowspan}>{_text(row[level])}</th>')
        for k, value in enumerate(values[i]):
            cells.append(_cell(_text(value), figures=figures, width=wrap[k]))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table class="dataframe xxgk-frame" border="1">\n<thead>\n' + "\n".join(head) + "\n</thead>\n<tbody>\n"
            + "\n".join(body) + "\n</tbody>\n</table>")


def to_html(frames: pd.DataFrame | Mapping[str, pd.DataFrame]) -> str:
    """A frame (or table 二's frames) as HTML to display in the notebook: its heading, the table
    readable in JupyterLab, its footnotes.  Deterministic: the same frame gives the same bytes."""
    parts = list(frames.values()) if isinstance(frames, Mapping) else [frames]
    if not parts:
        return ""
    info = parts[0].attrs.get(ATTRS, {})
    out = [Markup("<h4>{}</h4>").format(info["title"])] if info.get("title") else []
    for frame in parts:
        part = frame.attrs.get(ATTRS, {})
        if part.get("caption"):
            out.append(Markup("<p><strong>{}</strong></p>").format(part["caption"]))
        if frame.empty and part.get("empty"):
            out.append(Markup("<p>{}</p>").format(part["empty"]))
        else:
            out.append(Markup(_table_html(frame)))
    notes = dict.fromkeys(n for f in parts for n in f.attrs.get(ATTRS, {}).get("notes", ()))
    if info.get("figures"):
        notes.update(dict.fromkeys(_legend(parts)))
    out.extend(Markup('<p style="{}">{}</p>').format(_NOTE, n) for n in notes)
    return str(Markup('<div class="xxgk-frames" style="overflow-x: auto">{}</div>').format(Markup("\n").join(out)))


def warm_up() -> None:
    """Every frame of every format version, built and written once on a report of no figures (made
    up here, no file read): ``xxgk batch`` calls it before it forks, so that each worker finds the
    official tables' indexes built and pandas' code paths run, as it finds the modules imported."""
    from .paths import Layout

    for version, fmt in spec.registry().items():
        empty = Report("", fmt.first_year, Layout(Path(".")), version)
        for frame in (figures_frame(empty), findings_frame(empty),
                      *(table_frame(empty, table_id) for table_id in spec.TABLE_IDS)):
            to_html(frame)


__all__ = ["COLUMNS", "FINDING_COLUMNS", "SOURCES", "figures_frame", "findings_frame", "table_frame", "to_html"]
