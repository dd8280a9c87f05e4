"""Plausibility notes: figures that are arithmetically fine but unlikely for the body reporting them.

These are heuristics, never part of the official format: every result has severity ``note``
(province-level bodies really do report 行政许可 in the millions), and each message says why the
figure looks odd so that the analyst can confirm it or fix a typo.

Only township-level bodies (乡, 镇, 街道, 苏木) are judged, because their level can be read
reliably from the name; a county, city or department report gets no plausibility notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from . import spec
from .findings import Finding
from .rules import REGISTRY, Context, _label, _line_of, item_1, rule, table_2_part
from .values import is_number

# A township-level body's name ends in one of these, optionally followed by the word for its
# government or office: 红旗满族乡人民政府, 迎宾路街道办事处, 北街办事处, 某某苏木.
_TOWNSHIP = re.compile(r"(?:乡|镇|街道|街|苏木)(?:人民政府|政府|办事处|街道办事处|街道办|办)?$|办事处$")
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")


def is_township_level(ctx: Context) -> bool:
    """Whether the report is a 乡/镇/街道's: from params ``body`` if given, else the file's name."""
    names = [n for n in ((ctx.params.body if ctx.params else None), ctx.township) if n]
    if not names:
        return False
    # A bracketed remark (（示例数据）) is not part of the name.
    name = _BRACKETS.sub("", names[0]).strip()
    return bool(_TOWNSHIP.search(name)) and not name.endswith(("驻京办事处", "驻外办事处"))


@dataclass(frozen=True)
class Limit:
    cell: tuple[str, str, str]
    limit: int
    why: str


def township_limits(version: str) -> list[Limit]:
    """Figures above these are far beyond what a 乡/镇/街道 usually reports.

    Chosen from published township reports, where a year's applications are typically 0 to a few
    dozen, 行政复议 and 行政诉讼 0 to a handful, and 行政规范性文件 rarely more than a few; even urban
    街道 with land-expropriation disputes report hundreds of applications, not thousands. Each limit
    is set an order of magnitude above what such reports show, so a note means "check for a typo
    (an extra digit, a figure in the wrong row, the county's figure copied in)", not "wrong".
    Decisions (行政许可, 处罚, 强制) get a higher limit: since the 2019-2020 reforms moved
    综合行政执法 down to 街道, some urban 街道 decide thousands of 行政处罚 a year.
    """
    apps = "a 乡/镇/街道 usually receives from none to a few dozen applications a year"
    cases = "a 乡/镇/街道 is usually party to none or a handful of such cases a year"
    out = [
        Limit((spec.TABLE_3, spec.NEW, spec.TOTAL), 1000, apps),
        Limit((spec.TABLE_3, spec.CARRIED_IN, spec.TOTAL), 1000, apps),
        *(Limit((spec.TABLE_4, row, spec.TOTAL), 100, cases) for row in spec.T4_DATA_ROWS),
    ]
    rows, cols = item_1(version)
    out.append(Limit((spec.TABLE_2, rows[1], cols[0]), 100,
                     "a 乡/镇/街道 usually issues no more than a few normative documents a year"))
    for caption in (spec.ITEM_5, spec.ITEM_6):
        part = table_2_part(version, caption)
        decided = part.column_leaves()[-1].label  # 处理决定数量 (2019) / 本年处理决定数量 (2021)
        for row in part.row_leaves():
            out.append(Limit((spec.TABLE_2, row.label, decided), 100_000,
                             "even urban 街道 with 综合行政执法 decide at most some thousands a year"))
    return out


@rule("P1", "数量级 (figure far above what a body of its level reports)",
      "for a 乡/镇/街道: 表三 一/二 总计 ≤ 1000; 表四 each 总计 ≤ 100; 表二 new (行政)规范性文件 ≤ 100; "
      "表二 处理决定数量 ≤ 100000",
      "heuristic", severity="note")
def _p1(ctx: Context) -> Iterator[Finding]:
    if not is_township_level(ctx):
        return
    r = REGISTRY["P1"]
    values = ctx.completed.values
    for lim in township_limits(ctx.figures.version):
        table, row, column = lim.cell
        value = values.get(lim.cell)
        base = dict(rule=r.id, file=ctx.file, table=table, row=row, column=column, cells=(lim.cell,))
        if not is_number(value):
            yield Finding(status="not_assessable", severity="note", values={"blank": [list(lim.cell)], "limit": lim.limit},
                          line=_line_of(ctx, (lim.cell,)),
                          message=f"{_label(lim.cell)}: not assessable, blank", **base)
        elif value > lim.limit:
            yield Finding(status="fail", severity="note", line=_line_of(ctx, (lim.cell,)),
                          values={"value": value, "limit": lim.limit},
                          message=f"{_label(lim.cell)} is {value}, far above what a township-level body usually reports "
                                  f"(above {lim.limit}: {lim.why}); please confirm the figure", **base)
        else:
            yield Finding(status="pass", severity="note", values={"value": value, "limit": lim.limit},
                          message=f"{_label(lim.cell)}: {value} ≤ {lim.limit}", **base)


@rule("P2", "乡镇街道不制定规章 (a 乡/镇/街道 makes no 规章)",
      "for a 乡/镇/街道: every figure of 表二 规章 is 0 (or /)",
      "heuristic", severity="note")
def _p2(ctx: Context) -> Iterator[Finding]:
    # 立法法 lets only the State Council's departments and the governments of provinces and of
    # cities divided into districts (设区的市, 自治州) make 规章; a township cannot make or repeal one.
    if not is_township_level(ctx):
        return
    r = REGISTRY["P2"]
    rows, cols = item_1(ctx.figures.version)
    cells = tuple((spec.TABLE_2, rows[0], c) for c in cols)
    values = ctx.figures.values
    base = dict(rule=r.id, file=ctx.file, table=spec.TABLE_2, row=rows[0])
    nonzero = [k for k in cells if is_number(values.get(k)) and values[k] != 0]
    blank = [k for k in cells if values.get(k) is None]
    if nonzero:
        figures = "、".join(f"{k[2]} {values[k]}" for k in nonzero)
        yield Finding(status="fail", severity="note", cells=tuple(nonzero), line=_line_of(ctx, nonzero),
                      values={k[2]: values[k] for k in nonzero},
                      message=f"{rows[0]}: {figures}, but only provincial-level governments and those of larger cities "
                              f"(设区的市) make {rows[0]}; a 乡/镇/街道 has none. Were {rows[1]} or documents of higher "
                              f"bodies counted here?", **base)
    elif blank:
        yield Finding(status="not_assessable", severity="note", cells=tuple(blank), values={"blank": [list(k) for k in blank]},
                      line=_line_of(ctx, blank),
                      message=f"{rows[0]}: not assessable, blank: {'、'.join(k[2] for k in blank)}", **base)
    else:
        yield Finding(status="pass", severity="note", cells=cells, values={k[2]: values[k] for k in cells},
                      message=f"{rows[0]}: no figures (0 or /), as expected of a 乡/镇/街道", **base)

