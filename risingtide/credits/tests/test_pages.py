"""The e-credit pages through the test client: what each shows, what each refuses."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.credits import services
from risingtide.credits.models import Transaction
from risingtide.credits.tests.conftest import in_days

pytestmark = pytest.mark.django_db


def _as(client, world, key):
    client.force_login(world.user(key))
    return client


def _la_gives(world, amount=400):
    return services.allocate(
        world.user("la_lead@own"),
        world.las["own"],
        world.schools["own"],
        amount,
        in_days(30),
        "Summer",
    )


def test_school_account_page_shows_balance_held_expiring_and_statement(funded, client):
    world = funded
    _la_gives(world)
    services.hold(world.schools["own"], 150, actor=world.user("head@own"), memo="Masterclass")
    account = services.account_of(world.schools["own"])
    response = _as(client, world, "leading_teacher@own").get(
        reverse("credits:account", args=[account.pk])
    )
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["balance"], summary["usable"], summary["held"]) == (250, 250, 150)
    assert summary["expiring_total"] == 250
    text = response.content.decode()
    assert "Held for bookings" in text and "Summer" in text and "Masterclass" in text
    lines = response.context["statement"].lines
    assert [line.amount for line in lines] == [400, -150]
    assert [line.balance for line in lines] == [400, 250]
    # Nobody at the school may undo the LA's allocation.
    assert not any(form for _line, _out, form in response.context["rows"])


def test_statement_period_filters_and_refuses_backwards_dates(funded, client):
    account = services.account_of(funded.nation)
    url = reverse("credits:account", args=[account.pk])
    client = _as(client, funded, "national_officer@nation")
    future = client.get(url, {"start": in_days(1).isoformat()})
    assert future.context["statement"].lines == []
    assert future.context["statement"].opening == 3_000
    backwards = client.get(url, {"start": in_days(1).isoformat(), "end": in_days(0).isoformat()})
    assert "Give a date on or after the start." in backwards.content.decode()


def test_statement_downloads_as_csv_and_pdf(funded, client):
    account = services.account_of(funded.las["own"])
    client = _as(client, funded, "la_lead@own")
    csv = client.get(reverse("credits:statement_csv", args=[account.pk]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Date,What,Other party,In,Out,Balance"
    assert "2000" in rows[2] and rows[-1].endswith(",2000,0,2000")
    pdf = client.get(reverse("credits:statement_pdf", args=[account.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_las_account_is_not_found(funded, client):
    account = services.account_of(funded.schools["other"])
    response = _as(client, funded, "la_lead@own").get(reverse("credits:account", args=[account.pk]))
    assert response.status_code == 404


def test_accounts_list_shows_only_what_the_person_may_see(funded, client):
    _la_gives(funded)
    response = _as(client, funded, "la_lead@own").get(reverse("credits:accounts"))
    names = {str(a) for a in response.context["accounts"]}
    assert str(funded.las["own"]) in names and str(funded.schools["own"]) in names
    assert str(funded.nation) not in names
    assert _as(client, funded, "teacher@own").get(reverse("credits:accounts")).status_code == 403


def test_national_officer_funds_the_programme_once_per_key(funded, client):
    url = reverse("credits:fund", args=[funded.nation.pk])
    client = _as(client, funded, "national_officer@nation")
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(url, {"amount": "1000", "memo": "Grant", "key": key})
        assert response.status_code == 302
    assert services.account_of(funded.nation).balance == 4_000


@pytest.mark.parametrize(
    ("amount", "words"),
    [("-5", "above zero"), ("2.5", "whole number"), ("", "required")],
)
def test_funding_refuses_bad_amounts_on_the_field(funded, client, amount, words):
    url = reverse("credits:fund", args=[funded.nation.pk])
    response = _as(client, funded, "national_officer@nation").post(
        url, {"amount": amount, "key": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert any(words in e for e in response.context["form"].errors["amount"])
    assert Transaction.objects.filter(kind=Transaction.Kind.FUNDING).count() == 1


def _round(world, **extra):
    data = {
        "method": "formula",
        "per_pupil": "100",
        "weight": "150",
        "expires_on": in_days(90).isoformat(),
        "memo": "Spring round",
        "key": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_la_lead_previews_a_formula_round_then_posts_it(funded, client):
    world = funded
    url = reverse("credits:la_round", args=[world.las["own"].pk])
    client = _as(client, world, "la_lead@own")
    assert client.get(url).status_code == 200
    data = _round(world)
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    lines = {line.recipient: line for line in preview.context["preview"].lines}
    assert lines[world.schools["own"]].amount == 250
    assert "Post the round" in preview.content.decode()
    assert Transaction.objects.filter(kind=Transaction.Kind.ALLOCATION).count() == 1
    for _ in range(2):  # a double submit posts once
        posted = client.post(url, {**data, "post": "1"})
        assert posted.status_code == 302
    assert services.account_of(world.schools["own"]).balance == 250
    assert services.account_of(world.las["own"]).balance == 1_750


def test_a_round_by_hand_too_big_posts_nothing_and_says_by_how_much(funded, client):
    world = funded
    url = reverse("credits:la_round", args=[world.las["own"].pk])
    own, peer = world.schools["own"].pk, world.schools["peer"].pk
    data = _round(world, method="hand", **{f"amount_{own}": "1500", f"amount_{peer}": "800"})
    response = _as(client, world, "la_lead@own").post(url, {**data, "post": "1"})
    assert response.status_code == 400
    assert "300 short" in response.content.decode()
    assert services.account_of(world.schools["own"]).balance == 0


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("per_pupil", "-3", "above zero"),
        ("per_pupil", "1.5", "whole number"),
        ("expires_on", "2001-01-01", "after today"),
        ("weight", "20", "greater than or equal to 100"),
    ],
)
def test_a_round_refuses_bad_input_on_its_field(funded, client, field, value, words):
    url = reverse("credits:la_round", args=[funded.las["own"].pk])
    response = _as(client, funded, "la_lead@own").post(
        url, {**_round(funded, **{field: value}), "post": "1"}
    )
    assert response.status_code == 400
    assert any(words in e for e in response.context["form"].errors[field])
    assert Transaction.objects.filter(kind=Transaction.Kind.ALLOCATION).count() == 1


def test_a_round_by_hand_refuses_a_negative_line(funded, client):
    own = funded.schools["own"].pk
    url = reverse("credits:la_round", args=[funded.las["own"].pk])
    response = _as(client, funded, "la_lead@own").post(
        url, {**_round(funded, method="hand", **{f"amount_{own}": "-1"}), "preview": "1"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"amount_{own}"]


def test_national_round_to_las(funded, client):
    world = funded
    url = reverse("credits:nation_round", args=[world.nation.pk])
    data = _round(world, method="hand", **{f"amount_{world.las['other'].pk}": "500"})
    response = _as(client, world, "national_officer@nation").post(url, {**data, "post": "1"})
    assert response.status_code == 302
    assert services.account_of(world.las["other"]).balance == 500


def test_rounds_are_only_for_the_giver(funded, client):
    la_url = reverse("credits:la_round", args=[funded.las["own"].pk])
    assert _as(client, funded, "la_lead@other").get(la_url).status_code == 404
    assert _as(client, funded, "national_officer@nation").get(la_url).status_code == 403
    nation_url = reverse("credits:nation_round", args=[funded.nation.pk])
    assert _as(client, funded, "la_lead@own").get(nation_url).status_code == 404


def test_la_lead_reverses_a_mistaken_allocation_with_a_reason(funded, client):
    world = funded
    tx = _la_gives(world)
    account = services.account_of(world.las["own"])
    client = _as(client, world, "la_lead@own")
    page = client.get(reverse("credits:account", args=[account.pk]))
    assert any(form for _line, _out, form in page.context["rows"])
    url = reverse("credits:reverse", args=[account.pk])
    key = str(uuid.uuid4())
    no_reason = client.post(url, {"transaction": tx.pk, "memo": "", "key": key})
    assert no_reason.status_code == 400
    assert "Say why it is reversed." in no_reason.content.decode()
    done = client.post(url, {"transaction": tx.pk, "memo": "Wrong school", "key": key})
    assert done.status_code == 302
    assert services.account_of(world.schools["own"]).balance == 0
    assert account.__class__.objects.get(pk=account.pk).balance == 2_000
    twice = client.post(url, {"transaction": tx.pk, "memo": "Again", "key": str(uuid.uuid4())})
    assert twice.status_code == 400


def test_a_school_cannot_reverse_what_its_la_gave(funded, client):
    world = funded
    tx = _la_gives(world)
    account = services.account_of(world.schools["own"])
    response = _as(client, world, "head@own").post(
        reverse("credits:reverse", args=[account.pk]),
        {"transaction": tx.pk, "memo": "Please", "key": str(uuid.uuid4())},
    )
    assert response.status_code == 403
    assert services.account_of(world.schools["own"]).balance == 400


def test_reversing_a_movement_not_on_this_account_is_refused(funded, client):
    world = funded
    tx = _la_gives(world)
    account = services.account_of(world.schools["peer"])
    response = _as(client, world, "la_lead@own").post(
        reverse("credits:reverse", args=[account.pk]),
        {"transaction": tx.pk, "memo": "Oops", "key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert "not on this account" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_account_and_accounts_pages_take_constant_queries(funded, client):
    world = funded
    client = _as(client, world, "la_lead@own")
    account = services.account_of(world.las["own"])
    page, listing = reverse("credits:account", args=[account.pk]), reverse("credits:accounts")
    _la_gives(world, 10)
    client.get(page)  # a session's first page also builds the person's menu, kept after
    before = (_queries(client, page), _queries(client, listing))
    for _ in range(5):
        _la_gives(world, 10)
    services.account_of(world.schools["peer"])  # one more account in the list
    after = (_queries(client, page), _queries(client, listing))
    assert after == before
