"""markdown-it's tokens → the document model's blocks and runs (:mod:`xxgk.document`).

Narrative Markdown is parsed once (:func:`xxgk.narrative.parse_markdown`) and turned into the
model here; every output writes the model, none parses Markdown again.  The CommonMark subset
markdown-it produces with raw HTML off is covered: paragraphs, headings, lists, quotes, code,
thematic breaks; text, emphasis, links, code spans, images, line breaks, and the ``placeholder``
tokens the parser makes of ``{{name}}``.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import (Block, Code, CodeBlock, Emphasis, Fill, Heading, Image, LineBreak, Link, ListBlock, Paragraph,
                       Quote, Rule, Run, Strong, Text)

#: Characters between which a line break is no break: Chinese text pasted with line breaks
#: would otherwise print a stray space between two characters.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

#: Only for :meth:`renderInlineAsText`, CommonMark's rule for an image's alt text.
_AS_TEXT = MarkdownIt("commonmark")

Filler = Callable[[str], Fill]


def blocks(tokens: Sequence[Token], fill: Filler | None = None) -> tuple[Block, ...]:
    """The blocks of a parsed text; ``fill(name)`` fills a placeholder (without it the
    placeholder stays as written)."""
    out, _ = _blocks(tokens, 0, None, fill)
    return tuple(out)


def _blocks(tokens: Sequence[Token], i: int, until: str | None, fill: Filler | None) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if kind == until:
            return out, i + 1
        if kind == "paragraph_open":
            out.append(Paragraph(runs(tokens[i + 1].children or [], fill)))
            i += 3
        elif kind == "heading_open":
            out.append(Heading(int(tok.tag[1:]), runs(tokens[i + 1].children or [], fill)))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = kind.replace("_open", "_close")
            items: list[tuple[Block, ...]] = []
            tight = True
            i += 1
            while tokens[i].type == "list_item_open":
                # markdown-it hides the paragraphs of a tight list's items.
                tight = tight and not any(t.type == "paragraph_open" and not t.hidden and t.level == tok.level + 2
                                          for t in _until_close(tokens, i))
                item, i = _blocks(tokens, i + 1, "list_item_close", fill)
                items.append(tuple(item))
            assert tokens[i].type == close
            start = int(tok.attrGet("start") or 1) if kind == "ordered_list_open" else 1
            out.append(ListBlock(kind == "ordered_list_open", start, tight, tuple(items)))
            i += 1
        elif kind == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", fill)
            out.append(Quote(tuple(inner)))
        elif kind == "fence":
            out.append(CodeBlock(tok.content, tok.info))
            i += 1
        elif kind == "code_block":
            out.append(CodeBlock(tok.content, None))
            i += 1
        elif kind == "hr":
            out.append(Rule())
            i += 1
        else:  # raw HTML is off; anything else a future markdown-it adds prints as its text
            if tok.content:
                out.append(Paragraph((Text(tok.content),)))
            i += 1
    return out, i


def _until_close(tokens: Sequence[Token], i: int):
    """The tokens of the list item opening at ``i``."""
    depth = 0
    for tok in tokens[i:]:
        if tok.type == "list_item_open":
            depth += 1
        elif tok.type == "list_item_close":
            depth -= 1
            if depth == 0:
                return
        yield tok


def joins(children: Sequence[Token], idx: int) -> bool:
    """True when the soft break at ``idx`` falls between two Chinese characters."""
    before = children[idx - 1].content[-1:] if idx > 0 else ""
    after = children[idx + 1].content[:1] if idx + 1 < len(children) else ""
    return bool(CJK.match(before) and CJK.match(after))


def runs(children: Sequence[Token], fill: Filler | None = None) -> tuple[Run, ...]:
    """The runs of one inline token's children."""
    stack: list[tuple[Token, list[Run]]] = []
    current: list[Run] = []
    for idx, tok in enumerate(children):
        kind = tok.type
        if kind in ("strong_open", "em_open", "link_open"):
            stack.append((tok, current))
            current = []
        elif kind in ("strong_close", "em_close", "link_close"):
            opened, outer = stack.pop()
            inner = tuple(current)
            if opened.type == "strong_open":
                outer.append(Strong(inner))
            elif opened.type == "em_open":
                outer.append(Emphasis(inner))
            else:
                title = opened.attrGet("title")
                outer.append(Link(str(opened.attrGet("href") or ""), str(title) if title is not None else None, inner))
            current = outer
        elif kind == "softbreak":
            if not joins(children, idx):
                current.append(LineBreak(hard=False))
        elif kind == "hardbreak":
            current.append(LineBreak(hard=True))
        elif kind == "code_inline":
            current.append(Code(tok.content))
        elif kind == "image":
            alt = _AS_TEXT.renderer.renderInlineAsText(tok.children or [], _AS_TEXT.options, {})
            src = tok.attrGet("src")
            current.append(Image(alt, str(src) if src else None))
        elif kind == "placeholder":
            name = tok.meta["name"]
            current.append(fill(name) if fill is not None else Text("{{" + name + "}}"))
        else:  # text, and whatever else carries text
            _append_text(current, tok.content)
    while stack:  # unbalanced markers cannot come from markdown-it; keep the text if they do
        opened, outer = stack.pop()
        outer.extend(current)
        current = outer
    return tuple(current)


def _append_text(runs_: list[Run], text: str) -> None:
    if not text:
        return
    if runs_ and isinstance(runs_[-1], Text):
        runs_[-1] = Text(runs_[-1].text + text)
    else:
        runs_.append(Text(text))
