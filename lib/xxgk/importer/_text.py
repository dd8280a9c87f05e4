"""Text handling the readers share: spaces as a reader sees them, and what a page says about itself
(索引号, 发布机构, 发布日期…) outside the report."""

from __future__ import annotations

import re

from .document import Block, Grid, Paragraph

# --- spaces -------------------------------------------------------------------------------------

#: Characters that print nothing; inside a label they would keep it from matching the official one.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACE_RUN = re.compile(r"[\s\u00a0\u3000\u1680\u2000-\u200a\u202f\u205f]+")


def squeeze(text: str) -> str:
    """Runs of spaces as one space, ends stripped, invisible characters dropped.

    A run that is only a line break (a ``<br>`` or block edge inside a table cell, or the source's
    own wrapping) is dropped unless it stands between two ASCII characters: Word and CMS editors
    wrap Chinese text anywhere, so ``本年新\\n制作数量`` is 本年新制作数量 and ``之和,\\n等于`` is 之和,等于;
    between two ASCII characters it keeps a space, so that ``12\\n3`` never reads as 123."""
    text = text.translate(_INVISIBLE)

    def one(m: re.Match[str]) -> str:
        run = m.group(0)
        if ("\n" in run or "\r" in run) and run.isascii():
            before = text[m.start() - 1] if m.start() > 0 else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if not (before.isascii() and after.isascii()):
                return ""
        return " "

    return _SPACE_RUN.sub(one, text).strip()


# --- the page's own header ----------------------------------------------------------------------

#: Labels of the header CMS sites print above an article (the 政府信息公开 catalogue's fields).
#: Longer labels first: the pattern takes the first alternative that matches at a position.
META_LABELS = (
    "信息索引号", "索引号", "主题分类", "体裁分类", "组配分类", "服务对象分类", "信息分类", "分类", "主题词", "关键词",
    "发布机构", "发文机关", "发文机构", "发布单位", "公开主体", "所属机构", "信息来源", "来源",
    "发文字号", "文件编号", "文号", "信息名称", "文件名称", "标题", "名称",
    "成文日期", "发文日期", "发布日期", "发布时间", "公开日期", "生成日期", "生效日期", "废止日期", "日期", "时间",
    "有效性", "时效性", "公开方式", "公开范围", "公开形式",
    "浏览次数", "阅读次数", "访问次数", "点击数", "责任编辑", "作者", "编辑",
)
#: The font-size and share widgets printed on the same line: they end a value but say nothing.
_WIDGETS = ("字体", "字号", "分享到", "打印", "关闭")

_GAP = "[ \u3000\u00a0]*"


def _label_pattern(label: str) -> str:
    # Headers pad short labels to line up: 名　　称, 索 引 号.
    return _GAP.join(map(re.escape, label))


_LABEL = "|".join(_label_pattern(label) for label in sorted((*META_LABELS, *_WIDGETS), key=len, reverse=True))
#: A label counts at the start of the text or after a separator, never inside a word: 统计时间 is not
#: 时间, 发文字号 not 字号.
_SEP = "\\s【\\[（(|丨/、,，;；"
_PAIR = re.compile(f"(?<![^{_SEP}])({_LABEL}){_GAP}[:：]")
_ONLY = re.compile(f"^[【\\[]?({_LABEL}){_GAP}[:：]?[】\\]]?$")
_LEAD = re.compile(f"^[【\\[]?{_GAP}(?:{_LABEL}){_GAP}[:：]")
_TRIM = " \u3000\u00a0【】[]|丨"
#: A header line is short; a longer text starting with 时间： is prose.
_MAX_LINE = 200


def _key(label: str) -> str:
    return re.sub(_GAP, "", label)


def pairs(text: str) -> list[tuple[str, str]]:
    """``发布日期：2021-01-26　来源：本站`` → [(发布日期, 2021-01-26), (来源, 本站)], for a text that starts
    with a header label; nothing for any other text."""
    if len(text) > _MAX_LINE or not _LEAD.match(text):
        return []
    found = list(_PAIR.finditer(text))
    out = []
    for m, nxt in zip(found, [*found[1:], None]):
        label = _key(m.group(1))
        value = text[m.end():nxt.start() if nxt else len(text)].strip(_TRIM)
        if label not in _WIDGETS and value:
            out.append((label, value))
    return out


def label_only(text: str) -> str | None:
    """The label, for a text that is nothing but a header label (``索引号：`` in a cell of its own)."""
    m = _ONLY.match(text)
    if m is None or _key(m.group(1)) in _WIDGETS:
        return None
    return _key(m.group(1))


def page_meta(blocks: list[Block]) -> dict[str, str]:
    """What the page's header says, by label as printed (spaces inside it dropped): the first value
    wins, since a header comes before the report and a footer repeats it."""
    meta: dict[str, str] = {}

    def put(label: str, value: str) -> None:
        value = squeeze(value)
        if value and len(value) <= _MAX_LINE and label_only(value) is None:
            meta.setdefault(label, value)

    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            label = label_only(block.text)
            if label:
                # A header laid out in a table of layout cells: the label, then its value on its own.
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if isinstance(nxt, Paragraph) and not _LEAD.match(nxt.text):
                    put(label, nxt.text)
                continue
            for label, value in pairs(block.text):
                put(label, value)
        elif isinstance(block, Grid):
            _grid_meta(block, put)
    return meta


def _grid_meta(grid: Grid, put) -> None:
    for r in range(grid.height):
        for c in range(grid.width):
            if grid.is_copy(r, c):
                continue
            text = grid.at(r, c)
            label = label_only(text)
            if label is None:
                for label, value in pairs(text):
                    put(label, value)
                continue
            here = grid.origin.get((r, c), (r, c))
            for c2 in range(c + 1, grid.width):
                if grid.origin.get((r, c2), (r, c2)) != here:
                    put(label, grid.at(r, c2))
                    break
