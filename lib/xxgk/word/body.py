"""The document model as the body of a Word document: paragraphs, runs, tables, the signature.

Styles carry the type (:mod:`.page`); paragraphs name their style and add only what is theirs:
a list item's number, a quote's indent, the signature's place at the right.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Sequence

from ..compose import chinese_date
from ..document import (Block, Code, CodeBlock, Document, Emphasis, Fill, Heading, Image, LineBreak, Link, ListBlock,
                        NotProvided, Paragraph, Quote, Rule, Run, Signature, Strong, Table, Text)
from . import tables
from .ooxml import Element, w
from .page import CODE, CODE_BLOCK, HEADING_1, HEADING_2, HYPERLINK, LINE, RUN_IN, TITLE, indent

#: A paragraph that opens with a numbered heading run in, “（一）加强组织领导。…”: the heading is a
#: second-level one, set in 楷体 as GB/T 9704 sets （一）.
_RUN_IN = re.compile(r"（[一二三四五六七八九十]{1,3}）[^。！？\n]{1,30}?[。！？]")


class Links:
    """Hyperlink targets and their relationship ids, in the order they first appear."""

    def __init__(self) -> None:
        self.targets: dict[str, str] = {}

    def rel_id(self, href: str) -> str:
        return self.targets.setdefault(href, f"rIdLink{len(self.targets) + 1}")


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    style: str | None = None


def _run(text: str, fmt: _Format = _Format()) -> Element | None:
    parts: list[Element] = []
    for piece in re.split(r"(\n|\t)", text):
        if piece == "\n":
            parts.append(w("br"))
        elif piece == "\t":
            parts.append(w("tab"))
        elif piece:
            parts.append(w("t", text=piece, xml_space="preserve" if piece != piece.strip() else None))
    if not parts:
        return None
    props = [w("rStyle", val=fmt.style) if fmt.style else None, w("b") if fmt.bold else None,
             w("i") if fmt.italic else None]
    return w("r", w("rPr", *props) if any(p is not None for p in props) else None, *parts)


def runs(items: Sequence[Run], links: Links, fmt: _Format = _Format()) -> list[Element]:
    out: list[Element | None] = []
    for run in items:
        if isinstance(run, Text):
            out.append(_run(run.text, fmt))
        elif isinstance(run, Strong):
            out += runs(run.runs, links, replace(fmt, bold=True))
        elif isinstance(run, Emphasis):
            out += runs(run.runs, links, replace(fmt, italic=True))
        elif isinstance(run, Link):
            inner = runs(run.runs, links, replace(fmt, style=HYPERLINK))
            if run.href and not run.href.startswith("#"):
                out.append(w("hyperlink", *inner, r_id=links.rel_id(run.href)))
            else:  # an anchor in a page has nowhere to go in the document
                out += runs(run.runs, links, fmt)
        elif isinstance(run, Code):
            out.append(_run(run.text, replace(fmt, style=CODE)))
        elif isinstance(run, Fill):  # the figure, or its marker (［数据缺失］) as the page prints it
            out.append(_run(run.text, fmt))
        elif isinstance(run, Image):
            out.append(_run(f"［图片：{run.alt}］", fmt))
        elif isinstance(run, LineBreak):
            out.append(w("r", w("br")) if run.hard else _run(" ", fmt))
    return [r for r in out if r is not None]


def paragraph(content: Sequence[Element], *, style: str | None = None, keep_next: bool = False,
              border: bool = False, space_before: int | None = None, ind: Element | None = None,
              jc: str | None = None) -> Element:
    props = [
        w("pStyle", val=style) if style else None,
        w("keepNext") if keep_next else None,
        w("pBdr", w("bottom", val="single", sz=6, space=1, color="auto")) if border else None,
        w("spacing", before=space_before) if space_before else None,
        ind,
        w("jc", val=jc) if jc else None,
    ]
    return w("p", w("pPr", *props) if any(p is not None for p in props) else None, *content)


def _run_in(items: tuple[Run, ...]) -> tuple[str, tuple[Run, ...]] | None:
    """(the heading run in, the rest of the paragraph) when the paragraph opens with one."""
    first = items[0] if items else None
    m = _RUN_IN.match(first.text) if isinstance(first, Text) else None
    if m is None:
        return None
    rest = first.text[m.end():]  # type: ignore[union-attr]
    return m.group(), (*((Text(rest),) if rest else ()), *items[1:])


def _nested(depth: int) -> Element | None:
    return indent(first_chars=2, left_chars=2 * depth) if depth else None


def blocks(items: Sequence[Block], links: Links, depth: int = 0, *, top: bool = True) -> list[Element]:
    """Narrative blocks, tables and notices; ``depth`` is how far a quote or a nested list sits in."""
    out: list[Element] = []
    for block in items:
        if isinstance(block, Paragraph):
            lead = _run_in(block.runs) if top and depth == 0 else None
            if lead:
                heading, rest = lead
                content = [_run(heading, _Format(style=RUN_IN)), *runs(rest, links)]
            else:
                content = runs(block.runs, links)
            out.append(paragraph(content, ind=_nested(depth)))
        elif isinstance(block, Heading):
            out.append(paragraph(runs(block.runs, links), style=HEADING_2, ind=_nested(depth)))
        elif isinstance(block, ListBlock):
            out += _list(block, links, depth)
        elif isinstance(block, Quote):
            out += blocks(block.blocks, links, depth + 1, top=False)
        elif isinstance(block, CodeBlock):
            out.append(paragraph([r for r in [_run(block.text.rstrip("\n"))] if r is not None], style=CODE_BLOCK,
                                 ind=indent(left_chars=2 * depth) if depth else None))
        elif isinstance(block, Rule):
            out.append(paragraph([], border=True))
        elif isinstance(block, NotProvided):
            out.append(not_provided(block))
        elif isinstance(block, Table):
            out += tables.table(block)
    return out


def _list(block: ListBlock, links: Links, depth: int) -> list[Element]:
    """Items as paragraphs opening with their number (1. 2. …) or a bullet, as typed in Chinese
    documents; a list inside an item sits two characters further in."""
    out: list[Element] = []
    for n, item in enumerate(block.items, start=block.start):
        marker = Text(f"{n}." if block.ordered else "· ")
        first, rest = (item[0], item[1:]) if item and isinstance(item[0], (Paragraph, Heading)) else (None, item)
        if first is not None:
            style = HEADING_2 if isinstance(first, Heading) else None
            out.append(paragraph(runs((marker, *first.runs), links), style=style, ind=_nested(depth)))
        else:
            out.append(paragraph(runs((marker,), links), ind=_nested(depth)))
        for inner in rest:
            out += blocks((inner,), links, depth + 1 if isinstance(inner, ListBlock) else depth, top=False)
    return out


def not_provided(block: NotProvided) -> Element:
    return paragraph([_run("【未提供】", _Format(bold=True)), _run(f"{block.what}未提供（{block.why}）。")])


def _width(text: str) -> float:
    """In characters of the body size: a Chinese character is one, a digit or letter half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def signature(sign: Signature | NotProvided) -> list[Element]:
    """Placed as GB/T 9704 §7.3.5.1 places a document to be sealed, as the web page does: one line
    below the text, the date four characters in from the right, the body's name centred over
    the date (never past the margin)."""
    if isinstance(sign, NotProvided):
        return [not_provided(sign)]
    date = chinese_date(sign.date)
    date_right = 4.0
    body_right = max(0.0, date_right + (_width(date) - _width(sign.body)) / 2)
    return [paragraph([_run(sign.body)], keep_next=True, space_before=LINE, ind=indent(right_chars=body_right), jc="right"),
            paragraph([_run(date)], ind=indent(right_chars=date_right), jc="right")]


def body(document: Document, links: Links, section_properties: Element) -> Element:
    parts: list[Element] = [paragraph([r for r in [_run(document.title)] if r is not None], style=TITLE)]
    parts += blocks(document.preamble, links)
    for section in document.sections:
        parts.append(paragraph([_run(section.heading)], style=HEADING_1))
        parts += blocks(section.blocks, links)
    parts += signature(document.signature)
    parts.append(section_properties)
    return w("body", *parts)
