"""Figures made in memory for the rule tests: every cell of a format 0 (a report with nothing to
report), some cells changed, each cell on its own CSV line (its position in the format + 2, as the
template lists them after the header)."""

from __future__ import annotations

from decimal import Decimal

from xxgk import spec
from xxgk.load import Figures
from xxgk.records import Position


def zero_figures(version: str, overrides: dict | None = None) -> Figures:
    """``overrides``: key → int or str (a number), None (blank) or a value such as ``NA``."""
    f = Figures(version)
    for i, cell in enumerate(spec.get_format(version).cells()):
        f.values[cell.key] = Decimal(0)
        f.positions[cell.key] = Position(i + 2)
    for key, value in (overrides or {}).items():
        assert key in f.values, key
        f.values[key] = Decimal(value) if isinstance(value, (int, str)) else value
    return f
