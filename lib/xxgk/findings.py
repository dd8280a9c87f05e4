"""Problems and rule results as data (the pandera way): collect them all, then present them.

A :class:`Finding` is either an input problem (the rule is an ``E-…`` code) or the result of a
consistency rule (``R1`` … ``R11``) which may also have passed or been not assessable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Literal

Status = Literal["pass", "fail", "not_assessable"]
Severity = Literal["error", "warning", "note"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}
_STATUS_ORDER = {"fail": 0, "not_assessable": 1, "pass": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    status: Status = "fail"
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    #: Cells the finding is about, as (table, row, column), so the report can highlight them.
    cells: tuple[tuple[str, str, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.status == "fail" and self.severity == "error"

    @property
    def is_warning(self) -> bool:
        return self.status == "fail" and self.severity == "warning"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["values"] = {k: _jsonable(v) for k, v in self.values.items()}
        d["cells"] = [list(c) for c in self.cells]
        return d

    def where(self) -> str:
        """``file:line`` and the labels, as an analyst would look the cell up."""
        place = self.file or ""
        if self.line is not None:
            place = f"{place}:{self.line}" if place else f"line {self.line}"
        labels = " / ".join(x for x in (self.table and f"表{self.table}", self.row, self.column) if x)
        return " ".join(x for x in (place, labels and f"[{labels}]") if x)

    def format_line(self) -> str:
        tag = {"error": "ERROR", "warning": "WARNING", "note": "NOTE"}[self.severity]
        if self.status != "fail":
            tag = {"pass": "PASS", "not_assessable": "N/A"}[self.status]
        where = self.where()
        return f"{tag:7} {self.rule:5} {where + ': ' if where else ''}{self.message}"


def _jsonable(v: Any) -> Any:
    from decimal import Decimal

    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if v is None or isinstance(v, (int, float, str, bool)):
        return v
    return str(v)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Failures first, errors before warnings before notes; stable otherwise."""
    return sorted(
        findings,
        key=lambda f: (_STATUS_ORDER[f.status], _SEVERITY_ORDER[f.severity]),
    )


def problems(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == "fail"]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def has_warnings(findings: Iterable[Finding]) -> bool:
    return any(f.is_warning for f in findings)
