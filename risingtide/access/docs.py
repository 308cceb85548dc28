"""docs/access.md, written from the declaration and the route catalogue."""

from risingtide.access.policy import CAPABILITIES, PUBLIC_ROUTES, SIGNED_IN, Reach, reaches
from risingtide.access.routes import catalogue
from risingtide.people.models import Role

REACH_WORDS = {
    Reach.SELF: "self",
    Reach.GROUP: "own groups",
    Reach.SCHOOL: "own school(s)",
    Reach.LA: "own LA",
    Reach.NATION: "nation",
    Reach.PROVIDER: "own provider",
    Reach.ANY: "yes",
}


def render() -> str:
    roles = list(Role)
    lines = [
        "# Who may do what",
        "",
        "Generated from `risingtide/access/policy.py` and the URL configuration by",
        "`risingtide manage access_doc > docs/access.md`; a test fails when this file is stale.",
        "Do not edit it by hand.",
        "",
        "A cell says how far the role reaches from the places its memberships tie it to; an",
        "empty cell is *denied*. Objects out of reach answer **404** (no hint they exist); an",
        "action on an object the person may see but not change answers **403**.",
        "",
        "## Capabilities",
        "",
        "| capability | acts on | what it allows | " + " | ".join(r.label for r in roles) + " |",
        "|---|---|---|" + "---|" * len(roles),
    ]
    for cap in CAPABILITIES.values():
        if SIGNED_IN in cap.grants:
            cells = ["yes (anyone signed in)"] * len(roles)
        else:
            cells = [
                " + ".join(REACH_WORDS[reach] for reach in reaches(cap.grants[r]))
                if r in cap.grants
                else ""
                for r in roles
            ]
        lines.append(
            f"| `{cap.name}` | {cap.subject or 'the site'} | {cap.summary} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "## Routes",
        "",
        "Every URL and API operation, and the capability that guards it. Signed-out visitors",
        "are sent to sign in (pages) or answered 401 (API).",
        "",
        "| route | name | methods | guarded by |",
        "|---|---|---|---|",
    ]
    admin_count = 0
    for route in catalogue():
        if route.name.startswith("admin:"):
            admin_count += 1
            continue
        guard = (
            "public"
            if route.name in PUBLIC_ROUTES
            else f"`{route.rule.capability}`"
            + (f" on `{route.rule.kwarg}`" if route.rule and route.rule.kwarg else "")
            if route.rule
            else "**no rule**"
        )
        methods = ", ".join(route.methods) or "page"
        lines.append(f"| `{route.path}` | `{route.name}` | {methods} | {guard} |")
    lines += [
        f"| `/admin/…` ({admin_count} routes) | `admin:*` | page | `site.admin` "
        "(through `AdminSite.has_permission`) |",
        "",
    ]
    return "\n".join(lines)
