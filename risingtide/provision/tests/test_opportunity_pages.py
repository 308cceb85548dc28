"""Opportunities through the test client: a coordinator shows a service from its page and from
the catalogue, the pupil's page (what it says and never says, its query budget), the nav and
home page, and every refusal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.lib.testing import without_tokens
from risingtide.provision import opportunities
from risingtide.provision.models import Service, ShownToPupils
from risingtide.provision.tests.test_opportunities import service

pytestmark = pytest.mark.django_db


def show_url(w, s, school="own"):
    return reverse("provision:show_to_pupils", args=[w.schools[school].pk, s.pk])


def page_url(w, school="own"):
    return reverse("provision:opportunities", args=[w.schools[school].pk])


def test_a_coordinator_shows_a_service_from_its_page_with_a_note(world, client_for):
    s = service(world)
    lead = client_for(world.user("leading_teacher@own"))
    page = lead.get(reverse("provision:service", args=[s.pk])).content.decode()
    assert "Show to our pupils" in page and show_url(world, s) in page
    response = lead.post(
        show_url(world, s), {"action": "show", "note": "Ask Ms Desai", "back": "service"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#pupils-{world.schools['own'].pk}")
    page = lead.get(response["Location"]).content.decode()
    assert "can now see Number theory masterclass" in page  # said in the status region
    assert "pupils see this" in page and 'value="Ask Ms Desai"' in page
    assert ShownToPupils.objects.get().note == "Ask Ms Desai"
    lead.post(show_url(world, s), {"action": "stop", "back": "service"})
    assert not ShownToPupils.objects.exists()


def test_the_catalogue_toggles_a_row_and_keeps_the_search(world, client_for):
    s = service(world)
    lead = client_for(world.user("leading_teacher@own"))
    page = lead.get(reverse("provision:catalogue"), {"q": "number"}).content.decode()
    assert f'id="show-{s.pk}"' in page and "Our pupils see it" in page
    response = lead.post(
        show_url(world, s), {"action": "show", "back": "catalogue", "query": "q=number"}
    )
    assert response["Location"] == reverse("provision:catalogue") + f"?q=number#show-{s.pk}"
    page = lead.get(response["Location"]).content.decode()
    assert "Stop showing" in page and ShownToPupils.objects.count() == 1
    # A teacher who cannot choose sees no toggle column.
    teacher = client_for(world.user("teacher@own"))
    assert "Our pupils see it" not in teacher.get(reverse("provision:catalogue")).content.decode()


def test_refusals_are_said_and_nothing_is_written(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = service(world, "A draft", status=Service.Status.DRAFT)
    s = service(world)
    # A draft is not the coordinator's to see at all.
    assert lead.post(show_url(world, draft), {"action": "show"}).status_code == 404
    # A bad form: a clear reason, nothing written.
    response = lead.post(show_url(world, s), {"action": "show", "note": "x" * 201}, follow=True)
    assert "Keep the note for pupils to 200 characters (it has 201)" in response.content.decode()
    response = lead.post(show_url(world, s), {}, follow=True)
    assert "Choose to show the service or to stop showing it" in response.content.decode()
    assert not ShownToPupils.objects.exists()
    # Another school's coordinator: not found; a teacher of the school: forbidden.
    other = client_for(world.user("leading_teacher@other"))
    assert other.post(show_url(world, s), {"action": "show"}).status_code == 404
    teacher = client_for(world.user("teacher@own"))
    assert teacher.post(show_url(world, s), {"action": "show"}).status_code == 403
    assert teacher.get(show_url(world, s)).status_code == 405
    assert not ShownToPupils.objects.exists()


def test_the_pupil_reads_title_sentence_when_where_and_the_note_only(world, client_for):
    s = service(world, top_5_only=True, consent_needed=True)
    opportunities.show(world.user("leading_teacher@own"), world.schools["own"], s, "Ask Ms Desai")
    pupil = client_for(world.user("pupil@own"))
    page = pupil.get(page_url(world)).content.decode()
    assert "Number theory masterclass" in page and "Ask Ms Desai" in page
    assert "Explore prime numbers with a real mathematician." in page
    assert "Bring a pencil" not in page  # one sentence
    assert "Riverton Central Library" in page and "i-presentation" in page
    lowered = without_tokens(page).lower()
    for never in ("register", "free school meals", "fsm", "top 5", "e-credit", "book", "100"):
        assert never not in lowered, never
    # Another school's page: not found for this pupil; their own school for another pupil.
    assert pupil.get(page_url(world, "other")).status_code == 404
    assert pupil.get(page_url(world, "peer")).status_code == 404
    other_pupil = client_for(world.user("pupil@other"))
    assert other_pupil.get(page_url(world)).status_code == 404
    assert "Number theory" not in other_pupil.get(page_url(world, "other")).content.decode()


def test_the_pupils_page_costs_the_same_for_more_opportunities(world, client_for):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    pupil = client_for(world.user("pupil@own"))
    pupil.get(page_url(world))  # warm the session, anchors and menu

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert pupil.get(page_url(world)).status_code == 200
        return len(queries)

    opportunities.show(lead, school, service(world, "First"))
    few = count()
    for n in range(12):
        opportunities.show(lead, school, service(world, f"More {n}", kind="competition"))
    assert count() == few
    assert few <= 12


def test_the_pupils_bar_links_the_menu_that_holds_their_schools_choices(world, client_for):
    # (home/tests/test_navigation.py checks the bar's order and that it keeps within six.)
    pupil = client_for(world.user("pupil@own"))
    page = pupil.get(reverse("home:home")).content.decode()
    assert f'href="{reverse("opportunities:menu")}"' in page and "Opportunities" in page
    opportunities.show(world.user("leading_teacher@own"), world.schools["own"], service(world))
    menu = pupil.get(reverse("opportunities:menu")).content.decode()
    assert service(world).title in menu  # the marketplace's services the school shows them


def test_home_says_something_new_only_when_there_is(world, client_for):
    pupil = client_for(world.user("pupil@own"))
    assert "new in Opportunities" not in pupil.get(reverse("home:home")).content.decode()
    shown = opportunities.show(
        world.user("leading_teacher@own"), world.schools["own"], service(world)
    )
    page = pupil.get(reverse("home:home")).content.decode()
    assert "See what&#x27;s new in Opportunities" in page and "1 new thing" in page
    ShownToPupils.objects.filter(pk=shown.pk).update(
        shown_at=shown.shown_at - opportunities.timedelta(days=opportunities.NEW_DAYS + 1)
    )
    assert "new in Opportunities" not in pupil.get(reverse("home:home")).content.decode()
