"""Problems and rule results as data (the pandera way): collect them all, then present them.

A :class:`Finding` is an input problem (``E-…``, ``W-…``), a label read through a variant
(``N-ALIAS``), a blank figure (``M-BLANK``: missing data, not a failed check) or the result of a
rule (``R…``, ``P…``), which may also have passed or been not assessable.  Its code, severity and
words come from :mod:`xxgk.catalogue`; its message is a :class:`~xxgk.i18n.Text`, shown in the
analyst's language when printed.

Every view (``xxgk check``, the banner, the 数据核验 panel, the dashboard) orders findings with
:func:`sort_findings` and counts them with :func:`tally`, so that they agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Literal, Mapping

from . import catalogue
from .i18n import Text, show
from .records import cell_reference

Status = Literal["pass", "fail", "not_assessable"]
Severity = Literal["error", "warning", "note", "missing"]


@dataclass(frozen=True)
class Finding:
    rule: str
    message: Text | str
    status: Status = "fail"
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None
    #: For a workbook: the sheet and the cell (``D12``) the finding is about, where a CSV has a line.
    sheet: str | None = None
    cell: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    #: Cells the finding is about, as (table, row, column), so the report can highlight them.
    cells: tuple[tuple[str, str, str], ...] = ()
    #: How many problems this finding stands for: more than 1 for the line that closes a capped
    #: list ("… 及另外 N 处同类错误"), so that counts stay honest.
    count: int = 1

    @property
    def is_error(self) -> bool:
        return self.status == "fail" and self.severity == "error"

    @property
    def is_warning(self) -> bool:
        return self.status == "fail" and self.severity == "warning"

    @property
    def is_missing(self) -> bool:
        return self.status == "fail" and self.severity == "missing"

    @property
    def category(self) -> str:
        code = catalogue.get(self.rule)
        return code.category if code else "input"

    def text(self, lang: str | None = None) -> str:
        return self.message.render(lang) if isinstance(self.message, Text) else str(self.message)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        d = asdict(self)
        d["message"] = self.text(lang)
        d["values"] = {k: _jsonable(v) for k, v in self.values.items()}
        d["cells"] = [list(c) for c in self.cells]
        if self.sheet is None and self.cell is None:
            # A finding about a line (or about no place) reads as it did before workbooks were read.
            del d["sheet"], d["cell"]
        return d

    def where(self) -> str:
        """``file:line`` (``file:表三!D12`` in a workbook) and the labels, as an analyst would look
        the cell up."""
        spot = place(self.file, self.line, self.sheet, self.cell)
        labels = " / ".join(x for x in (self.table and f"表{self.table}", self.row, self.column) if x)
        return " ".join(x for x in (spot, labels and f"[{labels}]") if x)

    def tag(self) -> str:
        """错误 / 警告 / 提示 / 未填报 for a failure, 无法判断 / 通过 for other results."""
        if self.status == "fail":
            return catalogue.SEVERITY_TEXT[self.severity].render()
        return catalogue.STATUS_TEXT[self.status].render()

    def format_line(self) -> str:
        where = self.where()
        return f"{where + ': ' if where else ''}{self.tag()} {self.rule} {catalogue.title(self.rule)}: {self.text()}"


def place(file: str | None, line: int | None = None, sheet: str | None = None, cell: str | None = None) -> str:
    """``file:12`` for a line, ``file:表三!D12`` for a workbook's cell, the file alone otherwise."""
    if line is not None:
        return f"{file}:{line}" if file else f"line {line}"
    if sheet is not None:
        ref = cell_reference(sheet, cell)
        return f"{file}:{ref}" if file else ref
    return file or ""


def finding(code: str, variant: str, /, *, args: Mapping[str, Any] | None = None, status: Status = "fail",
            severity: Severity | None = None, **fields: Any) -> Finding:
    """A finding of a catalogue code, its message the code's ``variant`` filled with ``args``.

    A failure takes the code's severity; a pass or a not-assessable result is a note."""
    entry = catalogue.CODES[code]
    if severity is None:
        severity = entry.severity if status == "fail" else "note"  # type: ignore[assignment]
    return Finding(rule=code, message=entry.message(variant, **(args or {})), status=status,
                   severity=severity, **fields)


def _jsonable(v: Any) -> Any:
    from decimal import Decimal

    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, Text):
        return v.render()
    if v is None or isinstance(v, (int, float, str, bool)):
        return v
    return str(v)


# --- order ---------------------------------------------------------------------------------------

#: What an analyst must see first: input errors, input warnings, failed rules, plausibility notes,
#: label notes, missing data; then the results that are not problems.
GROUPS = ("input_error", "input_warning", "rule", "plausibility", "label", "missing", "not_assessable", "pass")
GROUP_TEXT = {
    "input_error": Text("输入错误", "input errors"),
    "input_warning": Text("输入警告", "input warnings"),
    "rule": Text("检查未通过", "failed checks"),
    "plausibility": Text("合理性提示", "plausibility notes"),
    "label": Text("标签写法提示", "label notes"),
    "missing": Text("未填报", "missing data"),
    "not_assessable": Text("无法判断", "not assessable"),
    "pass": Text("通过", "passed"),
}


def group_of(f: Finding) -> str:
    if f.status != "fail":
        return f.status
    if f.severity == "error":
        return "input_error"
    category = f.category
    if category == "input":
        return "input_warning"
    if category == "rule" and f.severity == "note":
        return "plausibility"
    return category


_GROUP_RANK = {g: i for i, g in enumerate(GROUPS)}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """In :data:`GROUPS` order; stable within a group (the order they were found in)."""
    return sorted(findings, key=lambda f: _GROUP_RANK[group_of(f)])


# --- counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The counts every view prints: one function makes them, so banner, panel, ``xxgk check``,
    dashboard and summary.csv agree."""

    errors: int = 0  # 输入错误
    failed: int = 0  # 检查未通过: failed rules and input warnings
    notes: int = 0  # 提示: plausibility and label notes
    missing: int = 0  # 未填报: blank figures
    not_assessable: int = 0
    passed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def tally(findings: Iterable[Finding]) -> Tally:
    n = dict.fromkeys(("errors", "failed", "notes", "missing", "not_assessable", "passed"), 0)
    for f in findings:
        if f.status == "pass":
            n["passed"] += 1
        elif f.status == "not_assessable":
            n["not_assessable"] += 1
        else:
            n[{"error": "errors", "warning": "failed", "note": "notes", "missing": "missing"}[f.severity]] += f.count
    return Tally(**n)


def tally_text(t: Tally) -> str:
    """``输入错误 0 项，检查未通过 2 项，提示 1 项，未填报 3 项；无法判断 5 项，通过 40 项``."""
    from .i18n import tr

    return tr("输入错误 {e} 项，检查未通过 {w} 项，提示 {n} 项，未填报 {m} 项；无法判断 {na} 项，通过 {p} 项",
              "{e} input errors, {w} failed checks, {n} notes, {m} missing figures; {na} not assessable, {p} passed",
              e=t.errors, w=t.failed, n=t.notes, m=t.missing, na=t.not_assessable, p=t.passed)


def problems(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == "fail"]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def has_warnings(findings: Iterable[Finding]) -> bool:
    return any(f.is_warning for f in findings)


__all__ = ["Finding", "GROUPS", "GROUP_TEXT", "Tally", "finding", "group_of", "has_errors", "has_warnings",
           "place", "problems", "show", "sort_findings", "tally", "tally_text"]
