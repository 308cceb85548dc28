"""The school's self-evaluation against a whole-school framework (the IQS): start a draft,
record each element's best-fit level with evidence and next steps, submit a dated judgement
that is then read-only. The acting person first, the check, the change, the audit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.lib import storage, uploads
from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.standards.framework_models import Framework, FrameworkVersion, Level
from risingtide.standards.models import EvidenceLink, Judgement, MonitoringNote, SelfEvaluation

MAX_LINKS_PER_ELEMENT = 20


def current_version(framework_key: str = "iqs") -> FrameworkVersion:
    """The version new self-evaluations start on: the framework's newest active one."""
    version = (
        FrameworkVersion.objects.filter(framework__key=framework_key, active=True)
        .select_related("framework")
        .order_by("-created_at", "-pk")
        .first()
    )
    if version is None:
        raise ValidationError(f"No active version of the {framework_key} framework is loaded.")
    return version


def in_force(school: School, framework: Framework | int) -> SelfEvaluation | None:
    """The school's judgement in force: its newest submitted one."""
    return SelfEvaluation.objects.filter(
        school=school,
        framework=framework,
        status=SelfEvaluation.Status.SUBMITTED,
        superseded_at__isnull=True,
    ).first()


def start(actor: User, school: School, framework_key: str = "iqs") -> SelfEvaluation:
    """The school's draft self-evaluation, started if there is none. A new draft on the same
    version as the judgement in force starts from that judgement's levels, evidence and next
    steps (the judgement itself never changes)."""
    if not can(actor, "standards.evaluate", school):
        raise PermissionDenied
    version = current_version(framework_key)
    if version.framework.kind != Framework.Kind.SCHOOL:
        raise ValidationError("Only a whole-school framework is judged by the school.")
    with transaction.atomic():
        draft = (
            SelfEvaluation.objects.select_for_update()
            .filter(school=school, framework=version.framework, status="draft")
            .first()
        )
        if draft is not None:
            return draft
        try:
            with transaction.atomic():  # a savepoint: another leader may start it this instant
                draft = SelfEvaluation.objects.create(
                    school=school, framework=version.framework, version=version, created_by=actor
                )
        except IntegrityError:
            return SelfEvaluation.objects.get(
                school=school, framework=version.framework, status="draft"
            )
        before = in_force(school, version.framework)
        carried = {}
        if before is not None and before.version_id == version.pk:
            carried = {j.element_id: j for j in before.judgements.all()}
        Judgement.objects.bulk_create(
            Judgement(
                evaluation=draft,
                element=element,
                level=carried[element.pk].level if element.pk in carried else None,
                evidence=carried[element.pk].evidence if element.pk in carried else "",
                next_steps=carried[element.pk].next_steps if element.pk in carried else "",
                updated_by=actor,
            )
            for element in version.elements.all()
        )
        record(actor, "standards.evaluation_started", draft, school=school, version=version.label)
    return draft


def _editable(actor: User, evaluation: SelfEvaluation) -> None:
    if not can(actor, "self_evaluation.edit", evaluation):
        raise PermissionDenied
    if not evaluation.is_draft:
        raise ValidationError("This judgement was submitted and is read-only: start a new one.")


def _lock_draft(evaluation: SelfEvaluation) -> None:
    """Lock the draft row (always before its judgements: one lock order, no deadlock) and
    make sure no one submitted it meanwhile."""
    locked = SelfEvaluation.objects.select_for_update().filter(pk=evaluation.pk, status="draft")
    if not locked.exists():
        raise ValidationError("This judgement was submitted and is read-only: start a new one.")


def _judgement(evaluation: SelfEvaluation, element_id: int, *, lock: bool = False) -> Judgement:
    judgements = Judgement.objects.select_related("element")
    if lock:
        judgements = judgements.select_for_update()
    judgement = judgements.filter(evaluation=evaluation, element_id=element_id).first()
    if judgement is None:
        raise ValidationError({"element": "That element is not part of this self-evaluation."})
    return judgement


def record_judgement(
    actor: User,
    evaluation: SelfEvaluation,
    element_id: int,
    *,
    level: int | None,
    evidence: str,
    next_steps: str,
    revision: int,
) -> Judgement:
    """Save one element of a draft. ``revision`` is the one the person started from: if a
    colleague saved in between, nothing is overwritten and the refusal says who."""
    _editable(actor, evaluation)
    if level is not None and level not in Level.values:
        raise ValidationError({"level": "Choose Entry, Developing or Exemplary."})
    evidence, next_steps = evidence.strip(), next_steps.strip()
    for name, text in (("evidence", evidence), ("next_steps", next_steps)):
        if len(text) > 10000:
            raise ValidationError({name: "Keep this under 10,000 characters."})
    with transaction.atomic():
        _lock_draft(evaluation)
        judgement = _judgement(evaluation, element_id, lock=True)
        if judgement.revision != revision:
            who = judgement.updated_by.get_full_name() if judgement.updated_by else "someone"
            raise ValidationError(
                f"{who} saved element {judgement.element.number} at "
                f"{timezone.localtime(judgement.updated_at):%H:%M} while you were editing: "
                "your text is kept below; check theirs, then save again.",
                code="conflict",
            )
        judgement.level = level
        judgement.evidence = evidence
        judgement.next_steps = next_steps
        judgement.revision += 1
        judgement.updated_by = actor
        judgement.save()
        SelfEvaluation.objects.filter(pk=evaluation.pk).update(updated_at=timezone.now())
    return judgement


def add_evidence(
    actor: User,
    evaluation: SelfEvaluation,
    element_id: int,
    kind: str,
    *,
    title: str = "",
    url: str = "",
    project_id: int | None = None,
    upload=None,
) -> EvidenceLink:
    """Attach evidence to one element: a file, a web page, one of the school's TASC projects,
    or the school's own register equity check or insights report."""
    _editable(actor, evaluation)
    title = title.strip()[:200]
    school = evaluation.school
    link = EvidenceLink(kind=kind, added_by=actor)
    if kind == EvidenceLink.Kind.FILE:
        if upload is None:
            raise ValidationError({"file": "Choose a file."})
        sniffed = uploads.check(upload)
        link.file_type = sniffed.mime
        link.file_name = (upload.name or "evidence")[-200:]
        link.file_size = upload.size
        title = title or link.file_name
    elif kind == EvidenceLink.Kind.WEB:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                {"url": "Give a web address starting http:// or https://."}
            ) from None
        if len(url) > 2000:
            raise ValidationError({"url": "That address is too long."})
        link.url = url  # shown as a link, never fetched by the server
        title = title or url[:200]
    elif kind == EvidenceLink.Kind.PROJECT:
        # Only a project of this school that the person may see.
        project = (
            visible(actor, "project").filter(pk=project_id, school=school).first()
            if project_id
            else None
        )
        if project is None:
            raise ValidationError({"project": "Choose one of the school's TASC projects."})
        link.project = project
        title = title or project.title
    elif kind == EvidenceLink.Kind.EQUITY:
        title = title or "The register's equity check"
    elif kind == EvidenceLink.Kind.INSIGHTS:
        title = title or "The school's register insights"
    else:
        raise ValidationError({"kind": "Choose a file, a web page, a project or register data."})
    with storage.files_undone_on_failure(), transaction.atomic():
        _lock_draft(evaluation)
        judgement = _judgement(evaluation, element_id, lock=True)
        if judgement.links.count() >= MAX_LINKS_PER_ELEMENT:
            raise ValidationError(f"An element can have at most {MAX_LINKS_PER_ELEMENT} pieces.")
        link.judgement = judgement
        link.title = title
        if upload is not None and kind == EvidenceLink.Kind.FILE:
            link.file.save("evidence", upload, save=False)
        link.save()
        record(actor, "standards.evidence_added", link, school=school, kind=kind)
    return link


def remove_evidence(actor: User, evaluation: SelfEvaluation, link_id: int) -> None:
    _editable(actor, evaluation)
    with transaction.atomic():
        _lock_draft(evaluation)  # and still a draft: a submitted judgement keeps its evidence
        link = (
            EvidenceLink.objects.select_for_update()
            .filter(pk=link_id, judgement__evaluation=evaluation)
            .first()
        )
        if link is None:
            raise ValidationError("That evidence is not part of this self-evaluation.")
        record(
            actor, "standards.evidence_removed", link, school=evaluation.school, title=link.title
        )
        if link.file:
            transaction.on_commit(lambda name=link.file.name: link.file.storage.delete(name))
        link.delete()


def missing(evaluation: SelfEvaluation) -> list[str]:
    """What stops the draft being submitted, element by element."""
    problems = []
    judgements = evaluation.judgements.select_related("element").order_by("element__number")
    with_links = set(
        EvidenceLink.objects.filter(judgement__evaluation=evaluation).values_list(
            "judgement_id", flat=True
        )
    )
    for j in judgements:
        needs = []
        if j.level is None:
            needs.append("choose a level")
        if not j.evidence and j.pk not in with_links:
            needs.append("give evidence")
        if needs:
            problems.append(f"Element {j.element.number} {j.element.name}: {' and '.join(needs)}.")
    return problems


def submit(actor: User, evaluation: SelfEvaluation) -> SelfEvaluation:
    """Submit the draft as the school's dated judgement: read-only from now on, and the one in
    force (the judgement it replaces is kept, marked superseded)."""
    _editable(actor, evaluation)
    with transaction.atomic():
        draft = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not draft.is_draft:
            raise ValidationError("This judgement has already been submitted.")
        problems = missing(draft)
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        before = (
            SelfEvaluation.objects.select_for_update()
            .filter(
                school_id=draft.school_id,
                framework_id=draft.framework_id,
                status=SelfEvaluation.Status.SUBMITTED,
                superseded_at__isnull=True,
            )
            .first()
        )
        if before is not None:
            before.superseded_at = now
            before.save(update_fields=["superseded_at"])
        levels = list(draft.judgements.values_list("level", flat=True))
        draft.status = SelfEvaluation.Status.SUBMITTED
        draft.submitted_at = now
        draft.submitted_by = actor
        draft.previous = before
        draft.overall_level = min(levels) if levels else None
        draft.save()
        record(
            actor,
            "standards.evaluation_submitted",
            draft,
            school=draft.school,
            overall=draft.overall_level,
        )
    return draft


def leave_note(
    actor: User, school: School, text: str, agreed_actions: str = "", reviewed_on=None
) -> MonitoringNote:
    """The LA lead's dated note after a review, with the actions agreed; the school sees it."""
    if not can(actor, "standards.note", school):
        raise PermissionDenied
    text, agreed_actions = (text or "").strip(), (agreed_actions or "").strip()
    problems = {}
    if not text:
        problems["text"] = "Write what the review found."
    elif len(text) > 10000:
        problems["text"] = "Keep the note under 10,000 characters."
    if len(agreed_actions) > 5000:
        problems["agreed_actions"] = "Keep the agreed actions under 5,000 characters."
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    if reviewed_on > today:
        problems["reviewed_on"] = "A review date cannot be in the future."
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        note = MonitoringNote.objects.create(
            school=school,
            author=actor,
            reviewed_on=reviewed_on,
            text=text,
            agreed_actions=agreed_actions,
        )
        record(actor, "standards.note_left", note, school=school)
    return note
