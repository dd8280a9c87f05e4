"""The output formats of ``xxgk render --to`` and ``xxgk batch --to``: one writer module each.

Every module of this package that defines ``WRITER`` (a :class:`Writer`) is an output format; the
``--to`` choices, what ``render`` checks before running a notebook, the files a copy may have and
the manifest's record of them all come from here.  Adding a format is adding a module.

Every render writes the HTML page (and the executed notebook); a writer with a ``suffix`` then
writes one more file beside the page from the document model or from the page.  Modules import
nothing heavy at the top: the batch plans its work, and the CLI starts, without them.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..i18n import T

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

#: What ``--to`` is when not given.
DEFAULT = "html"


class WriteError(Exception):
    """The file could not be written; the message says why and what to do, for the analyst."""


@dataclass(frozen=True)
class Output:
    """What a writer writes from: one copy's document, the page already written, and where the
    writer's file goes."""

    document: "Document"
    html_path: Path
    target: Path


@dataclass(frozen=True)
class Writer:
    #: The ``--to`` value.
    name: str
    #: One line for ``--to``'s help.
    help: T
    #: The file written beside the page (``.pdf``), None when the page is all there is.
    suffix: str | None = None
    #: Only the copy to publish is written in this format (so ``--to`` implies ``--publish``).
    publish: bool = False
    #: What is missing to write this format, as one line saying what to install; None when ready.
    missing: Callable[[], str | None] = lambda: None
    #: Writes ``Output.target``; raises :class:`WriteError`.
    write: Callable[[Output], Path] | None = None


@cache
def registry() -> dict[str, Writer]:
    """Every writer, the default first, then by name."""
    found: dict[str, Writer] = {}
    for module in pkgutil.iter_modules(__path__):
        writer = getattr(importlib.import_module(f"{__name__}.{module.name}"), "WRITER", None)
        if isinstance(writer, Writer):
            found[writer.name] = writer
    return dict(sorted(found.items(), key=lambda kv: (kv[0] != DEFAULT, kv[0])))


def names() -> list[str]:
    return list(registry())


def get(name: str) -> Writer:
    try:
        return registry()[name]
    except KeyError:
        raise ValueError(f"unknown output format {name!r}; use one of {', '.join(names())}") from None


def file_formats() -> list[str]:
    """The formats that write a file of their own beside the published page (``pdf``, ``docx``):
    the manifest records it, the dashboard links it."""
    return [w.name for w in registry().values() if w.suffix]


def published_suffixes() -> list[str]:
    """The extra files a copy to publish may have (``.pdf``, ``.docx``)."""
    return [w.suffix for w in registry().values() if w.suffix and w.publish]
