"""A session's calendar invitation: a real iCalendar file (RFC 5545) made by the ``icalendar``
library, which escapes the venue's and address's text and folds long lines as the standard
asks, so a calendar program opens it whatever a scheduler typed.

``METHOD:PUBLISH``: the file is downloaded and added to the learner's own calendar, not an
iTIP request that expects a reply (places are taken in Rising Tide, not by answering). The UID
is the session's, so a second download (after a change or cancellation, with a higher
SEQUENCE) replaces the first in the calendar instead of adding a copy. Times carry their time
zone (TZID, with its VTIMEZONE), so the session shows at the right hour wherever it is opened."""

from datetime import date
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from risingtide.training.models import Session

PRODID = "-//Rising Tide//Leading-teacher training//EN"
UID_DOMAIN = "training.risingtide"


def uid(session: Session) -> str:
    return f"session-{session.pk}@{UID_DOMAIN}"


def filename(session: Session) -> str:
    return f"training-session-{session.pk}.ics"


def invitation(session: Session, url: str = "") -> bytes:
    """The session as an iCalendar file, ready to download."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", timezone.now())
    event.add("created", session.created_at)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add(
        "summary",
        f"{session.programme.title}: {session.get_half_day_display().lower()}"
        + (" (cancelled)" if session.cancelled else ""),
    )
    event.add("location", f"{session.venue}, {' '.join(session.address.split())}")
    description = f"Face-to-face training at {session.venue}.\n{session.address}"
    if session.cancelled:
        description = f"Cancelled: {session.cancelled_reason}\n\n{description}"
    event.add("description", description)
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
    if organiser := session.scheduled_by:
        # Their own address where they have one; otherwise the platform's sending address.
        email = organiser.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        address = vCalAddress(f"mailto:{email}")
        address.params["cn"] = vText(organiser.get_full_name() or organiser.username)
        event.add("organizer", address)
    calendar.add_component(event)
    # The zone's rules around the session only: the whole of 1970-2038 is 5 kB of noise.
    year = session.starts_at.year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return calendar.to_ical()
