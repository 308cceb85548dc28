"""docs/access.md, written from the declaration and the route catalogue."""

from risingtide.access.core import SUBJECTS
from risingtide.access.policy import CAPABILITIES, PUBLIC_ROUTES, ROLES, SIGNED_IN, Reach, reaches
from risingtide.access.routes import catalogue

REACH_WORDS = {
    Reach.SELF: "self",
    Reach.GROUP: "own groups",
    Reach.SCHOOL: "own school(s)",
    Reach.LA: "own LA",
    Reach.NATION: "nation",
    Reach.PROVIDER: "own provider",
    Reach.CHILD: "own children",
    Reach.ANY: "yes",
}


def render() -> str:
    roles = list(ROLES)
    lines = [
        "# Who may do what",
        "",
        "Generated from the declaration each app registers (its `access.py`) and the URL",
        "configuration by `risingtide manage access_doc > docs/access.md`; a test fails when",
        "this file is stale.",
        "Do not edit it by hand.",
        "",
        "A cell says how far the role reaches from the places its memberships tie it to; an",
        "empty cell is *denied*. Objects out of reach answer **404** (no hint they exist); an",
        "action on an object the person may see but not change answers **403**.",
        "A capability marked **(fresh)** also needs a recent check of the person's identity",
        "(a second factor, or their password): see docs/two-factor.md.",
        "",
        "## Capabilities",
        "",
        "| capability | acts on | what it allows | " + " | ".join(ROLES[r] for r in roles) + " |",
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
            f"| `{cap.name}`{' (fresh)' if cap.fresh else ''} | {cap.subject or 'the site'} | "
            f"{cap.summary} | " + " | ".join(cells) + " |"
        )
    lines += _subjects()
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


LEVEL_WORDS = {
    Reach.SELF: "the person",
    Reach.GROUP: "own groups",
    Reach.SCHOOL: "own school(s)",
    Reach.LA: "own LA",
    Reach.NATION: "nation",
    Reach.PROVIDER: "own provider",
    Reach.CHILD: "own children",
}


def _subjects() -> list[str]:
    """How each kind of object reaches people, level by level, with every condition in words:
    what a reach in the table above means for that subject."""
    lines = [
        "",
        "## Subjects",
        "",
        "How an object of each kind is reached from the places a person is tied to. A role",
        "whose reach has no line here for the subject reaches nothing of it.",
        "",
        "| subject | objects | level | reached when |",
        "|---|---|---|---|",
    ]
    for name, subject in SUBJECTS.items():
        label = f"`{subject.model._meta.label}`"
        if subject.base_words:
            label += f": {subject.base_words}"
        for level, path in subject.paths.items():
            lines.append(f"| `{name}` | {label} | {LEVEL_WORDS[level]} | {path.words} |")
            label = "″"  # ditto: the objects are named once per subject
    return lines
