"""Which format version a published report follows: from the labels its tables print (spec §6:
any fingerprint label is decisive), with the title's year as a cross-check only, since some bodies
kept the old layout after 2021."""

from __future__ import annotations

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


def _labels(fmt: spec.Format) -> dict[str, str]:
    """Every label a version prints (rows, columns, captions, corners), by its folded key."""
    out = {}
    for table in fmt.tables:
        for part in table.parts:
            for axis in ("row", "column"):
                for node in part.nodes(axis):
                    if node.label:
                        out[match_key(node.label)] = node.label
            for text in (part.caption, part.corner):
                if text:
                    out[match_key(text)] = text
    return out


def detect(document: Document) -> Detected:
    """The version whose labels the tables print best: those it shares with the document, less
    the labels the document prints that only other versions have.  A version must print one of its
    fingerprint labels (spec §6) to be considered; the labels that decided it are those only it has."""
    keys = _texts(document)
    versions = spec.registry()
    labels = {v: _labels(f) for v, f in versions.items()}
    candidates = {v for v, f in versions.items() if any(match_key(label) in keys for label in f.fingerprint)}
    if not candidates:
        return Detected(None, {})
    scores = {}
    found: dict[str, tuple[str, ...]] = {}
    for v in candidates:
        others = set().union(*(set(labels[o]) for o in versions if o != v)) if len(versions) > 1 else set()
        own = set(labels[v])
        scores[v] = len(keys & own) - len((keys & others) - own)
        only = [labels[v][k] for k in sorted(keys & (own - others))]
        found[v] = tuple(only) or tuple(label for label in versions[v].fingerprint if match_key(label) in keys)
    # The best fit; a tie goes to the newer version, whose labels are the more specific.
    best = max(candidates, key=lambda v: (scores[v], versions[v].first_year))
    return Detected(best, found)
