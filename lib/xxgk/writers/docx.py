"""``--to docx``: the copy to publish as a Word document beside its page, for offices to finish and
file in Word or WPS (:mod:`xxgk.word`: GB/T 9704 page and type, the official tables)."""

from __future__ import annotations

from pathlib import Path

from ..i18n import T
from . import Output, Writer


def _write(out: Output) -> Path:
    from .. import atomic
    from ..word.package import docx_bytes

    return atomic.write_bytes(out.target, docx_bytes(out.document))


WRITER = Writer(
    "docx",
    T("docx：另把发布稿写成 Word 文档（A4，GB/T 9704 版式），放在发布稿网页旁（即 --publish）。",
      "docx: also write the copy to publish as a Word document (A4, GB/T 9704 layout) beside its page (implies --publish)."),
    suffix=".docx", publish=True, write=_write,
)
