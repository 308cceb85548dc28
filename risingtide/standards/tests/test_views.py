"""The standards pages through the test client: the self-evaluation journey, the plan and its
exports, the LA's monitoring page, the national indicator and framework import."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from risingtide.demo.testing import png_file
from risingtide.people.models import Membership, Role
from risingtide.schools.models import School
from risingtide.standards import plans, services
from risingtide.standards.framework_models import Framework, FrameworkVersion
from risingtide.standards.models import (
    ClassroomEvaluation,
    EvidenceLink,
    FeatureLevel,
    Judgement,
    MonitoringNote,
    PlanAction,
    SelfEvaluation,
)
from risingtide.standards.monitoring import la_monitoring
from risingtide.standards.national import indicator

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def judgement_post(evaluation, number, level, evidence, next_steps="", revision=None):
    judgement = Judgement.objects.get(evaluation=evaluation, element__number=number)
    prefix = f"e{number}"
    return reverse("standards:self_evaluation_judge", args=[evaluation.pk, judgement.element_id]), {
        f"{prefix}-level": level,
        f"{prefix}-evidence": evidence,
        f"{prefix}-next_steps": next_steps,
        f"{prefix}-revision": judgement.revision if revision is None else revision,
    }


def test_the_leading_teacher_starts_judges_submits_and_plans(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    page = lead.get(reverse("standards:standards_school", args=[school.pk]))
    assert "Continue the draft" in page.content.decode()
    draft = world.evaluations["own"]
    for number in range(1, 15):
        url, data = judgement_post(draft, number, 1 + number % 3, f"Evidence {number}", "Do more")
        saved = lead.post(url, data, **HTMX)
        assert saved.status_code == 200
        assert "Saved" in saved.content.decode()
    submitted = lead.post(reverse("standards:self_evaluation_submit", args=[draft.pk]))
    assert submitted.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.overall_level == 1
    page = lead.get(reverse("standards:self_evaluation", args=[draft.pk])).content.decode()
    assert "read-only" in page
    assert '<svg viewBox="0 0' in page and 'role="img"' in page  # the chequerboard
    assert "Level reached by each element" in page  # and its table
    assert "Save element" not in page
    made = lead.post(reverse("standards:self_evaluation_plan", args=[draft.pk]))
    plan = draft.plans.get()
    assert made["Location"] == reverse("standards:plan", args=[plan.pk])
    assert plan.actions.count() == 14


def test_a_save_without_htmx_redirects_to_the_element(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    url, data = judgement_post(draft, 3, 2, "Results")
    response = lead.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?theme=A#element-3")


def test_a_conflicting_save_keeps_both_texts(world, client_for):
    draft = world.evaluations["own"]
    head = client_for(world.user("head@own"))
    lead = client_for(world.user("leading_teacher@own"))
    url, data = judgement_post(draft, 5, 2, "The head's evidence")
    assert head.post(url, data, **HTMX).status_code == 200
    url, data = judgement_post(draft, 5, 3, "My own evidence", revision=0)
    # htmx swaps only a 2xx answer: the refusal comes as 200, shown in the element.
    swapped = lead.post(url, data, **HTMX)
    assert swapped.status_code == 200
    assert "while you were editing" in swapped.content.decode()
    response = lead.post(url, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "The head&#x27;s evidence" in body and "My own evidence" in body
    assert Judgement.objects.get(evaluation=draft, element__number=5).evidence == (
        "The head's evidence"
    )


def test_an_incomplete_draft_is_not_submitted_and_the_page_says_what_is_missing(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    response = lead.post(reverse("standards:self_evaluation_submit", args=[draft.pk]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "The self-evaluation was not submitted" in body
    assert "Element 14 Learning beyond the classroom: choose a level and give evidence." in body
    assert SelfEvaluation.objects.get(pk=draft.pk).is_draft


def test_a_teacher_reads_the_draft_but_cannot_change_it(world, client_for):
    teacher = client_for(world.user("teacher@own"))
    draft = world.evaluations["own"]
    page = teacher.get(reverse("standards:self_evaluation", args=[draft.pk]))
    assert page.status_code == 200 and "Save element" not in page.content.decode()
    url, data = judgement_post(draft, 1, 3, "x")
    assert teacher.post(url, data).status_code == 403


def test_evidence_files_are_served_as_attachments_of_their_sniffed_type(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    element_id = Judgement.objects.get(evaluation=draft, element__number=1).element_id
    response = lead.post(
        reverse("standards:self_evaluation_evidence", args=[draft.pk, element_id]),
        {"kind": "file", "title": "", "file": png_file("chart.png")},
    )
    assert response.status_code == 302
    link = EvidenceLink.objects.get()
    served = lead.get(reverse("standards:self_evaluation_evidence_file", args=[draft.pk, link.pk]))
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    # Another school's LA lead cannot reach it at all.
    outsider = client_for(world.user("la_lead@other"))
    url = reverse("standards:self_evaluation_evidence_file", args=[draft.pk, link.pk])
    assert outsider.get(url).status_code == 404


def test_a_refused_evidence_link_says_why(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    draft = world.evaluations["own"]
    element_id = Judgement.objects.get(evaluation=draft, element__number=2).element_id
    response = lead.post(
        reverse("standards:self_evaluation_evidence", args=[draft.pk, element_id]),
        {"kind": "web", "url": "javascript:alert(1)"},
        follow=True,
    )
    assert "Evidence not added to element 2" in response.content.decode()
    assert not EvidenceLink.objects.exists()


def test_the_plan_page_updates_an_action_and_keeps_history(world, client_for):
    lead = client_for(world.user("leading_teacher@other"))
    plan = world.plans["other"]
    action = plan.actions.first()
    p = f"a{action.pk}"
    response = lead.post(
        reverse("standards:plan_update_action", args=[plan.pk, action.pk]),
        {
            f"{p}-what": "Share practice in departments",
            f"{p}-element": action.element_id,
            f"{p}-who": "Ms Khan",
            f"{p}-due_on": "2020-01-01",
            f"{p}-status": "in_progress",
            f"{p}-cost": "120",
            f"{p}-credits": "3",
        },
    )
    assert response.status_code == 302
    page = lead.get(reverse("standards:plan", args=[plan.pk])).content.decode()
    assert "Red: overdue" in page  # due in 2020, not done
    history = lead.get(reverse("standards:plan_history", args=[plan.pk])).content.decode()
    assert "Ms Khan" in history and "Lead Other" in history


def test_a_bad_action_shows_its_error_and_changes_nothing(world, client_for):
    lead = client_for(world.user("leading_teacher@other"))
    plan = world.plans["other"]
    response = lead.post(
        reverse("standards:plan_add_action", args=[plan.pk]),
        {"new-what": "Masterclass", "new-status": "not_started", "new-cost": "a lot"},
    )
    assert response.status_code == 400
    assert "Give the cost in pounds" in response.content.decode()
    assert plan.actions.count() == 14


def test_the_plan_exports_as_csv_and_pdf(world, client_for):
    lead = client_for(world.user("leading_teacher@other"))
    plan = world.plans["other"]
    plans.add_action(
        world.user("leading_teacher@other"), plan, plans.ActionInput(what="=cmd|' /C calc'!A0")
    )
    csv = lead.get(reverse("standards:plan_csv", args=[plan.pk]))
    assert csv["Content-Disposition"].startswith("attachment")
    text = csv.content.decode("utf-8-sig")
    assert "'=cmd" in text  # a formula comes out as text
    assert text.count("Share practice.") == 14
    pdf = lead.get(reverse("standards:plan_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Share practice." in words and "Other School" in words


def test_the_la_lead_leaves_a_note_the_school_sees(world, client_for):
    la = client_for(world.user("la_lead@other"))
    school = world.schools["other"]
    response = la.post(
        reverse("standards:standards_note", args=[school.pk]),
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "text": "Good progress on identification.",
            "agreed_actions": "Audit provision\nTrain staff",
        },
    )
    assert response.status_code == 302
    lead = client_for(world.user("leading_teacher@other"))
    page = lead.get(reverse("standards:standards_school", args=[school.pk])).content.decode()
    assert "Good progress on identification." in page
    assert "<li>Train staff</li>" in page
    # A date in the future is refused.
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    refused = la.post(
        reverse("standards:standards_note", args=[school.pk]), {"reviewed_on": future, "text": "x"}
    )
    assert refused.status_code == 400 and MonitoringNote.objects.count() == 1


def test_the_la_page_shows_levels_overdue_actions_and_gaps(world, client_for):
    la = client_for(world.user("la_lead@other"))
    PlanAction.objects.filter(plan=world.plans["other"]).update(
        due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    page = la.get(reverse("standards:standards_la", args=[world.las["other"].pk])).content.decode()
    assert "Other School" in page
    assert page.count('<abbr title="Developing">D</abbr>') == 14
    assert '<strong class="rag-text-red">14</strong>' in page  # 14 actions overdue


def test_the_la_page_filters_by_element_and_level(world, client_for):
    la = client_for(world.user("la_lead@own"))
    url = reverse("standards:standards_la", args=[world.las["own"].pk])
    # Neither of own LA's schools has a submitted judgement: both are "not judged".
    assert "2 of 2 schools shown" in la.get(url, {"element": 1, "level": 0}).content.decode()
    assert "0 of 2 schools shown" in la.get(url, {"element": 1, "level": 2}).content.decode()
    page = la.get(url, {"flag": "no_plan"}).content.decode()
    assert "1 of 2 schools shown" in page and "Peer School" in page
    # Every letter in the grid has a key under it.
    assert "Key to the levels:" in page and "</span> Exemplary" in page


def _schools(la, n, start=0):
    return School.objects.bulk_create(
        School(
            local_authority=la,
            name=f"Extra {i}",
            establishment_number=f"{5000 + i}",
            urn=f"{800000 + i}",
            phase=School.Phase.PRIMARY,
        )
        for i in range(start, start + n)
    )


def _submitted(school, level=2):
    framework = Framework.objects.get(key="iqs")
    version = services.current_version("iqs")
    evaluation = SelfEvaluation.objects.create(
        school=school,
        framework=framework,
        version=version,
        status="submitted",
        submitted_at=timezone.now(),
        overall_level=level,
    )
    Judgement.objects.bulk_create(
        Judgement(evaluation=evaluation, element=e, level=level, evidence="e")
        for e in version.elements.all()
    )
    return evaluation


def _count_queries(client, url):
    """One request's queries, after a first has kept the person's anchors (as every request
    of a session but its first finds them)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_la_page_reads_the_same_number_of_queries_for_any_number_of_schools(world, client_for):
    la = client_for(world.user("la_lead@other"))
    url = reverse("standards:standards_la", args=[world.las["other"].pk])
    few = _count_queries(la, url)
    for school in _schools(world.las["other"], 25):
        _submitted(school)
    assert _count_queries(la, url) == few


def test_the_indicator_counts_only_submitted_judgements(world, client_for):
    national = client_for(world.user("national_officer@nation"))
    url = reverse("standards:standards_nation", args=[world.nation.pk])
    before = national.get(url).context["indicator"]
    assert before.overall.counts[2] == 1  # "other" at Developing; "own" only has a draft
    assert before.overall.counts[0] == 2
    lead = world.user("leading_teacher@own")
    Judgement.objects.filter(evaluation=world.evaluations["own"]).update(level=3, evidence="e")
    services.submit(lead, world.evaluations["own"])
    after = national.get(url).context["indicator"]
    assert after.overall.counts[3] == 1 and after.overall.counts[0] == 1
    by_la = {c.label: c.counts for c in after.by_la}
    assert by_la["Own LA"][3] == 1 and by_la["Own LA"][0] == 1
    by_phase = {c.label: c.counts for c in after.by_phase}
    assert by_phase["Secondary"][3] == 1 and by_phase["Secondary"][2] == 1
    element_1 = after.elements[0][1]
    assert (element_1.counts[2], element_1.counts[3]) == (1, 1)
    assert after.over_time[-1].counts[3] == 1
    csv = national.get(reverse("standards:standards_nation_csv", args=[world.nation.pk]))
    assert "Overall,All schools,0,1,1,1,3" in csv.content.decode("utf-8-sig")


def test_the_indicator_over_time_counts_what_was_in_force_at_each_year_end(world):
    school = world.schools["peer"]
    old = _submitted(school, level=1)
    SelfEvaluation.objects.filter(pk=old.pk).update(
        submitted_at=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
        superseded_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
    )
    SelfEvaluation.objects.filter(pk=world.evaluations["other"].pk).update(
        submitted_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    )
    new = _submitted(school, level=3)
    SelfEvaluation.objects.filter(pk=new.pk).update(
        submitted_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    )
    years = {c.label: c.counts for c in indicator(world.nation).over_time}
    assert years["2024/25"][1] == 1 and years["2024/25"][2] == 1 and years["2024/25"][3] == 0
    assert years["2025/26"][1] == 0 and years["2025/26"][3] == 1


def test_the_indicator_reads_the_same_number_of_queries_for_any_number_of_schools(
    world, client_for
):
    national = client_for(world.user("national_officer@nation"))
    url = reverse("standards:standards_nation", args=[world.nation.pk])
    few = _count_queries(national, url)
    for school in _schools(world.las["own"], 30):
        _submitted(school, level=1)
    assert _count_queries(national, url) == few


def test_a_bad_framework_file_is_refused_with_its_lines_and_loads_nothing(world, client_for):
    admin = client_for(world.user("site_admin@site"))
    before = FrameworkVersion.objects.count()
    text = (
        "format: rising-tide-framework/1\n"
        "framework: {key: mine, name: Mine, kind: school}\n"
        "version: {label: '1'}\n"
        "colour: blue\n"
        "themes:\n"
        "  - code: A\n"
        "    name: One\n"
        "    elements:\n"
        "      - {number: 1, name: X, levels: {entry: a, developing: b}}\n"
        "      - {number: 1, name: Y, levels: {entry: a, developing: b, exemplary: c}}\n"
    )
    response = admin.post(
        reverse("standards:framework_import"),
        {"file": SimpleUploadedFile("mine.yaml", text.encode(), "application/yaml")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was loaded" in body
    assert "Line 4:" in body and "colour" in body
    assert "Line 9:" in body and "exemplary" in body
    assert "Line 10:" in body
    assert FrameworkVersion.objects.count() == before


def test_a_framework_exported_loads_back_as_a_new_version(world, client_for):
    admin = client_for(world.user("site_admin@site"))
    version = services.current_version("iqs")
    exported = admin.get(
        reverse("standards:framework_export", args=[version.pk]), {"format": "json"}
    )
    text = exported.content.decode().replace('"label": "2007"', '"label": "2007 local"')
    response = admin.post(
        reverse("standards:framework_import"),
        {"file": SimpleUploadedFile("iqs.json", text.encode(), "application/json")},
    )
    assert response.status_code == 302
    loaded = FrameworkVersion.objects.get(label="2007 local")
    assert loaded.elements.count() == 14


def test_a_leading_teacher_without_a_school_membership_is_not_counted_missing(world):
    # The cluster's leading teacher covers both schools of the cluster.
    Membership.objects.filter(role=Role.LEADING_TEACHER, school=world.schools["peer"]).delete()
    lines = {
        line.school.name: line
        for line in la_monitoring(world.user("la_lead@own"), world.las["own"]).lines
    }
    assert lines["Peer School"].has_leading_teacher
    Membership.objects.filter(role=Role.LEADING_TEACHER, cluster=world.cluster).delete()
    lines = {
        line.school.name: line
        for line in la_monitoring(world.user("la_lead@own"), world.las["own"]).lines
    }
    assert not lines["Peer School"].has_leading_teacher


def test_the_indicator_counts_only_shared_classroom_reflections(world, client_for):
    private = world.classroom["own_private"]
    shared = world.classroom["own_shared"]
    feature = services.current_version("cqs").elements.order_by("number").first()
    FeatureLevel.objects.create(evaluation=private, element=feature, level=3)
    FeatureLevel.objects.create(evaluation=shared, element=feature, level=1)
    ClassroomEvaluation.objects.filter(pk__in=[private.pk, shared.pk]).update(
        completed_at=timezone.now()
    )
    national = client_for(world.user("national_officer@nation"))
    indicator = national.get(reverse("standards:standards_nation", args=[world.nation.pk])).context[
        "indicator"
    ]
    assert indicator.classroom_schools == 1
    first = indicator.classroom[0][1]
    assert first.counts[1] == 1 and first.counts.get(3, 0) == 0  # the private one is not
    api = national.get(f"/api/v1/nations/{world.nation.pk}/standards-indicator").json()
    assert api["classroom"][0]["exemplary"] == 0 and api["classroom"][0]["entry"] == 1
