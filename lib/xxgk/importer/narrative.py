"""The words of a published report: its title (township and year), preamble, sections 一, 五 and 六
(六's contact paragraph apart), and the signature (publishing body and date).

Sections are found by their headings in order (一、 … 六、), each heading matched to the official
one or a variant real reports print (spec §2.1); a heading is never found on a bare "四、", since
table 三's last row starts with it too.  Paragraphs a page break split ("…工作的" / "顺利开展。")
are joined again: a paragraph that ends without a sentence's end runs on into the next.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from .. import spec
from ..labels import match_key
from .document import Document, Paragraph, Where

_NUMERALS = "一二三四五六"
_HEADING = re.compile(r"^\s*([一二三四五六])\s*[、.．]\s*(.*)$", re.S)
#: Words a section's heading has, in the official wording and the variants real reports print.
_HEADING_WORDS = {
    1: ("总体情况",),
    2: ("主动公开",),
    3: ("收到和处理", "申请"),
    4: ("行政复议", "行政诉讼"),
    5: ("存在", "问题"),
    6: ("其他需要报告",),
}
_SENTENCE_END = tuple("。！？!?；;：:」”）)")
_TITLE = re.compile(r"^(?P<name>.*?)\s*(?P<year>\d{4})\s*年\s*度?\s*(?:政府)?信息公开(?:工作)?(?:年度)?报告"
                    r"\s*(?:[（(][^（）()]*[）)])?\s*$")  # a remark in brackets may follow: （示例数据）
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_BODY = re.compile(r"(人民政府|政府|办事处|管理委员会|委员会|局|办公室|中心)(?:[（(][^（）()]*[）)])?$")
_CONTACT = ("联系电话", "联系地址", "联系方式", "邮编", "电话", "联系")
_SPACE_BETWEEN = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])[ \t]+|[ \t]+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")


def tidy(text: str) -> str:
    """Text as printed, less what extraction added: spaces beside Chinese characters (PDF and text
    copies put them around figures: ``2020 年``), runs of whitespace."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u3000", " ")
    text = re.sub(r"[ \t]+", " ", text).strip()
    return _SPACE_BETWEEN.sub("", text)


@dataclass
class Narrative:
    title: str | None = None
    township: str | None = None
    year: int | None = None
    preamble: list[str] = field(default_factory=list)
    sections: dict[int, list[str]] = field(default_factory=dict)
    contact: list[str] = field(default_factory=list)
    body: str | None = None
    publish_date: dt.date | None = None
    #: Where each part was read, for the import report.
    where: dict[str, Where] = field(default_factory=dict)


def _heading(text: str, expected: int) -> tuple[bool, str] | None:
    """Whether ``text`` opens section ``expected``: (True, rest) when it is a heading line, (False, rest)
    when the heading is followed by its text in the same paragraph (六、本年度报告所列数据…)."""
    m = _HEADING.match(text)
    if not m or _NUMERALS.index(m.group(1)) + 1 != expected:
        return None
    rest = m.group(2).strip()
    words = _HEADING_WORDS[expected]
    official = spec.SECTIONS[expected - 1]
    if all(w in rest for w in words) or match_key(text) == match_key(official):
        # A heading line is short; a long one is the heading's words opening the section's text.
        return (True, "") if len(rest) <= 30 else (False, rest)
    if expected == 6 and rest:
        return (False, rest)  # 六's heading is often left out: "六、本年度报告所列数据的统计期限…"
    return None


def _join_broken(paragraphs: list[Paragraph]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for p in paragraphs:
        if out and not out[-1].heading and not out[-1].text.endswith(_SENTENCE_END) \
                and not _HEADING.match(p.text) and not p.heading and not _DATE.search(p.text):
            out[-1] = Paragraph(out[-1].text + p.text, out[-1].where, False)
        else:
            out.append(p)
    return out


def read_narrative(document: Document) -> Narrative:
    n = Narrative()
    paragraphs = [Paragraph(tidy(p.text), p.where, p.heading) for p in document.paragraphs if tidy(p.text)]
    # The title: the first paragraph that reads as one (the page's <title> often carries the site's name).
    start = 0
    for i, p in enumerate(paragraphs):
        m = _TITLE.match(p.text)
        if m:
            n.title, start = p.text, i + 1
            n.township, n.year = m.group("name").strip() or None, int(m.group("year"))
            n.where["title"] = p.where
            break
    if n.title is None and document.title:
        m = _TITLE.match(tidy(document.title))
        if m:
            n.title, n.township, n.year = tidy(document.title), m.group("name").strip() or None, int(m.group("year"))
    # Section headings, in order.
    marks: list[tuple[int, int, str]] = []  # (paragraph index, section, rest of the paragraph)
    expected = 1
    for i in range(start, len(paragraphs)):
        if expected > 6:
            break
        # The next heading, or a later one when a report leaves a heading out (the tables' sections
        # often have none in a text copy).
        for number in range(expected, 7):
            found = _heading(paragraphs[i].text, number)
            if found is not None:
                marks.append((i, number, found[1]))
                n.where[f"section-{number}"] = paragraphs[i].where
                expected = number + 1
                break
    first = marks[0][0] if marks else len(paragraphs)
    n.preamble = [p.text for p in _join_broken(paragraphs[start:first])]
    end_of_report = len(paragraphs)
    # The signature: the last paragraphs, a body's name and a date.
    tail = paragraphs[marks[-1][0] + 1:] if marks else []
    for offset in range(len(tail) - 1, -1, -1):
        text = tail[offset].text
        m = _DATE.fullmatch(text) or (_DATE.search(text) if len(text) <= 16 else None)
        if m and n.publish_date is None:
            try:
                n.publish_date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                n.where["publish_date"] = tail[offset].where
                end_of_report = min(end_of_report, marks[-1][0] + 1 + offset)
            except ValueError:
                pass
        elif n.publish_date is not None and n.body is None and len(text) <= 30 and _BODY.search(text):
            n.body = text
            n.where["body"] = tail[offset].where
            end_of_report = min(end_of_report, marks[-1][0] + 1 + offset)
            break
    for j, (i, number, rest) in enumerate(marks):
        stop = marks[j + 1][0] if j + 1 < len(marks) else end_of_report
        body = ([Paragraph(rest, paragraphs[i].where)] if rest else []) + paragraphs[i + 1:stop]
        n.sections[number] = [p.text for p in _join_broken(body)]
    if 6 in n.sections:
        n.sections[6], n.contact = _split_contact(n.sections[6])
    return n


def _split_contact(texts: list[str]) -> tuple[list[str], list[str]]:
    """Section 六 without its contact sentences, and those: from the first sentence naming a way to
    get in touch to the end of its paragraph."""
    for i, text in enumerate(texts):
        sentences = re.split(r"(?<=[。！？])", text)
        for s_i, sentence in enumerate(sentences):
            if any(w in sentence for w in _CONTACT) and ("如有" in sentence or "联系" in sentence or "电话" in sentence):
                before = "".join(sentences[:s_i]).strip()
                contact = "".join(sentences[s_i:]).strip()
                other = texts[:i] + ([before] if before else [])
                return other, [contact] + texts[i + 1:]
    return texts, []
