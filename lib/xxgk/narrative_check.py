"""R11: figures written by hand in the narrative that contradict the tables.

Real reports say "收到申请3件" in 一、总体情况 while table 三 counts no new application.  The
narrative may quote figures through placeholders (``{{new_applications}}``), which are filled from
the tables and so cannot contradict them; only figures typed as text are read here.

Reading free text is a heuristic: the patterns below cover the phrasings published reports use
for the figures a narrative usually states (applications received, carried over from last year
and into next year, granted, 行政复议 and 行政诉讼 cases), with Arabic digits or Chinese numerals,
and the common "none" wordings (未收到…申请, 未发生…行政复议和行政诉讼).  A phrase the patterns do
not recognise is not checked; a figure they do recognise is compared with the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator


from . import spec
from .findings import Finding, finding
from .load import Key
from .rules import REGISTRY, Context, _label, rule
from .values import is_number

#: Narrative fields of the params file, and the section each is printed in.
FIELDS = {
    "overview": spec.SECTIONS[0],
    "problems": spec.SECTIONS[4],
    "other": spec.SECTIONS[5],
    "contact": spec.SECTIONS[5],
}


@dataclass(frozen=True)
class Quantity:
    name: str
    cells: tuple[Key, ...]  # the table figure is their sum


QUANTITIES = {
    q.name: q
    for q in (
        Quantity("received", ((spec.TABLE_3, spec.NEW, spec.TOTAL),)),
        Quantity("carried_in", ((spec.TABLE_3, spec.CARRIED_IN, spec.TOTAL),)),
        Quantity("carried_out", ((spec.TABLE_3, spec.CARRIED_OUT, spec.TOTAL),)),
        Quantity("granted", ((spec.TABLE_3, spec.GRANTED, spec.TOTAL),)),
        Quantity("reviews", ((spec.TABLE_4, spec.REVIEW, spec.TOTAL),)),
        # The narrative speaks of 行政诉讼 as one figure; the table splits it in two.
        Quantity("lawsuits", ((spec.TABLE_4, spec.SUED_DIRECTLY, spec.TOTAL), (spec.TABLE_4, spec.SUED_AFTER_REVIEW, spec.TOTAL))),
    )
}

# --- numbers ------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "万"


def chinese_number(text: str) -> int:
    """二十一 → 21, 一百零五 → 105, 两万三千 → 23000; 一〇五 (digit by digit) → 105."""
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else chinese_number(text)


# --- patterns -----------------------------------------------------------------------------------

_HOLE = "§"  # stands in for a placeholder, same length, so offsets still point into the text
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SEP = "。；;！!？?\n，,"
_ANY = rf"[^{_SEP}{_HOLE}]"  # any character within a clause
_NONUM = rf"[^{_SEP}{_HOLE}\d{_CN_CHARS}]"  # … and not a number
_NUM = rf"(?P<num>\d+|[{_CN_CHARS}]+)"
_UNIT = r"\s*(?:件|起|宗|次|个|份|例)"
# Between a keyword and its number these words mean the number is about something else
# (a sub-count, a share, or several things at once).
_NOT_IN_GAP = re.compile(r"和|及|与|或|、|其中|占|比例|%|结果|维持|纠正|尚未|审结|部分|不予|结转|复议|诉讼")

_PATTERNS: tuple[tuple[str, re.Pattern, bool], ...] = tuple(
    (name, re.compile(p), gap_checked)
    for name, p, gap_checked in (
        ("received", rf"(?:收到|新收|受理|接到|接收到?|收悉)(?P<pre>{_ANY}{{0,40}}?)申请(?P<gap>{_NONUM}{{0,8}}?){_NUM}{_UNIT}", True),
        ("received", rf"依申请公开(?:政府信息)?(?P<gap>{_NONUM}{{0,4}}?){_NUM}{_UNIT}", True),
        ("carried_in", rf"(?:上一?年度?结转|结转上一?年度?)(?P<gap>{_NONUM}{{0,20}}?){_NUM}{_UNIT}", False),
        ("carried_out", rf"(?:结转(?:至|到|入)?下一?年度?|转入下一?年度?)(?P<gap>{_NONUM}{{0,12}}?){_NUM}{_UNIT}", False),
        ("granted", rf"(?<!不)(?:予以公开|同意公开|全部公开)(?P<gap>{_NONUM}{{0,8}}?){_NUM}{_UNIT}", True),
        ("reviews", rf"行政复议(?P<gap>{_NONUM}{{0,10}}?){_NUM}{_UNIT}", True),
        ("lawsuits", rf"行政诉讼(?P<gap>{_NONUM}{{0,10}}?){_NUM}{_UNIT}", True),
    )
)
# "行政复议、行政诉讼各0件", "行政复议和行政诉讼均为0件": one number for both.
_BOTH = re.compile(rf"行政(?:复议|诉讼)(?:和|及|与|、)(?:被)?(?:提起)?行政(?:复议|诉讼)(?:案件)?(?:均|各|都)(?:为|是)?{_NUM}{_UNIT}")
# "未收到政府信息公开申请", "没有接到…申请": none received.
_NONE_RECEIVED = re.compile(rf"(?:未|没有)(?:收到|接到|接收到?|受理|收悉)(?P<pre>{_ANY}{{0,30}}?)申请")
# "未发生因政府信息公开申请提起的行政复议和行政诉讼案件", "无行政复议、行政诉讼情况": no cases.
_NONE_CASES = re.compile(rf"(?:(?:未|没有)(?:发生|出现|收到|接到|涉及|有|因|被)|无(?!论|法|正当))(?P<clause>{_ANY}{{0,40}})")
_CASE_WORDS = {"行政复议": "reviews", "行政诉讼": "lawsuits"}


@dataclass(frozen=True)
class Claim:
    quantity: str
    number: int
    start: int
    end: int


def find_claims(text: str) -> list[Claim]:
    """Figures the text states by hand, with where they are in it."""
    text = _PLACEHOLDER.sub(lambda m: _HOLE * len(m.group()), text).translate(_FULLWIDTH_DIGITS)
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for m in _BOTH.finditer(text):
        n = _number(m.group("num"))
        claims += [Claim("reviews", n, m.start(), m.end()), Claim("lawsuits", n, m.start(), m.end())]
        taken.append(m.span())
    for name, pattern, gap_checked in _PATTERNS:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if gap_checked and _NOT_IN_GAP.search(m.group("gap")):
                continue
            if "pre" in pattern.groupindex and re.search("复议|诉讼", m.group("pre")):
                continue  # 收到行政复议申请 is a case, not an application for information
            if name == "granted" and "申请" not in _sentence(text, m.start()):
                continue  # 予以公开 also describes proactive disclosure (…信息予以公开123条)
            claims.append(Claim(name, _number(m.group("num")), m.start(), m.end()))
    for m in _NONE_RECEIVED.finditer(text):
        if not re.search("复议|诉讼", m.group("pre")) and not re.match(rf"{_NONUM}{{0,8}}?{_NUM}{_UNIT}", text[m.end():]):
            claims.append(Claim("received", 0, m.start(), m.end()))
    for m in _NONE_CASES.finditer(text):
        clause = m.group("clause")
        if re.search(r"\d|[" + _CN_CHARS + r"](?:件|起)", clause):
            continue  # a number in the clause: the positive patterns read it
        for word, name in _CASE_WORDS.items():
            at = clause.find(word)
            if at >= 0:
                claims.append(Claim(name, 0, m.start(), m.start("clause") + at + len(word)))
    kept: list[Claim] = []
    for c in sorted(claims, key=lambda c: (c.start, -c.end, c.quantity)):
        # Two patterns reading the same words (受理依申请公开3件) make one claim.
        if not any(k.quantity == c.quantity and k.start < c.end and c.start < k.end for k in kept):
            kept.append(c)
    return kept


def _sentence(text: str, at: int) -> str:
    start = max(text.rfind(ch, 0, at) for ch in "。；;\n") + 1
    ends = [i for i in (text.find(ch, at) for ch in "。；;\n") if i >= 0]
    return text[start:min(ends, default=len(text))]


# --- the rule -----------------------------------------------------------------------------------


@rule("R11")
def _r11(ctx: Context) -> Iterator[Finding]:
    if ctx.params is None:
        return
    r = REGISTRY["R11"]
    values = ctx.completed.values
    for field, section in FIELDS.items():
        text = getattr(ctx.params, field, None)
        if not text:
            continue
        pos = ctx.params_fields.get(field)
        first_line, one_to_one = (pos.value_line, pos.literal_block) if pos else (None, False)
        for claim in find_claims(text):
            q = QUANTITIES[claim.quantity]
            phrase = text[claim.start:claim.end]
            line = first_line
            if first_line is not None and one_to_one:
                line = first_line + text.count("\n", 0, claim.start)
            table, row, column = q.cells[0]
            names = " + ".join(_label(k) for k in q.cells)
            base = dict(file=ctx.params_file, line=line, table=table, cells=q.cells,
                        row=row if len(q.cells) == 1 else None, column=column)
            said = {"field": field, "text": phrase, "stated": claim.number}
            args = {"section": section, "text": phrase, "table": table, "names": names, "stated": claim.number}
            blank = [k for k in q.cells if not is_number(values.get(k))]
            if blank:
                yield finding(r.id, "na", status="not_assessable", values={**said, "blank": [list(k) for k in blank]},
                              args={**args, "blank": [_label(k) for k in blank]}, **base)
                continue
            figure = sum((values[k] for k in q.cells), Decimal(0))
            variant, status = ("pass", "pass") if figure == claim.number else ("fail", "fail")
            yield finding(r.id, variant, status=status, values={**said, "table_figure": figure},
                          args={**args, "figure": figure}, **base)
