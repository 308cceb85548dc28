"""What the audit log holds about a person (docs/privacy.md)."""

from django.db.models import Q

from risingtide.lib.personal_data import Holding, Keep, declare


def _about(person) -> Q | None:
    q = Q(pk__in=[])
    if person.user_id:
        q |= Q(target_type="people.User", target_id=str(person.user_id))
    if person.pupil_id:
        q |= Q(target_type="register.Pupil", target_id=str(person.pupil_id))
    return q


declare(
    Holding(
        "audit.AuditEvent",
        about=(_about,),
        named=("actor",),
        erase=Keep(
            "accountability: who saw, exported or changed a pupil's data stays answerable; an "
            "event names the pupil only by the key of a record that no longer names anyone"
        ),
    )
)
