"""Subject-access exports: asking for one, making it (the task's work), removing it when its
days are up. Every step is audited; the audit names the record or account, never the person."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.lib.personal_data import Person
from risingtide.people.models import Membership, User
from risingtide.privacy import exporting
from risingtide.privacy.erasing import is_erased
from risingtide.privacy.models import SubjectAccessExport
from risingtide.register.models import Pupil
from risingtide.schools.models import School

logger = logging.getLogger(__name__)
State = SubjectAccessExport.State
STALLED = "The export stopped part-way: the server making it stopped. Ask for it again."


def _start(actor, export: SubjectAccessExport, target) -> SubjectAccessExport:
    from risingtide.privacy.tasks import make_subject_access_export  # tasks imports this module

    busy = SubjectAccessExport.objects.filter(
        requested_by=actor,
        pupil=export.pupil,
        staff=export.staff,
        state__in=[State.QUEUED, State.RUNNING],
    )
    with transaction.atomic():
        for stopped in busy.select_for_update():
            if stopped.stalled:  # its worker was killed: it will never finish, so clear it away
                SubjectAccessExport.objects.filter(pk=stopped.pk, state=State.RUNNING).update(
                    state=State.FAILED, message=STALLED, finished_at=timezone.now()
                )
        if busy.exists():
            raise ValidationError("An export for them is already being made: wait for it.")
        export.save()
        record(actor, "privacy.export_requested", target, school=export.school, export=export.pk)
        transaction.on_commit(lambda: make_subject_access_export.enqueue(export.pk))
    return export


def request_pupil_export(actor, pupil: Pupil) -> SubjectAccessExport:
    """Ask for everything held about a pupil (their record and their account)."""
    if not can(actor, "pupil_record.export_personal_data", pupil):
        raise PermissionDenied
    if is_erased(pupil):
        raise ValidationError("This pupil's record has been erased: nothing is held to export.")
    export = SubjectAccessExport(
        school=pupil.school, pupil=pupil, subject_name=str(pupil), requested_by=actor
    )
    return _start(actor, export, pupil)


def staff_school(staff: User) -> School | None:
    """The school a member of staff works at (their first role at a school or in a group)."""
    membership = (
        Membership.objects.filter(user=staff)
        .exclude(school=None, teaching_group=None)
        .select_related("school", "teaching_group__school")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return None
    return membership.school or membership.teaching_group.school


def request_staff_export(actor, staff: User, school: School) -> SubjectAccessExport:
    """Ask for everything held about a member of staff of ``school``."""
    if not can(actor, "staff_member.export_personal_data", staff):
        raise PermissionDenied
    name = staff.get_full_name() or staff.username
    export = SubjectAccessExport(school=school, staff=staff, subject_name=name, requested_by=actor)
    return _start(actor, export, staff)


def person_of(export: SubjectAccessExport) -> Person:
    if export.pupil_id:
        return Person(user_id=export.pupil.account_id, pupil_id=export.pupil_id)
    return Person(user_id=export.staff_id)


def make_export(export_id: int) -> str:
    """The task's work: claim the queued export, gather every declared model's rows about the
    person with progress written after each, write the ZIP, keep it for a few days. An export
    already claimed, done or failed is left alone, so the task is safe to run twice."""
    claimed = SubjectAccessExport.objects.filter(pk=export_id, state=State.QUEUED).update(
        state=State.RUNNING, done=0
    )
    if not claimed:
        return "nothing to do"
    export = SubjectAccessExport.objects.select_related("pupil", "school", "requested_by").get(
        pk=export_id
    )
    try:
        if export.pupil_id is None and export.staff_id is None:
            raise ValueError("the person is no longer held")

        def progress(done: int, total: int) -> None:
            SubjectAccessExport.objects.filter(pk=export.pk).update(done=done, total=total)

        parts = exporting.gather(person_of(export), progress)
        asker = export.requested_by
        with tempfile.TemporaryFile() as out:
            exporting.write_zip(
                out,
                parts,
                subject=export.subject_name,
                asked_by=asker.get_full_name() or asker.username if asker else "",
                school=export.school.name,
            )
            out.seek(0)
            name = slugify(export.subject_name)[:60] or "person"
            export.archive.save(f"subject-access-{name}-{export.pk}.zip", File(out), save=False)
        now = timezone.now()
        SubjectAccessExport.objects.filter(pk=export.pk).update(
            state=State.DONE,
            archive=export.archive.name,
            finished_at=now,
            expires_at=now + timedelta(days=settings.PRIVACY_EXPORT_DAYS),
        )
        record(
            None,
            "privacy.export_made",
            export,
            school=export.school,
            rows=sum(len(p.rows) for p in parts),
            files=sum(len(p.files) for p in parts),
        )
    except Exception:  # an export must never stay "gathering" for ever
        logger.exception("subject-access export %s failed", export_id)
        SubjectAccessExport.objects.filter(pk=export_id).update(
            state=State.FAILED,
            message="The export could not be made. Please ask for it again.",
            finished_at=timezone.now(),
        )
        return "failed"
    return "done"


def downloadable(export: SubjectAccessExport) -> bool:
    return (
        export.state == State.DONE
        and bool(export.archive)
        and export.expires_at is not None
        and export.expires_at > timezone.now()
    )


def note_download(actor, export: SubjectAccessExport) -> None:
    record(actor, "privacy.export_downloaded", export, school=export.school)


def remove_expired(now=None) -> int:
    """Remove every made export whose days are up (the ZIP from storage, the row marked
    removed); returns how many. Run by the task after each export and by ``purge``."""
    now = now or timezone.now()
    removed = 0
    for export in SubjectAccessExport.objects.filter(state=State.DONE, expires_at__lte=now):
        with transaction.atomic():
            # Marked first: a file without a row is harmless, a row promising a file is not.
            changed = SubjectAccessExport.objects.filter(pk=export.pk, state=State.DONE).update(
                state=State.REMOVED, archive=""
            )
            if changed and export.archive:
                name = export.archive.name
                transaction.on_commit(lambda name=name: default_storage.delete(name))
                removed += 1
    return removed
