"""The demo's numbers agree on every page that shows them.

The demo is loaded, then every page that shows how many pupils a school, an LA or the nation
has, or how many are on the G&T register, is read through the test client as the person who
would open it, and each figure is taken from the page's context (the number the template
prints). Every reading of the same figure must be the same number:

- pupils: the home pages of each school's head and G&T lead, of the LA leads and of the
  national officer, and the school, LA and nation pages, count *pupil accounts*; the register
  and its pupil list count *pupil records on roll*; the insights pages (school, LA, the
  national dashboard) count this year's census, taken from the records on roll. In the demo
  every pupil on roll has an account, as in a school that gave each pupil a sign-in, so all
  of them must agree;
- on the register: the register page's *identified* and the insights pages' *on the
  register* (this year's census of current identified entries).
"""

from collections import defaultdict

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import LocalAuthority, Nation, School

pytestmark = pytest.mark.django_db


class Readings:
    """Every figure read, by (level, name, measure), with the page it was read from."""

    def __init__(self):
        self.seen: dict[tuple[str, str, str], list[tuple[str, object]]] = defaultdict(list)

    def add(self, level: str, name: str, measure: str, page: str, value) -> None:
        figure = getattr(value, "value", value)  # an insights Figure: None when suppressed
        self.seen[(level, name, measure)].append((page, figure))

    def disagreements(self) -> list[str]:
        out = []
        for key, found in sorted(self.seen.items()):
            if len({value for _page, value in found}) != 1:
                lines = "\n".join(f"    {value!s:>6}  {page}" for page, value in found)
                out.append(f"{' / '.join(key)}:\n{lines}")
        return out


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, url: str):
    response = client.get(url, secure=True)
    assert response.status_code == 200, url
    return response.context


def _home(client: Client):
    """The home page's context as built afresh: a kept page (decision 0015) has no panels'
    data in its context, only their HTML."""
    cache.clear()
    return _get(client, reverse("home:home"))


def _panel(context, role: str) -> dict:
    return next(p for p in context["panels"] if p["role"] == role)


def _staff(school: School, role: str) -> User:
    return (
        Membership.objects.filter(role=role, school=school, teaching_group__isnull=True)
        .select_related("user")
        .first()
        .user
    )


def _leader(school: School) -> User:
    """The school's G&T lead: its own leading teacher, else its cluster's."""
    found = Membership.objects.filter(role=Role.LEADING_TEACHER, school=school).first()
    if found is None:
        found = Membership.objects.filter(role=Role.LEADING_TEACHER, cluster=school.cluster_id)[0]
    return found.user


def _read_school_pages(r: Readings, school: School) -> None:
    head, lead = _client(_staff(school, Role.HEAD)), _client(_leader(school))
    for who, client, role in (("head", head, Role.HEAD), ("lead", lead, Role.LEADING_TEACHER)):
        panel = _panel(_home(client), role)
        for s in panel["schools"]:
            r.add("school", s.name, "pupils", f"home of the {who} of {school.name}", s.pupil_count)
    page = _get(head, reverse("home:school", args=[school.pk]))
    r.add("school", school.name, "pupils", "school page", page["school"].pupil_count)

    register = _get(lead, reverse("register:register", args=[school.pk]))
    r.add("school", school.name, "pupils", "register page", register["cohort"])
    r.add("school", school.name, "on register", "register page", register["identified"])
    pupils = _get(lead, reverse("register:register_pupils", args=[school.pk]))
    r.add("school", school.name, "pupils", "register's pupil list", pupils["page"].paginator.count)

    report = _get(lead, reverse("insights:insights_school", args=[school.pk]))["report"]
    levels = ("school", "la", "nation")
    for level, breakdown in zip(levels, report.headline, strict=True):
        where = f"insights of {school.name}"
        r.add(level, breakdown.name, "pupils", where, breakdown.cohort)
        r.add(level, breakdown.name, "on register", where, breakdown.register)


def _read_la_pages(r: Readings, la: LocalAuthority) -> None:
    lead = _client(Membership.objects.get(role=Role.LA_LEAD, local_authority=la).user)
    panel = _panel(_home(lead), Role.LA_LEAD)
    for authority in panel["authorities"]:
        for s in authority.school_list:
            r.add("school", s.name, "pupils", f"home of {la.name}'s LA lead", s.pupil_count)
    for s in _get(lead, reverse("home:local_authority", args=[la.pk]))["schools"]:
        r.add("school", s.name, "pupils", f"{la.name}'s page", s.pupil_count)
    report = _get(lead, reverse("insights:insights_la", args=[la.pk]))["report"]
    for row in [*report.rows, report.total]:
        level = "la" if row is report.total else "school"
        r.add(level, row.name, "pupils", f"insights of {la.name}", row.cohort)
        r.add(level, row.name, "on register", f"insights of {la.name}", row.register)


def _read_nation_pages(r: Readings, nation: Nation) -> None:
    officer = _client(Membership.objects.get(role=Role.NATIONAL_OFFICER, nation=nation).user)
    for la in _panel(_home(officer), Role.NATIONAL_OFFICER)["authorities"]:
        r.add("la", la.name, "pupils", "home of the national officer", la.pupil_count)
    page = _get(officer, reverse("home:nation", args=[nation.pk]))
    for la in page["authorities"]:
        r.add("la", la.name, "pupils", "nation page", la.pupil_count)
    r.add("nation", nation.name, "pupils", "nation page", page["pupil_total"])
    report = _get(officer, reverse("insights:insights_nation", args=[nation.pk]))["report"]
    for row in [*report.rows, report.total]:
        level = "nation" if row is report.total else "la"
        r.add(level, row.name, "pupils", "national dashboard", row.cohort)
        r.add(level, row.name, "on register", "national dashboard", row.register)


def test_every_page_gives_the_same_count_of_pupils_and_of_the_register(shared_demo):
    nation = shared_demo
    r = Readings()
    schools = list(School.objects.order_by("name"))
    for school in schools:
        _read_school_pages(r, school)
    las = list(LocalAuthority.objects.order_by("name"))
    for la in las:
        _read_la_pages(r, la)
    _read_nation_pages(r, nation)

    assert not r.disagreements(), "\n".join(r.disagreements())
    # Every place was read, its figures shown (never "c"), on several pages each; every
    # school, the cluster's primaries too, has pupils on its register.
    places = [("school", s.name) for s in schools] + [("la", la.name) for la in las]
    for level, name in [*places, ("nation", nation.name)]:
        pupils = r.seen[(level, name, "pupils")]
        register = r.seen[(level, name, "on register")]
        assert len(pupils) >= 3 and len(register) >= 2, (level, name)
        assert pupils[0][1] and register[0][1], (level, name, pupils[0], register[0])
