"""Small roots for unit tests: one township-year written out in full, then loaded and checked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from xxgk import spec
from xxgk.report import Report, build_report


def write_report(root: Path, *, year: int = 2020, township: str = "测试乡", values: dict | None = None,
                 notes: dict | None = None, params: dict | None = None, default: str = "0") -> Report:
    """Every cell of the year's format (``default`` unless given in ``values``), the params file
    when ``params`` is given, and the report built from them."""
    values, notes = values or {}, notes or {}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "row", "column", "value", "note"])
    for cell in spec.get_format(spec.version_for_year(year)).cells():
        w.writerow([*cell.key, values.get(cell.key, default), notes.get(cell.key, "")])
    data = root / "data" / str(year) / f"{township}.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(out.getvalue(), encoding="utf-8")
    if params is not None:
        p = root / "params" / township / f"{year}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(yaml.safe_dump({"township": township, "year": year, **params}, allow_unicode=True),
                     encoding="utf-8")
    return build_report(root, township, year)
