"""A checked report → its :class:`~xxgk.document.Document`, the one model every output writes.

:func:`build_document` makes the whole copy; the notebook builds it once and prints it piece by
piece, ``xxgk render --to docx`` writes it as a Word file.  The functions for one part
(:func:`section`, :func:`table`, :func:`signature`, :func:`provenance`) serve callers that want
only that part of a report.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from . import __version__, spec
from .document import Block, Document, Figure, Fill, Flag, NotProvided, Provenance, Section, Signature, Source, Table
from .findings import Finding, sort_findings
from .i18n import tr
from .layout import Grid, grid
from .load import Key
from .narrative import field_blocks, filler
from .values import NA, format_value

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

#: Which sections are narrative, and from which params fields.
NARRATIVE = {1: ("overview",), 5: ("problems",), 6: ("other", "contact")}
#: Which sections hold which table.
TABLES = {2: spec.TABLE_2, 3: spec.TABLE_3, 4: spec.TABLE_4}
#: How a refusal to publish names a missing signature.
SIGNATURE_ITEM = "落款（发布机关和发布日期）"

_SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}


def chinese_date(d: dt.date) -> str:
    """2021年1月26日, as a signature is dated (no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def title(report: "Report") -> str:
    """The params' title, else “<township><year>年政府信息公开工作年度报告”."""
    if report.params is not None and report.params.title:
        return report.params.title
    return f"{report.township}{report.year}年政府信息公开工作年度报告"


def build_document(report: "Report", *, publish: bool = False, template_sha256: str | None = None) -> Document:
    """One copy of the report: the copy to publish (``publish``) or the review copy, whose tables
    carry what the reviewer is shown on each cell."""
    # What every field and table shares, worked out once for the whole document: the placeholders'
    # figures, and in a review copy the cells of failing checks and the figures carried from last year.
    fill = filler(report)
    marks = _review_marks(report) if not publish else None
    return Document(
        township=report.township, year=report.year, publish=publish, title=title(report),
        preamble=field_blocks(report, "preamble", fill) or (),
        sections=tuple(section(report, n, publish=publish, fill=fill, marks=marks) for n in range(1, 7)),
        signature=signature(report), provenance=provenance(report, template_sha256=template_sha256),
    )


# --- parts ---------------------------------------------------------------------------------------


def _params_display(report: "Report") -> str:
    return report.layout.display(report.layout.params_file(report.township, report.year))


def not_provided(report: "Report", what: str, field: str | None, item: str) -> NotProvided:
    """Text the report lacks, and why: the params file is missing or broken, or the field empty."""
    path = _params_display(report)
    if report.params is None:
        exists = report.layout.params_file(report.township, report.year).exists()
        why = f"参数文件 {path} {'有错误，未能读取' if exists else '不存在'}"
    else:
        why = f"参数文件 {path} 中的 {field} 为空"
    return NotProvided(what, why, item)


def section(report: "Report", number: int, *, publish: bool = False, fill: Callable[[str], Fill] | None = None,
            marks: _Marks | None = None) -> Section:
    """Section ``number`` (1–6) under its official heading: narrative, or one of the tables
    (``fill`` and ``marks``: see :func:`build_document`)."""
    heading = report.format.sections[number - 1]
    if number in TABLES:
        return Section(number, heading, (table(report, TABLES[number], publish=publish, marks=marks),))
    fields = NARRATIVE[number]
    fill = fill or filler(report)
    parsed = {f: field_blocks(report, f, fill) for f in fields}
    if not any(parsed.values()):
        return Section(number, heading, (not_provided(report, "本节文字", fields[0] if report.params else None, heading),))
    blocks: list[Block] = [b for f in fields for b in (parsed[f] or ())]
    if "contact" in fields and not parsed["contact"]:
        blocks.append(not_provided(report, "联系方式", "contact", "联系方式"))
    return Section(number, heading, tuple(blocks))


def signature(report: "Report") -> Signature | NotProvided:
    """The publishing body and the publish date, as signed at the end of the report."""
    if report.params is None:
        return not_provided(report, "发布机关和发布日期", None, SIGNATURE_ITEM)
    return Signature(report.params.body, report.params.publish_date)


def provenance(report: "Report", *, template_sha256: str | None) -> Provenance:
    """What the copy is made from: kit and format versions, data, params and template."""
    fmt = report.format
    layout = report.layout
    previous = report.previous
    return Provenance(
        tool=f"xxgk {__version__}",
        format=f"{fmt.version} 年版（{fmt.notice}）",
        sources=(
            Source("数据文件", layout.display(layout.data_file(report.township, report.year)), report.data_sha256),
            *([Source("上年数据文件", previous.file, previous.sha256)] if previous else []),
            Source("参数文件", _params_display(report), report.params_sha256),
            Source("模板", None, template_sha256),
        ),
    )


# --- tables --------------------------------------------------------------------------------------


#: What a review copy marks on its tables: flags by cell, carried titles by cell.
_Marks = tuple[dict, dict]


def _review_marks(report: "Report") -> _Marks:
    return flags_from(sort_findings(report.findings)), _carried_titles(report)


def table(report: "Report", table_id: str, *, publish: bool = False, marks: _Marks | None = None) -> Table:
    """One of tables 二/三/四 with the report's figures (computed totals marked; in a review copy
    also the cells of failing checks, the figures carried from last year and the CSV's notes)."""
    completed = report.completed
    values = completed.values if completed else (report.figures.values if report.figures else {})
    computed = completed.computed if completed else frozenset()
    review = not publish
    flags, carried = (marks or _review_marks(report)) if review else ({}, {})
    spec_table = report.format.table(table_id)
    g = grid(spec_table)
    note_numbers, note_list = _number_notes(g, report.figures.notes if review and report.figures else {})
    figures: dict[Key, Figure] = {}
    for gc in g.data_cells():
        cell = gc.cell
        assert cell is not None
        value = values.get(cell.key)
        state = "blank" if value is None else "na" if value is NA else "number"
        figures[cell.key] = Figure(format_value(value, cell.kind, money_unit=gc.money_unit), state,
                                   computed=cell.key in computed, carried=carried.get(cell.key),
                                   flag=flags.get(cell.key), note=note_numbers.get(cell.key))
    return Table(spec_table, g, figures, tuple(note_list), review)


def flags_from(findings: Iterable[Finding]) -> dict[Key, Flag]:
    """Cells named by failing findings, with the worst severity and the rules concerned."""
    severity: dict[Key, str] = {}
    rules: dict[Key, list[str]] = {}
    for f in findings:
        if f.status != "fail" or f.is_missing:  # a blank cell is marked blank, not flagged
            continue
        for key in f.cells:
            key = tuple(key)
            if key not in severity or _SEVERITY_RANK[f.severity] < _SEVERITY_RANK[severity[key]]:
                severity[key] = f.severity
            names = rules.setdefault(key, [])
            if f.rule not in names:
                names.append(f.rule)
    return {k: Flag(severity[k], tuple(rules[k])) for k in severity}


def _carried_titles(report: "Report") -> dict[Key, str]:
    """Each figure carried from last year's report, with where it came from (the cell's tooltip)."""
    if report.completed is None or report.previous is None:
        return {}
    before = report.previous
    positions = before.figures.positions if before.figures else {}
    return {key: tr("由上年结转：{file}:{line}（{row} · {column}）", "carried from last year: {file}:{line} ({row} · {column})",
                    file=before.file, line=str(positions.get(source, "")), row=source[1], column=source[2])
            for key, source in report.completed.carried.items()}


def _number_notes(g: Grid, notes: Mapping[Key, str]) -> tuple[dict[Key, int], list[tuple[str, int]]]:
    """Number the distinct notes in reading order: (cell → number, [(note, how many cells)])."""
    numbers: dict[str, int] = {}
    counts: dict[str, int] = {}
    of_cell: dict[Key, int] = {}
    for gc in g.data_cells():
        text = (notes.get(gc.cell.key) or "").strip() if gc.cell else ""
        if text:
            of_cell[gc.cell.key] = numbers.setdefault(text, len(numbers) + 1)
            counts[text] = counts.get(text, 0) + 1
    return of_cell, [(text, counts[text]) for text in numbers]
