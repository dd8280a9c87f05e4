"""Cross-year rules (spec §5): a report against the same township's report of the year before.

- R8: 四、结转下年度继续办理 of last year = 二、上年结转 of this year, per column (across the 2020→2021
  format change too: columns are matched by role);
- R9 (2021 format): 现行有效件数 = last year's + 本年制发件数 − 本年废止件数 — a third-party heuristic;
- R10, its cross-year half (2019 format): 上一年项目数量 = last year's 上一年项目数量 + 本年增/减.

Every result is pass, fail (both years' figures, and where last year's stands), or not assessable,
naming the missing year, the blank cell, or a format without the figures.  A figure this year
leaves blank and the kit carries from last year (:func:`xxgk.compute.carry`) is said to be carried,
not compared with itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from . import spec
from .findings import Finding, finding
from .load import Key
from .rules import REGISTRY, Context, _at, _label, rule
from .values import is_number


def _prev_line(ctx: Context, key: Key) -> int | str | None:
    """Where last year's file gives ``key``: its line, or its workbook cell (``表三!D12``)."""
    pos = ctx.previous.figures.positions.get(key) if ctx.previous and ctx.previous.figures else None
    if pos is None:
        return None
    return pos.line if pos.sheet is None else str(pos)


def _unavailable(ctx: Context, rule_id: str, prefix: str, what: object, **where) -> Finding | None:
    """The one not-assessable result when last year cannot be compared at all, else None."""
    if ctx.previous is None:
        return finding(rule_id, f"{prefix}na_year", status="not_assessable", file=ctx.file,
                       args={"what": what, "township": ctx.township or "", "year": (ctx.year or 0) - 1},
                       values={"previous_year": (ctx.year or 0) - 1}, **where)
    if ctx.previous.unreadable:
        return finding(rule_id, f"{prefix}na_unreadable", status="not_assessable", file=ctx.file,
                       args={"what": what, "file": ctx.previous.file}, values={"previous_file": ctx.previous.file},
                       **where)
    return None


def _compare(ctx: Context, rule_id: str, prefix: str, what: object, this: Key, previous: tuple[Key, ...],
             expected_of, args_of, where: dict) -> Finding:
    """This year's ``this`` against what last year's ``previous`` cells make of it."""
    values, before = ctx.completed.values, ctx.previous.values  # type: ignore[union-attr]
    base = dict(file=ctx.file, cells=(this,), **where)
    if this in ctx.completed.carried:
        return finding(rule_id, f"{prefix}carried", status="not_assessable", **_at(ctx, (this,)),
                       args={"what": what, "file": ctx.previous.file, "line": _prev_line(ctx, previous[0]),  # type: ignore[union-attr]
                             "value": values[this]}, values={"carried": values[this]}, **base)
    blank = [_label(this) + "（本年）"] if not is_number(values.get(this)) else []
    blank += [_label(k) + f"（{ctx.previous.year}）" for k in previous if not is_number(before.get(k))]  # type: ignore[union-attr]
    if blank:
        return finding(rule_id, f"{prefix}na_blank", status="not_assessable", **_at(ctx, (this,)),
                       args={"what": what, "blank": blank}, values={"blank": blank}, **base)
    prev = [before[k] for k in previous]
    expected = expected_of(*prev)
    got = values[this]
    figures = {"this": got, "previous": prev[0], "expected": expected,
               "previous_file": ctx.previous.file, "previous_line": _prev_line(ctx, previous[0])}  # type: ignore[union-attr]
    args = {"what": what, "this": got, "previous": prev[0], "expected": expected, "difference": got - expected,
            "file": ctx.previous.file, "line": _prev_line(ctx, previous[0]), **args_of(*prev)}  # type: ignore[union-attr]
    if got == expected:
        return finding(rule_id, f"{prefix}pass", status="pass", args=args, values=figures, **base)
    return finding(rule_id, f"{prefix}fail", **_at(ctx, (this,)), args=args, values=figures, **base)


@rule("R8")
def _r8(ctx: Context) -> Iterator[Finding]:
    fmt = spec.get_format(ctx.figures.version)
    carried_in = fmt.label(spec.TABLE_3, "row", "carried_in")
    if carried_in is None:
        return
    gone = _unavailable(ctx, "R8", "", carried_in, table=spec.TABLE_3, row=carried_in)
    if gone is not None:
        yield gone
        return
    before = spec.get_format(ctx.previous.version)  # type: ignore[union-attr]
    carried_out = before.label(spec.TABLE_3, "row", "carried_out")
    for part in fmt.table(spec.TABLE_3).parts:
        for column in part.column_leaves():
            this = (spec.TABLE_3, carried_in, column.label)
            where = {"table": spec.TABLE_3, "row": carried_in, "column": column.label}
            match = before.cell(spec.TABLE_3, "carried_out", column.role) if column.role else None
            if carried_out is None or match is None:
                yield finding("R8", "na_version", status="not_assessable", file=ctx.file, cells=(this,),
                              args={"what": column.label, "year": ctx.previous.year, "version": ctx.previous.version},  # type: ignore[union-attr]
                              **where)
                continue
            yield _compare(ctx, "R8", "", column.label, this, (match.key,), lambda prev: prev, lambda prev: {}, where)


@rule("R9")
def _r9(ctx: Context) -> Iterator[Finding]:
    fmt = spec.get_format(ctx.figures.version)
    cells = {row: {col: fmt.cell(spec.TABLE_2, row, col) for col in ("new", "repealed", "in_force")}
             for row in ("regulations", "normative")}
    if any(c is None for r in cells.values() for c in r.values()):
        return  # a format without 制发 / 废止 / 现行有效 (the 2019 one): the rule does not apply
    gone = _unavailable(ctx, "R9", "", spec.get_format(ctx.figures.version).part("item1").caption,  # type: ignore[union-attr]
                        table=spec.TABLE_2)
    if gone is not None:
        yield gone
        return
    before = spec.get_format(ctx.previous.version)  # type: ignore[union-attr]
    values = ctx.completed.values
    for row, by in cells.items():
        this = by["in_force"].key  # type: ignore[union-attr]
        where = {"table": spec.TABLE_2, "row": this[1], "column": this[2]}
        prev = before.cell(spec.TABLE_2, row, "in_force")
        if prev is None:
            yield finding("R9", "na_version", status="not_assessable", file=ctx.file, cells=(this,),
                          args={"what": this[1], "year": ctx.previous.year, "version": ctx.previous.version}, **where)  # type: ignore[union-attr]
            continue
        new, repealed = values.get(by["new"].key), values.get(by["repealed"].key)  # type: ignore[union-attr]
        if not (is_number(new) and is_number(repealed)):
            blank = [_label(k.key) + "（本年）" for k in (by["new"], by["repealed"]) if not is_number(values.get(k.key))]  # type: ignore[union-attr]
            yield finding("R9", "na_blank", status="not_assessable", file=ctx.file, cells=(this,),
                          **_at(ctx, (by["new"].key, by["repealed"].key)),  # type: ignore[union-attr]
                          args={"what": this[1], "blank": blank}, values={"blank": blank}, **where)
            continue
        yield _compare(ctx, "R9", "", this[1], this, (prev.key,), lambda p: p + new - repealed,  # type: ignore[operator]
                       lambda p: {"new": new, "repealed": repealed}, where)


def r10_cross(ctx: Context) -> Iterator[Finding]:
    """R10's cross-year half: every row of a block with 上一年项目数量 and 本年增/减."""
    fmt = spec.get_format(ctx.figures.version)
    rows = []
    for part in fmt.table(spec.TABLE_2).parts:
        roles = {c.role: c.label for c in part.column_leaves()}
        if "items_last_year" in roles and "items_change" in roles:
            rows += [(leaf, roles["items_last_year"]) for leaf in part.row_leaves()]
    if not rows:
        return
    gone = _unavailable(ctx, "R10", "cross_", rows[0][1], table=spec.TABLE_2)
    if gone is not None:
        yield gone
        return
    before = spec.get_format(ctx.previous.version)  # type: ignore[union-attr]
    for leaf, column in rows:
        this = (spec.TABLE_2, leaf.label, column)
        where = {"table": spec.TABLE_2, "row": leaf.label, "column": column}
        prev_items = before.cell(spec.TABLE_2, leaf.role, "items_last_year") if leaf.role else None
        prev_change = before.cell(spec.TABLE_2, leaf.role, "items_change") if leaf.role else None
        if prev_items is None or prev_change is None:
            yield finding("R10", "cross_na_version", status="not_assessable", file=ctx.file, cells=(this,),
                          args={"what": leaf.label, "year": ctx.previous.year, "version": ctx.previous.version}, **where)  # type: ignore[union-attr]
            continue
        yield _compare(ctx, "R10", "cross_", leaf.label, this, (prev_items.key, prev_change.key),
                       lambda items, change: items + change, lambda items, change: {"delta": _signed(change)}, where)


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)
