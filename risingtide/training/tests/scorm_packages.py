"""Small SCORM packages built in code for the tests: a SCORM 1.2 and a SCORM 2004 package, each
one page whose script (a file of its own, as our pages' are) finds the runtime as its parent's
``API`` / ``API_1484_11``, says whether it resumed (and with what suspend data), and has two
buttons: "Go to page 2" (keeps a place and suspend data, commits, exits with suspend) and
"Finish" (passes with a score, commits, finishes)."""

import io
import zipfile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="rt-test-12" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item1" identifierref="res1"><title>{title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="{launch}">
      <file href="{launch}"/><file href="sco.js"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="rt-test-2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item1" identifierref="res1"><title>{title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="{launch}">
      <file href="{launch}"/><file href="sco.js"/>
    </resource>
  </resources>
</manifest>
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script src="sco.js" defer></script></head>
<body><h1>{title}</h1><p id="out">Starting…</p>
<button id="page2" type="button">Go to page 2</button>
<button id="finish" type="button">Finish</button></body></html>
"""

SCRIPT_12 = """(function () {
  var api = window.parent.API, out = document.getElementById("out");
  api.LMSInitialize("");
  var saved = api.LMSGetValue("cmi.suspend_data");
  out.textContent = saved ? "Resumed at " + api.LMSGetValue("cmi.core.lesson_location")
    + " with " + saved : "First visit";
  document.getElementById("page2").addEventListener("click", function () {
    api.LMSSetValue("cmi.core.lesson_location", "page-2");
    api.LMSSetValue("cmi.suspend_data", "seen=1,2");
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
    api.LMSSetValue("cmi.core.exit", "suspend");
    api.LMSSetValue("cmi.core.session_time", "0000:02:00.00");
    api.LMSCommit("");
    out.textContent = "On page 2";
  });
  document.getElementById("finish").addEventListener("click", function () {
    api.LMSSetValue("cmi.core.score.raw", "90");
    api.LMSSetValue("cmi.core.lesson_status", "passed");
    api.LMSSetValue("cmi.core.session_time", "0000:03:30.00");
    api.LMSCommit("");
    api.LMSFinish("");
    out.textContent = "Finished";
  });
})();
"""

SCRIPT_2004 = """(function () {
  var api = window.parent.API_1484_11, out = document.getElementById("out");
  api.Initialize("");
  var saved = api.GetValue("cmi.suspend_data");
  out.textContent = saved ? "Resumed at " + api.GetValue("cmi.location") + " with " + saved
    : "First visit";
  document.getElementById("page2").addEventListener("click", function () {
    api.SetValue("cmi.location", "page-2");
    api.SetValue("cmi.suspend_data", "seen=1,2");
    api.SetValue("cmi.completion_status", "incomplete");
    api.SetValue("cmi.exit", "suspend");
    api.SetValue("cmi.session_time", "PT2M");
    api.Commit("");
    out.textContent = "On page 2";
  });
  document.getElementById("finish").addEventListener("click", function () {
    api.SetValue("cmi.score.scaled", "0.9");
    api.SetValue("cmi.completion_status", "completed");
    api.SetValue("cmi.success_status", "passed");
    api.SetValue("cmi.session_time", "PT3M30S");
    api.Commit("");
    api.Terminate("");
    out.textContent = "Finished";
  });
})();
"""


def build(entries: dict[str, bytes | str], *, symlinks: dict[str, str] | None = None) -> bytes:
    """A ZIP of ``entries`` (name → content, names as given: nothing cleaned), with
    ``symlinks`` (name → target) as Unix symbolic links."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (0o120777) << 16
            archive.writestr(info, target)
    return out.getvalue()


def files(standard: str = "1.2", title: str = "Spotting the more able", launch: str = "index.html"):
    """The entries of a good package of ``standard``."""
    manifest = MANIFEST_12 if standard == "1.2" else MANIFEST_2004
    return {
        "imsmanifest.xml": manifest.format(title=title, launch=launch),
        launch: PAGE.format(title=title),
        "sco.js": SCRIPT_12 if standard == "1.2" else SCRIPT_2004,
    }


def package(standard: str = "1.2", **kwargs) -> bytes:
    return build(files(standard, **kwargs))
