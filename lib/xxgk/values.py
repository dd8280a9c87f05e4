"""Cell values: parsing what analysts type, and printing figures the way the tables print them.

Three states never collapse into one another: a number, *missing* (blank: ``None``) and *not
applicable* (``/`` or ``—``: :data:`NA`).  Numbers are :class:`~decimal.Decimal` so that money
keeps exactly the decimals given (6874.6408 万元 stays 6874.6408).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Union

from .spec import Kind


class _NotApplicable:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __reduce__(self):
        return (_NotApplicable, ())


NA = _NotApplicable()
Value = Union[Decimal, None, _NotApplicable]

_NA_MARKS = {"/", "—", "——", "-", "--", "－", "―", "─", "N/A", "n/a"}
_YUAN_PER_WAN = Decimal(10000)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
#: No count or amount in an annual report comes near 10^20; a longer figure is a typing error (and
#: would overflow decimal arithmetic).
_MAX_DIGITS = 20


@dataclass(frozen=True)
class ParseError:
    """Why a cell's text is not a figure: a catalogue code, its message variant and arguments."""

    code: str
    variant: str
    args: tuple[tuple[str, object], ...] = ()


def _plain(ch: str) -> bool:
    """Characters a typed figure may hold: ASCII, full-width forms (NFKC folds them to ASCII) and
    the money units.  Superscripts and other scripts' digits also fold to ASCII digits, and would be
    read as a figure nobody typed."""
    return ch.isascii() or "\uff01" <= ch <= "\uff5e" or ch in "\u3000万元"


def parse_value(raw: str | None, kind: Kind) -> Value | ParseError:
    """Read one cell as typed in the CSV.

    Accepts full-width digits, thousands separators in groups of three and (for money) a 元 or
    万元 unit; rejects anything else that is not a plain number, rather than guess (``1O``,
    ``12件``, ``三``, ``1,0``, ``²``).
    """
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if text == "":
        return None
    if text in _NA_MARKS:
        return NA
    shown = raw.strip()
    yuan = False
    if kind is Kind.MONEY:
        if text.endswith("万元"):
            text = text[:-2].strip()
        elif text.endswith("元"):
            text, yuan = text[:-1].strip(), True
    if not all(_plain(ch) for ch in shown) or not _NUMBER.match(text):
        return ParseError("E-NOT-NUMBER", "not_number", (("value", shown),))
    digits = sum(ch.isdigit() for ch in text)
    if digits > _MAX_DIGITS:
        return ParseError("E-NOT-NUMBER", "too_long", (("value", shown), ("digits", digits)))
    number = Decimal(text.replace(",", ""))
    if number == 0:
        number = abs(number)  # "-0" is 0
    if kind is Kind.MONEY:
        if yuan:
            number = (number / _YUAN_PER_WAN).normalize()
            if number == number.to_integral_value():
                number = number.quantize(Decimal(1))
        return number
    if number != number.to_integral_value():
        return ParseError("E-FRACTION", "fraction", (("value", shown),))
    number = number.quantize(Decimal(1))
    if kind is Kind.COUNT and number < 0:
        return ParseError("E-NEGATIVE", "negative", (("value", shown),))
    return number


def format_value(value: Value, kind: Kind = Kind.COUNT, *, money_unit: bool = False) -> str:
    """Print a figure as the published tables do: blank stays blank, n/a is ``/``."""
    if value is None:
        return ""
    if value is NA:
        return "/"
    assert isinstance(value, Decimal)
    if kind is Kind.MONEY:
        text = format(value, "f")
        return f"{text} 万元" if money_unit else text
    if kind is Kind.SIGNED and value > 0:
        return f"+{int(value)}"
    return str(int(value))


def is_number(value: Value) -> bool:
    return isinstance(value, Decimal)
