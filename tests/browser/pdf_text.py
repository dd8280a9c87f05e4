"""Reading a printed report back with pypdf: its text, and where and at what scale each piece sits.

Chromium prints CJK text with fonts (Noto CJK) whose glyphs are shared between an ideograph and
its look-alike radical (行 U+884C and ⾏ U+2F8F); the PDF's ToUnicode table names the radical, and
Chromium wraps each such glyph in a marked-content span whose /ActualText is the ideograph.
Acrobat, pdf.js and poppler copy and search by /ActualText; pypdf does not.  :func:`page_text`
reads the /ActualText spans of the page itself to put the ideographs back, so the text checked is
the text a reader of the PDF gets, and a radical without an /ActualText span stays wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf import PageObject
from pypdf.generic import ContentStream

_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


@dataclass(frozen=True)
class Piece:
    """A run of text as drawn: its origin in PDF points (y upwards) and the page's pt-per-CSS-px."""

    text: str
    x: float
    y: float
    scale: float


def _to_unicode(font) -> dict[bytes, str]:
    """A font's ToUnicode CMap as {code: text} (the bfchar and bfrange forms Chromium writes)."""
    font = font.get_object()
    if "/ToUnicode" not in font:
        return {}
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, dest in _BFCHAR.findall(block):
            out[bytes.fromhex(code)] = bytes.fromhex(dest).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dest in _BFRANGE.findall(block):
            start, width = int(lo, 16), len(lo) // 2
            first = int(dest, 16)
            for i in range(int(hi, 16) - start + 1):
                out[(start + i).to_bytes(width, "big")] = chr(first + i)
    return out


def actual_text_map(page: PageObject) -> dict[str, str]:
    """{text as the ToUnicode table gives it: text of the /ActualText span around it}."""
    fonts = page["/Resources"].get("/Font", {})
    cmaps: dict[str, dict[bytes, str]] = {}
    content = ContentStream(page.get_contents(), page.pdf)
    font_name = None
    spans: list[str | None] = []
    mapping: dict[str, str] = {}
    for operands, op in content.operations:
        if op == b"Tf":
            font_name = operands[0]
        elif op in (b"BDC", b"BMC"):
            props = operands[1] if op == b"BDC" and len(operands) > 1 else {}
            actual = props.get("/ActualText") if hasattr(props, "get") else None
            spans.append(str(actual) if actual is not None else None)
        elif op == b"EMC" and spans:
            spans.pop()
        elif op in (b"Tj", b"TJ") and spans and spans[-1] is not None and font_name:
            if font_name not in cmaps:
                cmaps[font_name] = _to_unicode(fonts[font_name]) if font_name in fonts else {}
            strings = operands[0] if op == b"TJ" else [operands[0]]
            raw = b"".join(_bytes(s) for s in strings if not isinstance(s, (int, float)))
            shown = "".join(cmaps[font_name].get(bytes([b]), "") for b in raw)
            if shown and shown != spans[-1]:
                mapping[shown] = spans[-1]
    return mapping


def _bytes(s) -> bytes:
    if hasattr(s, "original_bytes"):
        return s.original_bytes
    return bytes(s)


def page_text(page: PageObject) -> str:
    text = page.extract_text()
    for shown, actual in sorted(actual_text_map(page).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(shown, actual)
    return text


def pieces(page: PageObject) -> list[Piece]:
    """Every non-blank run of text with its origin; ``scale`` is the current transformation's
    horizontal factor: 0.75 pt per CSS px when printed at 100 %, less when Chromium shrank the
    page to fit content wider than the paper."""
    out: list[Piece] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append(Piece(text.strip(), x, y, abs(cm[0] * tm[0])))

    page.extract_text(visitor_text=visit)
    return out


def squeeze(text: str) -> str:
    """Text without any whitespace: a label wrapped inside its cell reads as one string."""
    return re.sub(r"\s+", "", text)
