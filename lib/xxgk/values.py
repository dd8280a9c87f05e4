"""Cell values: parsing what analysts type, and printing figures the way the tables print them.

Three states never collapse into one another: a number, *missing* (blank: ``None``) and *not
applicable* (``/`` or ``—``: :data:`NA`).  Numbers are :class:`~decimal.Decimal` so that money
keeps exactly the decimals given (6874.6408 万元 stays 6874.6408).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class ParseError:
    code: str
    message: str


def parse_value(raw: str | None, kind: Kind) -> Value | ParseError:
    """Read one cell as typed in the CSV.

    Accepts full-width digits, thousands separators and (for money) a 元 or 万元 unit; rejects
    anything else that is not a plain number, rather than guess (``1O``, ``12件``, ``三``).
    """
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    if text == "":
        return None
    if text in _NA_MARKS:
        return NA
    scale = Decimal(1)
    if kind is Kind.MONEY:
        if text.endswith("万元"):
            text = text[:-2].strip()
        elif text.endswith("元"):
            text, scale = text[:-1].strip(), 1 / _YUAN_PER_WAN
    number_text = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(number_text):
        return ParseError("E-NOT-NUMBER", f"“{raw.strip()}” is not a number")
    try:
        number = Decimal(number_text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return ParseError("E-NOT-NUMBER", f"“{raw.strip()}” is not a number")
    if kind is Kind.MONEY:
        if scale != 1:
            number = (number / _YUAN_PER_WAN).normalize()
            if number == number.to_integral_value():
                number = number.quantize(Decimal(1))
        return number
    if number != number.to_integral_value():
        return ParseError("E-FRACTION", f"“{raw.strip()}” is not a whole number of items")
    number = number.quantize(Decimal(1))
    if kind is Kind.COUNT and number < 0:
        return ParseError("E-NEGATIVE", f"“{raw.strip()}” is negative; counts cannot be")
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
