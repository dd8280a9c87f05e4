"""Text as the PDF and Word readers give it: radicals put back to the ideographs they stand for,
and pieces of one text (the lines of a wrapped cell, the paragraphs of a cell) joined the way a
reader of Chinese would read them."""

from __future__ import annotations

import unicodedata

#: CJK fonts (Noto CJK, Source Han) share one glyph between an ideograph and its look-alike radical,
#: and their ToUnicode tables can name the radical (⾏ U+2F8F for 行), so text extracted from a PDF
#: has radicals where the page shows ideographs.  NFKC maps most Kangxi radicals (U+2F00–U+2FD5)
#: but not the radicals supplement (⺠ 民, ⻔ 门, ⻰ 龙 stay as they are), and it maps ⼾ to 戶, a
#: form Simplified Chinese never uses: Chromium's own /ActualText for that glyph says 户.  A
#: radical never stands alone in a report, so every one is taken for its ideograph.
_SUPPLEMENT = dict(zip(
    "⺁⺓⺟⺠⺩⻄⻅⻆⻈⻉⻋⻌⻐⻓⻔⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "厂幺母民王西见角讠贝车辶钅长门青韦页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
    strict=True,
))
_SIMPLIFIED = {"⼾": "户", "⾭": "青"}


def _radical_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x2F00, 0x2FD6):
        folded = unicodedata.normalize("NFKC", chr(cp))
        if folded != chr(cp):
            table[cp] = folded
    for radical, ideograph in {**_SUPPLEMENT, **_SIMPLIFIED}.items():
        table[ord(radical)] = ideograph
    # CJK compatibility ideographs (U+F900–U+FAFF) are canonically the unified ones: some fonts'
    # ToUnicode tables name them all the same.
    for cp in range(0xF900, 0xFB00):
        folded = unicodedata.normalize("NFC", chr(cp))
        if folded != chr(cp):
            table[cp] = folded
    return table


RADICALS = _radical_table()


def fold_radicals(text: str) -> str:
    return text.translate(RADICALS)


def is_cjk(ch: str) -> bool:
    """Ideographs and the CJK punctuation and full-width forms that sit between them without spaces."""
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF
            or 0x20000 <= cp <= 0x3FFFF)


def _word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join(pieces: list[str], *, digits_apart: bool) -> str:
    """One text from pieces that were one before a line or paragraph broke them: nothing is put
    between Chinese pieces (本年新 / 制作数量 is 本年新制作数量), a space between two Latin words
    (a break stood where a space was).  Two digits are joined as one number unless
    ``digits_apart``: a narrow PDF cell wraps a long figure anywhere, while two paragraphs of a Word
    cell were typed apart."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out:
            a, b = out[-1], piece[0]
            if _word_char(a) and _word_char(b) and (digits_apart or not (a.isdigit() and b.isdigit())):
                out += " "
        out += piece
    return out
