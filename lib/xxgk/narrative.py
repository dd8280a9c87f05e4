"""Narrative text from the params file: Markdown parsed once into the document model, with
computed figures filled in.

Markdown is parsed by markdown-it-py with raw HTML disabled, so ``<script>`` or an ``onerror=``
attribute in a params file prints as visible text, and links with ``javascript:`` (or other
unsafe schemes) are not made links.  Images are never embedded (a report makes no network request
when opened): an image reference prints as a visible marker.  :func:`field_blocks` gives a field
as the model's blocks (:mod:`xxgk.markdown_model`); the outputs write those
(:mod:`xxgk.html_narrative` for HTML).

Placeholders
------------
Text may contain ``{{name}}`` (spaces inside the braces allowed); at render time the name is
replaced by a figure from the tables (given or computed).  A figure that is blank prints
``［数据缺失］`` — never 0; an unknown name prints as written, marked, and is reported by
:func:`placeholder_findings` as an input problem (``E-PLACEHOLDER``).  Placeholders are filled
in text, not inside link addresses.  The names are listed in :data:`PLACEHOLDERS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Callable, Mapping

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import spec
from .document import Block, Fill
from .findings import Finding, finding
from .load import Key
from .markdown_model import blocks
from .values import NA, Value, format_value, is_number

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

#: Params fields rendered as Markdown, in the order they appear in the report.
FIELDS = ("preamble", "overview", "problems", "other", "contact")

MISSING_MARK = "［数据缺失］"
NA_MARK = "［不适用］"

_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)

# --- the placeholders -------------------------------------------------------------------------

@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    #: Format versions the name exists in (table 二 differs between them).
    versions: tuple[str, ...]
    resolve: Callable[["Report", Mapping[Key, Value]], object]


def _figure(table: str, row: str, column: str) -> Callable[["Report", Mapping[Key, Value]], object]:
    def get(report: "Report", values: Mapping[Key, Value]) -> object:
        value = values.get((table, row, column))
        if not is_number(value):
            return value
        kind = report.format.table(table).cell(row, column).kind
        return format_value(value, kind)
    return get


def _by_role(table: str, row: str, column: str = "total") -> Callable[["Report", Mapping[Key, Value]], object]:
    """The figure at a row and column given by role in the report's format (None if it has none)."""
    def get(report: "Report", values: Mapping[Key, Value]) -> object:
        cell = report.format.cell(table, row, column)
        return _figure(*cell.key)(report, values) if cell is not None else None
    return get


def _t3(role: str) -> Callable:
    return _by_role(spec.TABLE_3, role)


def _value(report: "Report", values: Mapping[Key, Value], table: str, row: str, column: str = "total") -> Value:
    cell = report.format.cell(table, row, column)
    return values.get(cell.key) if cell is not None else None


def _lawsuits(report: "Report", values: Mapping[Key, Value]) -> object:
    parts = [_value(report, values, spec.TABLE_4, kind) for kind in ("sued_directly", "sued_after_review")]
    if any(p is None for p in parts):
        return None
    if any(p is NA for p in parts):
        return NA
    return format_value(sum(parts, Decimal(0)))


def _granted_share(report: "Report", values: Mapping[Key, Value]) -> object:
    granted = _value(report, values, spec.TABLE_3, "granted")
    total = _value(report, values, spec.TABLE_3, "results_total")
    if granted is None or total is None:
        return None
    if not (is_number(granted) and is_number(total)) or total == 0:
        return NA  # no results: a share of nothing is not a figure
    share = (Decimal(granted) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{share:f}%"


def _t2(name: str) -> Callable[["Report", Mapping[Key, Value]], object]:
    """A table 二 figure named by the report's format file (its ``placeholders``)."""
    def get(report: "Report", values: Mapping[Key, Value]) -> object:
        fmt = report.format
        table, row, column = fmt.placeholders[name]
        cell = fmt.cell(table, row, column)
        return _figure(*cell.key)(report, values) if cell is not None else None
    return get


def _describe(name: str) -> str:
    """What a table 二 placeholder stands for in each version that has it."""
    seen = []
    for version, fmt in spec.registry().items():
        if name in fmt.placeholders:
            table, row, column = fmt.placeholders[name]
            cell = fmt.cell(table, row, column)
            if cell is not None:
                seen.append(f"表{cell.table} {cell.row} · {cell.column} ({version})")
    return " / ".join(seen)


def _placeholders() -> dict[str, Placeholder]:
    every = spec.versions()
    items: list[Placeholder] = [
        Placeholder("year", "reporting year, e.g. 2020", every, lambda r, v: str(r.year)),
        Placeholder("township", "乡/镇/街道 name", every, lambda r, v: r.township),
        Placeholder("body", "publishing body (params: body)", every, lambda r, v: r.params.body if r.params else None),
        Placeholder("new_applications", f"表三 {spec.NEW} · 总计", every, _t3("new")),
        Placeholder("carried_in", f"表三 {spec.CARRIED_IN} · 总计", every, _t3("carried_in")),
        Placeholder("results_total", f"表三 {spec.RESULTS_TOTAL} · 总计", every, _t3("results_total")),
        Placeholder("granted", f"表三 {spec.GRANTED} · 总计", every, _t3("granted")),
        Placeholder("granted_share", f"{spec.GRANTED} as a percentage of {spec.RESULTS_TOTAL} (总计 column), "
                    "one decimal, with the % sign (e.g. 37.5%)", every, _granted_share),
        Placeholder("partial", "表三 （二）部分公开 · 总计", every, _t3("partial")),
        Placeholder("carried_out", f"表三 {spec.CARRIED_OUT} · 总计", every, _t3("carried_out")),
        Placeholder("reviews", f"表四 {spec.REVIEW} · 总计", every, _by_role(spec.TABLE_4, "review")),
        Placeholder("lawsuits", f"表四 {spec.SUED_DIRECTLY} 总计 + {spec.SUED_AFTER_REVIEW} 总计", every, _lawsuits),
    ]
    # Table 二 differs between versions: each version's file says which cell a name prints.
    names = dict.fromkeys(n for fmt in spec.registry().values() for n in fmt.placeholders)
    for name in names:
        versions = tuple(v for v, fmt in spec.registry().items() if name in fmt.placeholders)
        items.append(Placeholder(name, _describe(name), versions, _t2(name)))
    # The change against last year of the figures a narrative usually states.
    for name, what, cells in _CHANGES:
        for suffix, describe, make in (
                ("change", f"{what}: 比上年增加3件 / 比上年减少3件 / 与上年持平", _change_phrase),
                ("diff", f"{what}: the change against last year, signed (+3, -3, 0)", _change_diff),
                ("pct", f"{what}: the change against last year in per cent, one decimal (12.3%, -5.0%)", _change_pct)):
            items.append(Placeholder(f"{name}_{suffix}", describe, every, _changing(cells, make)))
    return {p.name: p for p in items}


#: Figures with a change-against-last-year placeholder: name, what it is, the cells (by role) it sums.
_CHANGES = (
    ("new_applications", f"表三 {spec.NEW} · 总计", ((spec.TABLE_3, "new", "total"),)),
    ("carried_in", f"表三 {spec.CARRIED_IN} · 总计", ((spec.TABLE_3, "carried_in", "total"),)),
    ("granted", f"表三 {spec.GRANTED} · 总计", ((spec.TABLE_3, "granted", "total"),)),
    ("reviews", f"表四 {spec.REVIEW} · 总计", ((spec.TABLE_4, "review", "total"),)),
    ("lawsuits", "表四 行政诉讼 (两类) · 总计", ((spec.TABLE_4, "sued_directly", "total"), (spec.TABLE_4, "sued_after_review", "total"))),
    ("licences", "表二 行政许可 · 处理决定数量", ((spec.TABLE_2, "licences", "decisions"),)),
)


def figure_in(fmt: spec.Format, values: Mapping[Key, Value], cells) -> Value:
    """The sum of cells given by role in one year's figures: a number, None (blank, or a cell
    that year's format lacks) or NA."""
    total = Decimal(0)
    for table, row, column in cells:
        cell = fmt.cell(table, row, column)
        value = values.get(cell.key) if cell is not None else None
        if value is None or value is NA:
            return value
        total += value  # type: ignore[operator]
    return total


def _changing(cells, make) -> Callable[["Report", Mapping[Key, Value]], object]:
    def get(report: "Report", values: Mapping[Key, Value]) -> object:
        before = report.previous
        if before is None or before.completed is None:
            return None  # no last year: the visible marker, never an invented figure
        now = figure_in(report.format, values, cells)
        then = figure_in(spec.get_format(before.version), before.values, cells)
        if now is NA or then is NA:
            return NA
        if now is None or then is None:
            return None
        return make(now, then)
    return get


def _change_phrase(now: Decimal, then: Decimal) -> str:
    diff = now - then
    if diff > 0:
        return f"比上年增加{diff}件"
    if diff < 0:
        return f"比上年减少{-diff}件"
    return "与上年持平"


def _change_diff(now: Decimal, then: Decimal) -> str:
    diff = now - then
    return f"+{diff}" if diff > 0 else str(diff)


def _change_pct(now: Decimal, then: Decimal) -> object:
    if then == 0:
        return NA  # no change in per cent from nothing
    pct = ((now - then) * 100 / then).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct:f}%"


#: Every placeholder name, with what it stands for.
PLACEHOLDERS: dict[str, Placeholder] = _placeholders()


def _values(report: "Report") -> Mapping[Key, Value]:
    if report.completed is not None:
        return report.completed.values
    if report.figures is not None:
        return report.figures.values
    return {}


def placeholder_values(report: "Report") -> dict[str, object]:
    """Every placeholder available in the report's format: printed text, None (blank) or NA."""
    values = _values(report)
    return {name: p.resolve(report, values) for name, p in PLACEHOLDERS.items() if report.version in p.versions}


# --- Markdown ---------------------------------------------------------------------------------

#: Raw HTML off: ``<script>`` in a params file is text in every output, never markup.
_MD = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False})


# Placeholders are swapped for private-use sentinels before parsing: braces are punctuation to
# CommonMark and would stop "**{{granted}}**" between Chinese characters from being emphasis.
_SENTINEL = re.compile("\ue000(\\d+)\ue001")
_SENTINEL_IN_URL = re.compile("%EE%80%80(\\d+)%EE%80%81")


def _placeholder_tokens(children: list[Token], names: list[str]) -> list[Token]:
    out: list[Token] = []
    for tok in children:
        if tok.type != "text" or "\ue000" not in tok.content:
            out.append(tok)
            continue
        pos = 0
        for m in _SENTINEL.finditer(tok.content):
            if m.start() > pos:
                out.append(Token("text", "", 0, content=tok.content[pos:m.start()]))
            out.append(Token("placeholder", "", 0, meta={"name": names[int(m.group(1))]}))
            pos = m.end()
        if pos < len(tok.content):
            out.append(Token("text", "", 0, content=tok.content[pos:]))
    return out


def _walk(tokens: list[Token]):
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


def parse_markdown(text: str, *, placeholders: bool = True) -> list[Token]:
    """Markdown → markdown-it's tokens, each ``{{name}}`` in text a ``placeholder`` token
    (``meta["name"]``); inside code, an image's text or a link address it stays as written.
    :func:`xxgk.markdown_model.blocks` makes the document model of them."""
    if not placeholders:
        return _MD.parse(text)
    names: list[str] = []

    def mark(m: re.Match) -> str:
        names.append(m.group(1))
        return f"\ue000{len(names) - 1}\ue001"

    text = text.replace("\ue000", "").replace("\ue001", "")
    tokens = _MD.parse(_PLACEHOLDER.sub(mark, text))
    for tok in tokens:
        if tok.type == "inline" and tok.children:
            tok.children = _placeholder_tokens(tok.children, names)

    def literal(m: re.Match) -> str:
        return "{{" + names[int(m.group(1))] + "}}"

    for tok in _walk(tokens):
        tok.content = _SENTINEL.sub(literal, tok.content)
        for key, value in tok.attrs.items():
            if isinstance(value, str):
                tok.attrs[key] = _SENTINEL_IN_URL.sub(literal, _SENTINEL.sub(literal, value))
    return tokens


def filler(report: "Report") -> Callable[[str], Fill]:
    """Each placeholder as this report prints it: its figure, or a visible marker."""
    available = placeholder_values(report)

    def fill(name: str) -> Fill:
        if name not in available:
            return Fill(name, "{{" + name + "}}", "unknown")
        value = available[name]
        if value is None:
            return Fill(name, MISSING_MARK, "missing")
        if value is NA:
            return Fill(name, NA_MARK, "na")
        return Fill(name, str(value), "value")
    return fill


#: A line that starts a Markdown block of its own (list item, heading, quote, fence, table row):
#: it already begins a new block, and two of them in a row must stay one list or one table.
_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+] |\d{1,9}[.)] |#|>|```|~~~|\|)")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")


def paragraph_per_line(text: str) -> str:
    """Every line of running text its own paragraph, as in text pasted from Word (one paragraph
    per line, no blank line between): a blank line is put after each such line.

    Lists, tables, headings and code stay as Markdown writes them; a line that starts with
    spaces continues the block above it."""
    lines = text.split("\n")
    out: list[str] = []
    fenced = False
    for i, line in enumerate(lines):
        out.append(line)
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or i + 1 == len(lines):
            continue
        following = lines[i + 1]
        if (line.strip() and following.strip() and not following[:1].isspace()
                and not _BLOCK_START.match(following) and not line.lstrip().startswith("|")):
            out.append("")
    return "\n".join(out)


def field_blocks(report: "Report", field: str, fill: Callable[[str], Fill] | None = None) -> tuple[Block, ...] | None:
    """A params narrative field as the document model's blocks, its placeholders filled (by
    ``fill``, the report's :func:`filler` made once for a whole document); None when not provided
    (no blocks when its Markdown holds nothing that prints).

    A single line break starts a new paragraph (:func:`paragraph_per_line`)."""
    text = getattr(report.params, field, None) if report.params is not None else None
    if text is None or not text.strip():
        return None
    return blocks(parse_markdown(paragraph_per_line(text)), fill or filler(report))


# --- placeholder problems, for the check step -------------------------------------------------


def placeholder_findings(report: "Report") -> list[Finding]:
    """Unknown placeholders (error ``E-PLACEHOLDER``) and placeholders whose figure is blank
    (warning ``W-PLACEHOLDER-BLANK``) in the report's narrative fields."""
    if report.params is None:
        return []
    available = placeholder_values(report)
    path = report.layout.params_file(report.township, report.year)
    file = report.layout.display(path)
    out: list[Finding] = []
    for field in FIELDS:
        text = getattr(report.params, field, None) or ""
        for m in _PLACEHOLDER.finditer(text):
            name = m.group(1)
            pos = report.params_fields.get(field)
            where = dict(file=file, line=pos.key_line if pos else None, values={"field": field, "placeholder": name})
            shown = "{{" + name + "}}"
            if name not in available:
                other = [v for v in PLACEHOLDERS[name].versions] if name in PLACEHOLDERS else []
                if other:
                    out.append(finding("E-PLACEHOLDER", "other_version", args={
                        "field": field, "placeholder": shown, "versions": "/".join(other), "version": report.version}, **where))
                else:
                    known = [n for n in PLACEHOLDERS if report.version in PLACEHOLDERS[n].versions]
                    out.append(finding("E-PLACEHOLDER", "unknown", args={
                        "field": field, "placeholder": shown, "known": ", ".join(known)}, **where))
            elif available[name] is None:
                if name.endswith(("_change", "_diff", "_pct")) and (report.previous is None or report.previous.completed is None):
                    out.append(finding("W-PLACEHOLDER-BLANK", "no_previous", args={
                        "field": field, "placeholder": shown, "year": report.year - 1}, **where))
                else:
                    out.append(finding("W-PLACEHOLDER-BLANK", "blank", args={"field": field, "placeholder": shown}, **where))
    return out
