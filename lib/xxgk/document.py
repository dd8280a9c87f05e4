"""The report as one document: what every output writes.

A :class:`Document` is one copy of one report (the review copy or the copy to publish) as
content, before any output format: the title and preamble, the six sections under their official
headings holding narrative blocks or a table, the signature, and where it all came from.
:func:`xxgk.compose.build_document` builds it once from a checked report; each output is a writer
of it: the HTML pieces (:mod:`xxgk.html`), the Word file (:mod:`xxgk.writers.docx`), and the PDF,
printed from the HTML.

Narrative text is Markdown parsed once (:mod:`xxgk.markdown_model`) into blocks of *runs*: plain
text, bold, italic, links, code, images and line breaks, and the placeholders filled with their
figures or with a visible marker.  A table is its official grid (:mod:`xxgk.layout`) with the
printed text of each figure, and, in a review copy only, what the reviewer is shown on a cell.

The review copy's banner and 数据核验 panel are about the checks, not the report; they are written
from the report's findings (:mod:`xxgk.html_review`) and are not part of the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Mapping, Union

from . import spec
from .layout import Grid
from .load import Key

# --- runs: the text inside a paragraph ---------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    runs: tuple["Run", ...]


@dataclass(frozen=True)
class Emphasis:
    runs: tuple["Run", ...]


@dataclass(frozen=True)
class Link:
    #: As Markdown normalised it (percent-encoded); unsafe schemes never become links.
    href: str
    title: str | None
    runs: tuple["Run", ...]


@dataclass(frozen=True)
class Code:
    text: str


FillState = Literal["value", "missing", "na", "unknown"]


@dataclass(frozen=True)
class Fill:
    """A ``{{name}}`` placeholder, filled: ``text`` is what prints — the figure, or a visible
    marker when the figure is blank (［数据缺失］), not applicable (［不适用］) or the name unknown."""

    name: str
    text: str
    state: FillState


@dataclass(frozen=True)
class Image:
    """An image reference, never embedded (a report fetches nothing when opened)."""

    alt: str
    src: str | None


@dataclass(frozen=True)
class LineBreak:
    """A hard break (two spaces or a backslash at a line's end) or a soft one: a line break
    inside a paragraph between text that is not Chinese on both sides (a line break between
    Chinese characters is no break at all and is not kept)."""

    hard: bool


Run = Union[Text, Strong, Emphasis, Link, Code, Fill, Image, LineBreak]

# --- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    """A heading inside narrative text (``#`` … ``######``), below the section's own heading."""

    level: int
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    #: The first item's number (ordered lists).
    start: int
    #: No blank lines between items: their paragraphs print without paragraph spacing.
    tight: bool
    items: tuple[tuple["Block", ...], ...]


@dataclass(frozen=True)
class Quote:
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class CodeBlock:
    text: str
    #: The fence's info string (``python``); None for an indented block.
    info: str | None


@dataclass(frozen=True)
class Rule:
    """A thematic break (``---``)."""


@dataclass(frozen=True)
class NotProvided:
    """Text the report needs and its inputs lack, said visibly where it belongs: 【未提供】 + what
    + why.  ``item`` is how a refusal to publish names it."""

    what: str
    why: str
    item: str


@dataclass(frozen=True)
class Flag:
    """Why a cell is highlighted in a review copy: the failing findings that name it."""

    severity: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """One data cell as printed: ``text`` is the figure (blank: "", not applicable: "/"), and the
    rest what a review copy shows on it."""

    text: str
    state: Literal["number", "blank", "na"]
    computed: bool = False
    #: Carried from last year's report: where from (review copy only).
    carried: str | None = None
    flag: Flag | None = None
    #: The number of the cell's note in the list under the table (review copy only).
    note: int | None = None


@dataclass(frozen=True)
class Table:
    """One of tables 二/三/四 in its official grid, with the figure of every data cell."""

    table: spec.Table
    grid: Grid
    figures: Mapping[Key, Figure]
    #: The distinct CSV notes of a review copy, numbered in reading order: (note, how many cells).
    notes: tuple[tuple[str, int], ...] = ()
    review: bool = False

    @property
    def id(self) -> str:
        return self.table.id

    @property
    def title(self) -> str:
        return self.table.title


Block = Union[Paragraph, Heading, ListBlock, Quote, CodeBlock, Rule, NotProvided, Table]

# --- the document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    number: int
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Signature:
    body: str
    date: dt.date


@dataclass(frozen=True)
class Source:
    """An input of the report: what it is, its file (as the analyst knows it) and its sha256
    (None: not there)."""

    label: str
    name: str | None
    sha256: str | None


@dataclass(frozen=True)
class Provenance:
    tool: str
    #: 2019 年版（国办公开办函〔2019〕60号）
    format: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Document:
    township: str
    year: int
    #: The copy to publish (no review marks) or the review copy.
    publish: bool
    title: str
    preamble: tuple[Block, ...]
    sections: tuple[Section, ...]
    signature: Signature | NotProvided
    provenance: Provenance

    def section(self, number: int) -> Section:
        return self.sections[number - 1]

    def not_provided(self) -> list[str]:
        """What prints 【未提供】, in page order: a published copy must have none."""
        found = [b.item for s in self.sections for b in s.blocks if isinstance(b, NotProvided)]
        if isinstance(self.signature, NotProvided):
            found.append(self.signature.item)
        return found

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]
