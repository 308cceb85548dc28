"""What the learners tests share: a school with profiles on, and pupils on its register."""

from risingtide.learners.models import Personalisation
from risingtide.register.models import RegisterEntry, academic_year

ANSWERS = {
    "interests": "Volcanoes and chess.",
    "strengths": "Mental arithmetic.",
    "to_improve": "Writing longer stories.",
    "aspirations": "Be a geologist.",
    "helps_me_learn": "Time to think before I answer.",
}


def profiles_on(world, key: str = "own", suggestions: bool = False) -> Personalisation:
    settings, _ = Personalisation.objects.update_or_create(
        school=world.schools[key], defaults={"profiles_on": True, "suggestions_on": suggestions}
    )
    return settings


def identify(world, record_key: str) -> None:
    """Put a pupil record on this year's register (identified)."""
    record = world.records[record_key]
    RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
    RegisterEntry.objects.create(
        pupil=record,
        school=record.school,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
        domains=["maths"],
        gifted=True,
        current=True,
    )
