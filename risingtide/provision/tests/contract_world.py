"""A small world for contracts, KPIs and ratings, on top of ``conftest.market``: the own
provider's masterclass session in 30 days with own2 (Ever-6 FSM, attended) and 2@own (did not
attend) booked and delivered (``deliver_market``); and ``contract_for`` to record a signed
contract."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from risingtide.provision import bookings, contracts
from risingtide.provision.contracts import ContractInput
from risingtide.register.models import FsmPeriod


def contract_for(w, reference="C-1", *, services=None, targets=None, signed=True, **dates):
    today = timezone.localdate()
    data = ContractInput(
        reference=reference,
        title=f"Contract {reference}",
        starts_on=dates.get("starts_on", today - timedelta(days=10)),
        ends_on=dates.get("ends_on", today + timedelta(days=365)),
        value=Decimal("12000.00"),
        service_ids=tuple(s.pk for s in (services if services is not None else [w.service])),
        targets=targets or {},
    )
    officer = w.user("national_officer@nation")
    contract = contracts.create(officer, w.providers["own"], data)
    if signed:
        contracts.sign(officer, contract, today - timedelta(days=10))
    return contract


def deliver_market(w):
    """Book own2 and 2@own on the market's session; only own2 attends (and is Ever-6)."""
    FsmPeriod.objects.create(pupil=w.records["own2"], start=date(2022, 9, 1))
    booking = bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk, w.records["2@own"].pk],
        key="deliver-1",
    )
    attended = booking.places.get(pupil=w.records["own2"])
    bookings.deliver(w.user("provider_staff@own"), booking, {attended.pk}, now=w.session.starts_at)
    w.booking = booking
    return w
