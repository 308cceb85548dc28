"""The bar by role: at most six top-level items for anyone, grouped by what the person does;
account things under their name; the page they are on marked; every link answers."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from risingtide.demo.testing import member
from risingtide.home.context import TOP_LEVEL, Menu, build
from risingtide.people.models import Role

pytestmark = pytest.mark.django_db


def shape(item):
    """A bar item as plain data: a label, or a label with its children's shapes."""
    if item.is_menu:
        return {item.label: [shape(child) for child in item.children]}
    return item.label


def bar(world, key):
    return [shape(item) for item in build(world.user(key)).bar]


def test_a_teacher_sees_their_classes_projects_feedback_and_library(world):
    assert bar(world, "teacher@own") == [
        "Home",
        {"My classes": ["Own 7A"]},
        "Projects",
        "Feedback",
        "Library",
        {
            "More": [
                "My school",
                "Insights",
                "Quality standards",
                "My classroom (CQS)",
                "Requests to take part",
                "My caseload",
                "Services",
                "Rate sessions",
            ]
        },
    ]


@pytest.mark.parametrize("key", ["leading_teacher@own", "head@own"])
def test_a_coordinator_sees_their_school_register_insights_and_standards(world, key):
    assert bar(world, key) == [
        "Home",
        "My school",
        "G&T register",
        "Insights",
        "Quality standards",
        {
            "More": [
                "Projects",
                "Feedback",
                "Library",
                *(["Training"] if key == "leading_teacher@own" else []),
                "My classroom (CQS)",
                "Provision map",
                "Requests to take part",
                "Entitlement",
                "My caseload",
                "Services",
                "Bookings",
                "Roster import",
                "Rate sessions",
                "E-credits",
                "Marketplace spend",
                "Sign-in providers",  # issue 20: single sign-on
            ]
        },
    ]


def test_a_cluster_coordinator_reaches_each_schools_register_and_insights(world):
    schools = ["Own School", "Peer School"]
    assert bar(world, "leading_teacher@cluster") == [
        "Home",
        {"My schools": schools},
        {"G&T register": schools},
        {"Insights": schools},
        {"Quality standards": schools},
        {
            "More": [
                "Projects",
                "Feedback",
                "Library",
                "Training",
                "My classroom (CQS)",
                {"Provision map": schools},
                {"Requests to take part": schools},
                {"Entitlement": schools},
                "My caseload",
                "Services",
                {"Bookings": schools},
                {"Roster import": schools},
                "Rate sessions",
                "E-credits",
                {"Marketplace spend": schools},
                {"Sign-in providers": schools},  # issue 20: single sign-on
            ]
        },
    ]
    menus = {item.key: item for item in build(world.user("leading_teacher@cluster")).bar[1:]}
    for key, route in [("register", "register:register"), ("insights", "insights:insights_school")]:
        assert [link.href for link in menus[key].children] == [
            reverse(route, args=[world.schools[s].pk]) for s in ("own", "peer")
        ]
        # Each school's link says what it opens, for those who hear the links listed.
        assert {link.context for link in menus[key].children} == {menus[key].label}


def test_a_teacher_who_coordinates_gets_both_coordinating_first(world):
    assert bar(world, "teacher+lead@own") == [
        "Home",
        "My school",
        "G&T register",
        "Insights",
        "Quality standards",
        {
            "More": [
                {"My classes": ["Own 8B"]},
                "Projects",
                "Feedback",
                "Library",
                "Training",
                "My classroom (CQS)",
                "Provision map",
                "Requests to take part",
                "Entitlement",
                "My caseload",
                "Services",
                "Bookings",
                "Roster import",
                "Rate sessions",
                "E-credits",
                "Marketplace spend",
                "Sign-in providers",  # issue 20: single sign-on
            ]
        },
    ]


@pytest.mark.parametrize(
    "key, expected",
    [
        (
            "la_lead@own",
            [
                "Home",
                "My LA",
                "LA insights",
                "LA standards",
                {
                    "More": [
                        "Library",
                        "Training",
                        "Write training",
                        "Services",
                        "LA roster import",
                        "E-credits",
                        "Marketplace spend",
                        "Entitlement",
                        "Sign-in providers",  # issue 20: single sign-on
                    ]
                },
            ],
        ),
        (
            "national_officer@nation",
            [
                "Home",
                "Nation",
                "National insights",
                "Standards indicator",
                "Contracts",
                {
                    "More": [
                        "Library",
                        "Training",
                        "Write training",
                        "Services",
                        "E-credits",
                        "Marketplace spend",
                        "Redemptions",
                        "Entitlement",
                    ]
                },
            ],
        ),
        (
            "pupil@own",
            [
                "Home",
                "Opportunities",
                "My plan",
                "About me",
                "Feedback",
                {"More": ["My progress", "My badges", "Rate sessions"]},
            ],
        ),
        (
            "provider_staff@own",
            [
                "Home",
                "Our services and bookings",
                "Our profile",
                "My organisation",
                {"More": ["Services", "E-credits", "Redemptions"]},
            ],
        ),
        ("site_admin@site", ["Home", "Admin", "Frameworks", "Learning platforms", "Security"]),
        ("nobody@nowhere", ["Home"]),
    ],
)
def test_other_roles_bars(world, key, expected):
    assert bar(world, key) == expected


def test_everyone_in_the_tiny_world_has_at_most_six_top_level_items(world):
    for key in world.users:
        nav = build(world.user(key))
        assert 1 <= len(nav.bar) <= TOP_LEVEL, (key, bar(world, key))
        assert nav.bar[0].label == "Home"


def test_someone_holding_every_role_still_has_six_and_reaches_all_of_them(world):
    """The union of every role's links, prioritised: the widest role's on the bar, the rest
    under More; nothing is lost."""
    person = world.user("nobody@nowhere")
    member(person, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
    member(person, Role.TEACHER, school=world.schools["own"], teaching_group=world.groups["own"])
    member(person, Role.LEADING_TEACHER, cluster=world.cluster)
    member(person, Role.HEAD, school=world.schools["other"])
    member(person, Role.LA_LEAD, local_authority=world.las["own"])
    member(person, Role.NATIONAL_OFFICER, nation=world.nation)
    member(person, Role.PROVIDER_STAFF, provider=world.providers["own"])
    nav = build(world.user("nobody@nowhere"))
    assert len(nav.bar) == TOP_LEVEL
    assert [shape(item) for item in nav.bar[:5]] == [
        "Home",
        "Nation",
        "National insights",
        "Standards indicator",
        "Contracts",
    ]
    assert nav.bar[-1].label == "More"
    more = nav.bar[-1]
    labels = [child.label for child in more.children]
    assert labels[:4] == ["My LA", "LA insights", "LA standards", "My schools"]
    for label in ["G&T register", "My classes", "Projects", "Feedback", "My progress"]:
        assert label in labels
    # Every school the person works at is reachable, in a group of its own under More.
    groups = {child.label: child for child in more.children if child.is_menu}
    assert {link.label for link in groups["G&T register"].children} == {
        "Own School",
        "Peer School",
        "Other School",
    }


def page(client, world, key, url=None):
    client.force_login(world.user(key))
    response = client.get(url or reverse("home:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_has_the_bar_the_account_menu_and_a_menu_button(world, client):
    html = page(client, world, "teacher@own")
    nav = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert nav.count('<li class="nav-item') == 6
    assert '<details class="nav-menu" data-disclosure id="menu-more">' in nav
    assert "API tokens" not in nav and "Sign out" not in nav
    account = html.split('id="menu-account"')[1].split("</details>")[0]
    assert "Teach Own</summary>" in account
    assert ">Password</a>" in account and ">API tokens</a>" in account
    assert ">Sign out</button>" in account
    assert 'class="menu-toggle" aria-expanded="false" aria-controls="site-menu" hidden' in html


def test_a_pupil_has_no_api_tokens(world, client):
    assert "API tokens" not in page(client, world, "pupil@own")


def test_the_page_one_is_on_is_marked_and_its_place_in_the_bar_shown(world, client):
    school = world.schools["peer"]
    register = reverse("register:register", args=[school.pk])
    html = page(client, world, "leading_teacher@cluster", register)
    assert f'<a href="{register}" aria-current="page">Peer School' in html
    current = re.search(r'<li class="nav-item is-section">.*?<summary>([^<]*)<', html, re.S)
    assert current.group(1) == "G&amp;T register"
    # A page below a link's address shows the link's place too: the pupils under the register.
    own = world.schools["own"].pk
    html = page(
        client, world, "leading_teacher@own", reverse("register:register_pupils", args=[own])
    )
    assert 'aria-current="page"' not in html.split("</nav>")[0]
    item = re.search(r'<li class="nav-item is-section"><a href="([^"]*)"', html)
    assert item.group(1) == reverse("register:register", args=[own])


EVERY_KIND = [
    "teacher@own",
    "teacher+lead@own",
    "leading_teacher@cluster",
    "head@own",
    "la_lead@own",
    "national_officer@nation",
    "pupil@own",
    "provider_staff@own",
    "site_admin@site",
    "carer@own",
]


@pytest.mark.parametrize("key", EVERY_KIND)
def test_every_link_in_the_bar_opens_for_the_person_it_is_shown_to(world, client, key):
    nav = build(world.user(key))
    client.force_login(world.user(key))
    for _, link in nav.links():
        assert client.get(link.href).status_code == 200, (key, link)
    for link in nav.account:
        assert client.get(link.href).status_code == 200, (key, link)


def test_the_menu_data_is_small_and_kept(world):
    """The bar is plain data (links and menus of links), as the cache keeps it."""
    nav = build(world.user("leading_teacher@cluster"))
    assert all(isinstance(item, Menu) for item in nav.bar[1:])
    cache.set("a-bar", nav)
    assert cache.get("a-bar") == nav


def test_the_kept_header_carries_this_request_s_sign_out_token_and_the_current_name(world, client):
    """The header's HTML is kept per person; the CSRF token and the name are put in fresh."""
    user = world.user("teacher@own")
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    for _ in range(2):  # the second page comes from the kept HTML
        html = client.get(reverse("home:home")).content.decode()
    form = html.split("data-sign-out")[1].split("</form>")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    user.first_name = "Renamed & Co"
    user.save(update_fields=["first_name"])
    html = client.get(reverse("home:home")).content.decode()
    assert "Renamed &amp; Co Own</summary>" in html
    signed_out = client.post(
        reverse("people:logout"),
        {"csrfmiddlewaretoken": token},
        headers={"referer": "https://testserver/"},
    )
    assert signed_out.status_code == 302
