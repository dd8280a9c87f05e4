"""The language of what an analyst reads: Chinese by default, English on request.

``--lang en`` on any command, or ``XXGK_LANG=en`` in the environment, switches every message
(command output, the review banner and 数据核验 panel, the dashboard, the notebook's frames) to
English.  Official labels are never translated: they are the format's own words.

Text that depends on the language is a :class:`Text` (both wordings, plus the arguments to fill
in), turned into a string only when shown, so a finding made once can be printed in either
language.  Finding messages live in :mod:`xxgk.catalogue`; the few words of the interface use
:func:`T` where they are printed.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator, Mapping

LANGS = ("zh", "en")
DEFAULT = "zh"
ENV = "XXGK_LANG"

_current: str | None = None


def normalise(lang: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``en``, ``en_US.UTF-8`` → ``zh`` or ``en``; None when not a language we have."""
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0].split(".")[0]
    return code if code in LANGS else None


def env_lang() -> str:
    return normalise(os.environ.get(ENV)) or DEFAULT


def get_lang() -> str:
    return _current or env_lang()


def html_lang() -> str:
    """The current language as an HTML ``lang`` attribute."""
    return "zh-CN" if get_lang() == "zh" else "en"


def set_lang(lang: str | None) -> str:
    """Choose the language for this process (None: back to ``XXGK_LANG`` or Chinese)."""
    global _current
    if lang is None:
        _current = None
        return get_lang()
    code = normalise(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    _current = code
    return code


@contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    global _current
    previous = _current
    try:
        yield set_lang(lang)
    finally:
        _current = previous


def show(value: Any, lang: str) -> str:
    """An argument as it reads in a message: a figure as the tables print it, a list joined."""
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(show(v, lang) for v in value)
    if value is None:
        return ""
    return str(value)


@dataclass(frozen=True)
class Text:
    """A message in both languages, with ``{name}`` fields filled from ``args`` when shown."""

    zh: str
    en: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def format(self, **args: Any) -> "Text":
        return Text(self.zh, self.en, {**self.args, **args})

    def render(self, lang: str | None = None) -> str:
        lang = lang or get_lang()
        template = self.zh if lang == "zh" else self.en
        if not self.args:
            return template
        return template.format_map({k: show(v, lang) for k, v in self.args.items()})

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Text({self.render('zh')!r})"

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __contains__(self, part: str) -> bool:
        return part in self.render()

    def __add__(self, other: object) -> str:
        return self.render() + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + self.render()


def T(zh: str, en: str, **args: Any) -> Text:
    """Interface wording in both languages (``{name}`` fields filled from ``args``)."""
    return Text(zh, en, args)


def tr(zh: str, en: str, **args: Any) -> str:
    """:func:`T`, shown at once in the current language."""
    return Text(zh, en, args).render()
