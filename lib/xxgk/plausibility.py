"""Plausibility notes: figures that are arithmetically fine but unlikely for the body reporting them.

These are heuristics, never part of the official format: every result has severity ``note``
(province-level bodies really do report 行政许可 in the millions), and each message says why the
figure looks odd so that the analyst can confirm it or fix a typo.

Notes about magnitudes (P1, P4) and about what a body may make (P2) judge only township-level
bodies (乡, 镇, 街道, 苏木), because their level can be read reliably from the name; a county, city
or department report gets none of them. P3 is about the format's own logic (what is made must be
published), so it judges every body.

P5 is the exception: implied arithmetic (a number of items cannot be negative), so a warning like
the consistency rules of :mod:`xxgk.rules`; it came with these notes and is registered with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterator

from . import spec
from . import catalogue
from .findings import Finding, finding
from .i18n import Text
from .rules import REGISTRY, Context, _label, _at, item_1, rule, table_2_part
from .values import format_value, is_number

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
    why: Text


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
    fmt = spec.get_format(version)
    apps = catalogue.message("P1", "applications")
    cases = catalogue.message("P1", "cases")
    wanted = [
        (spec.TABLE_3, "new", "total", 1000, apps),
        (spec.TABLE_3, "carried_in", "total", 1000, apps),
        *((spec.TABLE_4, kind, "total", 100, cases) for kind in ("review", "sued_directly", "sued_after_review")),
        (spec.TABLE_2, "normative", "new", 100, catalogue.message("P1", "normative")),
        *((spec.TABLE_2, row, "decisions", 100_000, catalogue.message("P1", "decisions"))
          for row in ("licences", "other_services", "penalties", "coercions")),
    ]
    out = []
    for table, row, column, limit, why in wanted:
        cell = fmt.cell(table, row, column)
        if cell is not None:  # a version without the figure has nothing to judge
            out.append(Limit(cell.key, limit, why))
    return out


@rule("P1")
def _p1(ctx: Context) -> Iterator[Finding]:
    if not is_township_level(ctx):
        return
    r = REGISTRY["P1"]
    values = ctx.completed.values
    for lim in township_limits(ctx.figures.version):
        table, row, column = lim.cell
        value = values.get(lim.cell)
        base = dict(file=ctx.file, table=table, row=row, column=column, cells=(lim.cell,))
        args = {"cell": _label(lim.cell), "value": value, "limit": lim.limit, "why": lim.why}
        if not is_number(value):
            yield finding(r.id, "na", status="not_assessable", values={"blank": [list(lim.cell)], "limit": lim.limit},
                          **_at(ctx, (lim.cell,)), args=args, **base)
        elif value > lim.limit:
            yield finding(r.id, "fail", **_at(ctx, (lim.cell,)), values={"value": value, "limit": lim.limit},
                          args=args, **base)
        else:
            yield finding(r.id, "pass", status="pass", values={"value": value, "limit": lim.limit}, args=args, **base)


@rule("P2")
def _p2(ctx: Context) -> Iterator[Finding]:
    # 立法法 lets only the State Council's departments and the governments of provinces and of
    # cities divided into districts (设区的市, 自治州) make 规章; a township cannot make or repeal one.
    if not is_township_level(ctx):
        return
    r = REGISTRY["P2"]
    rows, cols = item_1(ctx.figures.version)
    if len(rows) < 2:
        return
    cells = tuple((spec.TABLE_2, rows[0], c) for c in cols)
    values = ctx.figures.values
    base = dict(file=ctx.file, table=spec.TABLE_2, row=rows[0])
    nonzero = [k for k in cells if is_number(values.get(k)) and values[k] != 0]
    blank = [k for k in cells if values.get(k) is None]
    if nonzero:
        figures = [f"{k[2]} {values[k]}" for k in nonzero]
        yield finding(r.id, "fail", cells=tuple(nonzero), **_at(ctx, nonzero),
                      values={k[2]: values[k] for k in nonzero},
                      args={"row": rows[0], "figures": figures, "other_row": rows[1]}, **base)
    elif blank:
        yield finding(r.id, "na", status="not_assessable", cells=tuple(blank), values={"blank": [list(k) for k in blank]},
                      **_at(ctx, blank), args={"row": rows[0], "blank": [k[2] for k in blank]}, **base)
    else:
        yield finding(r.id, "pass", status="pass", cells=cells, values={k[2]: values[k] for k in cells},
                      args={"row": rows[0]}, **base)


def _absent(values, keys) -> list[Text]:
    """Why each of ``keys`` cannot be judged: blank (missing data) or “/” (not applicable)."""
    return [catalogue.ABSENT["blank" if values.get(k) is None else "na"].format(cell=k[2])
            for k in keys if not is_number(values.get(k))]


@rule("P3")
def _p3(ctx: Context) -> Iterator[Finding]:
    # 规章 must be published before they apply (规章制定程序条例), and so must 行政规范性文件: "未经
    # 公开发布的，不得作为行政管理依据" (国办发〔2018〕37号). So what a body makes in a year it also
    # publishes that year, and 本年新公开数量 may exceed 本年新制作数量 (last December's documents)
    # but should not fall short of it. Origin heuristic, not implied: the table's arithmetic does not
    # require it, a document made in late December may lawfully be published in January, and real
    # reports break it (34 made / 4 published; 47 / 0 / 0), so it cannot be the format's own
    # arithmetic; a note asks the analyst to look, as the usual cause is a figure in the wrong column.
    # It is about the format's logic, not the body's level, so every body is judged.
    fmt = spec.get_format(ctx.figures.version)
    made_col, published_col = fmt.label(spec.TABLE_2, "column", "new"), fmt.label(spec.TABLE_2, "column", "new_published")
    if made_col is None or published_col is None:
        return  # the 2021 columns (制发, 废止, 现行有效) have no published count
    r = REGISTRY["P3"]
    rows, _columns = item_1(ctx.figures.version)
    values = ctx.figures.values
    for row in rows:
        made, published = (spec.TABLE_2, row, made_col), (spec.TABLE_2, row, published_col)
        # The published count is the figure that looks wrong (too low): point there.
        base = dict(file=ctx.file, table=spec.TABLE_2, row=row, column=published_col, cells=(published, made))
        absent = _absent(values, (made, published))
        if absent:
            blank = [k for k in (published, made) if not is_number(values.get(k))]
            yield finding(r.id, "na", status="not_assessable", **_at(ctx, blank),
                          values={"blank": [list(k) for k in blank]}, args={"row": row, "absent": absent}, **base)
            continue
        args = {"row": row, "made": values[made], "published": values[published]}
        figures = {"made": values[made], "published": values[published]}
        if values[published] < values[made]:
            yield finding(r.id, "fail", **_at(ctx, (published, made)), values=figures, args=args, **base)
        else:
            yield finding(r.id, "pass", status="pass", values=figures, args=args, **base)


#: P4's limits, in 万元. A figure typed in 元 where the table wants 万元 reads 10,000 times too
#: large, so it lands far above what any township spends or collects, while the same figure read
#: as 元 is an ordinary amount; each limit sits between the two.
#:
#: 政府集中采购 (2019): a township buys mostly catalogue goods and services (computers, vehicles,
#: printing), each well under 100 万元, with the odd works contract. The seed 红旗满族乡 2020, the
#: largest township figure we have, reports 6874.6408 万元 for 9 items: 764 万元 per item, and real.
#: A township's total can therefore reach thousands of 万元, so the total alone cannot tell a typo
#: from a real figure (中村乡 2020 printed 8040, barely above the seed); the amount per item can.
#: Above 2000 万元 (20 million yuan) per item on average, every item would outweigh most townships'
#: whole year of discretionary spending; read as 元 it is 2000 元 or more per item, an ordinary
#: purchase. The limit is about 2.6 times the seed's average.
PROCUREMENT_PER_ITEM = Decimal(2000)
#: 行政事业性收费 (2021): fees are levied almost entirely by county-level departments; township
#: reports show 0 to some tens of 万元 (the 2021 sample 示例镇: 12.35). 1000 万元 (10 million yuan)
#: a year is beyond any township, while in 元 it is 0.1 万元, so any fee income above 1000 元
#: typed in 元 crosses it.
FEES_LIMIT = Decimal(1000)
_YUAN_PER_WAN = Decimal(10000)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class MoneyCheck:
    amount: tuple[str, str, str]
    #: The number of items the amount is spread over (采购项目数量), or None for a yearly total.
    items: tuple[str, str, str] | None
    limit: Decimal


def money_checks(version: str) -> list[MoneyCheck]:
    fmt = spec.get_format(version)
    out = []
    amount = fmt.cell(spec.TABLE_2, "procurement", "procurement_amount")  # 采购总金额 (2019)
    items = fmt.cell(spec.TABLE_2, "procurement", "procurement_items")  # 采购项目数量
    if amount is not None and items is not None:
        out.append(MoneyCheck(amount.key, items.key, PROCUREMENT_PER_ITEM))
    fees = fmt.cell(spec.TABLE_2, "fees", "fee_amount")  # 本年收费金额（单位：万元） (2021)
    if fees is not None:
        out.append(MoneyCheck(fees.key, None, FEES_LIMIT))
    return out


@rule("P4")
def _p4(ctx: Context) -> Iterator[Finding]:
    if not is_township_level(ctx):
        return
    r = REGISTRY["P4"]
    values = ctx.figures.values
    for check in money_checks(ctx.figures.version):
        table, row, column = check.amount
        needed = (check.amount,) if check.items is None else (check.amount, check.items)
        base = dict(file=ctx.file, table=table, row=row, column=column, cells=needed)
        args: dict = {"cell": _label(check.amount), "limit": check.limit}
        absent = _absent(values, needed)
        if absent:
            blank = [k for k in needed if not is_number(values.get(k))]
            yield finding(r.id, "na", status="not_assessable", **_at(ctx, blank),
                          values={"blank": [list(k) for k in blank]}, args={**args, "absent": absent}, **base)
            continue
        amount = values[check.amount]
        args.update(value=amount, intended=amount / _YUAN_PER_WAN)
        figures = {"value": amount, "limit": check.limit}
        items = values[check.items] if check.items is not None else None
        if items == 0 and amount > 0:
            # Money spent on "0 items": the limit is per item, and the total alone cannot tell a
            # typo from a real figure (the seed's 6874.6408 with its 9 items lost would look the
            # same as 8040 typed in 元), so say what is odd and judge nothing.
            yield finding(r.id, "no_items", status="not_assessable", **_at(ctx, (check.items,)),
                          values={"value": amount, "items": items}, args={**args, "items_cell": check.items[2]}, **base)
            continue
        per_item = ""
        if items:
            args.update(items=items, per_item=(amount / items).quantize(_CENT, ROUND_HALF_UP))
            figures.update(items=items, per_item=amount / items)
            per_item = "_items"
        if amount > check.limit * (items or 1):
            yield finding(r.id, "fail" + per_item, **_at(ctx, (check.amount,)), values=figures, args=args,
                          **base)
        else:
            yield finding(r.id, "pass" + per_item, status="pass", values=figures, args=args, **base)


@rule("P5")
def _p5(ctx: Context) -> Iterator[Finding]:
    # This year's number of items is 上一年项目数量 + 本年增/减; the table does not print it, but it
    # counts items, so it cannot be negative: implied arithmetic, and a real inconsistency (a
    # warning, as for R10), whatever the body. It sits with the plausibility notes because it
    # arrived with them; it belongs with the consistency rules (an R id) when the spec numbers it.
    r = REGISTRY["P5"]
    values = ctx.figures.values
    # Every block that counts items from last year and their change (the 2019 format's （五）（六）
    # （八）; the 2021 format dropped both columns).
    for part in spec.get_format(ctx.figures.version).table(spec.TABLE_2).parts:
        roles = {c.role: c.label for c in part.column_leaves()}
        if "items_last_year" not in roles or "items_change" not in roles:
            continue
        previous_col, change_col = roles["items_last_year"], roles["items_change"]  # 上一年项目数量, 本年增/减
        for leaf in part.row_leaves():
            row = leaf.label
            previous, change = (spec.TABLE_2, row, previous_col), (spec.TABLE_2, row, change_col)
            # Point at 本年增/减: 上一年项目数量 carries over from last year's report (R10), so the
            # change is the likelier slip.
            base = dict(file=ctx.file, table=spec.TABLE_2, row=row, column=change_col, cells=(change, previous))
            absent = _absent(values, (previous, change))
            if absent:
                blank = [k for k in (change, previous) if not is_number(values.get(k))]
                yield finding(r.id, "na", status="not_assessable", **_at(ctx, blank),
                              values={"blank": [list(k) for k in blank]}, args={"row": row, "absent": absent}, **base)
                continue
            p, c = values[previous], values[change]
            total = p + c
            args = {"row": row, "previous": p, "change": format_value(c, spec.Kind.SIGNED),
                    "op": "-" if c < 0 else "+", "size": abs(c), "total": total}
            figures = {"previous": p, "change": c, "total": total}
            if total < 0:
                yield finding(r.id, "fail", **_at(ctx, (change, previous)), values=figures, args=args, **base)
            else:
                yield finding(r.id, "pass", status="pass", values=figures, args=args, **base)
