"""Services a school shows its own pupils: the coordinator's choice (``show``, ``stop``) and the
pupil's Opportunities page (``for_pupil``), in words a seven-year-old reads.

A pupil sees only their own school's choices, of services still published, for their own
year group; never a price, a booking, another pupil or an eligibility rule (a pupil must not
read "register only" or "for FSM pupils" about themselves). Every read starts from
``access.core.visible``."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from risingtide.access.core import anchors, can, roles, visible
from risingtide.audit.models import record
from risingtide.people.models import Membership, Role
from risingtide.provision.eligibility import year_of
from risingtide.provision.models import Service, Session, ShownToPupils
from risingtide.register.models import Pupil
from risingtide.schools.models import School

NEW_DAYS = 14  # a choice this recent is "new" on the pupil's home page
NOTE_CHARS = 200
SENTENCE_CHARS = 140

# What each kind is called for a pupil, and its icon (vendor/lucide; provision.css has an
# .i-<name> rule for each). Teacher CPD is never shown to pupils, so it needs neither.
KIND_WORDS = {
    Service.Kind.MASTERCLASS: ("Masterclass", "presentation"),
    Service.Kind.SUMMER_SCHOOL: ("Summer school", "sun"),
    Service.Kind.ONLINE_COURSE: ("Online course", "laptop"),
    Service.Kind.MENTORING: ("Mentoring", "users"),
    Service.Kind.COMPETITION: ("Competition", "trophy"),
    Service.Kind.FAMILY_WORKSHOP: ("Family workshop", "house"),
    Service.Kind.RESOURCE: ("Something to read and use", "book-open"),
}
FOR_PUPILS = (Service.Audience.PUPILS, Service.Audience.FAMILIES)


def showable(service: Service) -> bool:
    """A published service for pupils (or their families), which a school may show them."""
    return (
        service.status == Service.Status.PUBLISHED
        and service.audience in FOR_PUPILS
        and service.kind != Service.Kind.TEACHER_CPD
    )


def show(actor, school, service: Service, note: str = "") -> ShownToPupils:
    """Show ``service`` to the pupils of ``school`` (or change the note for them)."""
    if not can(actor, "pupils.show", school):
        raise ValidationError("You cannot choose what this school's pupils see.")
    if service.status != Service.Status.PUBLISHED:
        raise ValidationError("Only a published service can be shown to pupils.")
    if not showable(service):
        raise ValidationError("This service is for staff, so it cannot be shown to pupils.")
    note = " ".join(note.split())
    if len(note) > NOTE_CHARS:
        raise ValidationError(
            {"note": f"Keep the note to {NOTE_CHARS} characters (it has {len(note)})."}
        )
    with transaction.atomic():
        shown, created = ShownToPupils.objects.update_or_create(
            school=school,
            service=service,
            defaults={"note": note},
            create_defaults={"note": note, "shown_by": actor, "shown_at": timezone.now()},
        )
        record(
            actor,
            "service.show_to_pupils" if created else "service.pupils_note",
            service,
            school=school,
            note=note,
        )
    return shown


def stop(actor, school, service: Service) -> bool:
    """Stop showing ``service`` to the pupils of ``school``; False if it was not shown."""
    if not can(actor, "pupils.show", school):
        raise ValidationError("You cannot choose what this school's pupils see.")
    with transaction.atomic():
        removed, _ = ShownToPupils.objects.filter(school=school, service=service).delete()
        if removed:
            record(actor, "service.stop_showing_pupils", service, school=school)
    return bool(removed)


def schools_choosing(user, service: Service) -> list[tuple[School, ShownToPupils | None]]:
    """Each school ``user`` chooses for (a cluster coordinator has several), with its choice
    of ``service`` if it shows it; nothing when the service cannot be shown (two queries)."""
    if not showable(service):
        return []
    schools = list(visible(user, "school", "pupils.show").order_by("name", "pk"))
    if not schools:
        return []
    shown = {
        s.school_id: s for s in ShownToPupils.objects.filter(service=service, school__in=schools)
    }
    return [(school, shown.get(school.pk)) for school in schools]


@dataclass(frozen=True)
class QuickToggle:
    """The catalogue's one-button choice, for a coordinator of exactly one school."""

    school: School | None = None
    shown: frozenset[int] = frozenset()  # ids of the services on the page it shows
    showable: frozenset[int] = frozenset()


def quick_toggle(user, services) -> QuickToggle:
    """What the catalogue's rows offer ``user``: a toggle per showable service when they
    choose for one school (several schools choose on the service page). Two queries."""
    schools = list(visible(user, "school", "pupils.show").order_by("pk")[:2])
    if len(schools) != 1:
        return QuickToggle()
    services = list(services)
    shown = ShownToPupils.objects.filter(
        school=schools[0], service__in=[s.pk for s in services]
    ).values_list("service_id", flat=True)
    return QuickToggle(
        schools[0], frozenset(shown), frozenset(s.pk for s in services if showable(s))
    )


def year_of_pupil(user, school) -> int | None:
    """The pupil's year group at ``school``: from their register record's NC year, else from
    their newest teaching group there; None when neither says (two queries at most)."""
    nc_year = (
        Pupil.objects.filter(account=user, school=school, on_roll=True)
        .values_list("nc_year", flat=True)
        .first()
    )
    year = year_of(nc_year or "")
    if year is not None:
        return year
    return (
        Membership.objects.filter(
            user=user, role=Role.PUPIL, school=school, teaching_group__isnull=False
        )
        .order_by("-teaching_group__academic_year", "-teaching_group__year_group")
        .values_list("teaching_group__year_group", flat=True)
        .first()
    )


def shown_to(user, school, year: int | None) -> QuerySet:
    """The school's choices ``user`` may see, for pupils in ``year`` (every year when None):
    only services still published, so a withdrawn one drops out by itself."""
    # Published and still for pupils: a service changed since it was chosen answers here too.
    qs = (
        visible(user, "shown_service")
        .filter(school=school, service__status=Service.Status.PUBLISHED)
        .filter(service__audience__in=FOR_PUPILS)
        .exclude(service__kind=Service.Kind.TEACHER_CPD)
    )
    if year is not None:
        qs = qs.filter(service__year_from__lte=year, service__year_to__gte=year)
    return qs


@dataclass(frozen=True)
class Opportunity:
    """One service as a pupil reads it: no price, no booking, no rule about who may go."""

    pk: int
    title: str
    kind: str
    icon: str
    about: str  # one short sentence
    when: str
    more_dates: int
    where: str
    note: str
    new: bool


def for_pupil(user, school, now: datetime | None = None) -> list[Opportunity]:
    """What ``user`` sees on their Opportunities page at ``school`` (four queries at most)."""
    now = now or timezone.now()
    year = year_of_pupil(user, school) if Role.PUPIL in roles(user) else None
    coming = Session.objects.filter(starts_at__gte=now).order_by("starts_at", "pk")
    shown = (
        shown_to(user, school, year)
        .select_related("service")
        .prefetch_related(Prefetch("service__sessions", queryset=coming, to_attr="coming"))
        .order_by("-shown_at", "pk")
    )
    return [_opportunity(s, now) for s in shown]


def _opportunity(shown: ShownToPupils, now: datetime) -> Opportunity:
    service = shown.service
    kind, icon = KIND_WORDS.get(service.kind, (service.get_kind_display(), "star"))
    sessions = service.coming
    if sessions:
        first = timezone.localtime(sessions[0].starts_at)
        when = f"{first:%A %-d %B}, at {first:%-I:%M %p}".replace(":00 ", " ")
        when = when.replace("AM", "in the morning").replace("PM", "in the afternoon")
    elif service.format == Service.Format.ONLINE:
        when = "Whenever suits you"
    else:
        when = "Your teacher will tell you when"
    if service.format == Service.Format.ONLINE:
        where = "Online"
    else:
        where = service.venue or "Your teacher will tell you where"
    return Opportunity(
        pk=shown.pk,
        title=service.title,
        kind=kind,
        icon=icon,
        about=one_sentence(service.summary),
        when=when,
        more_dates=max(len(sessions) - 1, 0),
        where=where,
        note=shown.note,
        new=shown.shown_at >= now - timedelta(days=NEW_DAYS),
    )


def one_sentence(text: str) -> str:
    """The first sentence of ``text``, cut short at a word if it runs long."""
    text = " ".join((text or "").split())
    for end in (". ", "! ", "? "):
        if end in text:
            text = text.split(end, 1)[0] + end.strip()
            break
    if len(text) <= SENTENCE_CHARS:
        return text
    return text[:SENTENCE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def new_for(user, now: datetime | None = None) -> list[tuple[int, int]]:
    """Each school of the pupil with how many opportunities were shown in the last
    ``NEW_DAYS`` days for their year (for the home page): two queries for a school (three
    when the register record has no NC year), and a pupil has one."""
    now = now or timezone.now()
    held = anchors(user).get(Role.PUPIL)
    out = []
    for school_id in sorted(held.schools if held else ()):
        year = year_of_pupil(user, school_id)
        count = (
            shown_to(user, school_id, year)
            .filter(Q(shown_at__gte=now - timedelta(days=NEW_DAYS)))
            .count()
        )
        if count:
            out.append((school_id, count))
    return out
