"""The official report format, every version, as data.

Each version is a declarative file, ``lib/xxgk/formats/<version>.yaml``: its notice, the years it
is the default for, the six section headings, the three tables as trees (rows and column headers
with children, each with its verbatim label and, where the kit needs to find it, a *role*), the
label variants real reports print, the labels that tell the version apart, and the cells the
narrative placeholders name.  This module reads them; template, check, render and import all ask
it, so a label is spelled in one place and a new version is one new file.  More versions can be
given in folders listed in ``XXGK_FORMATS`` (``os.pathsep``-separated), e.g. for a test.

Code that must work with any version finds rows and columns by role (``Format.label``,
``Format.cell``); the module-level constants (``NEW``, ``GRANTED``…) are the labels the official
2019 and 2021 versions print, for code and tests about those two.

The tables are trees, from which :mod:`xxgk.layout` derives the rows, columns and spans that the
renderer prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Iterator

import yaml

FORMATS_DIR = Path(__file__).resolve().parent / "formats"
#: Folders with more ``<version>.yaml`` files, beside the kit's own.
ENV = "XXGK_FORMATS"

TABLE_2, TABLE_3, TABLE_4 = "二", "三", "四"
TABLE_IDS = (TABLE_2, TABLE_3, TABLE_4)


class Kind(str, Enum):
    """What a data cell holds; decides parsing, checking (R7) and printing."""

    COUNT = "count"  # non-negative integer
    SIGNED = "signed"  # integer that may be negative (本年增/减)
    MONEY = "money"  # decimal amount in 万元


@dataclass(frozen=True)
class Node:
    """A row or a column header.  A node with children is a group: a merged label, no figures."""

    label: str
    children: tuple["Node", ...] = ()
    kind: Kind = Kind.COUNT
    #: For table 四, whose data are read as rows × columns but printed as one row of 15 cells:
    #: the data row a leaf column belongs to.
    data_row: str | None = None
    #: What the row or column means, for code that must find it in any version.
    role: str | None = None

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def leaves(self) -> Iterator["Node"]:
        if self.children:
            for child in self.children:
                yield from child.leaves()
        else:
            yield self

    def walk(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Cell:
    """One data cell, addressed the way the data file addresses it."""

    table: str
    row: str
    column: str
    kind: Kind

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


@dataclass(frozen=True)
class Part:
    """A rectangular piece of a table: a header over columns, label columns beside rows.

    Table 二 has one part per 第二十条 item, each with its caption; tables 三 and 四 have one.
    """

    columns: tuple[Node, ...]
    rows: tuple[Node, ...]
    caption: str | None = None
    #: Text of the top-left cell above the row labels (信息内容, or table 三's footnote).
    corner: str | None = None
    role: str | None = None

    def row_leaves(self) -> list[Node]:
        return [leaf for row in self.rows for leaf in row.leaves()]

    def column_leaves(self) -> list[Node]:
        return [leaf for col in self.columns for leaf in col.leaves()]

    def nodes(self, axis: str) -> Iterator[Node]:
        for top in (self.rows if axis == "row" else self.columns):
            yield from top.walk()


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    parts: tuple[Part, ...]
    cells: tuple[Cell, ...] = field(default=())

    def cell(self, row: str, column: str) -> Cell:
        return self._index[(row, column)]

    @cached_property
    def _index(self) -> dict[tuple[str, str], Cell]:
        # Built once per table: loading a data file looks up every cell, and rebuilding it for each
        # lookup made loading quadratic in the number of cells.
        return {(c.row, c.column): c for c in self.cells}

    @property
    def data_rows(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.row for c in self.cells))

    @property
    def data_columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.column for c in self.cells))


@dataclass(frozen=True)
class Alias:
    """A label real reports print, read as an official one; ``how`` is its ``N-ALIAS`` message."""

    table: str
    axis: str
    variant: str
    official: str
    how: str


@dataclass(frozen=True)
class Format:
    version: str
    notice: str
    sections: tuple[str, ...]
    tables: tuple[Table, ...]
    #: The first reporting year this version is the default for (until a later version's).
    first_year: int = 0
    aliases: tuple[Alias, ...] = ()
    #: Labels only this version prints (any one is decisive when reading a published table).
    fingerprint: tuple[str, ...] = ()
    #: Narrative placeholder → (table, row role, column role) of the figure it prints.
    placeholders: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def cells(self) -> Iterator[Cell]:
        for t in self.tables:
            yield from t.cells

    # --- finding rows, columns and cells by role ------------------------------------------------

    def part(self, role: str) -> Part | None:
        return next((p for t in self.tables for p in t.parts if p.role == role), None)

    def node(self, table_id: str, axis: str, role: str) -> Node | None:
        return next((n for p in self.table(table_id).parts for n in p.nodes(axis) if n.role == role), None)

    def label(self, table_id: str, axis: str, role: str) -> str | None:
        node = self.node(table_id, axis, role)
        return node.label if node is not None else None

    def cell(self, table_id: str, row_role: str, column_role: str) -> Cell | None:
        """The cell at a row and a column given by role, within one part; None when this version
        has no such cell.  In table 四 the row is the group a result column belongs to."""
        # Kept per format: the narrative, the rules and the trend look cells up by role thousands
        # of times a report, and a lookup walks the table's header tree.
        key = (table_id, row_role, column_role)
        by_role = self._cells_by_role
        if key not in by_role:
            by_role[key] = self._find_cell(table_id, row_role, column_role)
        return by_role[key]

    @cached_property
    def _cells_by_role(self) -> dict[tuple[str, str, str], Cell | None]:
        return {}

    def _find_cell(self, table_id: str, row_role: str, column_role: str) -> Cell | None:
        table = self.table(table_id)
        for part in table.parts:
            if table_id == TABLE_4 or not part.rows or not any(n.label for n in part.rows):
                group = next((n for n in part.nodes("column") if n.role == row_role), None)
                leaf = next((n for n in (group.leaves() if group else ()) if n.role == column_role), None)
                if leaf is not None:
                    return table.cell(leaf.data_row or "", leaf.label)
                continue
            row = next((n for n in part.nodes("row") if n.role == row_role and not n.is_group), None)
            column = next((n for n in part.nodes("column") if n.role == column_role and not n.is_group), None)
            if row is not None and column is not None:
                return table.cell(row.label, column.label)
        return None

    def leaves_under(self, table_id: str, axis: str, role: str) -> tuple[str, ...]:
        """The labels of the data rows (or columns) a row (or column) given by role stands for: its
        own label for a leaf, its leaves' for a group."""
        node = self.node(table_id, axis, role)
        return tuple(leaf.label for leaf in node.leaves()) if node is not None else ()


# --- reading the files ------------------------------------------------------------------------


class FormatError(ValueError):
    """A format file that cannot be read as one."""


def _node(data: dict[str, Any], where: str, data_row: str | None = None) -> Node:
    if not isinstance(data, dict) or "label" not in data:
        raise FormatError(f"{where}: every row and column needs a label: {data!r}")
    label = str(data["label"])
    own_row = label if data.get("data_row") else data_row
    children = tuple(_node(c, where, own_row) for c in data.get("children") or ())
    kind = Kind(data.get("kind", "count"))
    return Node(label, children, kind, None if children else own_row, data.get("role"))


def _part(data: dict[str, Any], where: str) -> Part:
    return Part(tuple(_node(c, where) for c in data["columns"]), tuple(_node(r, where) for r in data["rows"]),
                data.get("caption"), data.get("corner"), data.get("role"))


def _cells_of(table_id: str, parts: tuple[Part, ...]) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    for part in parts:
        for row in part.row_leaves():
            for col in part.column_leaves():
                cells.append(Cell(table_id, col.data_row or row.label, col.label, col.kind))
    return tuple(cells)


def read_format(path: Path) -> Format:
    """One version's file as a :class:`Format`."""
    where = str(path)
    try:
        # libyaml's loader where PyYAML has it: ten times faster, and every xxgk command (and each
        # batch) starts by reading the format files.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        tables = []
        for t in data["tables"]:
            parts = tuple(_part(p, where) for p in t["parts"])
            tables.append(Table(str(t["id"]), t["title"], parts, _cells_of(str(t["id"]), parts)))
        return Format(
            version=str(data["version"]),
            notice=data.get("notice", ""),
            sections=tuple(data["sections"]),
            tables=tuple(tables),
            first_year=int(data["first_year"]),
            aliases=tuple(Alias(str(a["table"]), a["axis"], a["variant"], a["official"], a.get("how", "alias"))
                          for a in data.get("aliases") or ()),
            fingerprint=tuple(data.get("fingerprint") or ()),
            placeholders={name: (str(p["table"]), p["row"], p["column"])
                          for name, p in (data.get("placeholders") or {}).items()},
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise FormatError(f"{where}: not a format file the kit can read: {e}") from e


def _folders(env: str) -> list[Path]:
    extra = [Path(p) for p in env.split(os.pathsep) if p.strip()]
    return [FORMATS_DIR, *extra]


@cache
def _registry_for(env: str) -> dict[str, Format]:
    # Keyed by the variable's text: loading a data file asks for its format once per cell.
    return _registry(tuple(_folders(env)))


@cache
def _registry(folders: tuple[Path, ...]) -> dict[str, Format]:
    found: dict[str, Format] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            fmt = read_format(path)
            found[fmt.version] = fmt
    return dict(sorted(found.items(), key=lambda kv: kv[1].first_year))


def registry() -> dict[str, Format]:
    """Every version the kit knows, oldest first."""
    return _registry_for(os.environ.get(ENV, ""))


def versions() -> tuple[str, ...]:
    return tuple(registry())


def get_format(version: str) -> Format:
    known = registry()
    if version not in known:
        raise KeyError(f"unknown format version {version!r}; known: {', '.join(known)}")
    return known[version]


def first_year() -> int:
    """Reports for earlier years followed the pre-2019 条例 and a format the kit does not encode."""
    return min(f.first_year for f in registry().values())


def version_for_year(year: int) -> str:
    """The format a reporting year uses by default (a report's params may override it): the
    latest version whose first year is not after it."""
    if year < first_year():
        raise ValueError(f"no official format is encoded for reporting years before {first_year()} (got {year})")
    return [v for v, f in registry().items() if f.first_year <= year][-1]


def result_rows(version: str) -> tuple[str, ...]:
    """The data rows whose sum is （七）总计 (rule R3), in official order."""
    fmt = get_format(version)
    total = fmt.label(TABLE_3, "row", "results_total")
    return tuple(label for label in fmt.leaves_under(TABLE_3, "row", "results") if label != total)


# --- the labels of the two official versions, for code and tests about them --------------------

V2019 = "2019"
V2021 = "2021"
VERSIONS = versions()
FIRST_YEAR = first_year()
NOTICES = {v: f.notice for v, f in registry().items()}
FINGERPRINT = {v: f.fingerprint for v, f in registry().items()}

_F19, _F21 = get_format(V2019), get_format(V2021)
SECTIONS = _F21.sections


def _t3(role: str, axis: str = "row") -> str:
    label = _F21.label(TABLE_3, axis, role)
    assert label is not None, role
    return label


T2_TITLE, T3_TITLE, T4_TITLE = (_F21.table(t).title for t in TABLE_IDS)
T2_CORNER = _F21.table(TABLE_2).parts[0].corner
ITEM_1, ITEM_5, ITEM_6, ITEM_8 = (_F21.part(r).caption for r in ("item1", "item5", "item6", "item8"))  # type: ignore[union-attr]
ITEM_9 = _F19.part("item9").caption  # type: ignore[union-attr]
T3_FOOTNOTE = _F21.table(TABLE_3).parts[0].corner

NATURAL, LEGAL, APPLICANTS, TOTAL = (_t3(r, "column") for r in ("natural", "organisations", "applicants", "total"))
BIZ, SCI, NPO, LAW, OTH = _F21.leaves_under(TABLE_3, "column", "organisations")
#: Data columns of table 三 in official order; the last is the row total.
T3_DATA_COLUMNS = _F21.table(TABLE_3).data_columns
T3_APPLICANT_COLUMNS = T3_DATA_COLUMNS[:-1]

NEW, CARRIED_IN, RESULTS, GRANTED, PARTIAL, WITHHELD, UNABLE, NOT_PROCESSED, OTHER_HANDLING, RESULTS_TOTAL, CARRIED_OUT = (
    _t3(r) for r in ("new", "carried_in", "results", "granted", "partial", "withheld", "unable", "not_processed",
                     "other_handling", "results_total", "carried_out"))
WITHHELD_ITEMS = _F21.leaves_under(TABLE_3, "row", "withheld")
UNABLE_ITEMS = _F21.leaves_under(TABLE_3, "row", "unable")
NOT_PROCESSED_ITEMS = _F21.leaves_under(TABLE_3, "row", "not_processed")
OTHER_HANDLING_ITEMS_2021 = _F21.leaves_under(TABLE_3, "row", "other_handling")

REVIEW, LITIGATION, SUED_DIRECTLY, SUED_AFTER_REVIEW = (
    _F21.label(TABLE_4, "column", r) for r in ("review", "litigation", "sued_directly", "sued_after_review"))
T4_DATA_ROWS = _F21.table(TABLE_4).data_rows
UPHELD, CORRECTED, OTHER_RESULT, PENDING = (
    _F21.label(TABLE_4, "column", r) for r in ("upheld", "corrected", "other_result", "pending"))
T4_DATA_COLUMNS = _F21.table(TABLE_4).data_columns
