"""Changes to the library: the acting person first, the check, the change, the audit."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.lib import storage, uploads
from risingtide.library.models import Resource, ResourceUse, Review, Subject
from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.tasc import services as tasc_services
from risingtide.tasc.models import STAGE_ORDER, Project
from risingtide.tasc.wheels import ensure_default_wheel


@dataclass
class Details:
    """What every resource has, whatever its kind."""

    title: str
    description: str
    subject: str
    key_stage: str
    stage: str
    licence: str
    audience: str


def _check(details: Details) -> Details:
    details.title = details.title.strip()
    details.description = details.description.strip()
    if not details.title:
        raise ValidationError({"title": "Give it a title."})
    problems = {
        name: f"Choose one of the {label}."
        for name, value, choices, label in (
            ("subject", details.subject, Subject.values, "subjects"),
            ("key_stage", details.key_stage, ["", *Project.KeyStage.values], "key stages"),
            ("stage", details.stage, ["", *STAGE_ORDER], "TASC stages"),
            ("licence", details.licence, Resource.Licence.values, "licences"),
            ("audience", details.audience, Resource.Audience.values, "audiences"),
        )
        if value not in choices
    }
    if problems:
        raise ValidationError(problems)
    return details


def _home_school(actor: User) -> School:
    """The school a person publishes from: the first they are on the staff of."""
    school = tasc_services.staff_schools(actor).select_related("local_authority").first()
    if school is None:
        raise PermissionDenied
    return school


def publish_project(
    actor: User, project: Project, details: Details, kind: str = Resource.Kind.TEMPLATE
) -> Resource:
    """The project as a template (or an example) in the library. The library keeps its own
    copy of the brief, criteria and prompts: later edits to the project do not change it."""
    if not can(actor, "project.publish", project):
        raise PermissionDenied
    if kind not in Resource.PROJECT_KINDS:
        raise ValidationError({"kind": "Publish a project as a template or an example."})
    details = _check(details)
    if not details.key_stage:
        details.key_stage = project.key_stage
    school = project.school
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=kind,
            author=actor,
            school=school,
            local_authority_id=school.local_authority_id,
            brief=project.brief,
            success_criteria=list(project.success_criteria),
            stage_prompts=dict(project.stage_prompts),
            mode=project.mode,
            source_project=project,
            **vars(details),
        )
        record(actor, "library.published", resource, school=school, project=project.pk)
    return resource


def publish(
    actor: User, kind: str, details: Details, *, body: str = "", url: str = "", upload=None
) -> Resource:
    """A lesson plan (its text, perhaps with a file), a file, or a link (never fetched here:
    only its form is checked)."""
    if not can(actor, "resource.publish"):
        raise PermissionDenied
    school = _home_school(actor)
    details = _check(details)
    body, url = body.strip(), url.strip()
    if kind == Resource.Kind.LINK:
        upload = None  # a link is only its address
    if kind == Resource.Kind.LESSON_PLAN and not body:
        raise ValidationError({"body": "Write the lesson plan."})
    if kind == Resource.Kind.FILE and upload is None:
        raise ValidationError({"file": "Choose a file."})
    if kind == Resource.Kind.LINK:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                {"url": "Give the full address of a web page, starting https:// or http://."}
            ) from None
    elif kind not in (Resource.Kind.LESSON_PLAN, Resource.Kind.FILE):
        raise ValidationError({"kind": "Publish a lesson plan, a file or a link."})
    sniffed = uploads.check(upload) if upload is not None else None
    with storage.files_undone_on_failure(), transaction.atomic():
        resource = Resource(
            kind=kind,
            author=actor,
            school=school,
            local_authority_id=school.local_authority_id,
            body=body if kind == Resource.Kind.LESSON_PLAN else "",
            url=url if kind == Resource.Kind.LINK else "",
            **vars(details),
        )
        if sniffed is not None:
            resource.file_name = (upload.name or "file")[-200:]
            resource.file_type = sniffed.mime
            resource.file_size = upload.size
            resource.file.save("file", upload, save=False)
        resource.save()
        record(actor, "library.published", resource, school=school, kind=kind)
    return resource


def _still_there(resource: Resource) -> None:
    if resource.withdrawn_at is not None:
        raise ValidationError("This has been withdrawn from the library.")


def update(actor: User, resource: Resource, details: Details) -> Resource:
    if not can(actor, "resource.edit", resource):
        raise PermissionDenied
    _still_there(resource)
    details = _check(details)
    if resource.is_project and not details.key_stage:
        details.key_stage = resource.key_stage
    with transaction.atomic():
        for name, value in vars(details).items():
            setattr(resource, name, value)
        resource.save()
        record(actor, "library.updated", resource, school=resource.school)
    return resource


def withdraw(actor: User, resource: Resource) -> Resource:
    """Take a resource out of the library. Projects already copied from it stay, and still say
    where they came from; its own school's staff can still see it, marked withdrawn."""
    if not can(actor, "resource.withdraw", resource):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        if not Resource.objects.filter(pk=resource.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        ):
            raise ValidationError("This has already been withdrawn.")
        resource.withdrawn_at = now
        record(actor, "library.withdrawn", resource, school=resource.school)
    return resource


def copy_to_project(actor: User, resource: Resource) -> Project:
    """A draft project in the actor's school made from a template or example, on the platform's
    wheel, remembering which resource it was adapted from (which also counts as a use)."""
    if not can(actor, "resource.copy", resource):
        raise PermissionDenied
    _still_there(resource)
    if not resource.is_project:
        raise ValidationError("Only a project template or an example project can be copied.")
    school = _home_school(actor)
    details = tasc_services.ProjectDetails(
        title=resource.title,
        brief=resource.brief,
        subject=Subject(resource.subject).label,
        key_stage=resource.key_stage or Project.KeyStage.KS2,
        success_criteria=list(resource.success_criteria),
        wheel=ensure_default_wheel(),
        stage_prompts={
            stage: list(prompts)
            for stage, prompts in resource.stage_prompts.items()
            if stage in STAGE_ORDER
        },
        start_date=None,
        due_date=None,
        mode=resource.mode,
    )
    with transaction.atomic():
        project = tasc_services.create_project(actor, school, details)
        ResourceUse.objects.create(
            resource=resource,
            user=actor,
            school=school,
            project=project,
            how=ResourceUse.How.COPIED,
        )
        record(actor, "library.copied", resource, school=school, project=project.pk)
    return project


def note_download(actor: User, resource: Resource) -> None:
    """Someone other than the author took the file: a use, counted once per person."""
    if resource.author_id == actor.pk or not can(actor, "library.browse"):
        return
    try:
        with transaction.atomic():
            ResourceUse.objects.get_or_create(
                resource=resource,
                user=actor,
                how=ResourceUse.How.DOWNLOADED,
                defaults={"school": _home_school(actor)},
            )
    except (IntegrityError, PermissionDenied):  # two downloads at once; or no school
        pass


def review(actor: User, resource: Resource, rating: int, text: str = "") -> Review:
    """Rate (1–5) and review a resource; a second review by the same person replaces the first.
    Authors do not rate their own."""
    if not can(actor, "resource.review", resource):
        raise PermissionDenied
    _still_there(resource)
    if resource.author_id == actor.pk:
        raise ValidationError("You cannot rate your own resource.")
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Choose from 1 to 5 stars."})
    text = text.strip()
    if len(text) > Review.MAX_CHARS:
        raise ValidationError({"text": f"Keep it under {Review.MAX_CHARS} characters."})
    with transaction.atomic():
        found, _ = Review.objects.update_or_create(
            resource=resource, author=actor, defaults={"rating": rating, "text": text}
        )
    return found
