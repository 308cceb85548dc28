"""Badges' domain: a school's badges (the default set, made on first use, and its own), awarding
one to a pupil, withdrawing it, and the school's choices. Views and the API call these; each
checks the access engine itself, so no caller can skip it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.badges.models import DESIGNS, Award, BadgeClass, SchoolBadgeSettings
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import PortfolioMember
from risingtide.schools.models import School
from risingtide.tasc.models import Project

REASON_MAX_CHARS = 1_000


@dataclass(frozen=True)
class Default:
    key: str
    name: str
    description: str
    criteria: str
    design: str


# The badges every school starts with: one for a whole project, one for the hardest stage to
# do well, and a few for stages of the wheel a young pupil can be proud of.
DEFAULTS = (
    Default(
        "completed-project",
        "Completed a TASC project",
        "Worked through a whole TASC project, from gathering what they knew to what they learned.",
        "The pupil worked through every stage of a TASC project and shared what they made.",
        "project",
    ),
    Default(
        "excellent-evaluation",
        "Excellent evaluation",
        "Looked back at their work honestly and said how to make it even better.",
        "The pupil judged their own work against the success criteria, with reasons, and "
        "named what they would change next time.",
        "evaluation",
    ),
    Default(
        "great-gatherer",
        "Great gatherer",
        "Gathered and organised lots of what they already knew.",
        "The pupil gathered and organised what they knew about the task before starting it.",
        "gather",
    ),
    Default(
        "ideas-generator",
        "Ideas generator",
        "Came up with many different ideas.",
        "The pupil generated several different ideas before choosing one.",
        "generate",
    ),
    Default(
        "clear-communicator",
        "Clear communicator",
        "Told others about their work clearly and confidently.",
        "The pupil presented their work so that others understood what they did and why.",
        "communicate",
    ),
)


def school_badges(school: School):
    """The school's badges, the default set made on first use (in one statement; a second
    request at the same moment makes nothing twice)."""
    if not BadgeClass.objects.filter(school=school).exists():
        BadgeClass.objects.bulk_create(
            [
                BadgeClass(
                    school=school,
                    key=d.key,
                    name=d.name,
                    description=d.description,
                    criteria=d.criteria,
                    design=d.design,
                )
                for d in DEFAULTS
            ],
            ignore_conflicts=True,
        )
    return BadgeClass.objects.filter(school=school)


def pupil_school_ids(pupil: User) -> set[int]:
    return set(
        Membership.objects.filter(user=pupil, role=Role.PUPIL, school__isnull=False).values_list(
            "school_id", flat=True
        )
    )


def works_in(pupil: User, project: Project) -> bool:
    """Whether the pupil is a member of a portfolio of ``project`` (their own, or their
    group's): the only projects a badge may be awarded for, since the project's title goes
    into the credential's evidence."""
    return PortfolioMember.objects.filter(pupil=pupil, project=project).exists()


def settings_of(school: School) -> SchoolBadgeSettings:
    """The school's choices (the defaults when it has made none: not saved)."""
    return SchoolBadgeSettings.objects.filter(school=school).first() or SchoolBadgeSettings(
        school=school
    )


def award(
    actor: User, pupil: User, badge_class: BadgeClass, project: Project | None = None
) -> Award:
    """Award ``badge_class`` to ``pupil``: the actor must teach the pupil and see the badge,
    which must be the pupil's school's (a project, one the pupil works in: a member of its
    portfolio, since its title goes into the public credential's evidence). A badge is given
    once a project (once outside any project) until it is withdrawn."""
    if not can(actor, "pupil.award_badge", pupil) or not can(
        actor, "badge_class.view", badge_class
    ):
        raise PermissionDenied
    if badge_class.school_id not in pupil_school_ids(pupil):
        raise ValidationError({"badge_class": "This badge belongs to another school's pupils."})
    if project is not None and project.school_id != badge_class.school_id:
        raise ValidationError({"project": "This project belongs to another school."})
    if project is not None and not works_in(pupil, project):
        raise ValidationError(
            {
                "project": f"{pupil.first_name} is not in “{project.title}” (they have no "
                "portfolio of it): award the badge for a project they work in, or for no project."
            }
        )
    with transaction.atomic():
        # The pupil's awards locked first, so two teachers giving the same badge at the same
        # moment give it once.
        list(User.objects.select_for_update().filter(pk=pupil.pk).values_list("pk"))
        already = Award.objects.filter(
            pupil=pupil, badge_class=badge_class, project=project, revoked_at__isnull=True
        )
        if already.exists():
            where = f" for “{project.title}”" if project else ""
            raise ValidationError(f"{pupil.first_name} already has “{badge_class.name}”{where}.")
        given = Award.objects.create(
            badge_class=badge_class,
            school_id=badge_class.school_id,
            pupil=pupil,
            project=project,
            awarded_by=actor,
            awarded_at=timezone.now(),
        )
        record(
            actor, "badge.awarded", given, school=given.school, pupil=pupil.pk, badge=badge_class.pk
        )
    return given


def revoke(actor: User, given: Award, reason: str) -> Award:
    """Withdraw an award, saying why: it leaves the pupil's badges, and its credential (if
    one was downloaded) shows as revoked from now on. The reason is the school's staff's (and
    the audit's) alone: the public pages say only that the school withdrew it, and when, and
    the pupil is never shown it (a reason can name another child)."""
    if not can(actor, "badge_award.revoke", given):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why the badge is withdrawn."})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX_CHARS} characters."})
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=given.pk)
        if locked.revoked:
            raise ValidationError("This badge was already withdrawn.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        record(actor, "badge.revoked", locked, school=locked.school, reason=reason)
    return locked


def add_badge(
    actor: User, school: School, name: str, description: str, criteria: str, design: str
) -> BadgeClass:
    """A badge of the school's own, wearing one of the bundled designs."""
    if not can(actor, "school.badges", school):
        raise PermissionDenied
    if design not in DESIGNS:
        raise ValidationError({"design": "Choose one of the pictures shown."})
    school_badges(school)  # the defaults first, so a school's own never takes their names
    try:
        with transaction.atomic():
            made = BadgeClass.objects.create(
                school=school,
                name=name.strip(),
                description=description.strip(),
                criteria=criteria.strip(),
                design=design,
            )
    except IntegrityError:
        raise ValidationError({"name": "The school already has a badge with this name."}) from None
    record(actor, "badge.class_added", made, school=school)
    return made


def choose_settings(
    actor: User, school: School, allow_download: bool, name_in_credential: str
) -> SchoolBadgeSettings:
    if not can(actor, "school.badges", school):
        raise PermissionDenied
    if name_in_credential not in SchoolBadgeSettings.Names.values:
        raise ValidationError({"name_in_credential": "Choose one of the ways listed."})
    chosen, _ = SchoolBadgeSettings.objects.update_or_create(
        school=school,
        defaults={"allow_download": allow_download, "name_in_credential": name_in_credential},
    )
    record(
        actor,
        "badge.settings_changed",
        chosen,
        school=school,
        allow_download=allow_download,
        name_in_credential=name_in_credential,
    )
    return chosen


def awards_of(viewer: User, pupil: User):
    """A pupil's badges as ``viewer`` may see them, newest first, withdrawn ones included."""
    return (
        visible(viewer, "badge_award")
        .filter(pupil=pupil)
        .select_related("badge_class", "awarded_by", "project", "revoked_by")
    )
