"""What every source reader yields: the report's text in reading order, tables as grids of texts,
each piece with where it was found, so that every imported figure can say where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union


@dataclass(frozen=True)
class Where:
    """A place in the source: page (PDF), line (text copy), table, row and column (1-based)."""

    page: int | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def text(self) -> str:
        """``第3页 表2 第5行 第2列``: what the data file's note column says."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table}")
        if self.line is not None and self.table is None:
            parts.append(f"第{self.line}行")
        elif self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column is not None:
            parts.append(f"第{self.column}列")
        return " ".join(parts)


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: Where
    #: The source marked it as a heading (a heading tag, a bold line): a hint, not a rule.
    heading: bool = False


@dataclass
class Grid:
    """A table as a rectangle of texts.  A merged cell's text stands in every position it covers
    (a group's row label beside each of its rows, a column group's header above each of its
    columns); ``origin`` says, for such a copy, where the cell itself is."""

    cells: list[list[str]]
    where: Where
    origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return len(self.cells)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def at(self, r: int, c: int) -> str:
        row = self.cells[r] if 0 <= r < len(self.cells) else []
        return row[c] if 0 <= c < len(row) else ""

    def is_copy(self, r: int, c: int) -> bool:
        return (r, c) in self.origin and self.origin[(r, c)] != (r, c)

    def where_of(self, r: int, c: int) -> Where:
        """The position of a cell (0-based indices in, 1-based out), in this table."""
        return Where(page=self.where.page, line=self.where.line, table=self.where.table, row=r + 1, column=c + 1)


Block = Union[Paragraph, Grid]


@dataclass
class Document:
    source: Path
    #: Paragraphs and tables in reading order.
    blocks: list[Block] = field(default_factory=list)
    #: The page's own title (``<title>``, the document's title property), when it has one.
    title: str | None = None
    #: What the page says about itself outside the report: 发布日期, 发布机构, 索引号…
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]


class SourceError(Exception):
    """The source cannot be read as a report: ``variant`` of the catalogue's ``E-IMPORT-SOURCE``."""

    def __init__(self, variant: str, **args: object):
        super().__init__(variant)
        self.variant = variant
        self.args_ = args
