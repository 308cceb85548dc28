"""Role-aware navigation, from the memberships ``access`` has already read for this request.

The top bar holds at most six things (Home, up to four of what the person does, and More), so
it never wraps: each role names what belongs on its bar (``BAR``), in order, and everything
else the person may reach goes under More, in the catalogue's order. A person with several roles
gets the bar of their widest role first (national, LA, head, coordinator, teacher, pupil, …),
then the others' items as room allows. A place held more than once (a cluster coordinator's
schools, a teacher's classes) becomes a menu of those places under the same word.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.core.cache import cache
from django.urls import reverse

from risingtide.access.core import anchors as anchors_of
from risingtide.access.core import can, roles
from risingtide.people.models import Role, User
from risingtide.schools.models import LocalAuthority, Nation, Provider, School, TeachingGroup

# As long as the cached memberships (``people.access.cached_anchors``) they are made from.
NAV_SECONDS = 3600
# Home, four of the person's own, More: six in all, which fit one row at 1280 px.
TOP_LEVEL = 6


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    # A URL answering the count shown beside the label, loaded after the page (htmx).
    badge: str = ""
    # Said to screen readers after the label, where the menu it sits in gave it its sense
    # ("Insights" › "Peer School" reads "Peer School: Insights").
    context: str = ""
    is_menu: ClassVar[bool] = False


@dataclass(frozen=True)
class Menu:
    label: str
    key: str  # names the menu in the page (ids, tests)
    # Links; under More, also the menus that did not fit the bar, each shown as a group.
    children: tuple["Link | Menu", ...]
    is_menu: ClassVar[bool] = True

    def links(self):
        for child in self.children:
            yield from child.links() if child.is_menu else (child,)


@dataclass(frozen=True)
class Navigation:
    bar: tuple[Link | Menu, ...]
    account: tuple[Link, ...]  # under the person's name, before Sign out

    def links(self):
        """Every link, top level and in menus, with the index of the top-level item it is in."""
        for index, item in enumerate(self.bar):
            for link in item.links() if item.is_menu else (item,):
                yield index, link


NO_NAVIGATION = Navigation(bar=(), account=())

# The widest role first: its bar comes first for a person with several roles.
RANK = [
    Role.NATIONAL_OFFICER,
    Role.LA_LEAD,
    Role.HEAD,
    Role.LEADING_TEACHER,
    Role.TEACHER,
    Role.PUPIL,
    Role.PROVIDER_STAFF,
    Role.CARER,
    Role.SITE_ADMIN,
]
_SCHOOL_BAR = ("school", "register", "insights", "standards")
BAR = {
    Role.NATIONAL_OFFICER: ("nation", "nation_insights", "nation_standards", "contracts"),
    Role.LA_LEAD: ("la", "la_insights", "la_standards"),
    Role.HEAD: _SCHOOL_BAR,
    Role.LEADING_TEACHER: _SCHOOL_BAR,
    Role.TEACHER: ("classes", "projects", "feedback", "library"),
    Role.PUPIL: ("opportunities", "my_plan", "about_me", "feedback", "progress"),
    Role.PROVIDER_STAFF: ("our_services", "profile", "provider"),
    Role.SITE_ADMIN: ("admin", "frameworks", "lti_platforms", "security"),
    Role.CARER: ("children", "join_another"),
}


def menu_of(user) -> Navigation:
    """The person's menu, kept under their access version like the memberships it follows
    from: a changed membership moves it on. ("bar:", not the flat list's old "nav:", so a
    shared cache never hands back the old shape.)"""
    key = f"bar:{user.pk}:{user.access_version}:{int(user.is_superuser)}{int(user.is_staff)}"
    found = cache.get(key)
    if found is None:
        found = build(user)
        cache.set(key, found, NAV_SECONDS)
    return found


def section(nav: Navigation, path: str) -> int | None:
    """The top-level item holding the page: the link whose address is the longest start of the
    path (Home only on itself), so the bar shows where the person is on every page below."""
    best, length = None, 0
    for index, link in nav.links():
        href = link.href.split("#")[0]
        fits = path == href if href == "/" else path.startswith(href)
        if fits and len(href) > length:
            best, length = index, len(href)
    return best


def build(user) -> Navigation:
    """The person's bar and account menu (a few queries for places' names, then cached)."""
    held = roles(user)
    items = _items(user, held)
    wanted: list[str] = []
    for role in RANK:
        if role in held:
            wanted += [k for k in BAR[role] if k in items and k not in wanted]
    rest = [k for k in items if k not in wanted]
    room = TOP_LEVEL - 1  # after Home
    if len(wanted) <= room and not rest:
        top, more = wanted, []
    else:
        top, more = wanted[: room - 1], wanted[room - 1 :] + rest
    bar: list[Link | Menu] = [Link("Home", reverse("home:home"))]
    bar += [items[k] for k in top]
    if more:
        bar.append(Menu("More", "more", tuple(items[k] for k in more)))
    account = [Link("Password", reverse("people:password_change"))]
    if can(user, "family.shown"):  # a pupil: what their parents or carers were shown
        account.append(Link("What my family sees", reverse("families:what_family_sees")))
    if can(user, "site.api_tokens"):
        account.append(Link("API tokens", reverse("api:api_tokens")))
    if can(user, "twofactor.own"):  # staff: their second factors (docs/two-factor.md)
        account.append(Link("Two-factor sign-in", reverse("twofactor:account")))
    return Navigation(bar=tuple(bar), account=tuple(account))


def _items(user, held: set[str]) -> dict[str, Link | Menu]:
    """Everything the person may reach from the bar, by key, in the catalogue's order (the
    order of More)."""
    anchors = anchors_of(user)

    def schools_of(*role_list):
        found: set[int] = set()
        for role in role_list:
            if role in anchors:
                found |= anchors[role].schools
        return found

    staff_schools = schools_of(Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD)
    coordinating = schools_of(Role.LEADING_TEACHER, Role.HEAD)
    las = anchors[Role.LA_LEAD].las if Role.LA_LEAD in held else set()
    nations = anchors[Role.NATIONAL_OFFICER].nations if Role.NATIONAL_OFFICER in held else set()
    providers = anchors[Role.PROVIDER_STAFF].providers if Role.PROVIDER_STAFF in held else set()
    names = _Names(staff_schools if len(staff_schools) > 1 else set(), las, nations)

    items: dict[str, Link | Menu] = {}

    def per_place(key, label, route, ids, place_names, plural=None):
        """One link for one place; a menu of places, each by name, for several."""
        if not ids:
            return
        if len(ids) == 1:
            items[key] = Link(label, reverse(route, args=[next(iter(ids))]))
            return
        children = sorted(
            (Link(place_names[pk], reverse(route, args=[pk]), context=label) for pk in ids),
            key=lambda link: link.label,
        )
        items[key] = Menu(plural or label, key, tuple(children))

    per_place("school", "My school", "home:school", staff_schools, names.schools, "My schools")
    if Role.TEACHER in held and anchors[Role.TEACHER].groups:
        items["classes"] = Menu("My classes", "classes", _classes(anchors[Role.TEACHER].groups))
    per_place("register", "G&T register", "register:register", coordinating, names.schools)
    per_place("insights", "Insights", "insights:insights_school", staff_schools, names.schools)
    per_place(
        "standards", "Quality standards", "standards:standards_school", staff_schools, names.schools
    )
    if can(user, "project.create"):
        items["projects"] = Link("Projects", reverse("tasc:projects"))
    if can(user, "feedback.inbox"):
        # The count of what waits is loaded after the page (htmx), so no page waits for it.
        items["feedback"] = Link(
            "Feedback", reverse("feedback:feedback_inbox"), reverse("feedback:feedback_badge")
        )
    if can(user, "library.browse"):
        items["library"] = Link("Library", reverse("library:search"))
    # Those trained, and those who oversee it (the LA lead and national officer reach their
    # coverage pages from the training home).
    if held & {Role.LEADING_TEACHER, Role.LA_LEAD, Role.NATIONAL_OFFICER}:
        items["training"] = Link("Training", reverse("training:home"))
    if can(user, "training.write"):  # national officers and LA leads write it
        items["write_training"] = Link("Write training", reverse("training:write_home"))
    if can(user, "classroom.start"):
        items["classroom"] = Link("My classroom (CQS)", reverse("standards:classroom_list"))
    if Role.PUPIL in held:
        items["progress"] = Link("My progress", reverse("feedback:progress_record", args=[user.pk]))
        # The menu of their school's opportunities (with the marketplace services the school
        # shows them), their plan and their profile in their own words.
        items["opportunities"] = Link("Opportunities", reverse("opportunities:menu"))
        items["my_plan"] = Link("My plan", reverse("learning_plans:my_plan"))
        items["about_me"] = Link("About me", reverse("learners:my_profile"))
    if can(user, "badges.mine"):  # issue 20: a pupil's TASC badges (a carer's: their child's)
        items["badges"] = Link(
            "My badges" if Role.PUPIL in held else "Badges", reverse("badges:mine")
        )
    # Personalised provision (issue 19): the school's map, the requests staff answer, the
    # entitlement; a learning guide's caseload.
    per_place("provision_map", "Provision map", "opportunities:map", coordinating, names.schools)
    per_place(
        "requests", "Requests to take part", "opportunities:requests", staff_schools, names.schools
    )
    per_place(
        "entitlement", "Entitlement", "opportunities:entitlement", coordinating, names.schools
    )
    if staff_schools:
        items["caseload"] = Link("My caseload", reverse("learning_plans:caseload"))
    per_place("la", "My LA", "home:local_authority", las, names.las, "My LAs")
    per_place("la_insights", "LA insights", "insights:insights_la", las, names.las)
    per_place("la_standards", "LA standards", "standards:standards_la", las, names.las)
    per_place("nation", "Nation", "home:nation", nations, names.nations)
    per_place(
        "nation_insights", "National insights", "insights:insights_nation", nations, names.nations
    )
    per_place(
        "nation_standards",
        "Standards indicator",
        "standards:standards_nation",
        nations,
        names.nations,
    )
    if providers:
        provider_names = (
            dict(Provider.objects.filter(pk__in=providers).values_list("pk", "name"))
            if len(providers) > 1
            else {}
        )
        per_place(
            "provider",
            "My organisation",
            "home:provider",
            providers,
            provider_names,
            "My organisations",
        )
    if can(user, "service.browse"):
        items["services"] = Link("Services", reverse("provision:catalogue"))
    per_place("bookings", "Bookings", "provision:school_bookings", coordinating, names.schools)
    # issue 20: rostering. The school's (or the LA's) OneRoster import and export.
    per_place("roster", "Roster import", "rostering:school_imports", coordinating, names.schools)
    per_place("la_roster", "LA roster import", "rostering:la_imports", las, names.las)
    if can(user, "rating.give"):
        items["ratings"] = Link("Rate sessions", reverse("provision:ratings"))
    if can(user, "contract.manage"):
        items["contracts"] = Link("Contracts", reverse("provision:contracts"))
    if providers:
        per_place(
            "profile",
            "Our profile",
            "provision:provider_profile",
            providers,
            dict(Provider.objects.filter(pk__in=providers).values_list("pk", "name"))
            if len(providers) > 1
            else {},
        )
        per_place(
            "our_services",
            "Our services and bookings",
            "provision:provider",
            providers,
            dict(Provider.objects.filter(pk__in=providers).values_list("pk", "name"))
            if len(providers) > 1
            else {},
        )
    if can(user, "account.list"):
        items["credits"] = Link("E-credits", reverse("credits:accounts"))
    # The marketplace's reports and redemptions, under More: weekly work, not daily.
    per_place(
        "spend_nation", "Marketplace spend", "provision:report_nation", nations, names.nations
    )
    per_place("spend_la", "Marketplace spend", "provision:report_la", las, names.las)
    per_place(
        "spend_school", "Marketplace spend", "provision:report_school", coordinating, names.schools
    )
    per_place("redemptions", "Redemptions", "credits:redemption_queue", nations, names.nations)
    per_place("la_entitlement", "Entitlement", "opportunities:entitlement_la", las, names.las)
    per_place(
        "nation_entitlement",
        "Entitlement",
        "opportunities:entitlement_nation",
        nations,
        names.nations,
    )
    if providers:
        per_place(
            "provider_redemptions",
            "Redemptions",
            "credits:provider_redemptions",
            providers,
            dict(Provider.objects.filter(pk__in=providers).values_list("pk", "name"))
            if len(providers) > 1
            else {},
        )
    if Role.CARER in held and anchors[Role.CARER].children:
        # A carer's children, each by first name (a menu when there are several).
        children = anchors[Role.CARER].children
        per_place(
            "children",
            "My child",
            "families:child",
            children,
            dict(User.objects.filter(pk__in=children).values_list("pk", "first_name"))
            if len(children) > 1
            else {},
            "My children",
        )
        items["join_another"] = Link("Add a child", reverse("families:join"))
    # Single sign-on (issue 20): a school's or an LA's connections to its identity provider.
    per_place("sign_in", "Sign-in providers", "sso:school_connections", coordinating, names.schools)
    per_place("la_sign_in", "Sign-in providers", "sso:la_connections", las, names.las)
    if can(user, "framework.manage"):
        items["frameworks"] = Link("Frameworks", reverse("standards:frameworks"))
    if can(user, "site.admin"):
        items["admin"] = Link("Admin", reverse("admin:index"))
    if can(user, "lti.platforms"):  # issue 20: platforms that launch Rising Tide (LTI 1.3)
        items["lti_platforms"] = Link("Learning platforms", reverse("lti:platforms"))
    if can(user, "security.overview"):  # issue 21: deploy checks, 2FA, backups, sign-ins
        items["security"] = Link("Security", reverse("security:overview"))
    return items


class _Names:
    """Names of the places a person holds more than one of (one query per kind, only then)."""

    def __init__(self, schools: set[int], las: set[int], nations: set[int]):
        self.schools = _names(School, schools)
        self.las = _names(LocalAuthority, las if len(las) > 1 else set())
        self.nations = _names(Nation, nations if len(nations) > 1 else set())


def _names(model, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def _classes(ids: set[int]) -> tuple[Link, ...]:
    """A teacher's classes, this year's first; the year is named when they span several."""
    groups = list(
        TeachingGroup.objects.filter(pk__in=ids).order_by("-academic_year", "year_group", "name")
    )
    years = {g.academic_year for g in groups}
    return tuple(
        Link(
            f"{g.name} ({g.academic_year_label})" if len(years) > 1 else g.name,
            reverse("home:teaching_group", args=[g.pk]),
        )
        for g in groups
    )
