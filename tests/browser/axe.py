"""The accessibility check: axe-core, run in the page against WCAG 2.2 AA.

axe is evaluated through the DevTools protocol rather than added as a script tag, so the page
keeps its Content-Security-Policy (no inline script) while it is checked.
"""

from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _describe(violation: dict) -> str:
    lines = [
        f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
        f"{violation['help']}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"][:10]:
        target = " ".join(str(part) for part in node["target"])
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    at {target}: {summary}")
    if len(violation["nodes"]) > 10:
        lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page: Page, *, frames: bool = True) -> None:
    """Fail with a readable list of every WCAG 2.2 AA violation axe finds on the page (and in
    its frames; ``frames=False`` for a page framing another origin's content, such as a SCORM
    package, which is not ours to fix and where axe cannot run)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        """([tags, iframes]) => axe
            .run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
                            iframes})
            .then(results => results.violations)""",
        [WCAG_TAGS, frames],
    )
    if violations:
        raise AssertionError(
            f"axe found {len(violations)} accessibility problem(s) on {page.url}:\n"
            + "\n".join(_describe(v) for v in violations)
        )
