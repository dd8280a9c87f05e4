"""Consistency rules (勾稽关系) of shared/spec/official-format.md §5, as a registry.

Each rule knows its id, its formula, and where it comes from (the format's own wording, implied
arithmetic, or a heuristic), so a reviewer can tell an official rule from a plausibility check.
A rule yields one result per instance (per column, per row): ``pass``, ``fail`` with both sides'
figures, or ``not_assessable`` naming the blank inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterator

from . import spec
from .compute import Completed, Total, case_totals, results_totals, row_totals, sum_of
from . import catalogue
from .findings import Finding, Severity, finding
from .i18n import Text
from .load import Figures, Key
from .values import NA, Value, format_value, is_number

if TYPE_CHECKING:  # params imports pydantic; rules only need the type
    from .history import Year
    from .params import FieldPosition, Params

@dataclass(frozen=True)
class Context:
    figures: Figures
    completed: Completed
    file: str | None = None
    #: The report's params, for rules that read the narrative or the body's name (R11, P1, P2, P4).
    params: "Params | None" = None
    #: The params file as the analyst knows it, and where its fields stand, so R11 can point at a line.
    params_file: str | None = None
    params_fields: dict[str, "FieldPosition"] = field(default_factory=dict)
    #: The township name of the data file, used when there is no params file.
    township: str | None = None
    #: The reporting year, and the same township's year before (None when it has no data file),
    #: for the cross-year rules (:mod:`xxgk.cross_year`).
    year: int | None = None
    previous: "Year | None" = None


@dataclass(frozen=True)
class Rule:
    """A registered rule; its words (title, formula, origin, severity) are the catalogue's."""

    id: str
    check: Callable[[Context], Iterator[Finding]]

    @property
    def code(self) -> catalogue.Code:
        return catalogue.CODES[self.id]

    @property
    def title(self) -> str:
        return self.code.title.render()

    @property
    def formula(self) -> str:
        return self.code.formula.render() if self.code.formula else ""

    @property
    def origin(self) -> str:
        return self.code.origin

    @property
    def severity(self) -> Severity:
        return self.code.severity  # type: ignore[return-value]


REGISTRY: dict[str, Rule] = {}


def rule(id: str):
    if id not in catalogue.CODES or not catalogue.CODES[id].is_rule:
        raise KeyError(f"rule {id} is not in the catalogue")

    def register(fn: Callable[[Context], Iterator[Finding]]) -> Callable[[Context], Iterator[Finding]]:
        REGISTRY[id] = Rule(id, fn)
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


def table_2_part(version: str, role: str) -> spec.Part | None:
    """The block of table 二 for one 第二十条 item, by its role (``item1``, ``item5``…)."""
    return spec.get_format(version).part(role)


def item_1(version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Rows (规章, then 规范性文件 or 行政规范性文件) and columns of 第二十条第（一）项."""
    part = table_2_part(version, "item1")
    if part is None:
        return (), ()
    return tuple(n.label for n in part.row_leaves()), tuple(n.label for n in part.column_leaves())


def _blank(values: dict[Key, Value], keys: tuple[Key, ...]) -> list[Key]:
    return [k for k in keys if not is_number(values.get(k))]


def _at(ctx: Context, cells) -> dict:
    """Where the file gives the first of ``cells`` it gives (its line, or its workbook cell), as
    finding fields: put the cell a finding is about first."""
    for k in cells:
        if k in ctx.figures.positions:
            return ctx.figures.positions[k].fields()
    return {}


def _result(r: Rule, ctx: Context, *, left: tuple[Key, ...], right: tuple[Key, ...],
            values: dict[Key, Value], where: dict, describe: Text | str, at_most: bool = False,
            subject: Key | None = None) -> Finding:
    """Compare Σleft with Σright (equal, or ≤ with ``at_most``); blank or n/a inputs make the
    instance not assessable.  ``subject`` is the cell the result is about (a total), whose place
    a failure points at; by default the first of ``left``."""
    cells = tuple(dict.fromkeys((*left, *right)))
    missing = _blank(values, cells)
    base = dict(file=ctx.file, cells=cells, **where)
    if missing:
        return finding(r.id, "na", status="not_assessable", **_at(ctx, missing),
                       args={"describe": describe, "blank": [_label(k) for k in missing]},
                       values={"blank": [list(k) for k in missing]}, **base)
    lhs, rhs = sum_of(values[k] for k in left), sum_of(values[k] for k in right)
    holds = lhs <= rhs if at_most else lhs == rhs
    if holds:
        sign = "≤" if at_most and lhs != rhs else "="
        return finding(r.id, "pass", status="pass", args={"describe": describe, "left": lhs, "sign": sign, "right": rhs},
                       values={"left": lhs, "right": rhs}, **base)
    sign = ">" if at_most else "≠"
    return finding(r.id, "fail", **_at(ctx, (subject or left[0], *cells)),
                   args={"describe": describe, "left": lhs, "sign": sign, "right": rhs, "difference": lhs - rhs},
                   values={"left": lhs, "right": rhs}, **base)


def _total_rule(r: Rule, ctx: Context, totals: list[Total], *, given_only: bool) -> Iterator[Finding]:
    # A total the file left blank was computed from its parts: comparing it with them says
    # nothing, so these rules judge the figures as given.
    values = ctx.figures.values if given_only else ctx.completed.values
    for t in totals:
        table, row, column = t.cell
        describe = catalogue.SUM_OF_PARTS.format(cell=_label(t.cell))
        where = {"table": table, "row": row, "column": column}
        if given_only and t.cell in ctx.completed.computed:
            value = ctx.completed.values[t.cell]
            yield finding(r.id, "computed", status="not_assessable", file=ctx.file, cells=(t.cell,),
                          **_at(ctx, (t.cell,)), args={"describe": describe, "value": value},
                          values={"computed": value}, **where)
            continue
        yield _result(r, ctx, left=(t.cell,), right=t.parts, values=values, subject=t.cell, where=where,
                      describe=describe)


# --- the rules ------------------------------------------------------------------------------


@rule("R1")
def _r1(ctx: Context) -> Iterator[Finding]:
    r = REGISTRY["R1"]
    fmt = spec.get_format(ctx.figures.version)
    new, carried_in, results, carried_out = (fmt.label(spec.TABLE_3, "row", role) for role in
                                             ("new", "carried_in", "results_total", "carried_out"))
    if None in (new, carried_in, results, carried_out):
        return
    for c in fmt.table(spec.TABLE_3).data_columns:
        k = lambda row: (spec.TABLE_3, row, c)  # noqa: E731
        yield _result(r, ctx, left=(k(new), k(carried_in)), right=(k(results), k(carried_out)),
                      values=ctx.completed.values, where={"table": spec.TABLE_3, "column": c},
                      describe=f"{c}: 一 + 二 = 三（七）总计 + 四")


@rule("R2")
def _r2(ctx: Context) -> Iterator[Finding]:
    yield from _total_rule(REGISTRY["R2"], ctx, row_totals(ctx.figures.version), given_only=True)


@rule("R3")
def _r3(ctx: Context) -> Iterator[Finding]:
    yield from _total_rule(REGISTRY["R3"], ctx, results_totals(ctx.figures.version), given_only=True)


@rule("R6")
def _r6(ctx: Context) -> Iterator[Finding]:
    yield from _total_rule(REGISTRY["R6"], ctx, case_totals(ctx.figures.version), given_only=True)


# R7 reads the figures as given.  The loader already refuses text, negative and fractional
# counts in a CSV (E-NOT-NUMBER, E-NEGATIVE, E-FRACTION), so on loaded data what R7 can still
# catch is what the loader lets through on purpose: "/" (n/a) in tables 三 and 四, where every
# cell counts applications or cases, and negative money.  It also guards figures that reach the
# rules by another road than the CSV loader (the notebook, generated demo data).
_COUNTS_ONLY = (spec.TABLE_3, spec.TABLE_4)
def _kind_problem(cell: spec.Cell, value: Value) -> Text | None:
    def why(variant: str) -> Text:
        return catalogue.message("R7", variant, value=value)

    if value is None:
        return None
    if value is NA:
        return why("na_in_counts") if cell.table in _COUNTS_ONLY else None
    if not isinstance(value, Decimal) or not value.is_finite():
        return why("not_number")
    if cell.kind is spec.Kind.MONEY:
        return why("negative_amount") if value < 0 else None
    if value != value.to_integral_value():
        return why("fraction")
    if cell.kind is spec.Kind.COUNT and value < 0:
        return why("negative_count")
    return None


@rule("R7")
def _r7(ctx: Context) -> Iterator[Finding]:
    r = REGISTRY["R7"]
    values = ctx.figures.values
    for table in spec.get_format(ctx.figures.version).tables:
        bad: list[tuple[spec.Cell, Text]] = []
        blank = 0
        for cell in table.cells:
            value = values.get(cell.key)
            if value is None:
                blank += 1
                continue
            problem = _kind_problem(cell, value)
            if problem:
                bad.append((cell, problem))
        checked = len(table.cells) - blank
        base = dict(file=ctx.file, table=table.id)
        counts = {"checked": checked, "blank": blank}
        if bad:
            only = bad[0][0] if len(bad) == 1 else None
            keys = tuple(c.key for c, _ in bad)
            detail = [catalogue.message("R7", "problem", cell=_label(c.key), why=p) for c, p in bad]
            yield finding(r.id, "fail", **_at(ctx, keys), cells=keys, row=only and only.row,
                          column=only and only.column,
                          args={"table": table.id, "bad": len(bad), "checked": checked, "detail": detail},
                          values={**counts, "problems": [{"row": c.row, "column": c.column, "value": values.get(c.key),
                                                          "problem": p} for c, p in bad]},
                          **base)
        elif checked == 0:
            yield finding(r.id, "na", status="not_assessable", args={"table": table.id},
                          values={**counts, "blank": [list(c.key) for c in table.cells]}, **base)
        else:
            tail = catalogue.message("R7", "tail", blank=blank) if blank else ""
            yield finding(r.id, "pass", status="pass", values=counts,
                          args={"table": table.id, "checked": checked, "tail": tail}, **base)


@rule("R10")
def _r10(ctx: Context) -> Iterator[Finding]:
    # Only a format whose 第二十条第（一）项 counts the documents published (the 2019 one) has the
    # figures of the within-year half; the cross-year half needs last year's report.
    fmt = spec.get_format(ctx.figures.version)
    published, total = fmt.label(spec.TABLE_2, "column", "new_published"), fmt.label(spec.TABLE_2, "column", "public_total")
    if published is not None and total is not None:
        r = REGISTRY["R10"]
        rows, _columns = item_1(ctx.figures.version)
        for row in rows:
            new, all_ = (spec.TABLE_2, row, published), (spec.TABLE_2, row, total)
            yield _result(r, ctx, left=(new,), right=(all_,), values=ctx.figures.values, at_most=True, subject=new,
                          where={"table": spec.TABLE_2, "row": row}, describe=f"{row}: {published} ≤ {total}")
    from .cross_year import r10_cross

    yield from r10_cross(ctx)


# Plausibility notes and the narrative check live in their own modules; importing them here
# registers them after the consistency rules, in the order the review lists them.
from . import cross_year  # noqa: E402,F401,I001  (R8, R9)
from . import plausibility  # noqa: E402,F401,I001  (P1–P5)
from . import narrative_check  # noqa: E402,F401  (R11)
