"""Consistency rules (勾稽关系) of shared/spec/official-format.md §5, as a registry.

Each rule knows its id, its formula, and where it comes from (the format's own wording, implied
arithmetic, or a heuristic), so a reviewer can tell an official rule from a plausibility check.
A rule yields one result per instance (per column, per row): ``pass``, ``fail`` with both sides'
figures, or ``not_assessable`` naming the blank inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from . import spec
from .compute import Completed, Total, case_totals, results_totals, row_totals, sum_of
from .findings import Finding, Severity
from .load import Figures, Key
from .values import Value, format_value, is_number

#: Where a rule comes from, printed next to it in the review panel.
ORIGINS = {
    "official": "格式原文 (the format's own wording)",
    "implied": "表格结构隐含 (implied arithmetic)",
    "heuristic": "经验检查 (plausibility heuristic)",
}


@dataclass(frozen=True)
class Context:
    figures: Figures
    completed: Completed
    file: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    formula: str
    origin: str  # a key of ORIGINS
    severity: Severity
    check: Callable[[Context], Iterator[Finding]]


REGISTRY: dict[str, Rule] = {}


def rule(id: str, title: str, formula: str, origin: str, severity: Severity = "warning"):
    def register(fn: Callable[[Context], Iterator[Finding]]) -> Callable[[Context], Iterator[Finding]]:
        REGISTRY[id] = Rule(id, title, formula, origin, severity, fn)
        return fn

    return register


def run_rules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for r in REGISTRY.values():
        out.extend(r.check(ctx))
    return out


# --- helpers --------------------------------------------------------------------------------


def _label(key: Key) -> str:
    _, row, column = key
    return f"{row}·{column}" if row else column


def _blank(values: dict[Key, Value], keys: tuple[Key, ...]) -> list[Key]:
    return [k for k in keys if not is_number(values.get(k))]


def _result(r: Rule, ctx: Context, *, left: tuple[Key, ...], right: tuple[Key, ...],
            values: dict[Key, Value], where: dict, describe: str) -> Finding:
    """Compare Σleft with Σright; blank or n/a inputs make the instance not assessable."""
    cells = tuple(dict.fromkeys((*left, *right)))
    missing = _blank(values, cells)
    base = dict(rule=r.id, file=ctx.file, cells=cells, **where)
    if missing:
        names = "、".join(_label(k) for k in missing)
        return Finding(status="not_assessable", severity="note",
                       message=f"{describe}: not assessable, blank: {names}",
                       values={"blank": [list(k) for k in missing]}, **base)
    lhs, rhs = sum_of(values[k] for k in left), sum_of(values[k] for k in right)
    if lhs == rhs:
        return Finding(status="pass", severity="note", message=f"{describe}: {format_value(lhs)} = {format_value(rhs)}",
                       values={"left": lhs, "right": rhs}, **base)
    lines = [ctx.figures.lines[k] for k in cells if k in ctx.figures.lines]
    return Finding(status="fail", severity=r.severity,
                   message=f"{describe}: {format_value(lhs)} ≠ {format_value(rhs)} (difference {format_value(lhs - rhs)})",
                   line=min(lines) if lines else None,
                   values={"left": lhs, "right": rhs}, **base)


def _total_rule(r: Rule, ctx: Context, totals: list[Total], *, given_only: bool) -> Iterator[Finding]:
    # A total the CSV left blank was computed from its parts: comparing it with them says
    # nothing, so these rules judge the figures as given.
    values = ctx.figures.values if given_only else ctx.completed.values
    for t in totals:
        table, row, column = t.cell
        yield _result(r, ctx, left=(t.cell,), right=t.parts, values=values,
                      where={"table": table, "row": row, "column": column},
                      describe=f"{_label(t.cell)} = sum of its parts")


# --- the rules ------------------------------------------------------------------------------


@rule("R1", "表三各列勾稽关系 (footnote of table 三)",
      "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理, for every column",
      "official")
def _r1(ctx: Context) -> Iterator[Finding]:
    r = REGISTRY["R1"]
    for c in spec.T3_DATA_COLUMNS:
        k = lambda row: (spec.TABLE_3, row, c)  # noqa: E731
        yield _result(r, ctx, left=(k(spec.NEW), k(spec.CARRIED_IN)), right=(k(spec.RESULTS_TOTAL), k(spec.CARRIED_OUT)),
                      values=ctx.completed.values, where={"table": spec.TABLE_3, "column": c},
                      describe=f"{c}: 一 + 二 = 三（七）总计 + 四")


@rule("R2", "表三行总计 (row 总计)", "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他, for every row",
      "implied")
def _r2(ctx: Context) -> Iterator[Finding]:
    yield from _total_rule(REGISTRY["R2"], ctx, row_totals(ctx.figures.version), given_only=True)


@rule("R3", "表三办理结果合计 (（七）总计)",
      "（七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）, for every column", "implied")
def _r3(ctx: Context) -> Iterator[Finding]:
    yield from _total_rule(REGISTRY["R3"], ctx, results_totals(ctx.figures.version), given_only=True)


@rule("R6", "表四总计 (table 四 totals)", "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, for 行政复议 and both kinds of 行政诉讼",
      "implied")
def _r6(ctx: Context) -> Iterator[Finding]:
    yield from _total_rule(REGISTRY["R6"], ctx, case_totals(), given_only=True)
