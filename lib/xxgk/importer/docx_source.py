"""A published report as a Word document (.docx), read with python-docx.

The body is read in order, element by element, so that each table stands between the paragraphs
it stands between in the document.  A paragraph is a heading when its style is a heading or has an
outline level, or when all its text is bold or set in 黑体 (offices rarely use heading styles).
Tables are laid out on their grid from the XML: a cell spanning columns (``w:gridSpan``) or
continuing a vertical merge (``w:vMerge``) puts its text in every position it covers, ``origin``
naming the real cell.  (python-docx's ``table.cell()`` gives the same cell object for such
positions, but it lines rows up as if each started at the first grid column, which a row with
``w:gridBefore`` does not.)  A table
nested in a cell is a grid of its own, after the table holding it; the cell's own text leaves the
nested table out.  Text boxes, headers, footers and comments are not the report's body and are
not read.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..i18n import tr
from ._cjk import join
from .document import Document, Grid, Paragraph, SourceError, Where

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return "{%s}%s" % ({"w": _W, "mc": _MC}[prefix], local)


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _q("w:p"), _q("w:tbl"), _q("w:tr"), _q("w:tc"), _q("w:sdt"), _q("w:sdtContent"), _q("w:customXml"))
_R, _T, _TAB, _BR, _CR, _NB_HYPHEN = (
    _q("w:r"), _q("w:t"), _q("w:tab"), _q("w:br"), _q("w:cr"), _q("w:noBreakHyphen"))
_VAL = _q("w:val")
#: Content that is not the paragraph's text where it stands: deleted or moved-away revisions, text
#: boxes (drawn elsewhere on the page), the fallback copy of a drawing, field codes, the paragraph
#: mark's own properties.
_SKIP = {_q("w:del"), _q("w:moveFrom"), _q("w:txbxContent"), _q("mc:Fallback"), _q("w:instrText"),
         _q("w:delText"), _q("w:pPr"), _q("w:rPr")}
_HEADING_STYLE = re.compile(r"^(heading|title|subtitle|标题|副标题)\b|^(heading|标题)\s*\d", re.I)
_HEI = re.compile(r"黑体|hei", re.I)


def read(path: Path) -> Document:
    _check_bytes(path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(str(path))
    except (zipfile.BadZipFile, EOFError, zlib.error) as e:
        raise SourceError("corrupt", reason=_cut_short(e)) from e
    except (PackageNotFoundError, KeyError, ValueError) as e:
        # A zip without a Word body: another Office file, or any zip, under a .docx name.
        raise SourceError("corrupt", reason=tr("压缩包里没有 Word 正文（可能是改了扩展名的其他文件）：{detail}",
                                               "the package holds no Word body (another file renamed?): {detail}",
                                               detail=e)) from e
    except Exception as e:  # noqa: BLE001 — a malformed part fails inside lxml or python-docx
        raise SourceError("corrupt", reason=f"{type(e).__name__}: {e}") from e
    reader = _Reader(word)
    reader.container(word.element.body)
    if not any((isinstance(b, Paragraph) and b.text) or isinstance(b, Grid) for b in reader.blocks):
        raise SourceError("empty")
    title = (word.core_properties.title or "").strip() or None
    return Document(source=path, blocks=reader.blocks, title=title)


def _check_bytes(path: Path) -> None:
    """An empty file; a file that is not a zip package: an old .doc, an encrypted .docx (Word saves
    those as OLE compound files too), or text under a .docx name."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError("unreadable", reason=e.strerror or str(e)) from e
    if not data.strip():
        raise SourceError("empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise SourceError("encrypted")
        raise SourceError("corrupt", reason=tr("这是旧版 Word 文档（.doc），不是 .docx；请用 Word 或 WPS 另存为 .docx",
                                               "an old Word document (.doc), not .docx; save it as .docx in Word or WPS"))
    if not data.startswith(b"PK"):
        what = tr("RTF 文档", "an RTF document") if data.startswith(b"{\\rtf") else \
            tr("PDF 文件", "a PDF") if data.startswith(b"%PDF") else tr("文本或其他文件", "text or another kind of file")
        raise SourceError("corrupt", reason=tr("不是 Word 文档（.docx），而是{what}", "not a Word document (.docx) but {what}",
                                               what=what))
    if not zipfile.is_zipfile(path):
        # A zip's directory is at its end: a download cut short loses it first.
        raise SourceError("corrupt", reason=_cut_short(tr("文件末尾没有 zip 目录", "no zip directory at its end")))


def _cut_short(detail: object) -> str:
    return tr("压缩包不完整或已损坏，无法解开（可能下载中断）：{detail}",
              "the zip package is cut short or damaged (an interrupted download?): {detail}", detail=detail)


class _Reader:
    def __init__(self, word):
        self.word = word
        self.blocks: list[Paragraph | Grid] = []
        self.tables = 0

    def container(self, element) -> None:
        """The paragraphs and tables of the body (or of a content control in it), in order."""
        for child in element.iterchildren():
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.container(content)
            elif child.tag == _CUSTOM_XML:
                self.container(child)

    def paragraph(self, p) -> None:
        from docx.text.paragraph import Paragraph as DocxParagraph

        para = DocxParagraph(p, self.word.part)
        styled = _heading_style(para) or _outline_level(p) is not None
        # A line typed inside a paragraph (Shift+Enter) parts two paragraphs as a reader sees them:
        # offices put a section's heading and its text in one paragraph that way.
        for text, runs in _lines(p):
            text = text.strip()
            if text:
                heading = styled or self._all_bold(para, runs)
                self.blocks.append(Paragraph(text, Where(), heading=heading))

    def table(self, tbl) -> None:
        self.tables += 1
        grid, nested = _layout(tbl)
        self.blocks.append(Grid(grid.cells, Where(table=self.tables), grid.origin))
        for inner in nested:
            self.table(inner)

    @staticmethod
    def _all_bold(para, runs: list) -> bool:
        """Every run with text is bold, or set in 黑体 (the heading face of 公文, GB/T 9704)."""
        from docx.text.run import Run

        if not runs:
            return False
        style_bold = _style_bold(para.style)
        for r in runs:
            run = Run(r, para)
            bold = run.bold if run.bold is not None else (_style_bold(run.style) or style_bold)
            if not bold and not _HEI.search(_east_asia_font(run) or ""):
                return False
        return True


def _heading_style(para) -> bool:
    style = para.style
    while style is not None:
        if _HEADING_STYLE.search(style.name or "") or _outline_level(style.element) is not None:
            return True
        style = style.base_style
    return False


def _outline_level(element) -> int | None:
    p_pr = element.find(_q("w:pPr"))
    level = p_pr.find(_q("w:outlineLvl")) if p_pr is not None else None
    if level is None:
        return None
    try:
        value = int(level.get(_VAL, "9"))
    except ValueError:
        return None
    return value if value < 9 else None  # level 9 is "body text"


def _style_bold(style) -> bool:
    while style is not None:
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def _east_asia_font(run) -> str | None:
    r_pr = run._r.rPr
    fonts = r_pr.find(_q("w:rFonts")) if r_pr is not None else None
    return fonts.get(_q("w:eastAsia")) if fonts is not None else None


def _lines(element) -> list[tuple[str, list]]:
    """The text of a paragraph as the page shows it, cut where a line break is typed in it; with
    each line, the runs (``w:r``) its text comes from."""
    lines: list[tuple[list[str], list]] = [([], [])]

    def walk(el, run):
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _T:
                lines[-1][0].append(child.text or "")
                if run is not None and (child.text or "").strip() and (not lines[-1][1] or lines[-1][1][-1] is not run):
                    lines[-1][1].append(run)
            elif tag == _TAB:
                lines[-1][0].append("\t")
            elif tag in (_BR, _CR):
                lines.append(([], []))
            elif tag == _NB_HYPHEN:
                lines[-1][0].append("-")
            else:
                walk(child, child if tag == _R else run)

    walk(element, None)
    return [("".join(texts), runs) for texts, runs in lines]


def _text(element) -> list[str]:
    return [text for text, _ in _lines(element)]


class _Layout:
    def __init__(self):
        self.cells: list[list[str]] = []
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}


def _grid_span(tc) -> int:
    span = tc.find(f"{_q('w:tcPr')}/{_q('w:gridSpan')}")
    try:
        return max(1, int(span.get(_VAL))) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _v_merge(tc) -> str | None:
    """"restart", "continue", or None when the cell is not part of a vertical merge."""
    merge = tc.find(f"{_q('w:tcPr')}/{_q('w:vMerge')}")
    if merge is None:
        return None
    return merge.get(_VAL, "continue")


def _grid_before(tr) -> int:
    before = tr.find(f"{_q('w:trPr')}/{_q('w:gridBefore')}")
    try:
        return int(before.get(_VAL)) if before is not None else 0
    except (TypeError, ValueError):
        return 0


def _children(element, tag: str) -> list:
    """The element's children of one kind (rows of a table, cells of a row), including those
    wrapped in content controls."""
    out = []
    for child in element.iterchildren():
        if child.tag == tag:
            out.append(child)
        elif child.tag in (_SDT, _CUSTOM_XML):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                out.extend(_children(content, tag))
    return out


def _cell_text(tc, nested: list) -> str:
    """The cell's paragraphs joined as one text: nothing between Chinese pieces (a label typed as
    本年新 / 制作数量 reads 本年新制作数量); a nested table is set aside in ``nested``."""
    pieces: list[str] = []

    def walk(el):
        for child in el.iterchildren():
            if child.tag == _P:
                pieces.extend(_text(child))
            elif child.tag == _TBL:
                nested.append(child)
            elif child.tag in (_SDT, _CUSTOM_XML):
                content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
                if content is not None:
                    walk(content)

    walk(tc)
    return re.sub(r"[ \t]+", " ", join(pieces, digits_apart=True))


def _layout(tbl) -> tuple[_Layout, list]:
    """The table on its grid, and the tables nested in its cells (in order)."""
    layout = _Layout()
    nested: list = []
    rows = _children(tbl, _TR)
    placed: list[list[tuple[int, int] | None]] = []  # (row, column) of the real cell at each position
    for r, tr in enumerate(rows):
        texts: list[str] = []
        where: list[tuple[int, int] | None] = []
        col = _grid_before(tr)
        texts.extend([""] * col)
        where.extend([None] * col)
        for tc in _children(tr, _TC):
            span = _grid_span(tc)
            text = _cell_text(tc, nested)
            above = placed[r - 1][col] if r > 0 and col < len(placed[r - 1]) else None
            if _v_merge(tc) == "continue" and above is not None:
                real = above
                text = layout.cells[real[0]][real[1]]
            else:
                real = (r, col)
            texts.extend([text] * span)
            where.extend([real] * span)
            col += span
        layout.cells.append(texts)
        placed.append(where)
    width = max((len(row) for row in layout.cells), default=0)
    for r, row in enumerate(layout.cells):
        row.extend([""] * (width - len(row)))
        placed[r].extend([None] * (width - len(placed[r])))
        for c, real in enumerate(placed[r]):
            if real is not None and real != (r, c):
                layout.origin[(r, c)] = real
    return layout, nested
