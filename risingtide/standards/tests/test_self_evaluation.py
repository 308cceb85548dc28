"""The school's IQS self-evaluation: drafts, evidence, submission, read-only judgements, the
profile and its change since the judgement before."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.demo.testing import png_file
from risingtide.standards import frameworks, queries, services
from risingtide.standards.framework_models import FrameworkVersion
from risingtide.standards.models import EvidenceLink, Judgement, SelfEvaluation

pytestmark = pytest.mark.django_db


def judge_all(evaluation, level=2, evidence="Lesson observations", next_steps="Keep going"):
    Judgement.objects.filter(evaluation=evaluation).update(
        level=level, evidence=evidence, next_steps=next_steps
    )


def test_a_draft_has_one_judgement_per_element_of_the_iqs(world):
    draft = world.evaluations["own"]
    assert draft.is_draft
    assert draft.version.framework.key == "iqs"
    assert draft.judgements.count() == 14
    numbers = list(draft.judgements.values_list("element__number", flat=True))
    assert numbers == list(range(1, 15))


def test_starting_again_returns_the_same_draft(world):
    lead = world.user("leading_teacher@own")
    assert services.start(lead, world.schools["own"]).pk == world.evaluations["own"].pk
    assert SelfEvaluation.objects.filter(school=world.schools["own"]).count() == 1


@pytest.mark.parametrize("who", ["teacher@own", "leading_teacher@other", "la_lead@own"])
def test_only_the_schools_leading_teacher_or_head_starts_one(world, who):
    with pytest.raises(PermissionDenied):
        services.start(world.user(who), world.schools["own"])


def test_a_judgement_saves_and_counts_its_revision(world):
    lead = world.user("leading_teacher@own")
    draft = world.evaluations["own"]
    element = draft.judgements.get(element__number=1).element
    saved = services.record_judgement(
        lead, draft, element.pk, level=3, evidence=" Identified 40 ", next_steps="", revision=0
    )
    assert (saved.level, saved.evidence, saved.revision) == (3, "Identified 40", 1)


def test_a_stale_save_is_refused_and_says_who_saved(world):
    head = world.user("head@own")
    lead = world.user("leading_teacher@own")
    draft = world.evaluations["own"]
    element_id = draft.judgements.get(element__number=2).element_id
    services.record_judgement(
        head, draft, element_id, level=1, evidence="Head's view", next_steps="", revision=0
    )
    with pytest.raises(ValidationError) as refused:
        services.record_judgement(
            lead, draft, element_id, level=3, evidence="Mine", next_steps="", revision=0
        )
    assert "Head Own saved element 2" in refused.value.messages[0]
    assert draft.judgements.get(element_id=element_id).evidence == "Head's view"


def test_an_unknown_level_is_refused(world):
    draft = world.evaluations["own"]
    element_id = draft.judgements.first().element_id
    with pytest.raises(ValidationError) as refused:
        services.record_judgement(
            world.user("leading_teacher@own"),
            draft,
            element_id,
            level=4,
            evidence="",
            next_steps="",
            revision=0,
        )
    assert "level" in refused.value.message_dict


def test_submission_lists_every_element_still_missing_a_level_or_evidence(world):
    draft = world.evaluations["own"]
    judge_all(draft)
    Judgement.objects.filter(evaluation=draft, element__number=4).update(level=None)
    Judgement.objects.filter(evaluation=draft, element__number=9).update(evidence="")
    with pytest.raises(ValidationError) as refused:
        services.submit(world.user("leading_teacher@own"), draft)
    assert refused.value.messages == [
        "Element 4 Enabling curriculum entitlement and choice: choose a level.",
        "Element 9 School ethos and pastoral care: give evidence.",
    ]
    assert SelfEvaluation.objects.get(pk=draft.pk).is_draft


def test_attached_evidence_counts_as_evidence(world):
    lead = world.user("leading_teacher@own")
    draft = world.evaluations["own"]
    judge_all(draft)
    judgement = Judgement.objects.get(evaluation=draft, element__number=1)
    Judgement.objects.filter(pk=judgement.pk).update(evidence="")
    services.add_evidence(lead, draft, judgement.element_id, EvidenceLink.Kind.EQUITY)
    assert services.missing(draft) == []


def test_submitting_makes_it_read_only_and_in_force(world):
    lead = world.user("leading_teacher@own")
    draft = world.evaluations["own"]
    judge_all(draft)
    Judgement.objects.filter(evaluation=draft, element__number=7).update(level=1)
    submitted = services.submit(lead, draft)
    assert submitted.status == "submitted"
    assert submitted.overall_level == 1  # the level every element has reached
    assert services.in_force(world.schools["own"], submitted.framework) == submitted
    with pytest.raises(ValidationError):
        services.record_judgement(
            lead,
            submitted,
            submitted.judgements.first().element_id,
            level=3,
            evidence="x",
            next_steps="",
            revision=0,
        )
    with pytest.raises(ValidationError):
        services.add_evidence(
            lead, submitted, submitted.judgements.first().element_id, EvidenceLink.Kind.EQUITY
        )
    assert AuditEvent.objects.filter(action="standards.evaluation_submitted").exists()


def test_a_later_judgement_never_overwrites_the_earlier_one(world):
    lead = world.user("leading_teacher@other")
    school = world.schools["other"]
    first = world.evaluations["other"]
    second = services.start(lead, school)
    # It starts from the judgement in force...
    assert set(second.judgements.values_list("level", flat=True)) == {2}
    Judgement.objects.filter(evaluation=second, element__number=1).update(level=3)
    second = services.submit(lead, second)
    first.refresh_from_db()
    # ...which is kept as it was, marked superseded.
    assert first.superseded_at is not None
    assert set(first.judgements.values_list("level", flat=True)) == {2}
    assert services.in_force(school, first.framework).pk == second.pk
    rows = {r.element.number: r for r in queries.profile(second).rows}
    assert rows[1].change == "up" and rows[1].change_label == "up from Developing"
    assert rows[2].change == "same"


def test_evidence_of_each_kind(world):
    lead = world.user("leading_teacher@own")
    draft = world.evaluations["own"]
    element_id = draft.judgements.get(element__number=1).element_id
    upload = services.add_evidence(lead, draft, element_id, "file", upload=png_file("chart.png"))
    assert (upload.file_type, upload.title) == ("image/png", "chart.png")
    web = services.add_evidence(lead, draft, element_id, "web", url="https://example.org/policy")
    assert web.title == "https://example.org/policy"
    project = services.add_evidence(
        lead, draft, element_id, "project", project_id=world.projects["own"].pk
    )
    assert project.project == world.projects["own"]
    assert len(queries.profile(draft).rows[0].links) == 3


@pytest.mark.parametrize(
    "kind,extra,field",
    [
        ("web", {"url": "javascript:alert(1)"}, "url"),
        ("web", {"url": "file:///etc/passwd"}, "url"),
        ("file", {}, "file"),
        ("project", {"project_id": 0}, "project"),
        ("nonsense", {}, "kind"),
    ],
)
def test_refused_evidence_says_why(world, kind, extra, field):
    draft = world.evaluations["own"]
    element_id = draft.judgements.first().element_id
    with pytest.raises(ValidationError) as refused:
        services.add_evidence(world.user("leading_teacher@own"), draft, element_id, kind, **extra)
    assert field in refused.value.message_dict


def test_another_schools_project_is_not_evidence(world):
    draft = world.evaluations["own"]
    with pytest.raises(ValidationError):
        services.add_evidence(
            world.user("leading_teacher@own"),
            draft,
            draft.judgements.first().element_id,
            "project",
            project_id=world.projects["other"].pk,
        )


def test_a_file_that_is_not_what_it_claims_is_refused(world):
    draft = world.evaluations["own"]
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.add_evidence(
            world.user("leading_teacher@own"),
            draft,
            draft.judgements.first().element_id,
            "file",
            upload=fake,
        )
    assert "cannot be added" in refused.value.message_dict["file"][0]
    assert not EvidenceLink.objects.exists()


def test_the_chequerboard_marks_the_levels_reached(world):
    profile = queries.profile(world.evaluations["other"])
    row = profile.rows[0]
    assert [reached for _, reached in row.cells] == [True, True, False]
    board = queries.board(profile)
    assert len(board["rows"]) == 14
    assert [c["reached"] for c in board["rows"][0]["cells"]] == [True, True, False]
    assert profile.counts[1][1] == 14  # all Developing


def test_the_profile_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    first = SelfEvaluation.objects.get(pk=world.evaluations["other"].pk)
    with django_assert_num_queries(2):  # judgements, evidence: nothing to compare with
        queries.profile(first)
    lead = world.user("leading_teacher@other")
    second = services.submit(lead, services.start(lead, world.schools["other"]))
    second = SelfEvaluation.objects.select_related("previous").get(pk=second.pk)
    with django_assert_num_queries(3):  # and the judgement before
        queries.profile(second)


def test_evidence_cannot_be_removed_once_submitted_even_from_a_stale_page(world):
    lead = world.user("leading_teacher@own")
    stale = world.evaluations["own"]
    judge_all(stale)
    link = services.add_evidence(
        lead, stale, stale.judgements.first().element_id, EvidenceLink.Kind.EQUITY
    )
    services.submit(lead, SelfEvaluation.objects.get(pk=stale.pk))
    assert stale.is_draft  # the object the page loaded before someone submitted
    with pytest.raises(ValidationError):
        services.remove_evidence(lead, stale, link.pk)
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


def _mini_framework(elements: int):
    items = "\n".join(
        f"      - {{number: {n}, name: E{n}, levels: {{entry: a, developing: b, exemplary: c}}}}"
        for n in range(1, elements + 1)
    )
    text = (
        "format: rising-tide-framework/1\n"
        f"framework: {{key: mini{elements}, name: Mini {elements}, kind: school}}\n"
        "version: {label: '1'}\n"
        "themes:\n  - code: A\n    name: One\n    elements:\n" + items + "\n"
    )
    return frameworks.load(frameworks.parse(text.encode()))


def test_the_self_evaluation_page_reads_the_same_queries_for_3_or_14_elements(world, client_for):
    lead = world.user("leading_teacher@own")
    _mini_framework(3)
    small = services.start(lead, world.schools["own"], framework_key="mini3")
    client = client_for(lead)
    counts = []
    for evaluation in (small, world.evaluations["own"]):
        client.get(reverse("standards:self_evaluation", args=[evaluation.pk]))
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("standards:self_evaluation", args=[evaluation.pk])).status_code
                == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_new_draft_is_compared_only_with_a_judgement_on_the_same_version(world):
    lead = world.user("leading_teacher@other")
    # The school moves to the 2010 revision, which renumbers elements.
    FrameworkVersion.objects.filter(label="2010 revision").update(active=True)
    draft = services.start(lead, world.schools["other"])
    assert draft.version.label == "2010 revision"
    rows = queries.profile(draft).rows
    assert all(r.before is None for r in rows)  # no level carried or compared across versions
    assert set(draft.judgements.values_list("level", flat=True)) == {None}
