"""A published report as PDF, read from its text layer with pdfplumber.

What comes out is the page as printed, not an interpretation of it:

- **tables** are found by their ruling (the lines strategy: government tables are fully ruled);
  a cell box spanning several grid columns or rows is a merged cell, whose text is copied into
  every position it covers, with ``origin`` naming the real cell.  A table broken by a page comes
  as one grid per page, all with the same ``Where.table`` and the same columns (the column edges
  of every part together), so a part without the header lines up with the part that has it; a
  header the page repeats is kept as printed.
- **text** outside tables becomes paragraphs in reading order: lines are grouped by the vertical
  gap between them, the first-line indent, and whether the line before ran to the right margin;
  a paragraph a page break cut is joined again (its ``Where`` is the page it starts on).  Page
  numbers (``1``, ``— 1 —``, ``第1页 共3页``) and a header or footer repeated on several pages
  are dropped.
- the words inside a wrapped line or cell are joined without inserting anything between Chinese
  characters, and radicals a CJK font's ToUnicode table gives for ideographs are put back
  (:mod:`._cjk`).

A PDF whose pages hold no text is a scan (``SourceError("scan")``); one that needs a password to
open, ``encrypted``; a damaged or cut-short one, ``corrupt``.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import tr
from ._cjk import fold_radicals, is_cjk, join
from .document import Document, Grid, Paragraph, SourceError, Where

#: Government tables are ruled on every side; text-aligned "tables" are left as paragraphs.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}
#: Points within which two cell edges are the same grid line (borders drawn as thin rectangles
#: and pixel-rounded by the printer differ by about one point).
EDGE_TOLERANCE = 2.0
#: Share of the page height at the top and bottom where page numbers and running heads are.
MARGIN_BAND = 0.12

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_~·•]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:/|of|共)\s*\d{1,4}\s*(?:页)?)?[\s\-—–－_~·•]*$"
    r"|^\s*(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
#: Fonts that print a heading: bold weights, and 黑体 (the heading face of 公文, GB/T 9704).
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|hei|黑|FZHTK|,bd|-bd", re.I)


# --- opening --------------------------------------------------------------------------------------

def read(path: Path) -> Document:
    _check_bytes(path)
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    with _quiet_pdfminer():
        try:
            with pdfplumber.open(path) as pdf:
                title = _title(pdf.metadata)
                pages = [_read_page(page) for page in pdf.pages]
        except PdfminerException as e:
            raise _source_error(e.args[0] if e.args else e) from e
        except Exception as e:  # noqa: BLE001 — pdfminer raises bare ones on damaged streams
            raise _source_error(e) from e
    if not any(p.lines or p.tables for p in pages):
        if not pages:
            raise SourceError("empty")
        # No text at all: the pages are images (a scan) or text drawn as outlines, or blank.
        raise SourceError("scan" if any(p.drawn for p in pages) else "empty")
    _drop_running_lines(pages)
    blocks = _blocks(pages)
    if not blocks:
        raise SourceError("scan" if any(p.drawn for p in pages) else "empty")
    return Document(source=path, blocks=blocks, title=title)


def _check_bytes(path: Path) -> None:
    """What can be told before pdfminer parses: an empty file, another kind of file, a cut-short one
    (pdfminer rebuilds a missing cross-reference table and reads what pages it finds, so a file
    cut in half would otherwise come out as a shorter report)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as e:
        raise SourceError("unreadable", reason=e.strerror or str(e)) from e
    if size <= len(head) and not head.strip():
        raise SourceError("empty")
    if b"%PDF-" not in head:
        raise SourceError("corrupt", reason=tr("不是 PDF 文件（文件开头没有 %PDF- 标记）",
                                               "not a PDF (no %PDF- marker at its start)"))
    if b"%%EOF" not in tail:
        raise SourceError("corrupt", reason=tr("文件不完整（末尾没有 %%EOF 结束标记，可能下载中断）",
                                               "cut short (no %%EOF marker at its end; an interrupted download?)"))


def _source_error(e: BaseException) -> SourceError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)):
        return SourceError("encrypted")
    detail = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return SourceError("corrupt", reason=tr("PDF 的内部结构无法解析（{detail}）", "the PDF's structure cannot be parsed ({detail})",
                                            detail=detail))


@contextmanager
def _quiet_pdfminer():
    """pdfminer logs a warning for every glyph of a font without a bounding box (Chromium's
    subsets), which is noise to an analyst importing a report."""
    log = logging.getLogger("pdfminer")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _title(metadata: dict) -> str | None:
    title = metadata.get("Title") if metadata else None
    if isinstance(title, bytes):
        title = title.decode("utf-8", "replace")
    if not isinstance(title, str):
        return None
    return fold_radicals(title).strip() or None


# --- one page -------------------------------------------------------------------------------------

@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int


@dataclass
class _Table:
    bbox: tuple[float, float, float, float]
    #: (x0, top, x1, bottom, text) of every cell box.
    cells: list[tuple[float, float, float, float, str]]
    page: int
    xs: list[float] = field(default_factory=list)
    number: int = 0

    @property
    def top(self) -> float:
        return self.bbox[1]


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line]
    tables: list[_Table]
    #: Images or vector paths: what a page without text shows instead.
    drawn: bool


def _read_page(page) -> _Page:
    page = page.dedupe_chars()
    chars = [c for c in page.chars if c.get("text")]
    tables: list[_Table] = []
    taken: set[int] = set()
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_lines(page))
    # A one-cell "table" is a frame around text: its text stays in the paragraphs.
    found = [t for t in page.find_tables(settings) if len(t.cells) > 1]
    # Where tables are nested, a character belongs to the smallest cell around it; one in no cell
    # (a table whose rows are not all as wide) stays in the text, where nothing of it is lost.
    boxes = sorted(((cell, t_i) for t_i, t in enumerate(found) for cell in t.cells),
                   key=lambda ct: (ct[0][2] - ct[0][0]) * (ct[0][3] - ct[0][1]))
    in_cell: dict[tuple[int, tuple], list[dict]] = {}
    for i, ch in enumerate(chars):
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for cell, t_i in boxes:
            if cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                in_cell.setdefault((t_i, cell), []).append(ch)
                taken.add(i)
                break
    for t_i, t in enumerate(found):
        cells = [(*cell, _text(in_cell.get((t_i, cell), []))) for cell in t.cells]
        tables.append(_Table(tuple(t.bbox), cells, page.page_number))
    free = [ch for i, ch in enumerate(chars) if i not in taken]
    lines = [_make_line(group, page.page_number) for group in _group_lines(free)]
    lines = [ln for ln in lines if ln.text]
    drawn = bool(page.images or page.curves or page.rects or page.lines)
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return _Page(page.page_number, float(page.height), lines, tables, drawn)


def _closing_lines(page) -> list[dict]:
    """The edges a page break leaves out.  A table cut by a page (with border-collapse, as browsers
    print) has no line under its last row on one page nor over its first row on the next, and a
    merged cell running on over the break has neither: its column rules stop in mid-air.  Where
    rules stop at one height with no line there, one is drawn from the first to the last of them,
    so that the cells there close and keep their text."""
    from pdfplumber.table import merge_edges
    from pdfplumber.utils import filter_edges

    tol = TABLE_SETTINGS["snap_tolerance"]
    # The edges as the table finder sees them: borders drawn as thin rectangles, one per row, are
    # one rule, and the rectangles' short ends are no rules at all.
    edges = filter_edges(merge_edges(filter_edges(page.edges, min_length=1), tol, tol, tol, tol), min_length=tol)
    verticals = [e for e in edges if e["orientation"] == "v"]
    by_height: dict[int, list[dict]] = {}
    for e in edges:
        if e["orientation"] == "h":
            by_height.setdefault(round(e["top"]), []).append(e)

    def ruled(x: float, y: float) -> bool:
        near = (h for k in range(round(y) - tol, round(y) + tol + 1) for h in by_height.get(k, ()))
        return any(abs(h["top"] - y) <= tol and h["x0"] - tol <= x <= h["x1"] + tol for h in near)

    ends = sorted(((y, (e["x0"] + e["x1"]) / 2) for e in verticals for y in (e["top"], e["bottom"])))
    lines: list[dict] = []
    group: list[tuple[float, float]] = []
    for end in [*ends, (float("inf"), 0.0)]:
        if group and end[0] - group[0][0] > tol:
            xs = [x for _, x in group]
            y = group[0][0]
            if max(xs) - min(xs) > tol and not all(ruled(x, y) for _, x in group):
                lines.append({"object_type": "line", "x0": min(xs), "x1": max(xs), "top": y, "bottom": y,
                              "width": max(xs) - min(xs), "height": 0, "doctop": page.initial_doctop + y})
            group = []
        group.append(end)
    return lines


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters into lines, top to bottom: a character is on a line when its middle is within
    0.4 of a character's height from the middle of the line's first one."""
    lines: list[list[dict]] = []
    anchor = None
    for ch in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        if lines and abs(mid - anchor[0]) <= 0.4 * max(ch["size"], anchor[1]):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            anchor = (mid, ch["size"])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _line_text(chars: list[dict]) -> str:
    """A line's characters left to right.  A space the PDF draws is kept (one for a run); one it
    leaves out is put back only between Latin words, or where a wide gap parts two pieces of
    text: justified Chinese lines spread their characters apart, which is not a space."""
    out: list[str] = []
    prev = None
    for ch in chars:
        t = ch["text"]
        if t.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            prev = None
            continue
        if prev is not None and out and out[-1] != " ":
            gap = ch["x0"] - prev["x1"]
            size = max(ch["size"], prev["size"])
            a, b = prev["text"][-1], t[0]
            if gap > 1.5 * size or (gap > 0.25 * size and not is_cjk(a) and not is_cjk(b)):
                out.append(" ")
        out.append(t)
        prev = ch
    return fold_radicals("".join(out)).strip()


def _text(chars: list[dict]) -> str:
    """A cell's text: its lines joined (a label wrapped as 本年新 / 制作数量 is 本年新制作数量)."""
    return join([_line_text(line) for line in _group_lines(chars)], digits_apart=False)


def _make_line(chars: list[dict], page: int) -> _Line:
    ink = [c for c in chars if not c["text"].isspace()] or chars
    sizes = [c["size"] for c in ink]
    bold = sum(1 for c in ink if _BOLD_FONT.search(c.get("fontname") or "")) > len(ink) / 2
    return _Line(_line_text(chars), min(c["x0"] for c in ink), max(c["x1"] for c in ink),
                 min(c["top"] for c in ink), max(c["bottom"] for c in ink), statistics.median(sizes), bold, page)


# --- page furniture -------------------------------------------------------------------------------

def _drop_running_lines(pages: list[_Page]) -> None:
    """Page numbers, and a header or footer printed on several pages, off the top and bottom of
    each page (only lines beyond the tables, in the page's outer bands)."""
    def edge_lines(p: _Page) -> list[_Line]:
        top_limit = min([p.height * MARGIN_BAND] + [t.bbox[1] for t in p.tables])
        bottom_limit = max([p.height * (1 - MARGIN_BAND)] + [t.bbox[3] for t in p.tables])
        ordered = sorted(p.lines, key=lambda ln: ln.top)
        found = [ln for ln in ordered[:2] if ln.bottom <= top_limit]
        return found + [ln for ln in ordered[-2:] if ln.top >= bottom_limit and all(ln is not f for f in found)]

    candidates = {p.number: edge_lines(p) for p in pages}
    seen: Counter[tuple[str, int]] = Counter()
    for lines in candidates.values():
        for key in {(re.sub(r"\s+", "", ln.text), round(ln.top / 6)) for ln in lines}:
            seen[key] += 1
    repeated = {key for key, n in seen.items() if n >= 2 and n >= len(pages) / 2}
    for p in pages:
        drop = [ln for ln in candidates[p.number]
                if _PAGE_NUMBER.match(ln.text) or (re.sub(r"\s+", "", ln.text), round(ln.top / 6)) in repeated]
        p.lines = [ln for ln in p.lines if all(ln is not d for d in drop)]


# --- blocks in reading order ----------------------------------------------------------------------

def _blocks(pages: list[_Page]) -> list[Paragraph | Grid]:
    items: list[list[_Line | _Table]] = []
    for p in pages:
        page_items: list[_Line | _Table] = [*p.lines, *p.tables]
        page_items.sort(key=lambda it: it.top)
        items.append(page_items)
    _number_tables(items)
    layout = _Layout.of(pages)
    blocks: list[Paragraph | Grid] = []
    para: list[_Line] = []

    def flush():
        if para:
            text = join([ln.text for ln in para], digits_apart=False)
            if text:
                blocks.append(Paragraph(text, Where(page=para[0].page), heading=all(layout.is_heading(ln) for ln in para)))
            para.clear()

    for page_items in items:
        for it in page_items:
            if isinstance(it, _Table):
                flush()
                grid = _grid(it)
                previous = next((b for b in reversed(blocks) if isinstance(b, Grid)), None)
                if previous is not None and previous.where.table == grid.where.table:
                    head = next(b for b in blocks if isinstance(b, Grid) and b.where.table == grid.where.table)
                    _carry_over(head, previous, grid)
                blocks.append(grid)
            elif para and layout.continues(para[-1], it):
                para.append(it)
            else:
                flush()
                para.append(it)
        # A paragraph that runs to the end of the page goes on at the top of the next one; the
        # test is made there (``continues`` across pages ignores the vertical gap).
    flush()
    return blocks


@dataclass
class _Layout:
    """The text column of the document: its margins, body size, and the usual gap between lines."""

    left: float
    right: float
    body: float
    gaps: dict[float, float]

    @classmethod
    def of(cls, pages: list[_Page]) -> _Layout:
        lines = [ln for p in pages for ln in p.lines]
        if not lines:
            return cls(0, 0, 10, {})
        xs0 = sorted(ln.x0 for ln in lines)
        xs1 = sorted(ln.x1 for ln in lines)
        sizes: Counter[float] = Counter()
        for ln in lines:
            sizes[round(ln.size, 1)] += len(ln.text)
        gaps: dict[float, list[float]] = {}
        for p in pages:
            ordered = sorted(p.lines, key=lambda ln: ln.top)
            for a, b in zip(ordered, ordered[1:]):
                if abs(a.size - b.size) < 0.5 and 0 <= b.top - a.bottom < 1.5 * a.size:
                    gaps.setdefault(round(a.size, 1), []).append(b.top - a.bottom)
        return cls(xs0[len(xs0) // 10], xs1[len(xs1) * 9 // 10], sizes.most_common(1)[0][0],
                   {size: statistics.median(g) for size, g in gaps.items()})

    def is_heading(self, ln: _Line) -> bool:
        return ln.bold or ln.size >= 1.15 * self.body

    def _centred(self, ln: _Line) -> bool:
        return abs((ln.x0 + ln.x1) / 2 - (self.left + self.right) / 2) < ln.size

    def continues(self, prev: _Line, cur: _Line) -> bool:
        """Whether ``cur`` goes on with the paragraph whose last line is ``prev``."""
        size = max(prev.size, cur.size)
        if abs(prev.size - cur.size) > 0.1 * size or prev.bold != cur.bold:
            return False
        if cur.page == prev.page:
            usual = self.gaps.get(round(prev.size, 1), 0.5 * prev.size)
            if cur.top - prev.bottom > usual + 0.35 * size or cur.top < prev.top:
                return False
        elif cur.x0 > self.left + 0.5 * size:
            return False  # the next page starts with an indented line: a new paragraph
        # A title wrapped over two centred lines, larger than the text, is one paragraph.
        if cur.size > 1.1 * self.body and self._centred(prev) and self._centred(cur):
            return True
        if prev.x1 < self.right - 1.5 * size:
            return False  # the line before stopped short: its paragraph ended there
        return cur.x0 <= prev.x0 + 0.5 * size  # an indented line opens a paragraph


# --- tables ---------------------------------------------------------------------------------------

def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= EDGE_TOLERANCE:
            continue
        out.append(v)
    return out


def _edges(t: _Table) -> list[float]:
    return _cluster([v for c in t.cells for v in (c[0], c[2])])


def _fits(a: list[float], b: list[float]) -> bool:
    """Every edge of ``a`` is one of ``b``'s."""
    return all(any(abs(x - y) <= EDGE_TOLERANCE for y in b) for x in a)


def _number_tables(items: list[list]) -> None:
    """Tables numbered in reading order; a table that opens a page, right after a table that closed
    the page before, with the same outer edges and columns one part's edges can hold, continues it:
    same number, and the column edges of all its parts."""
    number = 0
    chain: list[_Table] = []
    previous_page_last = None
    for page_items in items:
        for i, it in enumerate(page_items):
            if not isinstance(it, _Table):
                continue
            edges = _edges(it)
            prev = chain[-1] if chain else None
            if i == 0 and prev is not None and prev is previous_page_last and \
                    abs(edges[0] - prev.xs[0]) <= EDGE_TOLERANCE and abs(edges[-1] - prev.xs[-1]) <= EDGE_TOLERANCE and \
                    (_fits(edges, prev.xs) or _fits(prev.xs, edges)):
                chain.append(it)
                union = _cluster([*prev.xs, *edges])
                for part in chain:
                    part.xs = union
                it.number = prev.number
            else:
                number += 1
                it.number = number
                it.xs = edges
                chain = [it]
        previous_page_last = page_items[-1] if page_items else None


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _grid(t: _Table) -> Grid:
    xs = t.xs or _edges(t)
    ys = _cluster([v for c in t.cells for v in (c[1], c[3])])
    height, width = max(1, len(ys) - 1), max(1, len(xs) - 1)
    cells = [["" for _ in range(width)] for _ in range(height)]
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    filled: set[tuple[int, int]] = set()
    for x0, top, x1, bottom, text in sorted(t.cells, key=lambda c: (c[1], c[0])):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0 or (r0, c0) in filled:
            continue
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) in filled:
                    continue
                filled.add((r, c))
                cells[r][c] = text
                if (r, c) != (r0, c0):
                    origin[(r, c)] = (r0, c0)
    _drop_slivers(cells, origin)
    return Grid(cells, Where(page=t.page, table=t.number), origin)


def _carry_over(head: Grid, previous: Grid, part: Grid) -> None:
    """A merged cell the page break cut (a group label beside rows on both pages) prints its text
    on one page only; the part on the next page gets it too, as every position the cell covers
    does.  Only a cell merged down to the last row of the page before counts: a figure cell is
    never merged, so a blank figure stays blank."""
    repeated = 0  # header rows the page printed again
    while repeated < min(head.height, part.height - 1) and part.cells[repeated] == head.cells[repeated]:
        repeated += 1
    last = previous.height - 1
    for c in range(min(previous.width, part.width)):
        above = previous.origin.get((last, c))
        if above is None or above[0] >= last or not previous.at(last, c) or part.at(repeated, c):
            continue
        text = previous.at(last, c)
        start = (repeated, c)
        for (r, cc), org in [((repeated, c), start), *part.origin.items()]:
            if org == start:
                part.cells[r][cc] = text


def _drop_slivers(cells: list[list[str]], origin: dict[tuple[int, int], tuple[int, int]]) -> None:
    """Rows that hold nothing of their own, only the rest of cells from the rows above: where a
    page cuts a merged cell, the printer draws what is left of it a little lower than the cells
    beside it, and that edge makes a grid row which would print the row above a second time."""
    r = len(cells) - 1
    while r > 0:
        own = [c for c in range(len(cells[r])) if (r, c) not in origin and cells[r][c].strip()]
        from_above = any(origin.get((r, c), (r, c))[0] < r for c in range(len(cells[r])))
        if own or not from_above:
            r -= 1
            continue
        del cells[r]
        moved: dict[tuple[int, int], tuple[int, int]] = {}
        for (pr, pc), (orow, oc) in origin.items():
            if pr == r:
                continue
            # A cell that started in the dropped row now starts in the row that took its place.
            pos = (pr - 1 if pr > r else pr, pc)
            org = (orow - 1 if orow > r else orow, oc)
            if pos != org:
                moved[pos] = org
        origin.clear()
        origin.update(moved)
        r = min(r, len(cells) - 1)
