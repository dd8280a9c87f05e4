"""Typed figures: what is read as a number, and what is refused rather than guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xxgk.spec import Kind
from xxgk.values import NA, ParseError, parse_value


@pytest.mark.parametrize("raw, kind, expected", [
    ("1,000", Kind.COUNT, Decimal(1000)),
    ("１２", Kind.COUNT, Decimal(12)),  # full-width digits, as a Chinese IME types them
    ("+1036", Kind.SIGNED, Decimal(1036)),
    ("-0", Kind.SIGNED, Decimal(0)),
    ("6874.6408 万元", Kind.MONEY, Decimal("6874.6408")),
    ("251000元", Kind.MONEY, Decimal("25.1")),  # 元 → 万元
    ("", Kind.COUNT, None),
    ("—", Kind.COUNT, NA),
])
def test_read(raw, kind, expected):
    value = parse_value(raw, kind)
    assert value == expected if expected is not NA else value is NA
    if isinstance(value, Decimal):
        assert not value.is_signed()  # no "-0" reaches a table


@pytest.mark.parametrize("raw", [
    "1,2,3", "1,0",  # commas that are not thousands separators
    "²", "٣",  # digits NFKC would fold to ASCII: nobody typed these as figures
    "1" * 30,  # a figure no report holds; used to crash decimal arithmetic
    "1e3", "1.", ".5", "1O", "12件", "三",
])
def test_refused_not_guessed(raw):
    assert isinstance(parse_value(raw, Kind.COUNT), ParseError)
