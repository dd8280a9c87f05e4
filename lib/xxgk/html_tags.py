"""A tiny HTML builder on markupsafe: text is escaped unless it is already :class:`Markup`.

Every string that reaches the page goes through :func:`el`, so a label, a note or a message
from an input file can never become markup.
"""

from __future__ import annotations

from typing import Iterable

from markupsafe import Markup, escape

_VOID = {"br", "col", "hr", "meta", "link"}


def attrs(**kw: object) -> Markup:
    """Attributes in the order given; ``class_`` → ``class``, ``data_row`` → ``data-row``.
    None and False are left out, True is a bare attribute."""
    # Plain string building around markupsafe's escape: Markup.format goes through string.Formatter,
    # several times slower, and a report page is thousands of elements.
    parts = []
    for name, value in kw.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return Markup("".join(parts))


def el(tag: str, *content: object, **kw: object) -> Markup:
    """``<tag attrs>content</tag>``; content items are escaped unless Markup."""
    open_ = f"<{tag}{attrs(**kw)}>"
    if tag in _VOID:
        return Markup(open_)
    return Markup(open_ + "".join([escape(c) for c in content if c is not None]) + f"</{tag}>")


def join(items: Iterable[object], sep: str = "\n") -> Markup:
    return Markup(sep.join([escape(i) for i in items]))


def classes(*names: str | None) -> str | None:
    out = " ".join(n for n in names if n)
    return out or None
