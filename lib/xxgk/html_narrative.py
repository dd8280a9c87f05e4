"""Narrative blocks of the document model → HTML, as markdown-it prints them.

The model's blocks are turned back into markdown-it's tokens and printed by markdown-it's own
HTML renderer, so the page is what CommonMark prints (escaping, tight lists, code fences), byte for
byte as before the model existed; only two things print the kit's way: a filled placeholder is a
``<span class="fill …">`` and an image a visible marker, never an ``<img>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from .document import (Block, Code, CodeBlock, Emphasis, Fill, Heading, Image, LineBreak, Link, ListBlock, Paragraph,
                       Quote, Rule, Run, Strong, Text)
from .html_tags import el
from .markdown_model import blocks
from .narrative import field_blocks, parse_markdown

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report


def _image(self, tokens, idx, options, env) -> str:
    # Embedding would make the page fetch the address when opened; show that an image was meant.
    token = tokens[idx]
    return str(el("span", f"［图片：{token.content}］", class_="image-ref", title=token.attrGet("src") or None))


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False})
    md.add_render_rule("image", _image)
    return md


_MD = _renderer()


def fill_html(fill: Fill) -> Markup:
    """A filled placeholder: the figure, or its marker, which the stylesheet shows in red."""
    if fill.state == "unknown":
        return el("span", fill.text, class_="fill unknown", title="未知占位符（见数据核验）")
    if fill.state == "missing":
        return el("span", fill.text, class_="fill missing", title=f"数据缺失：{{{{{fill.name}}}}}")
    if fill.state == "na":
        return el("span", fill.text, class_="fill na", title=f"不适用：{{{{{fill.name}}}}}")
    return el("span", fill.text, class_="fill", data_placeholder=fill.name)


def _inline(runs: Sequence[Run]) -> list[Token]:
    out: list[Token] = []
    for run in runs:
        if isinstance(run, Text):
            out.append(Token("text", "", 0, content=run.text))
        elif isinstance(run, Strong):
            out += [Token("strong_open", "strong", 1), *_inline(run.runs), Token("strong_close", "strong", -1)]
        elif isinstance(run, Emphasis):
            out += [Token("em_open", "em", 1), *_inline(run.runs), Token("em_close", "em", -1)]
        elif isinstance(run, Link):
            attrs: dict = {"href": run.href}
            if run.title is not None:
                attrs["title"] = run.title
            out += [Token("link_open", "a", 1, attrs=attrs), *_inline(run.runs), Token("link_close", "a", -1)]
        elif isinstance(run, Code):
            out.append(Token("code_inline", "code", 0, content=run.text))
        elif isinstance(run, Fill):
            # Printed as is: fill_html builds it from escaped text only.
            out.append(Token("html_inline", "", 0, content=str(fill_html(run))))
        elif isinstance(run, Image):
            out.append(Token("image", "img", 0, attrs={"src": run.src or "", "alt": ""}, content=run.alt))
        elif isinstance(run, LineBreak):
            out.append(Token("hardbreak" if run.hard else "softbreak", "br", 0))
    return out


def _text_block(kind: str, tag: str, runs: Sequence[Run], hidden: bool = False) -> list[Token]:
    return [Token(f"{kind}_open", tag, 1, block=True, hidden=hidden),
            Token("inline", "", 0, children=_inline(runs)),
            Token(f"{kind}_close", tag, -1, block=True, hidden=hidden)]


def _tokens(block: Block, *, tight: bool = False) -> list[Token]:
    if isinstance(block, Paragraph):
        return _text_block("paragraph", "p", block.runs, hidden=tight)
    if isinstance(block, Heading):
        return _text_block("heading", f"h{block.level}", block.runs)
    if isinstance(block, ListBlock):
        kind, tag = ("ordered_list", "ol") if block.ordered else ("bullet_list", "ul")
        attrs = {"start": block.start} if block.ordered and block.start != 1 else {}
        out = [Token(f"{kind}_open", tag, 1, attrs=attrs, block=True)]
        for item in block.items:
            out.append(Token("list_item_open", "li", 1, block=True))
            for inner in item:
                out += _tokens(inner, tight=block.tight)
            out.append(Token("list_item_close", "li", -1, block=True))
        return out + [Token(f"{kind}_close", tag, -1, block=True)]
    if isinstance(block, Quote):
        inner = [t for b in block.blocks for t in _tokens(b)]
        return [Token("blockquote_open", "blockquote", 1, block=True), *inner,
                Token("blockquote_close", "blockquote", -1, block=True)]
    if isinstance(block, CodeBlock):
        if block.info is None:
            return [Token("code_block", "code", 0, content=block.text, block=True)]
        return [Token("fence", "code", 0, content=block.text, info=block.info, block=True)]
    if isinstance(block, Rule):
        return [Token("hr", "hr", 0, block=True)]
    raise TypeError(f"not a narrative block: {block!r}")


def blocks_html(items: Sequence[Block]) -> str:
    """Narrative blocks as HTML ("" for none)."""
    tokens = [t for b in items for t in _tokens(b)]
    return _MD.renderer.render(tokens, _MD.options, {})


def render_markdown(text: str) -> str:
    """Markdown as the report prints it, placeholders left as written."""
    return blocks_html(blocks(parse_markdown(text, placeholders=False)))


def render_field(report: "Report", field: str) -> str | None:
    """A params narrative field as HTML, placeholders filled; None when not provided."""
    found = field_blocks(report, field)
    return None if found is None else blocks_html(found)

