"""Nominations, evidence and decisions: attributed, append-only, checked."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from risingtide.audit.models import AuditEvent
from risingtide.register import services
from risingtide.register.models import (
    DataSharingAgreement,
    Evidence,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    ever_6,
    fsm_on,
)

pytestmark = pytest.mark.django_db


def test_a_nomination_adds_evidence_and_a_nominated_entry(world):
    record = world.records["own2"]
    entry = services.nominate(
        world.user("teacher+lead@own"),
        record,
        domains=["music", "maths"],
        summary="Composes in three parts.",
    )
    assert (entry.status, entry.gifted, entry.talented, entry.domains) == (
        "nominated",
        True,
        True,
        ["maths", "music"],
    )
    assert entry.recorded_by_name == "Both Roles"
    evidence = record.evidence.get()
    assert evidence.kind == "teacher_nomination" and evidence.category == "Qualitative"
    assert AuditEvent.objects.filter(action="register.nominated", target_id=str(record.pk)).exists()


def test_a_second_nomination_merges_domains_as_a_new_entry(world):
    record = world.records["own"]  # the tiny world nominated them for maths
    services.nominate(world.user("teacher@own"), record, domains=["art"], summary="Paints.")
    entries = list(record.register_entries.order_by("pk"))
    assert [e.domains for e in entries] == [["maths"], ["art", "maths"]]
    assert [e.current for e in entries] == [False, True]


def test_a_teacher_nominates_only_their_own_pupils_and_cannot_decide(world):
    teacher = world.user("teacher@own")
    with pytest.raises(PermissionDenied):
        services.nominate(teacher, world.records["own2"], domains=["art"], summary="x")
    with pytest.raises(PermissionDenied):
        services.decide(teacher, world.records["own"], status="identified", domains=["maths"])


def test_identifying_needs_evidence_and_a_domain(world):
    lead = world.user("leading_teacher@own")
    with pytest.raises(ValidationError) as refused:
        services.decide(lead, world.records["2@own"], status="identified", domains=["maths"])
    assert "Add evidence" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.decide(lead, world.records["own"], status="identified", domains=[])
    assert "domains" in refused.value.message_dict
    entry = services.decide(
        lead,
        world.records["own"],
        status="identified",
        domains=["maths"],
        top_5=True,
        next_review=timezone.localdate() + timedelta(days=180),
    )
    assert entry.status == "identified" and entry.top_5 and entry.current
    assert world.records["own"].register_entries.count() == 2


def test_not_identifying_or_removing_needs_a_reason(world):
    lead = world.user("leading_teacher@own")
    with pytest.raises(ValidationError) as refused:
        services.decide(lead, world.records["own"], status="not_identified")
    assert "reason" in refused.value.message_dict
    entry = services.decide(
        lead, world.records["own"], status="not_identified", reason="Evidence is thin for now."
    )
    assert entry.domains == [] and not entry.gifted


def test_evidence_may_point_only_at_the_pupils_own_portfolio_items(world):
    teacher = world.user("teacher@own")
    own = services.add_evidence(
        teacher,
        world.records["own"],
        kind="work_scrutiny",
        summary="Her bee hotel design.",
        item=world.items["own"],
    )
    assert own.item == world.items["own"]
    with pytest.raises(ValidationError) as refused:
        services.add_evidence(
            world.user("leading_teacher@own"),
            world.records["own"],
            kind="work_scrutiny",
            summary="Not theirs.",
            item=world.items["own2"],
        )
    assert "item" in refused.value.message_dict


def test_evidence_is_checked(world):
    teacher = world.user("teacher@own")
    with pytest.raises(ValidationError) as refused:
        services.add_evidence(teacher, world.records["own"], kind="gossip", summary="", score=1e12)
    assert set(refused.value.message_dict) == {"kind", "summary", "score"}


def test_entries_evidence_and_audit_events_are_never_changed_or_deleted(world):
    entry = RegisterEntry.objects.filter(pupil=world.records["own"]).first()
    entry.reason = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    evidence = Evidence.objects.first()
    with pytest.raises(ValueError):
        evidence.save()
    event = AuditEvent.objects.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_fsm_now_and_ever_6_for_any_date(world):
    pupil = world.records["own"]
    FsmPeriod.objects.create(pupil=pupil, start=date(2018, 9, 1), end=date(2021, 7, 20))

    def flags(day):
        row = (
            Pupil.objects.filter(pk=pupil.pk)
            .annotate(now=fsm_on(day), six=ever_6(day))
            .values("now", "six")
            .get()
        )
        return row["now"], row["six"]

    assert flags(date(2020, 1, 1)) == (True, True)
    assert flags(date(2023, 1, 1)) == (False, True)  # ended 18 months before
    assert flags(date(2027, 7, 20)) == (False, True)  # six years to the day
    assert flags(date(2027, 7, 21)) == (False, False)
    assert flags(date(2018, 8, 31)) == (False, False)  # not yet eligible
    assert flags(date(2028, 2, 29)) == (False, False)  # a leap day has six years too


def test_a_data_sharing_agreement_opens_and_closes_the_las_view(world):
    from risingtide.access.core import visible

    la_lead = world.user("la_lead@other")
    school = world.schools["other"]
    assert not visible(la_lead, "pupil_record").filter(school=school).exists()
    head = world.user("head@other")
    agreement = services.record_agreement(
        head, school, reference="DSA-7", starts_on=timezone.localdate()
    )
    assert visible(world.user("la_lead@other"), "pupil_record").filter(school=school).exists()
    services.end_agreement(head, agreement)
    assert not visible(world.user("la_lead@other"), "pupil_record").filter(school=school).exists()
    with pytest.raises(PermissionDenied):
        services.record_agreement(la_lead, school, reference="x", starts_on=date(2026, 1, 1))
    assert DataSharingAgreement.objects.filter(school=school).count() == 1
