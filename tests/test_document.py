"""The document model: narrative Markdown parsed once into runs, and every output a writer of it.

The HTML of the narrative is printed from the model; it must be what markdown-it prints for the
same Markdown, byte for byte (the pages are unchanged by the model), whatever the Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from report_roots import write_report
from xxgk import spec
from xxgk.compose import build_document
from xxgk.document import (Code, Emphasis, Fill, Heading, Image, LineBreak, Link, ListBlock, NotProvided, Paragraph,
                           Strong, Table, Text)
from xxgk.html_narrative import blocks_html, fill_html
from xxgk.markdown_model import blocks
from xxgk.narrative import field_blocks, parse_markdown
from xxgk.report import build_report

MAIN = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def fill(name: str) -> Fill:
    return {"granted": Fill("granted", "9", "value"), "blank": Fill("blank", "［数据缺失］", "missing")}.get(
        name, Fill(name, "{{" + name + "}}", "unknown"))


def markdown_it_html(text: str) -> str:
    """What markdown-it itself prints for the text (the page before the model existed): a filled
    placeholder as its span, no line break between two Chinese characters, an image as a marker."""
    def softbreak(self, tokens, idx, options, env):
        before = tokens[idx - 1].content[-1:] if idx > 0 else ""
        after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
        return "" if CJK.match(before) and CJK.match(after) else "\n"

    def image(self, tokens, idx, options, env):
        from xxgk.html_tags import el

        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return str(el("span", f"［图片：{alt}］", class_="image-ref", title=tokens[idx].attrGet("src") or None))

    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False})
    md.add_render_rule("softbreak", softbreak)
    md.add_render_rule("image", image)
    tokens = parse_markdown(text)
    for tok in tokens:
        if tok.children:
            tok.children = [Token("html_inline", "", 0, content=str(fill_html(fill(t.meta["name"]))))
                            if t.type == "placeholder" else t for t in tok.children]
    return md.renderer.render(tokens, md.options, {})


FRAGMENTS = ["中文", "文字", "word", "two words", " ", "**", "*", "_", "`", "[", "](http://x.gov.cn/a?b=1&c=2", ")",
             "<http://x.gov.cn>", "![图", "{{granted}}", "{{blank}}", "{{nope}}", "\n", "\n\n", "  \n", "\\\n",
             "- ", "1. ", "3) ", "    ", "> ", "# ", "## ", "```", "~~~", "---", "&amp;", "&copy;", "<b>", "\\*",
             '"', "'标题'", "\t"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_narrative_html_from_the_model_is_what_markdown_it_prints(parts):
    text = "".join(parts)
    assert blocks_html(blocks(parse_markdown(text), fill)) == markdown_it_html(text)


def test_markdown_is_parsed_into_runs():
    text = ("前言 **{{granted}}** 件，*强调*，`代码{{x}}`，[链接](http://example.gov.cn/a \"标题\")，缺{{blank}}，"
            "![图](http://example.gov.cn/p.png)\n第二行  \n硬换行\n\n## 小标题\n\n- 甲\n- 乙\n")
    (para, heading, items) = blocks(parse_markdown(text), fill)
    assert isinstance(para, Paragraph) and isinstance(heading, Heading) and isinstance(items, ListBlock)
    assert para.runs == (
        Text("前言 "), Strong((Fill("granted", "9", "value"),)), Text(" 件，"), Emphasis((Text("强调"),)), Text("，"),
        Code("代码{{x}}"), Text("，"), Link("http://example.gov.cn/a", "标题", (Text("链接"),)), Text("，缺"),
        Fill("blank", "［数据缺失］", "missing"), Text("，"), Image("图", "http://example.gov.cn/p.png"),
        Text("第二行"), LineBreak(hard=True), Text("硬换行"))
    assert heading == Heading(2, (Text("小标题"),))
    assert items == ListBlock(False, 1, True, ((Paragraph((Text("甲"),)),), (Paragraph((Text("乙"),)),)))


def test_a_line_break_between_chinese_characters_is_no_break_but_one_between_words_is():
    (para,) = blocks(parse_markdown("一行\n二行 one\ntwo"))
    assert para.runs == (Text("一行二行 one"), LineBreak(hard=False), Text("two"))


def test_raw_html_and_unsafe_links_stay_text():
    (para,) = blocks(parse_markdown("<script>x</script> [js](javascript:alert(1))"))
    assert para.runs == (Text("<script>x</script> [js](javascript:alert(1))"),)


def test_the_document_of_a_report(tmp_path):
    for rel in ("data/2020/红旗满族乡.csv", "params/红旗满族乡/2020.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes((MAIN / rel).read_bytes())
    report = build_report(tmp_path, "红旗满族乡", 2020)
    doc = build_document(report, publish=True, template_sha256="ab" * 32)
    assert [s.heading for s in doc.sections] == list(spec.SECTIONS)
    assert [t.id for t in doc.tables()] == [spec.TABLE_2, spec.TABLE_3, spec.TABLE_4]
    assert all(isinstance(s.blocks[0], Table) for s in doc.sections[1:4])
    # A published copy's tables carry no review marks; a review copy's do (the CSV's notes).
    published_marks = [f for t in doc.tables() for f in t.figures.values() if f.note or f.flag or f.carried]
    review = build_document(report, publish=False)
    assert published_marks == [] and any(t.notes for t in review.tables())
    assert doc.signature.body == "红旗满族乡人民政府" and doc.signature.date == dt.date(2021, 1, 26)
    assert doc.provenance.sources[-1].sha256 == "ab" * 32 and doc.not_provided() == []
    assert field_blocks(report, "overview") == doc.sections[0].blocks


def test_what_a_report_without_text_lacks_is_said_where_it_belongs(tmp_path):
    report = write_report(tmp_path, params={"body": "测试乡人民政府", "publish_date": dt.date(2021, 1, 26),
                                            "overview": "有文字。"})
    doc = build_document(report, publish=True)
    assert doc.not_provided() == ["五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    (missing,) = doc.section(5).blocks
    assert isinstance(missing, NotProvided) and "problems 为空" in missing.why
