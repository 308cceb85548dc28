"""Publishing, copying, rating and withdrawing library resources."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from risingtide.audit.models import AuditEvent
from risingtide.demo.testing import png_file
from risingtide.library import queries, services
from risingtide.library.models import Resource, ResourceUse, Review
from risingtide.library.starter import STARTER, ensure_starter_library
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


def _details(**changes) -> services.Details:
    values = {
        "title": "Bee hotels",
        "description": "A project about solitary bees.",
        "subject": "science",
        "key_stage": "",
        "stage": "",
        "licence": Resource.Licence.CC_BY,
        "audience": Resource.Audience.LA,
    }
    values.update(changes)
    return services.Details(**values)


def _template(world) -> Resource:
    project = world.projects["own"]
    project.brief = "Design a bee hotel for the garden."
    project.success_criteria = ["I can explain what bees need"]
    project.stage_prompts = {"gather": ["Which bees live near school?"]}
    project.save()
    return services.publish_project(world.user("teacher@own"), project, _details())


def test_publishing_a_project_keeps_the_librarys_own_copy(world):
    resource = _template(world)
    project = world.projects["own"]
    assert resource.kind == Resource.Kind.TEMPLATE
    assert resource.school == world.schools["own"]
    assert resource.local_authority == world.las["own"]
    assert resource.key_stage == project.key_stage  # blank: the project's
    assert resource.licence == "cc-by-4.0"
    assert resource.source_project == project
    # Later edits to the teacher's project do not change the published template.
    project.brief = "Something else entirely"
    project.success_criteria = []
    project.save()
    resource.refresh_from_db()
    assert resource.brief == "Design a bee hotel for the garden."
    assert resource.success_criteria == ["I can explain what bees need"]
    assert resource.stage_prompts == {"gather": ["Which bees live near school?"]}
    assert AuditEvent.objects.filter(action="library.published", target_id=str(resource.pk))


def test_who_may_publish_a_project(world):
    project = world.projects["own"]
    for key in ("teacher@other", "pupil@own", "la_lead@own"):
        with pytest.raises(PermissionDenied):
            services.publish_project(world.user(key), project, _details())
    with pytest.raises(ValidationError):
        services.publish_project(world.user("teacher@own"), project, _details(), kind="link")
    with pytest.raises(ValidationError):
        services.publish_project(world.user("teacher@own"), project, _details(title="  "))
    with pytest.raises(ValidationError):
        services.publish_project(world.user("teacher@own"), project, _details(audience="world"))


def test_publishing_lesson_plans_files_and_links(world):
    teacher = world.user("teacher@peer")
    plan = services.publish(teacher, "lesson_plan", _details(), body="Starter: ask why.")
    assert plan.school == world.schools["peer"] and plan.body == "Starter: ask why."
    with pytest.raises(ValidationError, match="Write the lesson plan"):
        services.publish(teacher, "lesson_plan", _details(), body="  ")

    picture = services.publish(teacher, "file", _details(), upload=png_file("bees.png"))
    assert picture.file_type == "image/png" and picture.file_name == "bees.png"
    assert picture.file.name.startswith("library/") and "bees" not in picture.file.name
    with pytest.raises(ValidationError, match="Choose a file"):
        services.publish(teacher, "file", _details())
    script = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", "application/pdf")
    with pytest.raises(ValidationError, match="cannot be added"):
        services.publish(teacher, "file", _details(), upload=script)

    link = services.publish(teacher, "link", _details(), url="https://example.org/bees")
    assert link.url == "https://example.org/bees"
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "example.org", ""):
        with pytest.raises(ValidationError):
            services.publish(teacher, "link", _details(), url=bad)
    with pytest.raises(ValidationError):
        services.publish(teacher, "template", _details())  # templates come from projects
    with pytest.raises(PermissionDenied):
        services.publish(world.user("pupil@own"), "link", _details(), url="https://a.example/")


def test_files_over_the_limit_are_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="at most"):
        services.publish(world.user("teacher@own"), "file", _details(), upload=png_file())


def test_copying_a_template_keeps_where_it_came_from_and_counts_a_use(world):
    resource = _template(world)
    copier = world.user("teacher@peer")  # another school of the same LA
    project = services.copy_to_project(copier, resource)
    assert project.school == world.schools["peer"]
    assert project.status == Project.Status.DRAFT
    assert project.created_by == copier
    assert project.brief == "Design a bee hotel for the garden."
    assert project.success_criteria == ["I can explain what bees need"]
    assert project.stage_prompts == {"gather": ["Which bees live near school?"]}
    assert project.copied_from is None  # not another school's project: the library's
    use = queries.adapted_from(project)
    assert use.resource == resource and use.user == copier
    services.copy_to_project(world.user("head@peer"), resource)
    assert resource.uses.count() == 2
    assert AuditEvent.objects.filter(action="library.copied", target_id=str(resource.pk)).count()


def test_copying_is_for_those_who_see_it_and_for_projects_only(world):
    resource = _template(world)
    with pytest.raises(PermissionDenied):
        services.copy_to_project(world.user("teacher@other"), resource)  # another LA
    with pytest.raises(ValidationError, match="Only a project template"):
        services.copy_to_project(world.user("teacher@own"), world.resources["own_school"])


def test_withdrawing_keeps_the_copies(world):
    resource = _template(world)
    project = services.copy_to_project(world.user("teacher@peer"), resource)
    with pytest.raises(PermissionDenied):
        services.withdraw(world.user("teacher@peer"), resource)
    services.withdraw(world.user("teacher@own"), resource)
    assert Resource.objects.get(pk=resource.pk).withdrawn_at is not None
    assert Project.objects.filter(pk=project.pk).exists()
    assert queries.adapted_from(project).resource == resource
    with pytest.raises(ValidationError, match="already"):
        services.withdraw(world.user("teacher@own"), resource)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.copy_to_project(world.user("head@own"), resource)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.review(world.user("head@own"), resource, 5)
    assert AuditEvent.objects.filter(action="library.withdrawn", target_id=str(resource.pk))


def test_ratings_one_per_teacher_changeable_never_ones_own(world):
    resource = _template(world)
    with pytest.raises(ValidationError, match="your own"):
        services.review(world.user("teacher@own"), resource, 5)
    services.review(world.user("teacher@peer"), resource, 2, "Too long for us")
    services.review(world.user("teacher@peer"), resource, 4, "Better the second time")
    services.review(world.user("head@own"), resource, 5)
    assert Review.objects.filter(resource=resource).count() == 2
    page = queries.resource_page(world.user("teacher@peer"), resource)
    assert page["resource"].rating == 4.5 and page["resource"].review_count == 2
    assert page["my_review"].text == "Better the second time"
    assert page["reviews"][0] == page["my_review"]  # one's own first
    for rating in (0, 6):
        with pytest.raises(ValidationError):
            services.review(world.user("head@own"), resource, rating)
    with pytest.raises(ValidationError):
        services.review(world.user("head@own"), resource, 3, "x" * (Review.MAX_CHARS + 1))
    with pytest.raises(PermissionDenied):
        services.review(world.user("teacher@other"), resource, 3)


def test_downloads_count_once_per_person_and_not_for_the_author(world):
    resource = world.resources["own_la"]
    services.note_download(world.user("teacher@own"), resource)  # the author
    services.note_download(world.user("teacher@peer"), resource)
    services.note_download(world.user("teacher@peer"), resource)
    assert list(resource.uses.values_list("how", flat=True)) == ["downloaded"]


def test_changing_details_is_for_the_author(world):
    resource = world.resources["own_la"]
    updated = services.update(
        world.user("teacher@own"), resource, _details(title="Bee hotels, improved")
    )
    assert updated.title == "Bee hotels, improved" and updated.key_stage == "ks3"
    with pytest.raises(PermissionDenied):
        services.update(world.user("head@own"), resource, _details())


def test_the_starter_set_is_there_once(world):
    starters = Resource.objects.exclude(starter_key="")
    assert starters.count() == len(STARTER) >= 6
    assert ensure_starter_library() == 0
    assert all(r.author is None and r.audience == "everyone" for r in starters)
    assert all(r.kind == "example" and len(r.stage_prompts) == 8 for r in starters)
    # A teacher can set one to their class straight away.
    project = services.copy_to_project(world.user("teacher@other"), starters.first())
    assert project.school == world.schools["other"]
    assert ResourceUse.objects.filter(project=project).exists()
