"""What a school shows its pupils, as domain functions: showing and stopping, who may choose,
a withdrawn service dropping out by itself, the pupil's year group, and another school's pupils
seeing nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from risingtide.audit.models import AuditEvent
from risingtide.people.models import Membership, Role
from risingtide.provision import opportunities
from risingtide.provision.models import Service, Session, ShownToPupils

pytestmark = pytest.mark.django_db


def service(w, title="Number theory masterclass", **extra):
    fields = dict(
        provider=w.providers["own"],
        title=title,
        summary="Explore prime numbers with a real mathematician. Bring a pencil.",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        year_from=7,
        year_to=9,
        format=Service.Format.IN_PERSON,
        venue="Riverton Central Library",
        price=100,
        register_only=True,
        fsm_priority_places=2,
        status=Service.Status.PUBLISHED,
    )
    return Service.objects.create(**{**fields, **extra})


def titles(user, school):
    return [o.title for o in opportunities.for_pupil(user, school)]


def test_a_coordinator_shows_a_service_with_a_note_and_stops(world):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    pupil = world.user("pupil@own")
    s = service(world)
    shown = opportunities.show(lead, school, s, "  Ask Ms Desai   if you'd like to go. ")
    assert shown.note == "Ask Ms Desai if you'd like to go."  # spaces tidied
    assert shown.shown_by == lead
    [seen] = opportunities.for_pupil(pupil, school)
    assert seen.title == s.title and seen.note == shown.note and seen.new
    assert seen.about == "Explore prime numbers with a real mathematician."
    assert seen.where == "Riverton Central Library" and seen.kind == "Masterclass"
    # Showing again changes the note, keeps one row and who first showed it.
    opportunities.show(world.user("head@own"), school, s, "See Mr Ali")
    assert ShownToPupils.objects.get().note == "See Mr Ali"
    assert ShownToPupils.objects.get().shown_by == lead
    assert opportunities.stop(lead, school, s) is True
    assert titles(pupil, school) == []
    assert opportunities.stop(lead, school, s) is False  # nothing left to stop
    assert list(
        AuditEvent.objects.filter(action__startswith="service.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["service.show_to_pupils", "service.pupils_note", "service.stop_showing_pupils"]


def test_a_cluster_coordinator_chooses_for_each_of_their_schools(world):
    cluster = world.user("leading_teacher@cluster")
    s = service(world)
    opportunities.show(cluster, world.schools["peer"], s)
    assert [school.pk for school, _ in opportunities.schools_choosing(cluster, s)] == sorted(
        [world.schools["own"].pk, world.schools["peer"].pk],
        key=lambda pk: next(v.name for v in world.schools.values() if v.pk == pk),
    )
    chosen = dict(opportunities.schools_choosing(cluster, s))
    assert chosen[world.schools["peer"]] is not None and chosen[world.schools["own"]] is None
    # With two schools the catalogue offers no one-button toggle; with one it does.
    assert opportunities.quick_toggle(cluster, [s]).school is None
    toggle = opportunities.quick_toggle(world.user("leading_teacher@peer"), [s])
    assert toggle.school == world.schools["peer"] and toggle.shown == {s.pk}


@pytest.mark.parametrize("key", ["teacher@own", "pupil@own", "leading_teacher@other"])
def test_only_the_schools_coordinators_may_choose(world, key):
    s = service(world)
    with pytest.raises(ValidationError):
        opportunities.show(world.user(key), world.schools["own"], s)
    opportunities.show(world.user("leading_teacher@own"), world.schools["own"], s)
    with pytest.raises(ValidationError):
        opportunities.stop(world.user(key), world.schools["own"], s)
    assert ShownToPupils.objects.count() == 1


def test_only_a_published_service_for_pupils_can_be_shown(world):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    draft = service(world, "Draft", status=Service.Status.DRAFT)
    cpd = service(world, "CPD", kind=Service.Kind.TEACHER_CPD, audience="educators")
    for s, words in ((draft, "published"), (cpd, "for staff")):
        with pytest.raises(ValidationError, match=words):
            opportunities.show(lead, school, s)
        assert opportunities.schools_choosing(lead, s) == []
    with pytest.raises(ValidationError, match="200 characters"):
        opportunities.show(lead, school, service(world), "x" * 201)
    assert not ShownToPupils.objects.exists()


def test_a_withdrawn_service_disappears_from_pupils_and_comes_back(world):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    pupil = world.user("pupil@own")
    s = service(world)
    opportunities.show(lead, school, s, "Ask Ms Desai")
    Service.objects.filter(pk=s.pk).update(status=Service.Status.WITHDRAWN)
    assert titles(pupil, school) == []
    assert ShownToPupils.objects.count() == 1  # no clean-up: the query leaves it out
    Service.objects.filter(pk=s.pk).update(status=Service.Status.PUBLISHED)
    assert titles(pupil, school) == [s.title]


def test_a_pupil_sees_only_their_year_group(world):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    pupil = world.user("pupil@own")  # in Year 7 on the register record
    for title, lo, hi in (("Juniors", 3, 6), ("Seniors", 7, 9), ("Sixth form", 12, 13)):
        opportunities.show(lead, school, service(world, title, year_from=lo, year_to=hi))
    assert titles(pupil, school) == ["Seniors"]
    # No NC year on the record: the teaching group's year says (Own 7A, Year 7).
    world.records["own"].nc_year = ""
    world.records["own"].save()
    assert opportunities.year_of_pupil(pupil, school) == 7
    assert titles(pupil, school) == ["Seniors"]
    # Staff previewing the page see every year's.
    assert sorted(titles(lead, school)) == ["Juniors", "Seniors", "Sixth form"]


def test_a_pupil_of_another_school_sees_nothing_of_this_schools_choices(world):
    s = service(world)
    opportunities.show(world.user("leading_teacher@own"), world.schools["own"], s)
    other = world.user("pupil@other")
    assert titles(other, world.schools["own"]) == []
    assert titles(other, world.schools["other"]) == []
    assert opportunities.new_for(other) == []
    assert opportunities.new_for(world.user("pupil@own")) == [(world.schools["own"].pk, 1)]


def test_when_says_the_next_day_and_how_many_more(world):
    s = service(world)
    now = timezone.now()
    for days in (-3, 10, 20):  # the past one is not "when"
        start = now + timedelta(days=days)
        Session.objects.create(service=s, starts_at=start, ends_at=start, capacity=5)
    online = service(world, "Codes online", format=Service.Format.ONLINE, venue="")
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    opportunities.show(lead, school, s)
    opportunities.show(lead, school, online)
    seen = {o.title: o for o in opportunities.for_pupil(world.user("pupil@own"), school, now)}
    coming = timezone.localtime(now + timedelta(days=10))
    assert seen[s.title].when.startswith(f"{coming:%A %-d %B}")
    assert seen[s.title].more_dates == 1
    assert seen["Codes online"].where == "Online"
    assert seen["Codes online"].when == "Whenever suits you"


def test_what_a_pupil_reads_never_names_a_rule_or_a_price(world):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    opportunities.show(lead, school, service(world, top_5_only=True))
    [seen] = opportunities.for_pupil(world.user("pupil@own"), school)
    words = " ".join(str(v) for v in vars(seen).values()).lower()
    for said in ("register", "fsm", "free school meals", "top 5", "credit", "100"):
        assert said not in words


def test_one_sentence_cuts_long_text_at_a_word():
    assert opportunities.one_sentence("Make a robot. Then race it.") == "Make a robot."
    long = "word " * 60
    cut = opportunities.one_sentence(long)
    assert cut.endswith("…") and len(cut) <= opportunities.SENTENCE_CHARS + 1
    assert opportunities.one_sentence("") == ""


def test_a_pupil_with_no_year_anywhere_sees_every_year(world):
    pupil, school = world.user("pupil@own"), world.schools["own"]
    world.records["own"].nc_year = ""
    world.records["own"].save()
    Membership.objects.filter(user=pupil, role=Role.PUPIL, teaching_group__isnull=False).delete()
    assert opportunities.year_of_pupil(pupil, school) is None
    sixth_form = service(world, year_from=12, year_to=13)
    opportunities.show(world.user("leading_teacher@own"), school, sixth_form)
    assert len(titles(pupil, school)) == 1


def test_a_service_changed_to_be_for_staff_drops_out_of_pupils_view(world):
    lead, school = world.user("leading_teacher@own"), world.schools["own"]
    s = service(world)
    opportunities.show(lead, school, s)
    Service.objects.filter(pk=s.pk).update(audience=Service.Audience.EDUCATORS)
    assert titles(world.user("pupil@own"), school) == []
