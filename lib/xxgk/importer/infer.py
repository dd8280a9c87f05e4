"""``--infer``: the figures a source lost that the format's own arithmetic forces, and only those.

Each rule is a sum that must hold: R1 (the footnote of table 三, the format's own wording: 一 + 二 =
三 + 四, 三 being the sum of the results), R3 (（七）总计 = the results), R2 (a row's 总计 = its
applicant columns), R6 (table 四's 总计 = its four results).  Every figure in them counts
applications or cases, so none is negative; a lost figure is forced when

- it is the only unknown of its sum: it is the difference (if that is a whole number ≥ 0), or
- the known figures already reach the other side's total: every unknown on that side is 0 (the
  seed: （七）总计 and 四 are 0 in every column, so each lost result and 一, 二 are 0).

Only lost figures are filled (never a blank the source printed), each marked with its rule.
"""

from __future__ import annotations

from decimal import Decimal

from .. import spec
from ..compute import case_totals, results_totals, row_totals
from ..load import Key
from .tables import Placement

Relation = tuple[str, tuple[Key, ...], tuple[Key, ...]]


def relations(version: str) -> list[Relation]:
    """(rule, left cells, right cells) whose sums are equal."""
    fmt = spec.get_format(version)
    out: list[Relation] = [("R2", (t.cell,), t.parts) for t in row_totals(version)]
    out += [("R3", (t.cell,), t.parts) for t in results_totals(version)]
    out += [("R6", (t.cell,), t.parts) for t in case_totals(version)]
    new, carried_in, total, carried_out = (fmt.label(spec.TABLE_3, "row", r)
                                           for r in ("new", "carried_in", "results_total", "carried_out"))
    if None not in (new, carried_in, total, carried_out):
        for c in fmt.table(spec.TABLE_3).data_columns:
            k = lambda row: (spec.TABLE_3, row, c)  # noqa: E731
            out.append(("R1", (k(new), k(carried_in)), (k(total), k(carried_out))))
    return out


def infer(placement: Placement) -> list[Key]:
    """Fill the forced lost figures in place; the cells filled, in the order found."""
    cells = placement.cells
    rels = relations(placement.version)

    def known(key: Key) -> Decimal | None:
        c = cells.get(key)
        if c is not None and c.status in ("read", "inferred") and isinstance(c.value, Decimal):
            return c.value
        return None

    def fillable(key: Key) -> bool:
        c = cells.get(key)
        return c is not None and c.status == "lost"

    filled: list[Key] = []

    def fill(key: Key, value: Decimal, rule: str) -> None:
        c = cells[key]
        c.status, c.value, c.detail = "inferred", value, {"rule": rule}
        filled.append(key)

    changed = True
    while changed:
        changed = False
        for rule, left, right in rels:
            for side, other in ((left, right), (right, left)):
                unknown = [k for k in side if known(k) is None]
                if not unknown or any(known(k) is None for k in other):
                    continue
                if not all(fillable(k) for k in unknown):
                    continue  # a blank or unreadable figure on this side: nothing is forced
                rest = sum(other_value for other_value in (known(k) for k in other)) - sum(known(k) for k in side
                                                                                           if known(k) is not None)
                if len(unknown) == 1 and rest >= 0 and rest == rest.to_integral_value():
                    fill(unknown[0], rest, rule)
                    changed = True
                elif rest == 0:
                    for k in unknown:
                        fill(k, Decimal(0), rule)
                    changed = True
    return filled
