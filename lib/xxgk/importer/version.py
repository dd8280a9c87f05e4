"""Which format version a published report follows: from the labels its tables print (spec §6:
any fingerprint label is decisive), with the title's year as a cross-check only, since some bodies
kept the old layout after 2021."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import spec
from ..labels import match_key
from .document import Document


@dataclass(frozen=True)
class Detected:
    version: str | None
    #: The fingerprint labels found, per version.
    found: dict[str, tuple[str, ...]]

    @property
    def labels(self) -> tuple[str, ...]:
        return self.found.get(self.version or "", ())


def _texts(document: Document) -> set[str]:
    keys: set[str] = set()
    for grid in document.grids:
        for row in grid.cells:
            for text in row:
                if text.strip():
                    keys.add(match_key(text))
    return keys


def detect(document: Document) -> Detected:
    """The version whose fingerprint labels the tables print most; None when none is printed."""
    keys = _texts(document)
    found: dict[str, tuple[str, ...]] = {}
    for version, fmt in spec.registry().items():
        hits = tuple(label for label in fmt.fingerprint if match_key(label) in keys)
        if hits:
            found[version] = hits
    if not found:
        return Detected(None, {})
    # The most labels wins; a tie goes to the newer version, whose labels are the more specific.
    best = max(found, key=lambda v: (len(found[v]), spec.get_format(v).first_year))
    return Detected(best, found)


_YEAR = re.compile(r"(\d{4})\s*年")


def title_year(title: str | None) -> int | None:
    if not title:
        return None
    m = _YEAR.search(title.replace(" ", ""))
    return int(m.group(1)) if m else None
