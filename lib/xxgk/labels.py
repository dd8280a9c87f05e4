"""Matching the labels analysts type to the official ones.

Real files differ from the official tables in ways that carry no meaning: full-width vs
half-width punctuation, spaces and line breaks from PDF extraction, numbering prefixes kept or
dropped, "，" for "、".  Those are folded away by :func:`match_key`.  Shortened labels used by
derivative systems are accepted as each version's file declares them (its ``aliases``) and always printed in official form.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from . import spec

_PREFIX = re.compile(
    r"^(?:"
    r"\((?:[一二三四五六七八九十]+|\d+)\)"  # (一) (1)  — NFKC turned （） into ()
    r"|[一二三四五六七八九十]+[、.]"  # 一、
    r"|\d+[.、]"  # 1. 1、
    r")"
)
_FOLD = str.maketrans("", "", " \t\r\n\u3000、,，“”\"'‘’:：")


# Every line of a data file folds its three labels, the same few hundred in every file; bounded,
# as a broken file can hold a million different ones.
@lru_cache(maxsize=4096)
def match_key(label: str) -> str:
    """The form two labels are compared in: equal keys mean the same label."""
    text = unicodedata.normalize("NFKC", label)
    text = re.sub(r"\s+", "", text)
    text = _PREFIX.sub("", text, count=1)
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Alias:
    official: str
    #: The ``N-ALIAS`` message variant (:mod:`xxgk.catalogue`) that says how the label was read.
    variant: str


@cache
def _aliases(version: str, table: str, axis: str) -> dict[str, Alias]:
    """The label variants a version's file declares (spec §7), by the key they fold to."""
    return {match_key(a.variant): Alias(a.official, a.how) for a in spec.get_format(version).aliases
            if a.table == table and a.axis == axis}


_TABLE_NAMES = {
    "二": spec.TABLE_2, "2": spec.TABLE_2, "表二": spec.TABLE_2,
    "三": spec.TABLE_3, "3": spec.TABLE_3, "表三": spec.TABLE_3,
    "四": spec.TABLE_4, "4": spec.TABLE_4, "表四": spec.TABLE_4,
}


@cache
def _table_ids() -> dict[str, str]:
    ids = dict(_TABLE_NAMES)
    # Section headings fold to the same keys as the titles (their 二、 prefix is dropped).
    for fmt in spec.registry().values():
        for table in fmt.tables:
            ids[match_key(table.title)] = table.id
    return ids


def match_table(label: str) -> str | None:
    text = match_key(label)
    ids = _table_ids()
    return ids.get(text) or ids.get(text.removeprefix("表"))


@dataclass(frozen=True)
class Match:
    """Outcome of matching one label on one axis of one table."""

    official: str | None
    #: Set when the label was read through a variant: the ``N-ALIAS`` message that says so.
    variant: str | None = None
    #: Set when the label exists only in the other format version.
    other_version: str | None = None
    #: The closest official labels, for an unknown label.
    suggestions: tuple[str, ...] = ()


@cache
def _official(version: str, table: str, axis: str) -> dict[str, str]:
    t = spec.get_format(version).table(table)
    labels = t.data_rows if axis == "row" else t.data_columns
    return {match_key(label): label for label in labels}


_REMARK = re.compile(r"^(?P<label>.+?)\((?P<remark>[^()]*)\)$")
_BRACKETS = str.maketrans("", "", "()")
#: A cut-short label must keep at least this share of the official label (and two characters), so
#: that 行政 does not pass for 行政许可.
_KEPT_SHARE = 0.5


def _exact(key: str, version: str, table: str, axis: str) -> Match | None:
    official = _official(version, table, axis)
    if key in official:
        return Match(official[key])
    alias = _aliases(version, table, axis).get(key)
    if alias:
        return Match(alias.official, variant=alias.variant)
    return None


def _unique(candidates: list[str]) -> str | None:
    return candidates[0] if len(candidates) == 1 else None


@cache
def _match(key: str, version: str, table: str, axis: str) -> Match:
    found = _exact(key, version, table, axis)
    if found:
        return found
    # A label another version prints as it stands says which version the file follows, before any
    # guess at a variant of this version's labels.
    for other in spec.versions():
        if other != version and _exact(key, other, table, axis) is not None:
            return Match(None, other_version=other)
    official = _official(version, table, axis)
    # A provincial remark appended in brackets: 规章(设区的市、自治州人民政府应提供相关数据).
    m = _REMARK.match(key)
    if m:
        inner = _exact(m.group("label"), version, table, axis)
        if inner and inner.official:
            return Match(inner.official, variant="remark")
    # Brackets dropped: 本年收费金额单位:万元 for 本年收费金额（单位：万元）.
    bare = key.translate(_BRACKETS)
    by_bare = _unique([label for k, label in official.items() if k.translate(_BRACKETS) == bare and k != bare])
    if by_bare:
        return Match(by_bare, variant="brackets")
    # Cut short at either end, as narrow table cells print them (本年增/, 采购项目数), or the lower
    # half of a header broken over two lines (制作数量 under 本年新).
    if len(key) >= 2:
        kept = [label for k, label in official.items()
                if k != key and (k.startswith(key) or k.endswith(key)) and len(key) >= _KEPT_SHARE * len(k)]
        if _unique(kept):
            return Match(kept[0], variant="truncated")
    # Longer than an official label it starts with: suggest that label, the longest such.
    longer = sorted((k for k in official if key.startswith(k)), key=len, reverse=True)
    if longer:
        return Match(None, suggestions=(official[longer[0]],))
    close = difflib.get_close_matches(key, list(official), n=2, cutoff=0.5)
    return Match(None, suggestions=tuple(official[k] for k in close))


def match_label(label: str, version: str, table: str, axis: str) -> Match:
    return _match(match_key(label), version, table, axis)


def warm_up() -> None:
    """Fold every name a file may give a table (表二, 2, its title), so that processes forked after
    this (a batch's workers) find them folded.  The row and column labels are folded as
    :func:`xxgk.load.warm_up` places every official cell."""
    for name in _TABLE_NAMES:
        match_table(name)
    for fmt in spec.registry().values():
        for table in fmt.tables:
            match_table(table.title)
