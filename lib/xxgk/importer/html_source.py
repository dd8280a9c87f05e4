"""A published web page (``.html``, ``.htm``, ``.shtml``) as a :class:`~.document.Document`.

Faithful, not clever: every visible text of the page becomes a paragraph in reading order, the
site's navigation and footer included (the core finds the report among them), and every table of
data becomes a grid.  What is dropped is only what a reader of the page never sees: scripts, styles,
comments, the head (its title and site metadata are kept apart), and anything hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import lxml.etree as etree

from . import _raw
from ._text import page_meta, squeeze
from .document import Document, Grid, Paragraph, SourceError, Where

#: Elements that start and end a paragraph; everything else (span, font, a, b, Word's o:p…) runs on.
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Never shown as text: code, embedded objects, form widgets (their options are not the page's text).
_DROP = frozenset({
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "canvas",
    "select", "textarea", "title", "meta", "link", "base",
})
#: The government-site metadata standard's ``<meta name>`` tags worth keeping (政府网站 page metadata).
_HEAD_META = ("ArticleTitle", "PubDate", "ContentSource", "SiteName", "ColumnName")

_HIDDEN = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.I)
_BOLD = re.compile(r"(?:^|;)\s*font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
_ALIGN = re.compile(r"(?:^|;)\s*text-align\s*:\s*([a-z-]+)", re.I)
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SPAN = re.compile(r"\s*(\d+)")

#: A line no longer than this, all bold or centred, is marked as a heading (a hint).
_HEADING_CHARS = 40
#: A table cell with more text than this is a page column, not a figure or a label: the longest
#: label of the official tables is under 40 characters.
_PROSE_CELL = 300
#: What a cell of a report's table never holds, but a column of a page laid out as a table does.
_PAGE_PARTS = (*_HEADINGS, "ul", "ol")
#: The HTML table model's limits on spans.
_MAX_COLSPAN = 1000


def read(path: Path) -> Document:
    data = _raw.read_bytes(path)
    text = _raw.decode(data, _declared_charset(data))
    if not text.strip():
        raise SourceError("empty")
    # Parsed from UTF-8 bytes with the encoding given, so that lxml neither trusts the page's own
    # declaration (already weighed above) nor refuses an XML declaration in a str.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise SourceError("unreadable", reason=str(e)) from e
    if root is None:
        # Nothing but comments or a doctype.
        raise SourceError("empty")
    walker = _Walker()
    walker.walk(root, _Context())
    walker.end_line()
    doc = Document(source=path, blocks=walker.blocks, title=_title(root))
    doc.meta = {**_head_meta(root), **page_meta(doc.blocks)}
    return doc


def _declared_charset(data: bytes) -> str | None:
    head = data[:65536]
    m = _XML_ENCODING.match(head) or _CHARSET.search(head)
    return m.group(1).decode("ascii") if m else None


def _title(root: etree._Element) -> str | None:
    for el in root.iter("title"):
        text = squeeze("".join(el.itertext()))
        if text:
            return text
    return None


def _head_meta(root: etree._Element) -> dict[str, str]:
    wanted = {name.lower(): name for name in _HEAD_META}
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name, content = (el.get("name") or "").strip(), squeeze(el.get("content") or "")
        if name.lower() in wanted and content:
            meta.setdefault(name, content)
    return meta


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _hidden(el: etree._Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


def _dropped(el: etree._Element) -> bool:
    tag = _tag(el)
    return not tag or tag in _DROP or _hidden(el)


@dataclass(frozen=True)
class _Context:
    bold: bool = False
    centred: bool = False
    heading: bool = False
    pre: bool = False

    def inside(self, el: etree._Element) -> _Context:
        tag, style = _tag(el), el.get("style") or ""
        ctx = self
        if tag in ("b", "strong") or tag in _HEADINGS or _BOLD.search(style):
            ctx = replace(ctx, bold=True)
        if tag in _HEADINGS:
            ctx = replace(ctx, heading=True)
        if tag == "pre":
            ctx = replace(ctx, pre=True)
        align = _ALIGN.search(style)
        how = align.group(1) if align else (el.get("align") if tag not in ("table", "img") else None)
        if tag == "center":
            how = "center"
        if how:
            ctx = replace(ctx, centred=how.strip().lower() == "center")
        return ctx


@dataclass
class _Run:
    text: str
    ctx: _Context
    line: int | None


class _Walker:
    """Walks the page in document order, cutting its text into paragraphs at block edges and
    ``<br>``, and taking tables of data whole."""

    def __init__(self) -> None:
        self.blocks: list[Paragraph | Grid] = []
        self.runs: list[_Run] = []
        self.tables = 0

    def add(self, text: str | None, ctx: _Context, line: int | None) -> None:
        if not text:
            return
        if ctx.pre:
            # Preformatted text keeps its lines as the page shows them.
            first, *rest = text.split("\n")
            self.runs.append(_Run(first, ctx, line))
            for part in rest:
                self.end_line()
                self.runs.append(_Run(part, ctx, line))
            return
        self.runs.append(_Run(text, ctx, line))

    def end_line(self) -> None:
        runs, self.runs = self.runs, []
        text = squeeze("".join(r.text for r in runs))
        if not text:
            return
        shown = [r for r in runs if squeeze(r.text)]
        heading = all(r.ctx.heading for r in shown) or (
            len(text) <= _HEADING_CHARS and (all(r.ctx.bold for r in shown) or all(r.ctx.centred for r in shown)))
        line = next((r.line for r in shown if r.line is not None), None)
        self.blocks.append(Paragraph(text, Where(line=line), heading=heading))

    def walk(self, top: etree._Element, ctx: _Context) -> None:
        # A stack, not recursion: broken pages nest unclosed <font> tags thousands deep.
        stack: list[tuple[str, etree._Element, _Context]] = [("enter", top, ctx)]
        while stack:
            step, el, ctx = stack.pop()
            if step == "tail":
                # A dropped element's tail is the parent's text again.
                self.add(el.tail, ctx, el.sourceline)
            elif step == "exit":
                self.end_line()
            else:
                self.enter(el, ctx, stack)

    def enter(self, el: etree._Element, ctx: _Context, stack: list) -> None:
        tag = _tag(el)
        if tag == "br":
            self.end_line()
            return
        if tag == "table":
            table = _Table(el)
            if table.is_data():
                self.end_line()
                self.grid(el, table, ctx)
                return
        inner = ctx.inside(el)
        block = tag in _BLOCK
        if block:
            self.end_line()
            stack.append(("exit", el, inner))
        self.add(el.text, inner, el.sourceline)
        for child in reversed(el):
            stack.append(("tail", child, inner))
            if not _dropped(child):
                stack.append(("enter", child, inner))

    def grid(self, el: etree._Element, table: _Table, ctx: _Context) -> None:
        for caption in el.iterchildren("caption"):
            if not _dropped(caption):
                # The table's title, printed above it: a paragraph, as pages without <caption> print it.
                self.walk(caption, replace(ctx.inside(caption), heading=True))
        self.tables += 1
        self.blocks.append(Grid(table.cells, Where(table=self.tables, line=el.sourceline), table.origin))


def _span(value: str | None) -> int | None:
    m = _SPAN.match(value or "")
    return int(m.group(1)) if m else None


def _cell_text(el: etree._Element) -> str:
    """A cell's text with its lines joined: ``本年新<br>制作数量`` → 本年新制作数量 (see :func:`squeeze`:
    a break between Chinese characters is dropped, any other one kept as a space)."""
    parts: list[str] = []
    stack: list[tuple[str, etree._Element]] = [("open", el)]
    while stack:
        step, node = stack.pop()
        if step == "tail":
            parts.append(node.tail or "")
            continue
        block = _tag(node) in _BLOCK
        if step == "close":
            parts.append("\n" if block else "")
            continue
        if block or _tag(node) == "br":
            parts.append("\n")
        parts.append(node.text or "")
        stack.append(("close", node))
        for child in reversed(node):
            stack.append(("tail", child))
            if not _dropped(child):
                stack.append(("open", child))
    return squeeze("".join(parts))


class _Table:
    """A ``<table>`` as the HTML table model lays it out: spans expanded, row groups kept apart."""

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        self.cells: list[list[str]] = []
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.prose = False
        self._lay_out()

    def _groups(self) -> list[list[etree._Element]]:
        head: list[list[etree._Element]] = []
        body: list[list[etree._Element]] = []
        foot: list[list[etree._Element]] = []
        loose: list[etree._Element] = []
        for child in self.el:
            tag = _tag(child)
            if tag == "tr":
                if not _hidden(child):
                    loose.append(child)
                continue
            if loose:
                body.append(loose)
                loose = []
            if tag in ("thead", "tbody", "tfoot") and not _hidden(child):
                rows = [tr for tr in child.iterchildren("tr") if not _hidden(tr)]
                {"thead": head, "tbody": body, "tfoot": foot}[tag].append(rows)
        if loose:
            body.append(loose)
        # A footer group is drawn below the body wherever it stands in the source.
        return [g for g in (*head, *body, *foot) if g]

    def _lay_out(self) -> None:
        placed: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}
        starts: set[int] = set()
        top = 0
        for group in self._groups():
            bottom = top + len(group)
            for i, tr in enumerate(group):
                r, c = top + i, 0
                for td in tr:
                    if _tag(td) not in ("td", "th") or _hidden(td):
                        continue
                    while (r, c) in placed:
                        c += 1
                    text = _cell_text(td)
                    if len(text) > _PROSE_CELL or any(True for _ in td.iter(*_PAGE_PARTS)):
                        self.prose = True
                    # Spans never reach past their row group (rowspan=0 means "to its end"), and a
                    # bad value is 1, as browsers read them.
                    rows = _span(td.get("rowspan"))
                    rows = min(bottom - r if rows == 0 else rows or 1, bottom - r)
                    cols = min(max(_span(td.get("colspan")) or 1, 1), _MAX_COLSPAN)
                    starts.add(c)
                    for dr in range(rows):
                        for dc in range(cols):
                            if (r + dr, c + dc) not in placed:
                                placed[(r + dr, c + dc)] = (text, (r, c))
                                if rows > 1 or cols > 1:
                                    self.origin[(r + dr, c + dc)] = (r, c)
                    c += cols
            top = bottom
        # A span wider than the table makes columns no cell starts in: clipped, as "" everywhere else.
        width = max(starts, default=-1) + 1
        self.origin = {pos: o for pos, o in self.origin.items() if pos[1] < width}
        self.cells = [[placed.get((r, c), ("", None))[0] for c in range(width)] for r in range(top)]

    def is_data(self) -> bool:
        """A table of figures and labels, as opposed to one that lays out the page: that one holds
        other tables, is a single column, or has cells of running text, headings or lists."""
        if any(True for _ in self.el.iterdescendants("table")):
            return False
        width = max((len(r) for r in self.cells), default=0)
        if width <= 1 or self.prose:
            return False
        return any(text for row in self.cells for text in row)
