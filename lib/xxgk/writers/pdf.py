"""``--to pdf``: the published page printed to A4 PDF through headless Chromium (:mod:`xxgk.pdf`)."""

from __future__ import annotations

from pathlib import Path

from ..i18n import T
from . import Output, Writer, WriteError


def _missing() -> str | None:
    from ..browser import missing

    return missing()


def _write(out: Output) -> Path:
    from .. import pdf

    try:
        return pdf.print_pdf(out.html_path, out.target)
    except pdf.PdfError as e:
        raise WriteError(str(e)) from e


WRITER = Writer(
    "pdf",
    T("pdf：另用无界面 Chromium 把发布稿打印为 A4 PDF，放在发布稿网页旁（即 --publish）。",
      "pdf: also print the copy to publish to A4 PDF beside its page, through headless Chromium (implies --publish)."),
    suffix=".pdf", publish=True, missing=_missing, write=_write,
)
