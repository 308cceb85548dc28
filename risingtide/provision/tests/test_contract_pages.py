"""The contract manager's pages, providers' profiles and rating through the test client: who
reaches what (a provider never another provider's contracts or ratings; schools and LAs never a
contract), forms that refuse bad input on their fields and write nothing, and page costs that do
not grow with contracts, services or ratings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from risingtide.demo.testing import png_file
from risingtide.provision import bookings, contracts, ratings
from risingtide.provision.contract_models import Contract
from risingtide.provision.models import ProviderProfile, Service, Session
from risingtide.provision.tests.contract_world import contract_for, deliver_market
from risingtide.provision.tests.test_contracts import PDF, pdf_file

pytestmark = pytest.mark.django_db


def contract_post(w, **extra):
    today = timezone.localdate()
    data = {
        "reference": "RT-100",
        "title": "Saturday masterclasses",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "notice_days": 90,
        "value": "18500.50",
        "services": [w.service.pk],
        "target_places": "40",
        "target_disadvantaged": "",
        "target_satisfaction": "4.2",
        "notes": "",
    }
    return {**data, **extra}


def test_the_contract_manager_records_signs_and_documents_a_contract(market, client_for):
    w = market
    officer = client_for(w.user("national_officer@nation"))
    chooser = officer.get(reverse("provision:contract_choose"), {"provider": w.providers["own"].pk})
    new = reverse("provision:contract_new", args=[w.providers["own"].pk])
    assert chooser["Location"] == new
    response = officer.post(new, contract_post(w))
    contract = Contract.objects.get()
    assert response["Location"] == reverse("provision:contract", args=[contract.pk])
    assert contract.value == Decimal("18500.50") and list(contract.services.all()) == [w.service]
    page = officer.get(response["Location"]).content.decode()
    assert "Draft" in page and "Places delivered" in page and "Not met so far" in page
    assert "Nothing to measure yet" in page  # satisfaction: no ratings
    officer.post(
        reverse("provision:contract_sign", args=[contract.pk]),
        {"signed_on": timezone.localdate().isoformat()},
    )
    add = reverse("provision:contract_document_add", args=[contract.pk])
    done = officer.post(add, {"title": "Signed copy", "file": pdf_file()}, follow=True)
    page = done.content.decode()
    assert "Document “Signed copy” added." in page and "Ending" in page  # 60 days < 90
    document = contract.documents.get()
    served = officer.get(reverse("provision:contract_document", args=[contract.pk, document.pk]))
    assert b"".join(served.streaming_content) == PDF
    assert (
        served["Content-Type"] == "application/pdf"
        and "attachment" in served["Content-Disposition"]
    )
    listing = officer.get(reverse("provision:contracts")).content.decode()
    record = reverse("provision:provider_record", args=[w.providers["other"].pk])
    assert record in listing  # a provider without a contract is reachable too
    renewals = officer.get(reverse("provision:renewals")).content.decode()
    assert "RT-100" in renewals and "1 contract ending within 90 days" in renewals


def test_bad_contract_input_is_refused_on_the_form(market, client_for):
    w = market
    officer = client_for(w.user("national_officer@nation"))
    new = reverse("provision:contract_new", args=[w.providers["own"].pk])
    today = timezone.localdate()
    bad = officer.post(
        new,
        contract_post(
            w, ends_on=(today - timedelta(days=1)).isoformat(), value="-5", target_satisfaction="7"
        ),
    )
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in page
    assert "Ensure this value is less than or equal to 5." in page
    wrong_dates = officer.post(
        new, contract_post(w, ends_on=(today - timedelta(days=1)).isoformat())
    )
    assert "The last day comes on or after the first day." in wrong_dates.content.decode()
    empty = officer.post(new, {})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    contract_for(w, "RT-100")
    clash = officer.post(new, contract_post(w))
    assert "Another contract already has this reference." in clash.content.decode()
    assert Contract.objects.count() == 1


def test_a_document_of_the_wrong_kind_is_refused_beside_the_field(market, client_for):
    contract = contract_for(market)
    officer = client_for(market.user("national_officer@nation"))
    add = reverse("provision:contract_document_add", args=[contract.pk])
    refused = officer.post(add, {"file": png_file("contract.pdf")})
    assert refused.status_code == 400
    assert "must be a PDF" in refused.content.decode()
    assert not contract.documents.exists()


def test_who_sees_contracts(market, client_for):
    w = market
    own = contract_for(w, "OWN")
    theirs = contracts.create(
        w.user("national_officer@nation"),
        w.providers["other"],
        contracts.ContractInput("THEIRS", "Theirs", own.starts_on, own.ends_on, Decimal(1)),
    )
    provider = client_for(w.user("provider_staff@own"))
    assert provider.get(reverse("provision:contract", args=[own.pk])).status_code == 200
    assert provider.get(reverse("provision:contract", args=[theirs.pk])).status_code == 404
    assert provider.get(reverse("provision:contract_edit", args=[own.pk])).status_code == 403
    assert provider.get(reverse("provision:contracts")).status_code == 403
    # Schools and LAs never see a contract (only whether a provider is contracted).
    for key in ("leading_teacher@own", "head@own", "la_lead@own"):
        person = client_for(w.user(key))
        assert person.get(reverse("provision:contract", args=[own.pk])).status_code == 404
        assert person.get(reverse("provision:contracts")).status_code == 403


def test_renewal_days_are_read_from_the_query_and_checked(market, client_for):
    today = timezone.localdate()
    contract_for(market, "IN-200", ends_on=today + timedelta(days=200))
    officer = client_for(market.user("national_officer@nation"))
    url = reverse("provision:renewals")
    assert "IN-200" not in officer.get(url).content.decode()
    assert "IN-200" in officer.get(url, {"days": 365}).content.decode()
    bad = officer.get(url, {"days": "-3"})
    assert bad.status_code == 400 and "greater than or equal to 1" in bad.content.decode()


def test_provider_staff_edit_their_own_profile_only(market, client_for):
    w = market
    staff = client_for(w.user("provider_staff@own"))
    edit = reverse("provision:provider_profile_edit", args=[w.providers["own"].pk])
    today = timezone.localdate()
    bad = staff.post(
        edit,
        {
            "website": "not a site",
            "contact_email": "nope",
            "staff_checks_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert bad.status_code == 400 and not ProviderProfile.objects.exists()
    saved = staff.post(
        edit,
        {
            "offer": "Saturday maths masterclasses.",
            "safeguarding": "All tutors hold enhanced checks.",
            "staff_checks_on": (today - timedelta(days=400)).isoformat(),
            "contact_name": "Sam",
            "contact_email": "sam@example.org",
            "contact_phone": "0100 000000",
            "website": "https://example.org",
            "areas": [w.las["own"].pk],
        },
        follow=True,
    )
    page = saved.content.decode()
    assert "Profile saved" in page and "Saturday maths masterclasses." in page
    assert "Overdue" in page and "Own LA" in page and "Listed" in page
    w.providers["own"].refresh_from_db()
    assert w.providers["own"].website == "https://example.org"
    assert "No contracts: your services are listed" in page
    theirs = reverse("provision:provider_profile_edit", args=[w.providers["other"].pk])
    assert staff.get(theirs).status_code == 404
    assert (
        staff.get(reverse("provision:provider_profile", args=[w.providers["other"].pk])).status_code
        == 404
    )


def test_school_staff_read_a_profile_with_its_published_services(market, client_for):
    w = market
    contract_for(w)
    Service.objects.create(
        provider=w.providers["own"],
        title="Secret draft",
        kind="mentoring",
        audience="pupils",
        format="online",
        price=1,
    )
    teacher = client_for(w.user("teacher@own"))
    page = teacher.get(
        reverse("provision:provider_profile", args=[w.providers["own"].pk])
    ).content.decode()
    assert "Number theory masterclass" in page and "Secret draft" not in page
    assert "Contracted" in page and "No ratings yet" in page
    assert "C-1" not in page and "Our programme contracts" not in page  # schools never see them
    own = client_for(w.user("provider_staff@own"))
    mine = own.get(reverse("provision:provider_profile", args=[w.providers["own"].pk]))
    assert "C-1" in mine.content.decode()
    assert (
        teacher.get(reverse("provision:provider_record", args=[w.providers["own"].pk])).status_code
        == 404
    )


def test_a_provider_sees_its_ratings_and_comments_never_a_pupils_name(market, client_for):
    w = deliver_market(market)
    ratings.rate(w.user("pupil@own2"), w.session, 5, "So much fun")
    ratings.rate(w.user("leading_teacher@own"), w.session, 4, "Well organised")
    staff = client_for(w.user("provider_staff@own"))
    page = staff.get(
        reverse("provision:provider_profile", args=[w.providers["own"].pk])
    ).content.decode()
    assert "4.5 out of 5" in page and "So much fun" in page and "A pupil" in page
    assert "A teacher at Own School" in page
    assert w.records["own2"].legal_forename not in page.split("How schools rated")[1]
    # Schools see the mean, not the comments.
    teacher = (
        client_for(w.user("teacher@own"))
        .get(reverse("provision:provider_profile", args=[w.providers["own"].pk]))
        .content.decode()
    )
    assert "4.5 out of 5" in teacher and "So much fun" not in teacher
    # Another provider sees neither.
    other = client_for(w.user("provider_staff@other"))
    assert (
        other.get(reverse("provision:provider_profile", args=[w.providers["own"].pk])).status_code
        == 404
    )


def test_a_teacher_and_a_pupil_rate_through_the_pages(market, client_for):
    w = deliver_market(market)
    coordinator = client_for(w.user("leading_teacher@own"))
    listing = coordinator.get(reverse("provision:ratings")).content.decode()
    rate = reverse("provision:rate", args=[w.session.pk])
    assert rate in listing and "Not rated yet" in listing
    refused = coordinator.post(rate, {"score": "9"})
    assert refused.status_code == 400
    done = coordinator.post(rate, {"score": "4", "comment": "Good"}, follow=True)
    assert "Your rating of Number theory masterclass was saved." in done.content.decode()
    assert "4 out of 5" in done.content.decode()
    pupil = client_for(w.user("pupil@own2"))
    form = pupil.get(rate).content.decode()
    assert "I loved it" in form and "It was OK" in form and "I didn&#x27;t enjoy it" in form
    assert "Thank you!" in pupil.post(rate, {"score": "3"}, follow=True).content.decode()
    assert client_for(w.user("teacher@own")).get(rate).status_code == 404  # not their pupil


def _cost(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_costs_do_not_grow(market, client_for):
    w = deliver_market(market)
    officer = client_for(w.user("national_officer@nation"))
    provider = w.providers["own"]
    urls = [
        reverse("provision:contracts"),
        reverse("provision:renewals") + "?days=400",
        reverse("provision:provider_record", args=[provider.pk]),
        reverse("provision:provider_profile", args=[provider.pk]),
    ]
    contract_for(w, "FIRST", targets={"places": Decimal(1)})
    for url in urls:
        officer.get(url)  # warm the session and the menu
    before = [_cost(officer, url) for url in urls]
    for n in range(5):
        contract_for(w, f"MORE-{n}", targets={"places": Decimal(1), "satisfaction": Decimal(4)})
        Service.objects.create(
            provider=provider,
            title=f"S{n}",
            kind="mentoring",
            audience="pupils",
            format="online",
            price=1,
            status="published",
        )
    ratings.rate(w.user("pupil@own2"), w.session, 5, "Great")
    ratings.rate(w.user("leading_teacher@own"), w.session, 4, "Fine")
    assert [_cost(officer, url) for url in urls] == before


def test_the_rating_list_costs_the_same_for_more_sessions(market, client_for):
    w = deliver_market(market)
    coordinator = client_for(w.user("leading_teacher@own"))
    url = reverse("provision:ratings")
    coordinator.get(url)
    one = _cost(coordinator, url)
    for n in range(3):
        start = w.session.starts_at + timedelta(days=n + 1)
        session = Session.objects.create(
            service=w.service, starts_at=start, ends_at=start + timedelta(hours=1), capacity=3
        )
        booking = bookings.book(
            w.user("leading_teacher@own"),
            session,
            w.schools["own"],
            pupil_ids=[w.records["own2"].pk],
            key=f"more-{n}",
        )
        bookings.deliver(
            w.user("provider_staff@own"),
            booking,
            set(booking.places.values_list("pk", flat=True)),
            now=start,
        )
        ratings.rate(w.user("leading_teacher@own"), session, 3)
    page = coordinator.get(url).content.decode()
    assert page.count("Change your rating") == 3 and page.count("Rate it") == 1
    assert _cost(coordinator, url) == one


def test_the_edit_form_starts_from_the_contract_and_saves_a_variation(market, client_for):
    w = market
    contract = contract_for(w, "VAR-1", targets={"places": Decimal(40)})
    officer = client_for(w.user("national_officer@nation"))
    edit = reverse("provision:contract_edit", args=[contract.pk])
    form = officer.get(edit).content.decode()
    assert 'value="VAR-1"' in form and 'name="target_places" value="40"' in form
    changed = officer.post(edit, contract_post(w, reference="VAR-1", target_places="45"))
    assert changed.status_code == 302
    assert contract.kpis.get(measure="places").target == Decimal(45)


def test_the_catalogue_and_service_page_mark_contracted_and_listed_providers(market, client_for):
    w = market
    Service.objects.create(
        provider=w.providers["other"],
        title="Listed chess club",
        kind="mentoring",
        audience="pupils",
        format="online",
        price=5,
        status="published",
    )
    contract_for(w)  # the own provider is contracted
    teacher = client_for(w.user("teacher@own"))
    rows = teacher.get(reverse("provision:catalogue")).content.decode().split("<tr>")
    own_row = next(r for r in rows if "Number theory masterclass" in r)
    other_row = next(r for r in rows if "Listed chess club" in r)
    assert "Contracted" in own_row and "Listed</span>" in other_row
    listed = Service.objects.get(title="Listed chess club")
    page = teacher.get(reverse("provision:service", args=[listed.pk])).content.decode()
    assert "not under a programme contract; still bookable" in page
    assert reverse("provision:provider_profile", args=[w.providers["other"].pk]) in page


def test_the_home_page_asks_for_a_rating_until_it_is_given(market, client_for):
    w = deliver_market(market)
    coordinator = client_for(w.user("leading_teacher@own"))
    home = coordinator.get(reverse("home:home")).content.decode()
    assert "Rate 1 session you or your pupils went to" in home
    pupil = client_for(w.user("pupil@own2"))
    assert "Tell us how your session went" in pupil.get(reverse("home:home")).content.decode()
    ratings.rate(w.user("leading_teacher@own"), w.session, 4)
    assert "Rate 1 session" not in coordinator.get(reverse("home:home")).content.decode()
