"""The .docx package: its parts, their relationships and content types, zipped so that the same
document always gives the same bytes.

Nothing in it depends on when or where it is written: every zip entry carries the same timestamp
and permissions, the parts come in a fixed order, relationship ids are numbered as the document
uses them, and the document's dates are its publish date.  What the report was made from (kit,
format, the sha256 of its inputs) is in the file's properties, not on its pages: offices finish
and file the document, and the page is theirs.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from .. import __version__
from ..document import Document, Signature
from . import page
from .body import Links, body
from .ooxml import w, xml_bytes

#: Every entry's timestamp: the earliest a zip file can hold, since a real one would differ run to run.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"

#: (part, content type, relationship type from the document) of the fixed parts, in zip order.
_PARTS = (
    ("word/styles.xml", f"{_MAIN}.styles+xml", "styles"),
    ("word/settings.xml", f"{_MAIN}.settings+xml", "settings"),
    ("word/fontTable.xml", f"{_MAIN}.fontTable+xml", "fontTable"),
    ("word/footer1.xml", f"{_MAIN}.footer+xml", "footer"),
    ("word/footer2.xml", f"{_MAIN}.footer+xml", "footer"),
)


def _rel(rel_id: str, kind: str, target: str, *, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rel_id}" Type="{kind}" Target="{escape(target, {chr(34): "&quot;"})}"{mode}/>'


def _relationships(rels: list[str]) -> bytes:
    body = "".join(rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_RELS}">{body}</Relationships>').encode("utf-8")


def _content_types() -> bytes:
    overrides = [("/word/document.xml", f"{_MAIN}.document.main+xml"),
                 *((f"/{part}", kind) for part, kind, _ in _PARTS),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
    items = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{items}</Types>").encode("utf-8")


def _core(document: Document) -> bytes:
    sign = document.signature
    made = document.provenance
    description = "；".join([f"生成工具：{made.tool}", f"报告格式：{made.format}",
                             *(f"{s.label}：{s.name + ' ' if s.name else ''}sha256 {s.sha256 or '未提供'}" for s in made.sources)])
    # The publish date: a date of the report itself, the same whenever the file is written.
    when = f"{sign.date.isoformat()}T00:00:00Z" if isinstance(sign, Signature) else None
    dates = "" if when is None else (f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
                                     f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(document.title)}</dc:title>"
            "<dc:subject>政府信息公开工作年度报告</dc:subject>"
            f"<dc:creator>{escape(sign.body) if isinstance(sign, Signature) else ''}</dc:creator>"
            f"<cp:keywords>{escape(f'政府信息公开工作年度报告 {document.township} {document.year}')}</cp:keywords>"
            f"<dc:description>{escape(description)}</dc:description>"
            f"<cp:lastModifiedBy>xxgk {escape(__version__)}</cp:lastModifiedBy>"
            "<cp:revision>1</cp:revision>"
            "<dc:language>zh-CN</dc:language>"
            f"{dates}</cp:coreProperties>").encode("utf-8")


def _app() -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>xxgk {escape(__version__)}</Application><DocSecurity>0</DocSecurity>"
            "</Properties>").encode("utf-8")


def parts(document: Document) -> list[tuple[str, bytes]]:
    """Every part of the package, in zip order (content types first, as Word writes them)."""
    links = Links()
    ids = {part: f"rId{i}" for i, (part, _, _) in enumerate(_PARTS, start=1)}
    sect = page.section_properties(odd_footer=ids["word/footer1.xml"], even_footer=ids["word/footer2.xml"])
    document_xml = xml_bytes(w("document", body(document, links, sect)))
    doc_rels = [_rel(ids[part], f"{_OFFICE}/{kind}", part.removeprefix("word/")) for part, _, kind in _PARTS]
    doc_rels += [_rel(rel_id, f"{_OFFICE}/hyperlink", href, external=True) for href, rel_id in links.targets.items()]
    package_rels = [_rel("rId1", f"{_OFFICE}/officeDocument", "word/document.xml"),
                    _rel("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                         "docProps/core.xml"),
                    _rel("rId3", f"{_OFFICE}/extended-properties", "docProps/app.xml")]
    return [
        ("[Content_Types].xml", _content_types()),
        ("_rels/.rels", _relationships(package_rels)),
        ("docProps/core.xml", _core(document)),
        ("docProps/app.xml", _app()),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", _relationships(doc_rels)),
        ("word/styles.xml", xml_bytes(page.styles_xml())),
        ("word/settings.xml", xml_bytes(page.settings_xml())),
        ("word/fontTable.xml", xml_bytes(page.font_table_xml())),
        ("word/footer1.xml", xml_bytes(page.footer_xml(odd=True))),
        ("word/footer2.xml", xml_bytes(page.footer_xml(odd=False))),
    ]


def docx_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in parts(document):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is written
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()

