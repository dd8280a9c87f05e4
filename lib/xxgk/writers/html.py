"""``--to html``: the page alone (every render writes it; nothing more to write)."""

from __future__ import annotations

from ..i18n import T
from . import Writer

WRITER = Writer(
    "html",
    T("html：网页（默认）。", "html: the web page (the default)."),
)
