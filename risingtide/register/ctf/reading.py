"""Reading a CTF: tolerantly (wherever each version and supplier puts an element), strictly
(every value we use is checked) and safely (no DTDs, no entities, a size limit).

``read_ctf`` returns the header and a ``rows.PupilRow`` per usable pupil, with a
``rows.RowError`` for each problem of each pupil that cannot be used. It writes nothing: the
import's preview and confirmation use what it returns. This module parses the file and reads
its header; ``tokens`` flattens the pupils and ``pupils`` checks them.
"""

import itertools
import re
from dataclasses import dataclass, field

from django.utils import timezone
from lxml import etree

from risingtide.register.ctf.pupils import PupilReader
from risingtide.register.ctf.tokens import SEPARATOR_CHOICES, first_text, transform
from risingtide.register.rows import PupilRow, RowError

MAX_BYTES = 200 * 1024 * 1024


class CtfRefused(ValueError):
    """The whole file cannot be read (not XML, hostile, not a CTF)."""


@dataclass
class CtfFile:
    version: str
    document_date: str
    source_la: str
    source_estab: str
    source_urn: str
    source_name: str
    dest_la: str = ""
    dest_estab: str = ""
    pupils: list[PupilRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


_WITHOUT_NAMESPACES = etree.XSLT(
    etree.fromstring(
        b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        b'<xsl:template match="*"><xsl:element name="{local-name()}">'
        b"<xsl:apply-templates/></xsl:element></xsl:template></xsl:stylesheet>"
    )
)


_NAMESPACED = etree.XPath("boolean(descendant-or-self::*[namespace-uri()])")


def _uses_namespaces(data: bytes, root) -> bool:
    """Whether any element is in a namespace. Most files never say ``xmlns`` (a search of the
    bytes); some declare one only for attributes (``xmlns:xsi``), which the tree then shows."""
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        marker = "xmlns".encode(encoding)
    except LookupError:
        marker = b""
    return (marker != b"xmlns" or marker in data) and _NAMESPACED(root)


# Searched in place: a 64 KB copy freed just before the parse makes the allocator hand memory
# back to the system, and the parse then pays to fault it in again.
_DECLARATION = re.compile(rb"<!(?i:DOCTYPE|ENTITY)")


def _parse(data: bytes):
    if len(data) > MAX_BYTES:
        raise CtfRefused("The file is larger than 200 MB.")
    prolog = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    # A CTF has no document type: refusing any DTD refuses external entities and entity
    # expansion bombs before the parser sees them.
    if _DECLARATION.search(data, 0, 65536):
        raise CtfRefused("The file declares a document type or entities; a CTF never does.")
    if not prolog.startswith(b"<"):
        raise CtfRefused("This is not an XML file.")
    # Whitespace between elements is left out: no value is blank space, and a pretty-printed
    # file then parses faster and has half the nodes to read.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, remove_blank_text=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise CtfRefused(f"The XML is malformed: {exc}") from None
    # The byte check above is quick but sees only the file's start; the parsed tree tells the
    # truth (a DTD after a long comment, or in UTF-16). lxml expanded nothing either way.
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise CtfRefused("The file declares a document type or entities; a CTF never does.")
    if _uses_namespaces(data, root):
        # We read elements by their local names, whatever namespace a supplier puts them in.
        root = _WITHOUT_NAMESPACES(root).getroot()
    return root


def _child(element, name: str):
    return None if element is None else element.find(name)


def _text(element, *names: str) -> str:
    """The first non-blank text among the element's children with these names."""
    if element is None:
        return ""
    texts: dict[str, list[str]] = {}
    for child in element:
        texts.setdefault(child.tag, []).append(child.text or "")
    return first_text(texts, *names) or ""


def read_ctf(data: bytes) -> CtfFile:
    """The CTF's header and pupils. A pupil with any problem is left out of ``pupils`` and has
    a ``RowError`` for each problem (row: the pupil's place in the file, from 1; field: the
    CTF element). Raises ``CtfRefused`` for a file that cannot be read at all."""
    root = _parse(data)
    if root.tag != "CTfile":
        raise CtfRefused(f"The root element is {root.tag!r}; a CTF's is 'CTfile'.")
    header = _child(root, "Header")
    source, dest = _child(header, "SourceSchool"), _child(header, "DestSchool")
    ctf = CtfFile(
        version=_text(header, "CTFversion", "Version"),
        document_date=_text(header, "DateTime", "DocumentDate"),
        source_la=_text(source, "LEA", "LA"),
        source_estab=_text(source, "Estab"),
        source_urn=_text(source, "URN"),
        source_name=_text(source, "SchoolName"),
        dest_la=_text(dest, "LEA", "LA"),
        dest_estab=_text(dest, "Estab"),
    )
    text = etree.tostring(root, method="text", encoding="unicode")
    separators = tuple(itertools.islice((c for c in SEPARATOR_CHOICES if c not in text), 4))
    if len(separators) < 4:
        raise CtfRefused("The file's text uses the Unicode non-characters U+FDD0 to U+FDEF.")
    output = str(transform(separators)(root))
    reader = PupilReader(separators, timezone.localdate())
    ctf.pupils = reader.check(reader.raw_fields(output), ctf.errors)
    return ctf
