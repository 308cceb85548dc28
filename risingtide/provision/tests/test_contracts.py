"""Recording contracts: status derived from dates (draft, active, ending, ended), a unique
reference, bad input refused with nothing written, services only of the contract's provider,
documents judged by their bytes, the renewal list and a provider's standing (contracted or
listed)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from risingtide.demo.testing import png_file
from risingtide.provision import contracts
from risingtide.provision.contract_models import ACTIVE, DRAFT, ENDED, ENDING, Contract
from risingtide.provision.contracts import ContractInput
from risingtide.provision.models import Service
from risingtide.provision.tests.contract_world import contract_for
from risingtide.schools.models import Provider

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_file(name="contract.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def data(**extra):
    today = timezone.localdate()
    fields = dict(
        reference="RT-2026-01",
        title="Masterclasses",
        starts_on=today,
        ends_on=today + timedelta(days=365),
        value=Decimal("25000.00"),
    )
    return ContractInput(**{**fields, **extra})


def test_status_follows_from_signing_and_the_dates():
    c = Contract(
        starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31), notice_days=90, signed_on=None
    )
    assert c.status_on(date(2026, 5, 1)) == DRAFT
    c.signed_on = date(2026, 3, 1)
    assert c.status_on(date(2026, 3, 15)) == ACTIVE  # signed, not yet started
    assert not c.in_force_on(date(2026, 3, 15))
    assert c.status_on(date(2026, 12, 30)) == ACTIVE
    assert c.status_on(date(2026, 12, 31)) == ENDING  # 90 days before 31 March
    assert c.status_on(date(2027, 3, 31)) == ENDING and c.in_force_on(date(2027, 3, 31))
    assert c.status_on(date(2027, 4, 1)) == ENDED


def test_only_the_contract_manager_records_contracts(market):
    with pytest.raises(PermissionDenied):
        contracts.create(market.user("provider_staff@own"), market.providers["own"], data())
    with pytest.raises(PermissionDenied):
        contracts.create(market.user("la_lead@own"), market.providers["own"], data())


@pytest.mark.parametrize(
    "bad, field",
    [
        (dict(ends_on=timezone.localdate() - timedelta(days=1)), "ends_on"),
        (dict(value=Decimal("-1")), "value"),
        (dict(value=Decimal("10.005")), "value"),
        (dict(targets={"disadvantaged": Decimal("101")}), "target_disadvantaged"),
        (dict(targets={"satisfaction": Decimal("0.5")}), "target_satisfaction"),
        (dict(targets={"places": Decimal("2.5")}), "target_places"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(market, bad, field):
    officer = market.user("national_officer@nation")
    with pytest.raises(ValidationError) as refused:
        contracts.create(officer, market.providers["own"], data(**bad))
    assert field in refused.value.error_dict
    assert not Contract.objects.exists()


def test_a_reference_is_unique_and_services_belong_to_the_provider(market):
    officer = market.user("national_officer@nation")
    contracts.create(officer, market.providers["own"], data())
    with pytest.raises(ValidationError) as refused:
        contracts.create(officer, market.providers["own"], data(reference="rt-2026-01"))
    assert "reference" in refused.value.error_dict
    theirs = Service.objects.create(
        provider=market.providers["other"],
        title="Not yours",
        kind="mentoring",
        audience="pupils",
        format="online",
        price=5,
    )
    with pytest.raises(ValidationError) as refused:
        contracts.create(
            officer, market.providers["own"], data(reference="X", service_ids=(theirs.pk,))
        )
    assert "services" in refused.value.error_dict
    assert Contract.objects.count() == 1


def test_changing_targets_replaces_them(market):
    contract = contract_for(market, targets={"places": Decimal(10), "satisfaction": Decimal(4)})
    contracts.change(
        market.user("national_officer@nation"),
        contract,
        data(reference=contract.reference, targets={"places": Decimal(12)}),
    )
    assert {(k.measure, k.target) for k in contract.kpis.all()} == {("places", Decimal(12))}


def test_signing_twice_is_refused(market):
    contract = contract_for(market, signed=False)
    officer = market.user("national_officer@nation")
    contracts.sign(officer, contract)
    with pytest.raises(ValidationError):
        contracts.sign(officer, contract)


def test_documents_are_judged_by_their_bytes(market):
    contract = contract_for(market)
    officer = market.user("national_officer@nation")
    doc = contracts.add_document(officer, contract, pdf_file("signed.pdf"), "Signed contract")
    assert (doc.file_type, doc.title, doc.file_size) == (
        "application/pdf",
        "Signed contract",
        len(PDF),
    )
    assert doc.file.read() == PDF
    with pytest.raises(ValidationError) as refused:
        contracts.add_document(officer, contract, png_file("contract.pdf"))
    assert "PDF" in refused.value.error_dict["file"][0].messages[0]
    fake = SimpleUploadedFile("contract.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationError):
        contracts.add_document(officer, contract, fake)
    assert contract.documents.count() == 1
    contracts.remove_document(officer, contract, doc.pk)
    assert contract.documents.count() == 0


def test_documents_larger_than_the_limit_are_refused(market, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as refused:
        contracts.add_document(
            market.user("national_officer@nation"), contract_for(market), pdf_file()
        )
    assert "at most" in refused.value.error_dict["file"][0].messages[0]


def test_the_renewal_list_holds_signed_contracts_ending_within_n_days(market):
    today = timezone.localdate()
    soon = contract_for(market, "SOON", ends_on=today + timedelta(days=30))
    contract_for(market, "LATER", ends_on=today + timedelta(days=200))
    contract_for(market, "DRAFT", ends_on=today + timedelta(days=20), signed=False)
    contract_for(
        market,
        "GONE",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    officer = market.user("national_officer@nation")
    assert [c.reference for c in contracts.renewals(officer, 90)] == ["SOON"]
    assert [c.reference for c in contracts.renewals(officer, 365)] == ["SOON", "LATER"]
    assert not contracts.renewals(market.user("provider_staff@other"), 365).exists()
    assert soon.status_on(today) == ENDING


def test_a_provider_is_contracted_only_while_a_signed_contract_covers_today(market):
    today = timezone.localdate()
    contract_for(market, "FUTURE", starts_on=today + timedelta(days=5))
    contract_for(market, "DRAFT", signed=False)
    standing = dict(
        contracts.with_standing(Provider.objects.all()).values_list("name", "contracted")
    )
    assert standing == {"own provider": False, "other provider": False}
    contract_for(market, "NOW")
    standing = dict(
        contracts.with_standing(Provider.objects.all()).values_list("name", "contracted")
    )
    assert standing == {"own provider": True, "other provider": False}
    services = contracts.with_standing(Service.objects.all(), path="provider")
    assert services.get(pk=market.service.pk).contracted
