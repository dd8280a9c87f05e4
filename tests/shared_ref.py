"""Where the reference material lives: ``../shared`` beside the project (as laid in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
SEED_TEXT = SHARED / "seed" / "000_64068642beb0e7e1.txt"
SPEC_MD = SHARED / "spec" / "official-format.md"


def require(path: Path) -> Path:
    """The file, or a skip (a failure under CI, where ../shared is always laid beside the clone)."""
    if not path.is_file():
        message = f"reference file {path} not found (../shared beside the project)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
