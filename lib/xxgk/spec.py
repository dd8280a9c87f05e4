"""The official report format, both versions, as data.

Every label here is copied verbatim from the official tables (full-width punctuation, ASCII full
stop after sub-item numbers), see shared/spec/official-format.md.  This module is the only place
in the kit that spells an official label; everything else refers to these objects.

The tables are described as trees (rows and column headers with children), from which
:mod:`xxgk.layout` derives the rows, columns and spans that the renderer prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Iterator

V2019 = "2019"
V2021 = "2021"
VERSIONS = (V2019, V2021)

#: The two notices, for provenance lines and the narrative.
NOTICES = {
    V2019: "国办公开办函〔2019〕60号",
    V2021: "国办公开办函〔2021〕30号",
}

TABLE_2, TABLE_3, TABLE_4 = "二", "三", "四"
TABLE_IDS = (TABLE_2, TABLE_3, TABLE_4)


#: Reports for earlier years followed the pre-2019 条例 and a format the kit does not encode.
FIRST_YEAR = 2019


def version_for_year(year: int) -> str:
    """The format a reporting year uses by default (a report's params may override it)."""
    if year < FIRST_YEAR:
        raise ValueError(f"no official format is encoded for reporting years before {FIRST_YEAR} (got {year})")
    return V2019 if year <= 2020 else V2021


class Kind(str, Enum):
    """What a data cell holds; decides parsing, checking (R7) and printing."""

    COUNT = "count"  # non-negative integer
    SIGNED = "signed"  # integer that may be negative (本年增/减)
    MONEY = "money"  # decimal amount in 万元


@dataclass(frozen=True)
class Node:
    """A row or a column header.  A node with children is a group: a merged label, no figures."""

    label: str
    children: tuple["Node", ...] = ()
    kind: Kind = Kind.COUNT
    #: For table 四, whose data are read as rows × columns but printed as one row of 15 cells:
    #: the data row a leaf column belongs to.
    data_row: str | None = None

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def leaves(self) -> Iterator["Node"]:
        if self.children:
            for child in self.children:
                yield from child.leaves()
        else:
            yield self

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Cell:
    """One data cell, addressed the way the CSV addresses it."""

    table: str
    row: str
    column: str
    kind: Kind

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


@dataclass(frozen=True)
class Part:
    """A rectangular piece of a table: a header over columns, label columns beside rows.

    Table 二 has one part per 第二十条 item, each with its caption; tables 三 and 四 have one.
    """

    columns: tuple[Node, ...]
    rows: tuple[Node, ...]
    caption: str | None = None
    #: Text of the top-left cell above the row labels (信息内容, or table 三's footnote).
    corner: str | None = None

    def row_leaves(self) -> list[Node]:
        return [leaf for row in self.rows for leaf in row.leaves()]

    def column_leaves(self) -> list[Node]:
        return [leaf for col in self.columns for leaf in col.leaves()]


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    parts: tuple[Part, ...]
    cells: tuple[Cell, ...] = field(default=())

    def cell(self, row: str, column: str) -> Cell:
        return self._index()[(row, column)]

    def _index(self) -> dict[tuple[str, str], Cell]:
        return {(c.row, c.column): c for c in self.cells}

    @property
    def data_rows(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.row for c in self.cells))

    @property
    def data_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.column for c in self.cells))


@dataclass(frozen=True)
class Format:
    version: str
    notice: str
    sections: tuple[str, ...]
    tables: tuple[Table, ...]

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def cells(self) -> Iterator[Cell]:
        for t in self.tables:
            yield from t.cells


# --- Section headings (same in both versions) -------------------------------------------------

SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# --- Table 二 ---------------------------------------------------------------------------------

T2_TITLE = "主动公开政府信息情况"
T2_CORNER = "信息内容"

ITEM_1 = "第二十条第（一）项"
ITEM_5 = "第二十条第（五）项"
ITEM_6 = "第二十条第（六）项"
ITEM_8 = "第二十条第（八）项"
ITEM_9 = "第二十条第（九）项"


def _cols(*specs: str | tuple[str, Kind]) -> tuple[Node, ...]:
    out = []
    for s in specs:
        label, kind = (s, Kind.COUNT) if isinstance(s, str) else s
        out.append(Node(label, kind=kind))
    return tuple(out)


def _rows(*labels: str) -> tuple[Node, ...]:
    return tuple(Node(label) for label in labels)


_PREV, _DELTA, _DECIDED = "上一年项目数量", ("本年增/减", Kind.SIGNED), "处理决定数量"

T2_2019_PARTS = (
    Part(_cols("本年新制作数量", "本年新公开数量", "对外公开总数量"), _rows("规章", "规范性文件"), ITEM_1, T2_CORNER),
    Part(_cols(_PREV, _DELTA, _DECIDED), _rows("行政许可", "其他对外管理服务事项"), ITEM_5, T2_CORNER),
    Part(_cols(_PREV, _DELTA, _DECIDED), _rows("行政处罚", "行政强制"), ITEM_6, T2_CORNER),
    Part(_cols(_PREV, _DELTA), _rows("行政事业性收费"), ITEM_8, T2_CORNER),
    Part(_cols("采购项目数量", ("采购总金额", Kind.MONEY)), _rows("政府集中采购"), ITEM_9, T2_CORNER),
)

T2_2021_PARTS = (
    Part(_cols("本年制发件数", "本年废止件数", "现行有效件数"), _rows("规章", "行政规范性文件"), ITEM_1, T2_CORNER),
    Part(_cols("本年处理决定数量"), _rows("行政许可"), ITEM_5, T2_CORNER),
    Part(_cols("本年处理决定数量"), _rows("行政处罚", "行政强制"), ITEM_6, T2_CORNER),
    Part(_cols(("本年收费金额（单位：万元）", Kind.MONEY)), _rows("行政事业性收费"), ITEM_8, T2_CORNER),
)

# --- Table 三 ---------------------------------------------------------------------------------

T3_TITLE = "收到和处理政府信息公开申请情况"
T3_FOOTNOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

NATURAL = "自然人"
LEGAL = "法人或其他组织"
BIZ, SCI, NPO, LAW, OTH = "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"
TOTAL = "总计"
APPLICANTS = "申请人情况"
T3_COLUMNS = (
    Node(APPLICANTS, (Node(NATURAL), Node(LEGAL, _rows(BIZ, SCI, NPO, LAW, OTH)), Node(TOTAL))),
)
#: Data columns of table 三 in official order; the last is the row total.
T3_DATA_COLUMNS = (NATURAL, BIZ, SCI, NPO, LAW, OTH, TOTAL)
T3_APPLICANT_COLUMNS = T3_DATA_COLUMNS[:-1]

NEW = "一、本年新收政府信息公开申请数量"
CARRIED_IN = "二、上年结转政府信息公开申请数量"
RESULTS = "三、本年度办理结果"
GRANTED = "（一）予以公开"
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
WITHHELD = "（三）不予公开"
UNABLE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER_HANDLING = "（六）其他处理"
RESULTS_TOTAL = "（七）总计"
CARRIED_OUT = "四、结转下年度继续办理"

WITHHELD_ITEMS = (
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
)
UNABLE_ITEMS = (
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
)
NOT_PROCESSED_ITEMS = (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER_HANDLING_ITEMS_2021 = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)


def _t3_rows(other_handling: Node) -> tuple[Node, ...]:
    return (
        Node(NEW),
        Node(CARRIED_IN),
        Node(
            RESULTS,
            (
                Node(GRANTED),
                Node(PARTIAL),
                Node(WITHHELD, _rows(*WITHHELD_ITEMS)),
                Node(UNABLE, _rows(*UNABLE_ITEMS)),
                Node(NOT_PROCESSED, _rows(*NOT_PROCESSED_ITEMS)),
                other_handling,
                Node(RESULTS_TOTAL),
            ),
        ),
        Node(CARRIED_OUT),
    )


T3_2019_ROWS = _t3_rows(Node(OTHER_HANDLING))
T3_2021_ROWS = _t3_rows(Node(OTHER_HANDLING, _rows(*OTHER_HANDLING_ITEMS_2021)))

# --- Table 四 ---------------------------------------------------------------------------------

T4_TITLE = "政府信息公开行政复议、行政诉讼情况"
REVIEW = "行政复议"
LITIGATION = "行政诉讼"
SUED_DIRECTLY = "未经复议直接起诉"
SUED_AFTER_REVIEW = "复议后起诉"
T4_DATA_ROWS = (REVIEW, SUED_DIRECTLY, SUED_AFTER_REVIEW)
UPHELD, CORRECTED, OTHER_RESULT, PENDING = "结果维持", "结果纠正", "其他结果", "尚未审结"
T4_DATA_COLUMNS = (UPHELD, CORRECTED, OTHER_RESULT, PENDING, TOTAL)


def _t4_leaves(data_row: str) -> tuple[Node, ...]:
    return tuple(Node(c, data_row=data_row) for c in T4_DATA_COLUMNS)


T4_COLUMNS = (
    Node(REVIEW, _t4_leaves(REVIEW)),
    Node(
        LITIGATION,
        (
            Node(SUED_DIRECTLY, _t4_leaves(SUED_DIRECTLY)),
            Node(SUED_AFTER_REVIEW, _t4_leaves(SUED_AFTER_REVIEW)),
        ),
    ),
)
#: Table 四 is printed as a single row of figures; this empty row node carries it.
T4_ROWS = (Node(""),)


# --- Assembly ---------------------------------------------------------------------------------


def _cells_of(table_id: str, parts: tuple[Part, ...]) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    for part in parts:
        for row in part.row_leaves():
            for col in part.column_leaves():
                cells.append(Cell(table_id, col.data_row or row.label, col.label, col.kind))
    return tuple(cells)


def _table(table_id: str, title: str, parts: tuple[Part, ...]) -> Table:
    return Table(table_id, title, parts, _cells_of(table_id, parts))


@cache
def get_format(version: str) -> Format:
    if version not in VERSIONS:
        raise KeyError(f"unknown format version {version!r}; known: {', '.join(VERSIONS)}")
    t2 = T2_2019_PARTS if version == V2019 else T2_2021_PARTS
    t3_rows = T3_2019_ROWS if version == V2019 else T3_2021_ROWS
    return Format(
        version=version,
        notice=NOTICES[version],
        sections=SECTIONS,
        tables=(
            _table(TABLE_2, T2_TITLE, t2),
            _table(TABLE_3, T3_TITLE, (Part(T3_COLUMNS, t3_rows, None, T3_FOOTNOTE),)),
            _table(TABLE_4, T4_TITLE, (Part(T4_COLUMNS, T4_ROWS),)),
        ),
    )


def result_rows(version: str) -> tuple[str, ...]:
    """The data rows whose sum is （七）总计 (rule R3), in official order."""
    fmt = get_format(version)
    results = next(r for r in fmt.table(TABLE_3).parts[0].rows if r.label == RESULTS)
    return tuple(leaf.label for leaf in results.leaves() if leaf.label != RESULTS_TOTAL)


# --- Labels that tell the versions apart (spec §6) --------------------------------------------

FINGERPRINT = {
    V2019: (
        "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
        "处理决定数量", "其他对外管理服务事项", "规范性文件", ITEM_9, "政府集中采购",
        "采购项目数量", "采购总金额", OTHER_HANDLING,
    ),
    V2021: (
        "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量",
        "本年收费金额（单位：万元）", "行政规范性文件", *OTHER_HANDLING_ITEMS_2021,
    ),
}
