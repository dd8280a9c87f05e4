"""Write a file so that its target is either the old file or the complete new one, never half."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator, TextIO

from . import paths


@contextmanager
def replacing(target: Path | str, mode: str = "wb", **open_kw) -> Iterator[IO]:
    """A file to write ``target``'s new content to: a temporary file beside it, flushed to disk
    and renamed into place when the block ends, removed if the block raises (Ctrl-C included).

    Beside, not in /tmp: :func:`os.replace` is atomic only within one file system.  The name comes
    from :mod:`xxgk.paths`: batch cleans up after killed workers by it, and township names too long
    for it are refused there.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=paths.temp_prefix(target.name), suffix=paths.TEMP_SUFFIX)
    try:
        with os.fdopen(fd, mode, **open_kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file 0600; an output file should have the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes(target: Path | str, data: bytes) -> Path:
    with replacing(target, "wb") as f:
        f.write(data)
    return Path(target)


def write_text(target: Path | str, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def write_streamed(target: Path | str, produce: Callable[[TextIO], None]) -> Path:
    """Text written in pieces, so that a manifest or dashboard of thousands of reports never sits
    in memory whole."""
    with replacing(target, "w", encoding="utf-8", newline="\n") as f:
        produce(f)
    return Path(target)
