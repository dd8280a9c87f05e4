"""R11: figures written by hand in the narrative that contradict the tables.

Real reports say "收到申请3件" in 一、总体情况 while table 三 counts no new application.  The
narrative may quote figures through placeholders (``{{new_applications}}``), which are filled from
the tables and so cannot contradict them; only figures typed as text are read here.

Reading free text is a heuristic: the patterns below cover the phrasings published reports use
for the figures a narrative usually states: applications received, handled, carried over from last
year and into next year; each kind of result, 予以公开 and 部分公开 also as one figure; a result's
share of the applications handled (占66.7%); 行政复议 and 行政诉讼 cases, and that they were all
upheld (均获维持).  Numbers may be Arabic, full-width or Chinese numerals; the common "none"
wordings (未收到…申请, 未发生…行政复议和行政诉讼) are read as 0.  A phrase the patterns do not
recognise is not checked; a figure they do recognise is compared with the table.  Where a figure
might be about something else (咨询, 人大建议, 行政许可申请, one item of a result, some of the
cases), it is not read: a missed check costs less than a false alarm in front of an analyst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Iterator

from . import spec
from .findings import Finding, finding
from .i18n import Text
from .load import Key
from .rules import REGISTRY, Context, _blank, _label, rule
from .values import Value, is_number

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
    #: The group whose items the cells are (（三）不予公开): a message names it rather than eight cells.
    group: str | None = None


@cache
def quantities(version: str) -> dict[str, Quantity]:
    """What a narrative figure is compared with, in the format of ``version`` (rows and columns
    found by role, so any version the kit knows has them).

    （三）–（六） are groups without a cell of their own (spec §5, R5): the narrative's 不予公开 N 件
    is the sum of their sub-items; （六） has sub-items only in the 2021 format."""
    fmt = spec.get_format(version)
    t3_total = fmt.label(spec.TABLE_3, "column", "total")

    def t3(*roles: str) -> tuple[Key, ...]:
        return tuple((spec.TABLE_3, row, t3_total) for role in roles for row in fmt.leaves_under(spec.TABLE_3, "row", role))

    def group(role: str) -> str | None:
        node = fmt.node(spec.TABLE_3, "row", role)
        return node.label if node is not None and node.is_group else None

    def t4(kinds: tuple[str, ...], columns: tuple[str, ...]) -> tuple[Key, ...]:
        cells = (fmt.cell(spec.TABLE_4, kind, column) for kind in kinds for column in columns)
        return tuple(c.key for c in cells if c is not None)

    lawsuits = ("sued_directly", "sued_after_review")
    found = (
        Quantity("received", t3("new")),
        Quantity("carried_in", t3("carried_in")),
        Quantity("carried_out", t3("carried_out")),
        Quantity("handled", t3("results_total")),
        Quantity("granted", t3("granted")),
        Quantity("partial", t3("partial")),
        Quantity("disclosed", t3("granted", "partial")),
        Quantity("withheld", t3("withheld"), group("withheld")),
        Quantity("unable", t3("unable"), group("unable")),
        Quantity("not_processed", t3("not_processed"), group("not_processed")),
        Quantity("other_handling", t3("other_handling"), group("other_handling")),
        Quantity("reviews", t4(("review",), ("total",))),
        # The narrative speaks of 行政诉讼 as one figure; the table splits it in two.
        Quantity("lawsuits", t4(lawsuits, ("total",))),
        # "均获维持" says no case of the kind ended otherwise or is still open.
        Quantity("reviews_not_upheld", t4(("review",), _NOT_UPHELD)),
        Quantity("lawsuits_not_upheld", t4(lawsuits, _NOT_UPHELD)),
    )
    return {q.name: q for q in found if q.cells}


#: The results of a case other than 结果维持, by role.
_NOT_UPHELD = ("corrected", "other_result", "pending")


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
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_FULL_STOP = "。！!？?\n"
_SENTENCE_END = _FULL_STOP + "；;"
_SEP = _SENTENCE_END + "，,"
_ANY = rf"[^{_SEP}{_HOLE}]"  # any character within a clause
_NONUM = rf"[^{_SEP}{_HOLE}\d{_CN_CHARS}]"  # … and not a number
# A placeholder where the number stands (予以公开{{granted}}件) is read too, as an anchor for a share
# written by hand after it; it is not a claim, the figure being the table's own.
_NUM = rf"(?P<num>\d+|[{_CN_CHARS}]+|{_HOLE}+)"
# 15个工作日, 3个月, 12人次: a count of something else than applications or cases.
_UNIT = r"\s*(?:件|起|宗|次|个|份|例)(?!工作日|日|天|月|小时|人|百分点)"
_APPLICATION = "申请(?!人|书|表)"  # 申请人 is the applicant, 申请书 the form
# Between a keyword and its number these words mean the number is about something else
# (a sub-count, a share, or several things at once).
_NOT_IN_GAP = re.compile(r"和|及|与|或|、|其中|占|比例|%|结果|维持|纠正|尚未|审结|部分|不予|结转|复议|诉讼")
# Near a keyword, these words mean the figure counts other business than information requests
# (咨询, 人大建议, 行政许可申请 …), or several kinds of business at once.
_ELSEWHERE = re.compile(r"咨询|留言|信箱|热线|来电|来信|建议|提案|(?<!复)议案|信访|投诉|举报|许可|审批|主动公开")  # not 复议案件
# "予以公开和部分公开共10件" names one figure for two results: the second keyword of such a pair is
# not read on its own.
_PAIRED = re.compile(r"(?:公开|提供|处理)(?:和|及|与|或|、|以及)$")
_REASON = re.compile(r"因|由于|属于|涉及")  # see _Reading.itemised
_HANDLING_VERB = r"(?:办结|答复|回复|办理|(?<!不予)(?<!其他)处理)"
# A sentence about applications for information: it names them, their handling (占办理总数的…), or a
# result only they can have.
_ABOUT_APPLICATIONS = re.compile("申请|办理|办结|答复|部分公开|不予公开|无法提供|不予处理")
# After a verb: "（收到）公民、法人和其他组织提出的政府信息公开申请５件".
_APPLICATIONS_N = rf"(?P<pre>{_ANY}{{0,40}}?){_APPLICATION}(?P<gap>{_NONUM}{{0,8}}?){_NUM}{_UNIT}"
# Between a result and its number only words that keep the whole result: in "不予处理重复申请2件"
# the figure is one sub-item of （五）, not the sum the narrative's 不予处理 is compared with.
_RESULT_GAP = r"(?P<gap>(?:的|了)?(?:政府)?(?:信息)?(?:公开)?(?:申请)?(?:共计?|合计|总计)?(?:为|有)?)"


@dataclass(frozen=True)
class _Reading:
    """One way of stating figures: the quantities it names (one, or two at once) and its pattern."""

    quantities: tuple[str, ...]
    pattern: re.Pattern
    #: Check the words between keyword and number (group ``gap``) against :data:`_NOT_IN_GAP`.
    gap_checked: bool = True
    #: 予以公开 also describes proactive disclosure (…信息予以公开123条): read it only in a sentence
    #: about applications (up to its full stop: "其中，予以公开9件；部分公开2件；…" lists results).
    about_applications: bool = False
    #: The result has items in table 三 (（三）1–8 …): a reason before the keyword ("因属于国家秘密
    #: 不予公开1件") names one item, not the sum the figure is compared with.
    itemised: bool = False
    #: A phrase naming one figure for two things (予以公开和部分公开共10件, 行政复议、行政诉讼各0件):
    #: readings of a single thing that start inside it are not claims.
    exclusive: bool = False


def _reading(quantities: str, pattern: str, **kw) -> _Reading:
    return _Reading(tuple(quantities.split()), re.compile(pattern), **kw)


_READINGS: tuple[_Reading, ...] = (
    # One figure for two things; read first, so that the single readings inside them are left out.
    _reading("reviews lawsuits", rf"行政(?:复议|诉讼)(?:和|及|与|、)(?:被)?(?:提起|申请)?行政(?:复议|诉讼)(?:的)?(?:案件|情况)?(?:数量?)?"
                                 rf"(?P<gap>(?:均|各|都)(?:为|是)?){_NUM}(?:{_UNIT})?(?!\d)", gap_checked=False, exclusive=True),
    _reading("disclosed", rf"(?:予以公开|同意公开|全部公开)(?:及|和|与|、|以及)部分(?:予以)?公开{_RESULT_GAP}{_NUM}{_UNIT}",
             gap_checked=False, exclusive=True),
    _reading("disclosed", rf"(?<!不予)(?<!主动)(?:予以|同意)?公开[（(]含部分公开[）)](?P<gap>(?:共计?|合计)?){_NUM}{_UNIT}",
             gap_checked=False, exclusive=True),
    # Applications received, carried over, handled.
    _reading("received", rf"(?:收到|新收|受理|接到|接收到?|收悉){_APPLICATIONS_N}"),
    _reading("received", rf"(?<!办理)(?<!办结)(?<!答复)(?<!处理)依申请公开(?:政府信息)?(?P<gap>{_NONUM}{{0,4}}?){_NUM}{_UNIT}"),
    _reading("carried_in", rf"(?:上一?年度?结转|结转上一?年度?)(?P<gap>{_NONUM}{{0,20}}?){_NUM}{_UNIT}", gap_checked=False),
    _reading("carried_out", rf"(?:结转(?:至|到|入)?下一?年度?|转入下一?年度?)(?P<gap>{_NONUM}{{0,12}}?){_NUM}{_UNIT}",
             gap_checked=False),
    _reading("handled", rf"{_HANDLING_VERB}{_APPLICATIONS_N}"),
    # "共答复12件", "全年办结12件", "，办结12件": without the word 申请 the verb must open the clause
    # or follow a word of quantity, and the sentence must be about applications.
    _reading("handled", rf"(?:(?<=[{_SEP}])|^|全年|本年度?|共计?|累计|合计|全部|依法|按时|均|已)(?:共计?|累计|全部|依法|按时|均|已)?"
                        rf"{_HANDLING_VERB}(?P<gap>了?(?:共计?|合计)?){_NUM}{_UNIT}", about_applications=True),
    # 办理结果 (table 三, 三、本年度办理结果).
    # Proactive disclosure counts 信息: "予以公开政务信息123件" is not a result.
    _reading("granted", rf"(?<!不)(?:予以公开|同意公开|全部公开)(?P<gap>(?:(?!信息){_NONUM}){{0,8}}?){_NUM}{_UNIT}",
             about_applications=True),
    _reading("partial", rf"部分(?:予以)?公开{_RESULT_GAP}{_NUM}{_UNIT}", gap_checked=False),
    _reading("withheld", rf"不予公开{_RESULT_GAP}{_NUM}{_UNIT}", gap_checked=False, itemised=True),
    _reading("unable", rf"无法提供{_RESULT_GAP}{_NUM}{_UNIT}", gap_checked=False, itemised=True),
    _reading("not_processed", rf"不予处理{_RESULT_GAP}{_NUM}{_UNIT}", gap_checked=False, itemised=True),
    _reading("other_handling", rf"其他处理{_RESULT_GAP}{_NUM}{_UNIT}", gap_checked=False, itemised=True),
    # Cases of table 四.
    _reading("reviews", rf"行政复议(?P<gap>{_NONUM}{{0,10}}?){_NUM}{_UNIT}"),
    _reading("lawsuits", rf"行政诉讼(?P<gap>{_NONUM}{{0,10}}?){_NUM}{_UNIT}"),
)
# "未收到政府信息公开申请", "没有接到…申请": none received.
_NONE_RECEIVED = re.compile(rf"(?:未|没有)(?:收到|接到|接收到?|受理|收悉)(?P<pre>{_ANY}{{0,30}}?)申请")
# "未发生因政府信息公开申请提起的行政复议和行政诉讼案件", "无行政复议、行政诉讼情况": no cases.
_NONE_CASES = re.compile(rf"(?:(?:未|没有)(?:发生|出现|收到|接到|涉及|有|因|被)|无(?!论|法|正当))(?P<clause>{_ANY}{{0,40}})")
_CASE_WORDS = {"行政复议": "reviews", "行政诉讼": "lawsuits"}

# "占66.7%", "（占比66.7%）", "占办理总数的66.7%": a share of the applications handled (（七）总计).
# A share of something else (占收到申请的…, 占申请总数的… which may mean 一、本年新收) is not read.
_SHARE = re.compile(r"占(?:比|(?:全部|全年|本年度?)?(?:(?:已|共)?(?:办理|办结|答复|处理)的?(?:申请)?)?"
                    r"(?:总数|总量|总件数|件数)?的?)(?:比例|比重)?(?:为|是|达到?)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%")
# A share belongs to the count just before it: "予以公开8件，占66.7%", "部分公开2件（占16.7%）".
_SHARE_FOLLOWS = re.compile(r"\s*[，,]?\s*[（(]?\s*")
#: Results whose share of （七）总计 a narrative states.
SHARE_OF = ("granted", "partial", "disclosed", "withheld", "unable", "not_processed", "other_handling")


# 维持 as an outcome ends its clause, or names what was upheld (维持原决定); "维持良好态势" is not one.
_UPHOLD = (rf"(?:获得?|被|予以|得到)?维持(?:了?原(?:具体)?(?:行政行为|行政决定|决定|答复|判决|判|处理|告知){_ANY}{{0,4}}?)?"
           rf"(?=[{_SEP}）)]|$)")
# "均获维持", "全部维持", "均维持原决定", "结果均为维持": every case of the kind named before it upheld.
_ALL_UPHELD = re.compile(rf"(?:均|全部|都|皆)(?:已|依法){{0,2}}(?:为|是)?{_UPHOLD}")
# "经复议维持原决定", "复议机关予以维持": said of one case; read only where the text states there was one.
_ONE_UPHELD = re.compile(_UPHOLD)
_NEGATION = re.compile("未|不|非|没")  # 并未全部维持, 不予维持
_KIND_WORDS = {"reviews": re.compile("复议(?!后起诉)"), "lawsuits": re.compile("诉讼|起诉")}
# Words that some case had another outcome or is a subset ("其中1起维持"), or that the clause is about
# no case at all: past them, the subject of a 维持 is not known.
_NOT_ALL_UPHELD = re.compile("纠正|撤销|确认违法|责令|驳回|尚未|未审结|未结|审理中|正在审理|其他结果|终止|其中")
_NO_CASE = re.compile("未发生|未被|没有|未收到|无(?!论)")


# "较去年增加3件", "比上年回落12.3%", "同比下降5件", "与上年持平": a change against last year.
_CHANGE = re.compile(rf"(?:(?:较|比|相比|相较)(?:于)?(?:去年|上年|上一年|\d{{4}}年)(?:度)?(?:同期)?(?:相比)?|同比)"
                     rf"(?P<dir>增加|增长|上升|提高|增多|多|减少|下降|降低|回落|减|少)了?\s*"
                     rf"(?P<amount>\d+(?:\.\d+)?|[{_CN_CHARS}]+)\s*(?P<unit>%|个百分点|件|起|宗|次|个)?"
                     rf"|(?:与|和|同)(?:去年|上年|上一年)(?:同期)?(?:相比)?(?:基本)?(?P<flat>持平)")
#: What a change is said of: the last of these named before it in its sentence.
_CHANGE_OF = (("received", re.compile(r"申请(?!人|书|表)|新收|收到")), ("granted", re.compile(r"予以公开")),
              ("reviews", re.compile(r"行政复议")), ("lawsuits", re.compile(r"行政诉讼")))
_UP = ("增加", "增长", "上升", "提高", "增多", "多")


@dataclass(frozen=True)
class Claim:
    quantity: str
    #: The figure stated; a percentage for a share; for "upheld", the cases that ended otherwise or
    #: are open, which the words say are none (0); None where a placeholder stands for the figure
    #: (an anchor for a share, not a claim).
    number: int | Decimal | None
    start: int
    end: int
    #: For a share: the quantity it is a share of; for "upheld": reviews or lawsuits.
    of: str | None = None


def find_claims(text: str) -> list[Claim]:
    """Figures the text states by hand, with where they are in it."""
    text = _PLACEHOLDER.sub(lambda m: _HOLE * len(m.group()), text).translate(_FULLWIDTH)
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for reading in _READINGS:
        for m in reading.pattern.finditer(text):
            if not _reads_as_claim(text, m, reading, taken):
                continue
            if reading.exclusive:
                taken.append(m.span())
            num = m.group("num")
            number = None if num.startswith(_HOLE) else _number(num)
            claims += [Claim(q, number, m.start(), m.end()) for q in reading.quantities]
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
    claims += _shares(text, claims)
    claims += _upheld(text, claims)
    claims += _changes(text)
    kept: list[Claim] = []
    for c in sorted(claims, key=lambda c: (c.start, -c.end, c.quantity, c.of or "")):
        if c.number is None:
            continue
        # Two patterns reading the same words (受理依申请公开3件) make one claim.
        if not any((k.quantity, k.of) == (c.quantity, c.of) and k.start < c.end and c.start < k.end for k in kept):
            kept.append(c)
    return kept


def _changes(text: str) -> list[Claim]:
    """Changes against last year, each said of the figure its sentence names last before it; a
    percentage keeps its sign and is marked as one (``of`` ends in ``%``)."""
    out = []
    for m in _CHANGE.finditer(text):
        if m.group("unit") == "个百分点":
            continue  # a change of a share, not of a figure
        start, _end = _sentence_span(text, m.start())
        before = text[start:m.start()]
        named = [(hit.end(), q) for q, word in _CHANGE_OF for hit in word.finditer(before)]
        if not named:
            continue
        quantity = max(named)[1]
        if m.group("flat"):
            out.append(Claim("change", 0, m.start(), m.end(), of=quantity))
            continue
        amount = m.group("amount")
        value: Decimal = Decimal(amount) if amount[0].isdigit() else Decimal(chinese_number(amount))
        if m.group("dir") not in _UP:
            value = -value
        percent = m.group("unit") == "%"
        out.append(Claim("change", value, m.start(), m.end(), of=quantity + ("%" if percent else "")))
    return out


def _shares(text: str, counts: list[Claim]) -> list[Claim]:
    shares = []
    for m in _SHARE.finditer(text):
        before = [c for c in counts if c.end <= m.start()]
        if not before:
            continue
        end = max(c.end for c in before)
        last = {c.quantity: c for c in before if c.end == end}
        # Not after a count of one result (收到并办结申请12件 names two figures), or not right after
        # it: a share we cannot pin to one figure is not read.
        if len(last) != 1 or not _SHARE_FOLLOWS.fullmatch(text, end, m.start()):
            continue
        (count,) = last.values()
        if count.quantity in SHARE_OF:
            closing = m.end() + (text[m.end():m.end() + 1] in "）)")  # the phrase shown keeps its brackets
            shares.append(Claim("share", Decimal(m.group("pct")), count.start, closing, of=count.quantity))
    return shares


def _reads_as_claim(text: str, m: re.Match, reading: _Reading, taken: list[tuple[int, int]]) -> bool:
    if any(a <= m.start() < b for a, b in taken):
        return False
    if reading.gap_checked and _NOT_IN_GAP.search(m.group("gap")):
        return False
    if "pre" in m.re.groupindex and re.search("复议|诉讼", m.group("pre")):
        return False  # 收到行政复议申请 is a case, not an application for information
    if _PAIRED.search(text, max(0, m.start() - 6), m.start()):
        return False
    if _ELSEWHERE.search(text, _clause_start(text, m.start(), also="、"), m.end()):
        return False
    if reading.itemised and _REASON.search(text, _clause_start(text, m.start()), m.start()):
        return False
    if reading.about_applications:
        return bool(_ABOUT_APPLICATIONS.search(text, *_sentence_span(text, m.start(), _FULL_STOP)))
    return True


def _clause_start(text: str, at: int, also: str = "") -> int:
    return max(text.rfind(ch, 0, at) for ch in _SEP + also) + 1


def _sentence_span(text: str, at: int, ends: str = _SENTENCE_END) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, at) for ch in ends) + 1
    after = [i for i in (text.find(ch, at) for ch in ends) if i >= 0]
    return start, min(after, default=len(text))


def _upheld(text: str, counts: list[Claim]) -> list[Claim]:
    claims: list[Claim] = []
    every: list[tuple[int, int]] = []
    for pattern in (_ALL_UPHELD, _ONE_UPHELD):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in every):
                continue  # the 维持 of 均获维持, read already
            start, end = _sentence_span(text, m.start())
            if _NEGATION.search(text, max(start, m.start() - 3), m.start()):
                continue
            if _NOT_ALL_UPHELD.search(text, m.end(), end):
                continue  # "均获维持，1起尚未审结": the sentence says otherwise itself
            kinds, begin = _cases_before(text, start, m.start())
            if pattern is _ALL_UPHELD:
                every.append(m.span())
            elif not (len(kinds) == 1 and any(c.quantity in kinds and c.number == 1 and begin <= c.start
                                              and c.end <= m.start() for c in counts)):
                continue  # 维持 without 均: of one case, which the words before it must state
            claims += [Claim("upheld", 0, begin, m.end(), of=kind) for kind in sorted(kinds)]
    return claims


def _cases_before(text: str, start: int, at: int) -> tuple[set[str], int]:
    """The kinds of case a 维持 at ``at`` is said of, and where the words naming them begin: its own
    clause, or the clauses just before it ("被申请行政复议1起，被提起行政诉讼1起，均获维持")."""
    kinds: set[str] = set()
    begin = end = at
    cuts = [start] + [i + 1 for i in range(start, at) if text[i] in "，,"]
    for i, cut in enumerate(reversed(cuts)):
        clause = text[cut:end]
        if _NOT_ALL_UPHELD.search(clause) or _NO_CASE.search(clause) or (i and "维持" in clause):
            break
        found = {kind for kind, word in _KIND_WORDS.items() if word.search(clause)}
        if kinds and not found:
            break
        if found:
            kinds |= found
            begin = cut
        end = cut - 1
    return kinds, begin


# --- the rule -----------------------------------------------------------------------------------


def _names(q: Quantity) -> Text | str:
    """How a message names the table figure: its cell, the cells it adds up, or a group's items."""
    if q.group:
        return REGISTRY["R11"].code.message("items", group=q.group, last=len(q.cells), column=q.cells[0][2])
    return " + ".join(_label(k) for k in q.cells)


@dataclass(frozen=True)
class _Said:
    """Where a claim was said; every R11 finding about it carries this."""

    field: str
    section: str
    text: str
    file: str | None
    line: int | None

    def finding(self, variant: str, status: str, cells: tuple[Key, ...], *, values: dict, args: dict) -> Finding:
        table, row, column = cells[0]
        return finding("R11", variant, status=status,  # type: ignore[arg-type]
                       file=self.file, line=self.line, table=table, cells=cells, row=row if len(cells) == 1 else None,
                       column=column if all(k[2] == column for k in cells) else None,
                       values={"field": self.field, "text": self.text, **values},
                       args={"section": self.section, "text": self.text, "table": table, **args})

    def not_assessable(self, cells: tuple[Key, ...], blank: list[Key], **values) -> Finding:
        return self.finding("na", "not_assessable", cells, values={**values, "blank": [list(k) for k in blank]},
                            args={"blank": [_label(k) for k in blank]})


@rule("R11")
def _r11(ctx: Context) -> Iterator[Finding]:
    if ctx.params is None:
        return
    values = ctx.completed.values
    qs = quantities(ctx.figures.version)
    for field, section in FIELDS.items():
        text = getattr(ctx.params, field, None)
        if not text:
            continue
        pos = ctx.params_fields.get(field)
        first_line, one_to_one = (pos.value_line, pos.literal_block) if pos else (None, False)
        for claim in find_claims(text):
            line = first_line
            if first_line is not None and one_to_one:
                line = first_line + text.count("\n", 0, claim.start)
            said = _Said(field, section, text[claim.start:claim.end], ctx.params_file, line)
            if claim.quantity == "share":
                yield _share(values, qs[claim.of], qs["handled"], claim, said)  # type: ignore[index]
            elif claim.quantity == "upheld":
                yield _upheld_result(values, qs[f"{claim.of}_not_upheld"], said)
            elif claim.quantity == "change":
                yield _change(ctx, claim, said)
            else:
                yield _count(values, qs[claim.quantity], claim, said)


def _count(values: dict[Key, Value], q: Quantity, claim: Claim, said: _Said) -> Finding:
    blank = _blank(values, q.cells)
    if blank:
        return said.not_assessable(q.cells, blank, stated=claim.number)
    figure = sum((values[k] for k in q.cells), Decimal(0))
    variant = "pass" if figure == claim.number else "fail"
    return said.finding(variant, variant, q.cells, values={"stated": claim.number, "table_figure": figure},
                        args={"names": _names(q), "stated": claim.number, "figure": figure})


def _share(values: dict[Key, Value], q: Quantity, handled: Quantity, claim: Claim, said: _Said) -> Finding:
    """A stated percentage against the table's share of （七）总计, to the precision it is written with:
    "66.7%" is right for any share that rounds to it, 66.65% to 66.75%, "67%" for 66.5% to 67.5%."""
    cells = (*q.cells, *handled.cells)
    blank = _blank(values, cells)
    if blank:
        return said.not_assessable(cells, blank, stated=claim.number)
    stated = Decimal(claim.number)  # type: ignore[arg-type]
    part = sum((values[k] for k in q.cells), Decimal(0))
    total = sum((values[k] for k in handled.cells), Decimal(0))
    about = {"stated": stated, "table_figure": part, "results_total": total}
    args = {"names": _names(q), "figure": part, "total_name": _names(handled), "total": total, "stated": f"{stated}%"}
    if total == 0:
        return said.finding("share_none", "not_assessable", cells, values=about, args=args)
    unit = Decimal(1).scaleb(stated.as_tuple().exponent)  # type: ignore[arg-type]
    exact = part * 100 / total
    share = exact.quantize(unit, ROUND_HALF_UP)
    variant = "share_pass" if abs(exact - stated) <= unit / 2 else "share_fail"
    return said.finding(variant, variant.removeprefix("share_"), cells, values={**about, "table_share": share},
                        args={**args, "share": f"{share}%"})


def _change(ctx: Context, claim: Claim, said: _Said) -> Finding:
    """A stated change against last year, against the two years' tables: in 件 exactly; in per cent
    to the precision written (12.3% is right for any change that rounds to it)."""
    of = (claim.of or "").rstrip("%")
    percent = (claim.of or "").endswith("%")
    q = quantities(ctx.figures.version)[of]
    stated = f"{claim.number}%" if percent else claim.number
    if ctx.previous is None or ctx.previous.completed is None:
        return said.finding("change_na_year", "not_assessable", q.cells, values={"stated": stated},
                            args={"year": (ctx.year or 0) - 1})
    before_q = quantities(ctx.previous.version).get(of)
    values, before = ctx.completed.values, ctx.previous.values
    blank = _blank(values, q.cells) + (_blank(before, before_q.cells) if before_q else [])
    if blank or before_q is None:
        return said.finding("change_na", "not_assessable", q.cells, values={"stated": stated, "blank": [list(k) for k in blank]},
                            args={"blank": [_label(k) for k in blank]})
    now = sum((values[k] for k in q.cells), Decimal(0))
    then = sum((before[k] for k in before_q.cells), Decimal(0))
    diff = now - then
    r11 = REGISTRY["R11"].code
    if percent:
        if then == 0:
            return said.finding("change_na", "not_assessable", q.cells, values={"stated": stated}, args={"blank": []})
        exact = diff * 100 / then
        unit = Decimal(1).scaleb(Decimal(claim.number).as_tuple().exponent)  # type: ignore[arg-type]
        holds = abs(exact - Decimal(claim.number)) <= unit / 2  # type: ignore[arg-type]
        shown = f"{exact.quantize(unit, ROUND_HALF_UP)}%"
    else:
        holds = diff == claim.number
        shown = str(abs(diff))
    actual = r11.message("change_flat") if diff == 0 else r11.message("change_up" if diff > 0 else "change_down",
                                                                          amount=shown.lstrip("-"))
    variant = "change_pass" if holds else "change_fail"
    return said.finding(variant, "pass" if holds else "fail", q.cells,
                        values={"stated": stated, "this_year": now, "last_year": then},
                        args={"names": _names(q), "then": then, "now": now, "actual": actual})


def _upheld_result(values: dict[Key, Value], q: Quantity, said: _Said) -> Finding:
    """均获维持 against 结果纠正, 其他结果 and 尚未审结: a case in any of them contradicts the text,
    even when another of these cells is blank."""
    r11 = REGISTRY["R11"].code
    other = {k: values[k] for k in q.cells if is_number(values.get(k)) and values[k] != 0}  # type: ignore[operator]
    if other:
        figures = [r11.message("figure", cell=_label(k), value=v) for k, v in other.items()]
        return said.finding("upheld_fail", "fail", q.cells, args={"figures": figures},
                            values={"stated": 0, "table_figure": sum(other.values(), Decimal(0)),
                                    "other_results": {_label(k): v for k, v in other.items()}})
    blank = _blank(values, q.cells)
    if blank:
        return said.not_assessable(q.cells, blank, stated=0)
    return said.finding("upheld_pass", "pass", q.cells, values={"stated": 0, "table_figure": Decimal(0)},
                        args={"names": [_label(k) for k in q.cells]})
