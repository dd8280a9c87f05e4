"""Page and type as offices expect a report (GB/T 9704-2012, 党政机关公文格式, in practice).

- A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (§5.2: 天头 37 mm, 订口 28 mm,
  a 156 × 225 mm text area).
- Title in 方正小标宋简体 二号 (22 pt), centred; body in 仿宋_GB2312 三号 (16 pt); first-level
  headings (一、…) in 黑体, second-level ones (（一）…) in 楷体_GB2312, all 三号; every paragraph
  indented two characters, lines exactly 28 pt apart.
- Page numbers in 4号 宋体 below the text area between em dashes, "— 1 —", odd pages at the
  right and even pages at the left, one character in (§7.5).
- Tables in 仿宋_GB2312 五号 (10.5 pt), single-spaced, so that table 三's ten columns fit the
  text width.

Chinese fonts are East Asian fonts (``w:eastAsia``) and Latin text is Times New Roman.  Where a font
is not installed Word or WPS substitutes one; the file still names the intended font, and the
font table says what each is and which common font stands in (仿宋 for 仿宋_GB2312 …).
"""

from __future__ import annotations

from .ooxml import Element, w

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4, as Word stores it
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
#: From the paper's edge to the foot of the page number, whose line (14 pt) then starts 7 mm
#: below the text area (§7.5: 一字线上距版心下边缘 7 mm).
FOOTER_DISTANCE = MARGIN_BOTTOM - mm(7) - 14 * 20
HEADER_DISTANCE = mm(15)

LATIN = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_1_FONT = "黑体"
HEADING_2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
CODE_FONT = "Courier New"

#: Sizes in half-points, as Word stores them.
TITLE_SIZE = 44  # 二号
BODY_SIZE = 32  # 三号
TABLE_SIZE = 21  # 五号
TABLE_TITLE_SIZE = 28  # 四号
PAGE_NUMBER_SIZE = 28  # 四号
#: Line spacing in twentieths of a point.
LINE = 560  # 28 pt
TITLE_LINE = 720  # 36 pt: a two-line title in 22 pt needs more than the body's 28
#: Two characters of the body size: the first-line indent of every paragraph.
INDENT = 2 * BODY_SIZE * 10

#: Style ids the body and tables use.
NORMAL, TITLE, HEADING_1, HEADING_2 = "Normal", "Title", "Heading1", "Heading2"
TABLE_TITLE, TABLE_TEXT, RUN_IN, HYPERLINK, CODE, CODE_BLOCK, FOOTER = (
    "TableTitle", "TableText", "RunInHeading", "Hyperlink", "CodeChar", "CodeBlock", "Footer")

#: Each font's stand-in where it is missing, its character set and kind, for the font table.
_FONTS = (
    # name, stand-in, charset, family, pitch
    (LATIN, None, "00", "roman", "variable"),
    (BODY_FONT, "仿宋", "86", "modern", "fixed"),
    (TITLE_FONT, "宋体", "86", "script", "fixed"),
    (HEADING_1_FONT, "SimHei", "86", "modern", "fixed"),
    (HEADING_2_FONT, "楷体", "86", "modern", "fixed"),
    (PAGE_NUMBER_FONT, "SimSun", "86", "auto", "variable"),
    (CODE_FONT, None, "00", "modern", "fixed"),
)


def fonts(east_asia: str | None = None, latin: str | None = LATIN) -> Element:
    """``w:rFonts`` naming the Chinese font as East Asian and the Latin one for the rest; no theme
    fonts, which would override both."""
    return w("rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)


def size(half_points: int) -> list[Element]:
    return [w("sz", val=half_points), w("szCs", val=half_points)]


def spacing(line: int | None = LINE, *, before: int = 0, after: int = 0, exact: bool = True) -> Element:
    if line is None:
        return w("spacing", before=before, after=after)
    return w("spacing", before=before, after=after, line=line, lineRule="exact" if exact else "auto")


def indent(*, first_chars: float = 0, left_chars: float = 0, right_chars: float = 0,
           char: int = BODY_SIZE * 10) -> Element:
    """Indents in characters (Word's ``…Chars``, in hundredths: they follow the font size) with
    their twips beside them, for programs that read only those."""
    def chars(n: float) -> int | None:
        return round(n * 100) if n else None

    def twips(n: float) -> int | None:
        return round(n * char) if n else None

    return w("ind", leftChars=chars(left_chars), left=twips(left_chars), rightChars=chars(right_chars),
             right=twips(right_chars), firstLineChars=round(first_chars * 100), firstLine=round(first_chars * char))


def _style(kind: str, style_id: str, name: str, *, based_on: str | None = None, next_: str | None = None,
           ppr: list[Element | None] = (), rpr: list[Element | None] = (), default: bool = False,
           qformat: bool = True, link: str | None = None) -> Element:
    return w("style",
             w("name", val=name),
             w("basedOn", val=based_on) if based_on else None,
             w("next", val=next_) if next_ else None,
             w("link", val=link) if link else None,
             w("qFormat") if qformat else None,
             w("pPr", *ppr) if ppr else None,
             w("rPr", *rpr) if rpr else None,
             type=kind, styleId=style_id, default="1" if default else None)


def styles_xml() -> Element:
    body_runs = [fonts(BODY_FONT), w("kern", val=0), *size(BODY_SIZE), w("lang", val="en-US", eastAsia="zh-CN")]
    return w(
        "styles",
        w("docDefaults",
          w("rPrDefault", w("rPr", *body_runs)),
          w("pPrDefault", w("pPr", spacing()))),
        _style("paragraph", NORMAL, "Normal", default=True,
               ppr=[w("widowControl", val=0), spacing(), indent(first_chars=2), w("jc", val="both")],
               rpr=[fonts(BODY_FONT), *size(BODY_SIZE)]),
        _style("character", "DefaultParagraphFont", "Default Paragraph Font", default=True, qformat=False),
        w("style", w("name", val="Normal Table"), w("uiPriority", val=99), w("semiHidden"), w("unhideWhenUsed"),
          w("tblPr", w("tblInd", w=0, type="dxa"),
            w("tblCellMar", w("top", w=0, type="dxa"), w("left", w=108, type="dxa"),
              w("bottom", w=0, type="dxa"), w("right", w=108, type="dxa"))),
          type="table", default="1", styleId="TableNormal"),
        _style("paragraph", TITLE, "Title", based_on=NORMAL, next_=NORMAL,
               ppr=[spacing(TITLE_LINE, after=LINE), indent(), w("jc", val="center")],
               rpr=[fonts(TITLE_FONT), *size(TITLE_SIZE)]),
        _style("paragraph", HEADING_1, "heading 1", based_on=NORMAL, next_=NORMAL,
               ppr=[w("keepNext"), w("keepLines"), w("outlineLvl", val=0)],
               rpr=[fonts(HEADING_1_FONT)]),
        _style("paragraph", HEADING_2, "heading 2", based_on=NORMAL, next_=NORMAL,
               ppr=[w("keepNext"), w("keepLines"), w("outlineLvl", val=1)],
               rpr=[fonts(HEADING_2_FONT)]),
        _style("character", RUN_IN, "段首小标题", rpr=[fonts(HEADING_2_FONT)]),
        _style("paragraph", TABLE_TITLE, "表格标题", based_on=NORMAL, next_=NORMAL,
               ppr=[w("keepNext"), indent(), w("jc", val="center")],
               rpr=[fonts(HEADING_1_FONT), *size(TABLE_TITLE_SIZE)]),
        _style("paragraph", TABLE_TEXT, "表格文字", based_on=NORMAL,
               ppr=[w("snapToGrid", val=0), spacing(240, exact=False), indent(), w("jc", val="center")],
               rpr=[*size(TABLE_SIZE)]),
        _style("paragraph", CODE_BLOCK, "代码", based_on=NORMAL,
               ppr=[spacing(240, exact=False), indent(), w("jc", val="left")],
               rpr=[fonts(BODY_FONT, CODE_FONT), *size(TABLE_SIZE)]),
        _style("character", CODE, "代码字符", rpr=[fonts(None, CODE_FONT)]),
        _style("character", HYPERLINK, "Hyperlink", qformat=False,
               rpr=[w("color", val="0563C1"), w("u", val="single")]),
        _style("paragraph", FOOTER, "footer", based_on=NORMAL,
               ppr=[spacing(PAGE_NUMBER_SIZE * 10), indent()],
               rpr=[fonts(PAGE_NUMBER_FONT), *size(PAGE_NUMBER_SIZE)]),
    )


def settings_xml() -> Element:
    return w(
        "settings",
        w("zoom", percent=100),
        w("defaultTabStop", val=420),
        # GB/T 9704 places odd and even page numbers apart.
        w("evenAndOddHeaders"),
        w("characterSpacingControl", val="compressPunctuation"),
        w("compat", w("compatSetting", name="compatibilityMode", uri="http://schemas.microsoft.com/office/word", val=15)),
        w("themeFontLang", val="en-US", eastAsia="zh-CN"),
        w("decimalSymbol", val="."),
        w("listSeparator", val=","),
    )


def font_table_xml() -> Element:
    items = []
    for name, stand_in, charset, family, pitch in _FONTS:
        items.append(w("font", w("altName", val=stand_in) if stand_in else None, w("charset", val=charset),
                       w("family", val=family), w("pitch", val=pitch), name=name))
    return w("fonts", *items)


def footer_xml(*, odd: bool) -> Element:
    """“— 1 —”: a PAGE field between em dashes, odd pages at the right and even pages at the left,
    one character in."""
    def text(t: str) -> Element:
        return w("r", w("t", text=t, xml_space="preserve"))

    def field(kind: str) -> Element:
        return w("r", w("fldChar", fldCharType=kind))

    one = PAGE_NUMBER_SIZE * 10
    ind = w("ind", right=one, firstLine=0) if odd else w("ind", left=one, firstLine=0)
    return w("ftr", w("p",
                      w("pPr", w("pStyle", val=FOOTER), ind, w("jc", val="right" if odd else "left")),
                      text("— "), field("begin"), w("r", w("instrText", text=" PAGE ", xml_space="preserve")),
                      field("separate"), text("1"), field("end"), text(" —")))


def section_properties(odd_footer: str, even_footer: str) -> Element:
    return w("sectPr",
             w("footerReference", type="default", r_id=odd_footer),
             w("footerReference", type="even", r_id=even_footer),
             w("pgSz", w=PAGE_WIDTH, h=PAGE_HEIGHT),
             w("pgMar", top=MARGIN_TOP, right=MARGIN_RIGHT, bottom=MARGIN_BOTTOM, left=MARGIN_LEFT,
               header=HEADER_DISTANCE, footer=FOOTER_DISTANCE, gutter=0),
             w("cols", space=425))
