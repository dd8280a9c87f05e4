"""Outputs the current inputs no longer make: moved aside under their stale names
(``红旗满族乡.过期.html``) when a copy cannot be made, removed when a fresh copy is written.

Standard library only: a batch whose reports ran on other machines does this in its own output
folder without importing the notebook machinery.
"""

from __future__ import annotations

import os
from pathlib import Path

from .paths import Layout


def copies_of(publish: bool | None) -> tuple[bool, ...]:
    """The copies (``publish`` values) one copy or, for None, both copies of a report stand for."""
    return (False, True) if publish is None else (publish,)


def set_aside(layout: Layout, township: str, year: int, copies: tuple[bool, ...]) -> list[Path]:
    """Move the outputs of these copies to their stale names; where they went."""
    moved = []
    for kind in copies:
        for path in layout.outputs(township, year, publish=kind):
            if path.exists():
                target = layout.stale(path)
                os.replace(path, target)
                moved.append(target)
    return moved


def clear(layout: Layout, township: str, year: int, *, publish: bool) -> None:
    """A fresh copy supersedes the stale one set aside earlier."""
    for path in layout.outputs(township, year, publish=publish):
        layout.stale(path).unlink(missing_ok=True)
