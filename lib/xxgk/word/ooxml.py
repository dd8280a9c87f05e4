"""WordprocessingML elements with lxml: ``w("p", w("pPr", ...), ...)``.

Keyword arguments are ``w:`` attributes (``val=``, ``eastAsia=``), but ``r_id`` is ``r:id`` and
``xml_space`` is ``xml:space``; ``text=`` is the element's text.  Children that are None are
left out, so optional properties can be written inline.  Callers put children in schema order.
"""

from __future__ import annotations

import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"w": W, "r": R}

#: Characters XML 1.0 cannot hold; an input never should have them, and lxml refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Element = etree._Element


def _name(key: str) -> str:
    if key == "r_id":
        return f"{{{R}}}id"
    if key == "xml_space":
        return f"{{{XML}}}space"
    return f"{{{W}}}{key}"


def w(tag: str, *children: Element | None, text: str | None = None, **attrs: object) -> Element:
    el = etree.Element(f"{{{W}}}{tag}", nsmap=NSMAP)
    for key, value in attrs.items():
        if value is not None:
            el.set(_name(key), str(value))
    if text is not None:
        el.text = clean(text)
    for child in children:
        if child is not None:
            el.append(child)
    return el


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def xml_bytes(root: Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
