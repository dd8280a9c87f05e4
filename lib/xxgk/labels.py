"""Matching the labels analysts type to the official ones.

Real files differ from the official tables in ways that carry no meaning: full-width vs
half-width punctuation, spaces and line breaks from PDF extraction, numbering prefixes kept or
dropped, "，" for "、".  Those are folded away by :func:`match_key`.  Shortened labels used by
derivative systems are accepted through :data:`ALIASES` and always printed in official form.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from . import spec

_PREFIX = re.compile(
    r"^(?:"
    r"\((?:[一二三四五六七八九十]+|\d+)\)"  # (一) (1)  — NFKC turned （） into ()
    r"|[一二三四五六七八九十]+[、.]"  # 一、
    r"|\d+[.、]"  # 1. 1、
    r")"
)
_FOLD = str.maketrans("", "", " \t\r\n\u3000、,，“”\"'‘’:：")


def match_key(label: str) -> str:
    """The form two labels are compared in: equal keys mean the same label."""
    text = unicodedata.normalize("NFKC", label)
    text = re.sub(r"\s+", "", text)
    text = _PREFIX.sub("", text, count=1)
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Alias:
    official: str
    #: Shown as a note when the alias is used, so the analyst can fix the file if they wish.
    note: str


#: Unofficial labels accepted on input, per (version, table, axis).  See spec §7.
ALIASES: dict[tuple[str, str, str], dict[str, Alias]] = {}


def _alias(versions, table, axis, variant, official, note):
    for v in versions:
        ALIASES.setdefault((v, table, axis), {})[match_key(variant)] = Alias(official, note)


_BOTH = spec.VERSIONS
_alias(_BOTH, spec.TABLE_3, "column", "合计", spec.TOTAL, "“合计” read as the official “总计”")
_alias(_BOTH, spec.TABLE_4, "column", "合计", spec.TOTAL, "“合计” read as the official “总计”")
_alias(_BOTH, spec.TABLE_3, "row", "合计", spec.RESULTS_TOTAL, "“合计” read as “（七）总计”")
_alias(_BOTH, spec.TABLE_3, "column", "其他组织", spec.OTH, "“其他组织” read as the official “其他”")
_alias(
    _BOTH, spec.TABLE_3, "row", "要求行政机关确认或重新出具", spec.NOT_PROCESSED_ITEMS[4],
    "shortened label read as “5.要求行政机关确认或重新出具已获取信息”",
)
_alias(_BOTH, spec.TABLE_3, "row", "部分公开", spec.PARTIAL, "short form of the official （二） label")
_alias(_BOTH, spec.TABLE_2, "column", "本年增减", "本年增/减", "“本年增减” read as “本年增/减”")
_alias(
    (spec.V2021,), spec.TABLE_3, "row", "申请人无正当理由逾期不补正", spec.OTHER_HANDLING_ITEMS_2021[0],
    "shortened label read as the official （六）1",
)
_alias(
    (spec.V2021,), spec.TABLE_3, "row", "申请人逾期未按收费通知要求缴纳费用", spec.OTHER_HANDLING_ITEMS_2021[1],
    "shortened label read as the official （六）2",
)
_alias(
    (spec.V2021,), spec.TABLE_2, "row", "规范性文件", "行政规范性文件",
    "“规范性文件” is the 2019 label; read as the 2021 “行政规范性文件”, as many 2021 reports print it",
)
_alias(
    (spec.V2021,), spec.TABLE_2, "column", "本年收费金额", "本年收费金额（单位：万元）",
    "read as “本年收费金额（单位：万元）”: the amount is taken to be in 万元",
)


_TABLE_IDS = {
    "二": spec.TABLE_2, "2": spec.TABLE_2, "表二": spec.TABLE_2,
    "三": spec.TABLE_3, "3": spec.TABLE_3, "表三": spec.TABLE_3,
    "四": spec.TABLE_4, "4": spec.TABLE_4, "表四": spec.TABLE_4,
}
# Section headings fold to the same keys as the titles (their 二、 prefix is dropped).
for _title, _id in ((spec.T2_TITLE, spec.TABLE_2), (spec.T3_TITLE, spec.TABLE_3), (spec.T4_TITLE, spec.TABLE_4)):
    _TABLE_IDS[match_key(_title)] = _id


def match_table(label: str) -> str | None:
    text = match_key(label)
    return _TABLE_IDS.get(text) or _TABLE_IDS.get(text.removeprefix("表"))


@dataclass(frozen=True)
class Match:
    """Outcome of matching one label on one axis of one table."""

    official: str | None
    #: Set when the label was read through an alias: say so as a note.
    note: str | None = None
    #: Set when the label exists only in the other format version.
    other_version: str | None = None
    #: The closest official labels, for an unknown label.
    suggestions: tuple[str, ...] = ()


@cache
def _official(version: str, table: str, axis: str) -> dict[str, str]:
    t = spec.get_format(version).table(table)
    labels = t.data_rows if axis == "row" else t.data_columns
    return {match_key(label): label for label in labels}


def match_label(label: str, version: str, table: str, axis: str) -> Match:
    key = match_key(label)
    official = _official(version, table, axis)
    if key in official:
        return Match(official[key])
    alias = ALIASES.get((version, table, axis), {}).get(key)
    if alias:
        return Match(alias.official, note=alias.note)
    for other in spec.VERSIONS:
        if other != version and key in _official(other, table, axis):
            return Match(None, other_version=other)
    close = difflib.get_close_matches(key, list(official), n=2, cutoff=0.5)
    return Match(None, suggestions=tuple(official[k] for k in close))
