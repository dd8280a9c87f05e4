"""The fill-in workbook (``xxgk template --xlsx``): the three tables as the official format prints
them, for an office to type its figures into.

One sheet per table (表二, 表三, 表四), laid out from :func:`xxgk.layout.grid`, the same grid the
report prints: the same header rows and merged cells, the official labels verbatim, one input cell
per data cell of the format and no other.  A first sheet, 填表说明, says how to fill it in.  Labels
and headers are locked and the sheets protected without a password (an office can still unprotect
a sheet, and the workbook still reads: :mod:`xxgk.xlsx_locate` finds cells by their labels); the
input cells are unlocked and validated as the kit will read them, so a wrong entry is refused while
it is typed rather than found later by ``xxgk check``.

The workbook is a form for Chinese offices, like the official tables: its words are Chinese
whatever ``--lang`` says.
"""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal
from pathlib import Path

from . import atomic, spec
from .layout import GridCell, grid, place
from .load import Figures
from .values import NA

GUIDE_SHEET = "填表说明"
#: The table's heading sits in the first row; the table starts under it.
TITLE_ROW = 1
FIRST_ROW = 2
FONT = "宋体"

#: Which tables take “/” (not applicable).  Tables 三 and 四 count applications and cases, where the
#: format has no “not applicable”: none is 0 (rule R7 says so of a “/” found there).
NA_TABLES = frozenset({spec.TABLE_2})

# Column widths in Excel's units (one unit: a Latin character; a Chinese character takes two).
_LABEL_MIN, _LABEL_MAX = 6, 36
_DATA_MIN, _DATA_MAX = 9, 14
#: Points per line of 11-point Chinese text, and the least height of a row one types into.
_LINE_PT = 16
_INPUT_ROW_PT = 22


def sheet_name(table_id: str) -> str:
    return f"表{table_id}"


# --- how each kind of input cell is checked as it is typed ------------------------------------------------

#: (prompt title, prompt, error title, error) for each kind of cell; “/” allowed or not.
_MESSAGES = {
    (spec.Kind.COUNT, False): (
        "填写件数", "填写非负整数（件数），如 0、3、12。不知道请留空，不要填 0；确实没有才填 0。本表统计申请或案件件数，不能填“/”。",
        "应为非负整数", "这里只能填非负整数（件数），如 0、3、12。不知道请留空；本表统计申请或案件件数，不能填“/”，没有就填 0。"),
    (spec.Kind.COUNT, True): (
        "填写件数", "填写非负整数，如 0、3、12。不知道请留空，不要填 0；不适用填 /。",
        "应为非负整数或 /", "这里只能填非负整数，如 0、3、12；不适用填 /；不知道请留空。"),
    (spec.Kind.SIGNED, True): (
        "填写本年增/减", "填写整数：增加填正数，减少填负数，如 5、-3，没有变化填 0。不知道请留空；不适用填 /。",
        "应为整数或 /", "这里只能填整数（减少填负数，如 -3）；不适用填 /；不知道请留空。"),
    (spec.Kind.MONEY, True): (
        "填写金额（万元）", "金额以万元为单位，最多 4 位小数，如 6874.6408。不知道请留空；不适用填 /。",
        "应为金额（万元）或 /", "这里只能填以万元为单位的非负金额，最多 4 位小数，如 6874.6408；不适用填 /；不知道请留空。"),
}


def _rule(kind: spec.Kind, na: bool, ref: str) -> tuple[str, str, str | None]:
    """(validation type, operator, formula) for a cell at ``ref``.  Excel's whole-number and decimal
    types refuse any text, “/” included, so where “/” must pass the rule is a formula.  It tests the
    number inside IF: IF evaluates only the branch it takes, where OR and AND evaluate every argument
    and INT("/") is an error that makes OR(TRUE, …) an error too, refusing “/”."""
    if not na:
        return "whole", "greaterThanOrEqual", "0"
    number = {
        spec.Kind.COUNT: f"AND({ref}>=0,INT({ref})={ref})",
        spec.Kind.SIGNED: f"INT({ref})={ref}",
        spec.Kind.MONEY: f"AND({ref}>=0,ROUND({ref},4)={ref})",
    }[kind]
    return "custom", "", f'IF(ISNUMBER({ref}),{number},{ref}="/")'


def _validation(kind: spec.Kind, na: bool, ref: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    type_, operator, formula = _rule(kind, na, ref)
    prompt_title, prompt, error_title, error = _MESSAGES[(kind, na)]
    return DataValidation(type=type_, operator=operator or None, formula1=formula, allow_blank=True,
                          showInputMessage=True, promptTitle=prompt_title, prompt=prompt,
                          showErrorMessage=True, errorStyle="stop", errorTitle=error_title, error=error)


# --- sizes --------------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Width of ``text`` in column units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    return max(1, -(-_width(text) // max(1, int(width * 0.9))))


def _column_widths(cells: list[tuple[int, int, GridCell]], width: int, label_columns: int) -> list[float]:
    """Label columns as wide as their longest label of one column, spread over the rows it spans
    (三、本年度办理结果 over 22 rows may stand narrow); figure columns as wide as half their header,
    so that a header wraps onto two lines at most."""
    widths = [float(_DATA_MIN)] * width
    for c in range(label_columns):
        need = [_width(cell.text) / cell.rowspan for _, col, cell in cells
                if col == c and cell.colspan == 1 and cell.role == "label"]
        widths[c] = min(_LABEL_MAX, max([_LABEL_MIN, *need])) + 2
    for _, col, cell in cells:
        if cell.role == "header" and cell.colspan == 1 and col >= label_columns:
            widths[col] = max(widths[col], min(_DATA_MAX, _width(cell.text) / 2 + 2))
    return widths


def _row_heights(cells: list[tuple[int, int, GridCell]], widths: list[float], rows: int) -> list[float]:
    heights = [float(_LINE_PT + 4)] * rows
    for r, c, cell in cells:
        if not cell.text:
            if cell.role == "data":
                heights[r] = max(heights[r], _INPUT_ROW_PT)
            continue
        room = sum(widths[c:c + cell.colspan])
        size = 9 if cell.role == "corner" and cell.colspan > 1 else 11
        lines = _lines(cell.text, room * 11 / size)
        per_row = lines * _LINE_PT * size / 11 / cell.rowspan + 4
        for dr in range(cell.rowspan):
            heights[r + dr] = max(heights[r + dr], per_row)
    return heights


# --- one table's sheet -------------------------------------------------------------------------------------


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(name=FONT, size=11),
        "bold": Font(name=FONT, size=11, bold=True),
        "small": Font(name=FONT, size=9),
        "title": Font(name=FONT, size=14, bold=True),
        "input": PatternFill("solid", fgColor="FFF2CC"),
        "pad": PatternFill("solid", fgColor="D9D9D9"),
        "head": PatternFill("solid", fgColor="F2F2F2"),
        "unlocked": Protection(locked=False),
        "locked": Protection(locked=True),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "figure": Alignment(horizontal="right", vertical="center"),
    }


def _figure(value, kind: spec.Kind):
    """A figure as the workbook holds it: a number (money keeps its decimals), “/”, or nothing."""
    if value is None:
        return None
    if value is NA:
        return "/"
    assert isinstance(value, Decimal)
    if kind is spec.Kind.MONEY and value != value.to_integral_value():
        return Decimal(format(value, "f"))
    return int(value)


def _table_sheet(ws, table: spec.Table, heading: str, figures: Figures | None) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    g = grid(table)
    cells = list(place(list(g.rows())))
    widths = _column_widths(cells, g.width, g.label_columns)
    heights = _row_heights(cells, widths, 1 + max(r + cell.rowspan - 1 for r, _, cell in cells))
    ws.sheet_view.showGridLines = False

    ws.cell(TITLE_ROW, 1, heading).font = st["title"]
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=g.width)
    ws.row_dimensions[TITLE_ROW].height = 24
    header_rows = [r for r, _, cell in cells if cell.role in ("header", "corner")]

    for r, c, cell in cells:
        row, col = FIRST_ROW + r, 1 + c
        target = ws.cell(row, col)
        if cell.role == "data":
            assert cell.cell is not None
            na = table.id in NA_TABLES
            target.value = _figure(figures.values.get(cell.cell.key) if figures else None, cell.cell.kind)
            target.protection = st["unlocked"]
            target.fill = st["input"]
            target.font = st["font"]
            target.alignment = st["figure"]
            target.number_format = "General"
            dv = _validation(cell.cell.kind, na, target.coordinate)
            ws.add_data_validation(dv)
            dv.add(target)
        else:
            target.value = cell.text or None
            target.protection = st["locked"]
            target.font = {"caption": st["bold"], "header": st["bold"]}.get(cell.role, st["font"])
            if cell.role == "corner" and cell.colspan > 1:
                target.font = st["small"]  # table 三's footnote, in its corner
            target.alignment = st["left"] if cell.role in ("caption", "label") and not cell.group else st["center"]
            if cell.role == "pad":
                target.fill = st["pad"]
            elif cell.role in ("header", "corner", "caption"):
                target.fill = st["head"]
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                ws.cell(row + dr, col + dc).border = st["border"]
                if (dr, dc) != (0, 0):
                    ws.cell(row + dr, col + dc).protection = st["locked"]
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rowspan - 1,
                           end_column=col + cell.colspan - 1)

    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(width, 1)
    for r, height in enumerate(heights):
        ws.row_dimensions[FIRST_ROW + r].height = round(height, 1)
    last_row = FIRST_ROW + len(heights) - 1
    _protect(ws)
    _page(ws, f"A{TITLE_ROW}:{get_column_letter(g.width)}{last_row}")
    if len(table.parts) == 1 and header_rows:
        # Tables 三 and 四 go over more than one page in print: their header repeats on each.
        ws.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW + max(header_rows)}"
        ws.freeze_panes = ws.cell(FIRST_ROW + max(header_rows) + 1, 1 + g.label_columns)


def _protect(ws) -> None:
    # No password: an office that needs to change the form can unprotect it (审阅 → 撤销工作表保护).
    ws.protection.sheet = True
    # Widening a column or a row needs no unprotecting.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _page(ws, area: str) -> None:
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_area = area


# --- the guide ---------------------------------------------------------------------------------------------


def guide_lines(version: str, year: int) -> list[tuple[str, str]]:
    """The 填表说明 sheet, line by line: (style, text)."""
    fmt = spec.get_format(version)
    money = [c.column for c in fmt.cells() if c.kind is spec.Kind.MONEY]
    signed = sorted({c.column for c in fmt.cells() if c.kind is spec.Kind.SIGNED})
    lines = [
        ("title", "政府信息公开工作年度报告 数据填报表"),
        ("text", f"本工作簿用于 {year} 年度报告，按 {version} 年版格式（{fmt.notice}）填写。"),
        ("text", "表二、表三、表四各占一张工作表，表格与官方格式相同。只在浅黄色的单元格中填写数字；"
                 "表头和标签已锁定，不需要改动。"),
        ("head", "怎样填写"),
        ("text", "1. 不知道的数字请留空，不要填 0。空白表示“未填报”：报告中留空，并在核验中列出；填 0 表示确实为零。"),
        ("text", "2. “/”表示不适用，只能在表二中使用。表三、表四统计的是申请件数和案件件数，没有就填 0，不能填“/”。"),
    ]
    if money:
        lines.append(("text", f"3. 金额以万元为单位（表二“{money[0]}”），最多保留 4 位小数，如 6874.6408；不要写“元”或“万元”。"))
    else:
        lines.append(("text", "3. 金额以万元为单位，最多保留 4 位小数，如 6874.6408。"))
    if signed:
        lines.append(("text", f"4. “{signed[0]}”可以填负数（减少时），如 -3；其余件数都是非负整数。"))
    else:
        lines.append(("text", "4. 件数都是非负整数。"))
    lines += [
        ("text", "5. 各“总计”可以留空：由各分项自动计算，并在报告中注明；如果填写，会核对它是否等于各分项之和。"),
        ("text", "6. 请不要改动工作表的名称（表二、表三、表四）和表格中的标签文字；可以调整列宽和行高。"),
        ("text", "7. 工作表保护没有设置密码；确需改动表格时，可在“审阅 → 撤销工作表保护”中取消。"),
        ("head", "填好以后"),
        ("text", f"把工作簿保存为 data/{year}/<乡镇名称>.xlsx（同一乡镇同一年度只保留一个数据文件：.xlsx 或 .csv），"
                 f"然后运行 xxgk check --township <乡镇名称> --year {year} 检查，xxgk render 生成报告。"),
        ("text", "检查结果指出问题所在的工作表和单元格，如“表三!D12”。"),
    ]
    return lines


def _guide_sheet(ws, version: str, year: int) -> None:
    st = _styles()
    ws.column_dimensions["A"].width = 110
    ws.sheet_view.showGridLines = False
    for i, (style, text) in enumerate(guide_lines(version, year), start=1):
        cell = ws.cell(i, 1, text)
        cell.font = {"title": st["title"], "head": st["bold"]}.get(style, st["font"])
        cell.alignment = st["left"]
        ws.row_dimensions[i].height = {"title": 28, "head": 22}.get(style, _LINE_PT * _lines(text, 110) + 6)
    _protect(ws)
    _page(ws, f"A1:A{ws.max_row}")


# --- the workbook ------------------------------------------------------------------------------------------


def build(version: str, year: int, figures: Figures | None = None):
    """The workbook for ``year``'s report in format ``version``; pre-filled from ``figures`` (as a
    data file gives them: totals left blank stay blank) when given."""
    from openpyxl import Workbook

    wb = Workbook()
    _guide_sheet(wb.active, version, year)
    wb.active.title = GUIDE_SHEET
    fmt = spec.get_format(version)
    for table, heading in zip(fmt.tables, (fmt.sections[1], fmt.sections[2], fmt.sections[3])):
        _table_sheet(wb.create_sheet(sheet_name(table.id)), table, heading, figures)
    wb.properties.title = f"{year} 年度政府信息公开工作年度报告 数据填报表（{version} 年版格式）"
    wb.properties.creator = "xxgk"
    return wb


def workbook_bytes(version: str, year: int, figures: Figures | None = None) -> bytes:
    out = io.BytesIO()
    build(version, year, figures).save(out)
    return out.getvalue()


def write(target: Path | str, version: str, year: int, figures: Figures | None = None) -> Path:
    """Write the workbook to ``target``: all of it, or (on any failure) nothing."""
    return atomic.write_bytes(target, workbook_bytes(version, year, figures))
