"""Reading a SCORM package's ``imsmanifest.xml``: which standard it follows, its title, and the
file that launches it. Hostile XML is refused, not read: no DTD, no entities, no external
references (defusedxml), and nothing that looks like script anywhere in the manifest."""

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.core.exceptions import ValidationError

MAX_MANIFEST_BYTES = 2 * 1024 * 1024
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# Values a browser would run (a launch link, a parameter) and markup that would run if a page
# showed the manifest's text unescaped: none belongs in a manifest.
_SCRIPT_TAG = re.compile(r"<\s*script", re.IGNORECASE)
_SCRIPT_LINK = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Manifest:
    standard: str  # "1.2" or "2004"
    title: str
    identifier: str
    launch: str  # the file in the package, as named in the ZIP
    parameters: str  # the item's launch parameters ("?a=b"), or ""


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _refuse(why: str, code: str):
    raise ValidationError(why, code=code)


def parse(raw: bytes) -> Manifest:
    """The manifest's sense, or a ``ValidationError`` (with a ``code``) saying what is wrong."""
    if len(raw) > MAX_MANIFEST_BYTES:
        _refuse("imsmanifest.xml is too large (at most 2 MB).", "manifest_too_large")
    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        _refuse(
            "imsmanifest.xml declares a DTD or entities, which we do not read.", "manifest_entities"
        )
    except (ParseError, ValueError):
        _refuse("imsmanifest.xml is not well-formed XML.", "manifest_unreadable")
    _refuse_script(root)
    if _local(root.tag) != "manifest":
        _refuse("imsmanifest.xml is not an IMS content package manifest.", "manifest_unreadable")
    standard = _standard(root)
    launch, parameters, title = _launch(root)
    return Manifest(standard, title, (root.get("identifier") or "")[:200], launch, parameters)


def _refuse_script(root) -> None:
    for element in root.iter():
        if _local(element.tag).lower() == "script":
            _refuse("imsmanifest.xml contains a script element.", "manifest_script")
        texts = [element.text or "", element.tail or "", *element.attrib.values()]
        links = element.attrib.values()  # a title may begin "Data: …"; a link may not
        if any(_SCRIPT_TAG.search(t) for t in texts) or any(_SCRIPT_LINK.match(v) for v in links):
            _refuse(
                "imsmanifest.xml contains script (a javascript: link or <script>).",
                "manifest_script",
            )


def _standard(root) -> str:
    """SCORM 1.2 or 2004, from the schema version the manifest names, or else from the ADL
    namespace its resources use."""
    for element in root.iter():
        if _local(element.tag) == "schemaversion" and element.text:
            said = element.text.strip().lower()
            if said == "1.2":
                return "1.2"
            if "2004" in said or "1.3" in said:
                return "2004"
    for element in root.iter():
        for name in element.attrib:
            if name.startswith("{http://www.adlnet.org/xsd/adlcp_rootv1p2}"):
                return "1.2"
            if name.startswith("{http://www.adlnet.org/xsd/adlcp_v1p3}"):
                return "2004"
    _refuse("This is not a SCORM 1.2 or SCORM 2004 package.", "not_scorm")


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _title(element) -> str:
    found = _children(element, "title")
    return " ".join((found[0].text or "").split())[:200] if found else ""


def _launch(root) -> tuple[str, str, str]:
    """The first item of the default organisation that names a resource: that resource's file
    (with any xml:base before it), the item's parameters, and the organisation's title."""
    organizations = _children(root, "organizations")
    resources = _children(root, "resources")
    if not organizations or not resources:
        _refuse("imsmanifest.xml has no organisation or no resources.", "no_launch")
    all_orgs = _children(organizations[0], "organization")
    default = organizations[0].get("default")
    chosen = next((o for o in all_orgs if o.get("identifier") == default), None)
    organization = chosen if chosen is not None else (all_orgs[0] if all_orgs else None)
    if organization is None:
        _refuse("imsmanifest.xml has no organisation.", "no_launch")
    by_id = {r.get("identifier"): r for r in _children(resources[0], "resource")}
    item = next(
        (i for i in organization.iter() if _local(i.tag) == "item" and i.get("identifierref")), None
    )
    resource = by_id.get(item.get("identifierref")) if item is not None else None
    if resource is None or not resource.get("href"):
        _refuse("imsmanifest.xml names no resource to launch.", "no_launch")
    base = "".join(e.get(XML_BASE) or "" for e in (root, resources[0], resource))
    href = resource.get("href").strip()
    launch, _, query = (base + href).partition("?")
    launch = unquote(launch.split("#", 1)[0])
    if (
        _SCHEME.match(launch)
        or launch.startswith(("/", "\\"))
        or "\\" in launch
        or ".." in launch.split("/")
    ):
        _refuse(f"The launch file {launch!r} is not a file inside the package.", "no_launch")
    launch = posixpath.normpath(launch)
    parameters = (item.get("parameters") or "").strip()
    if query:
        parameters = "?" + query + ("&" + parameters.lstrip("?&") if parameters else "")
    elif parameters and not parameters.startswith(("?", "#")):
        parameters = "?" + parameters
    if len(parameters) > 500 or not re.fullmatch(r"[A-Za-z0-9?#&=%._~+,;:@/-]*", parameters):
        _refuse(
            "The launch parameters in imsmanifest.xml are not plain URL parameters.", "no_launch"
        )
    return launch, parameters, _title(organization) or _title(item)
