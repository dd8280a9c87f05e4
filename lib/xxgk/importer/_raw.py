"""Bytes to text for the readers of text formats (web pages, text copies): reading the file, telling
an empty or binary file from a page, and choosing the encoding."""

from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path

from .document import SourceError

#: What a file that is not text at all starts with, and what to call it in the error: analysts save
#: a PDF or Word file under the page's name more often than one would think.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "这是 PDF 文件，不是网页或文本（请改用 .pdf 扩展名）"),
    (b"PK\x03\x04", "这是压缩包或 Word/Excel（.docx/.xlsx）文件，不是网页或文本"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "这是旧版 Word/Excel（.doc/.xls）文件，不是网页或文本"),
    (b"\x89PNG\r\n\x1a\n", "这是图片（PNG），不是网页或文本"),
    (b"\xff\xd8\xff", "这是图片（JPEG），不是网页或文本"),
    (b"GIF8", "这是图片（GIF），不是网页或文本"),
    (b"Rar!", "这是 RAR 压缩包，不是网页或文本"),
    (b"7z\xbc\xaf\x27\x1c", "这是 7z 压缩包，不是网页或文本"),
)
_BINARY = "文件含有二进制数据，不是网页或文本"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: GB2312 and GBK pages routinely use characters outside the charset they declare (人名、地名 in
#: GBK's extension); GB18030 is a superset of both and decodes them.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "csgb2312", "chinese", "euc-cn", "cp936", "ms936",
              "936"}


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a file with nothing in it, or a binary one, is refused here."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError("unreadable", reason=_os_reason(e)) from e
    # A page saved from a server that compresses regardless of what was asked (curl without
    # --compressed) is the page, gzipped.
    if data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise SourceError("corrupt", reason=f"gzip 压缩数据不完整（{e}）") from e
    if not data.strip():
        raise SourceError("empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SourceError("unreadable", reason=what)
    if bom_encoding(data) is None and b"\x00" in data:
        # No text encoding the kit reads puts NUL bytes in text except UTF-16, which has a BOM.
        raise SourceError("unreadable", reason=_BINARY)
    return data


def _os_reason(e: OSError) -> str:
    # The analyst reads Chinese; the system's own wording (often English) follows for the specialist.
    for kind, said in ((FileNotFoundError, "找不到该文件"), (IsADirectoryError, "这是文件夹，不是文件"),
                       (PermissionError, "没有读取该文件的权限")):
        if isinstance(e, kind):
            return f"{said}（{e.strerror or e}）"
    return str(e.strerror or e)


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def normalise_encoding(name: str) -> str | None:
    """The codec to decode a declared charset with, or None for one not worth trying."""
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A Chinese report is never really in a single-byte Western charset; such a declaration is a
    # template's leftover, and latin-1 would "decode" any bytes into nonsense.
    if codec in {"ascii", "latin-1", "iso8859-1", "cp1252"} or codec.startswith(("iso8859", "cp125", "mac-")):
        return None
    return codec


def decode(data: bytes, declared: str | None = None) -> str:
    """The text, in the first encoding that decodes every byte: a BOM, else UTF-8, else the declared
    charset, else GB18030; none of them → ``SourceError("encoding")``.

    UTF-8 goes before the declaration because a page whose bytes are valid UTF-8 is UTF-8 (GBK text
    of any length is never valid UTF-8), while CMS templates copied between sites often keep a
    ``charset=gb2312`` that no longer says what the bytes are."""
    bom = bom_encoding(data)
    if bom:
        try:
            return data.decode(bom)
        except UnicodeDecodeError:
            raise SourceError("encoding") from None
    candidates = ["utf-8"]
    if declared:
        codec = normalise_encoding(declared)
        if codec and codec not in candidates:
            candidates.append(codec)
    if "gb18030" not in candidates:
        candidates.append("gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("encoding")
