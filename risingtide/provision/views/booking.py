"""A school coordinator's side: booking places at a session for pupils (each shown with
whether they may go, and why not) or staff, the school's bookings, cancelling under the
refund rule, the waiting list and taking an offered place."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from risingtide.access.core import requires, visible
from risingtide.credits.services import account_of, held_left
from risingtide.lib.forms import show_refusal
from risingtide.people.models import User
from risingtide.provision import bookings, queries
from risingtide.provision.eligibility import eligibility
from risingtide.provision.forms import BookingForm, CancelForm, WaitingForm, posted
from risingtide.provision.models import Service, Session, WaitingEntry
from risingtide.register.models import academic_year
from risingtide.standards.models import PlanAction


def _session(user, session_id) -> Session:
    """A session of a service the person may see, or 404."""
    session = (
        Session.objects.filter(pk=session_id, service__in=visible(user, "service"))
        .select_related("service__provider")
        .first()
    )
    if session is None:
        raise Http404
    return session


def _offer(school, session, offer_id) -> WaitingEntry | None:
    if not offer_id:
        return None
    return get_object_or_404(
        WaitingEntry,
        pk=offer_id,
        school=school,
        session=session,
        status=WaitingEntry.Status.OFFERED,
    )


@requires("places.book", "pk")
def book(request, school, session_id):
    session = _session(request.user, session_id)
    service = session.service
    today = timezone.localdate()
    verdicts = []
    if service.audience != Service.Audience.EDUCATORS:
        register = visible(request.user, "pupil_record").filter(school=school, on_roll=True)
        verdicts = eligibility(service, register, academic_year(today), today)
    staff = []
    if service.audience != Service.Audience.PUPILS:
        staff = list(
            User.objects.filter(
                memberships__school=school, memberships__role__in=bookings.STAFF_ROLES
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
    actions = PlanAction.objects.filter(plan__school=school).order_by("plan_id", "position")
    offer_id = request.POST.get("offer") or request.GET.get("offer")
    offer = _offer(school, session, offer_id)
    form = BookingForm(
        posted(request),
        pupils=[(v.pupil.pk, str(v.pupil)) for v in verdicts],
        staff=[(s.pk, s.get_full_name() or s.username) for s in staff],
        actions=[(a.pk, a.what[:80]) for a in actions],
    )
    account = account_of(school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = bookings.book(
                request.user,
                session,
                school,
                pupil_ids=data["pupils"],
                staff_ids=data["staff"],
                key=data["key"],
                plan_action=next((a for a in actions if a.pk == data["plan_action"]), None),
                offer=offer,
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            account.refresh_from_db()
            places = booking.places.count()
            messages.success(
                request,
                f"Booked {places} place{'s' if places != 1 else ''} for "
                f"{places * booking.price_each} e-credits. {school.name} has "
                f"{account.balance} e-credits left.",
            )
            return redirect("provision:booking", booking.pk)
    chosen = set(form["pupils"].value() or [])
    return render(
        request,
        "provision/book.html",
        {
            "school": school,
            "session": session,
            "service": service,
            "form": form,
            "verdicts": verdicts,
            "chosen": {str(c) for c in chosen},
            "staff": staff,
            "offer": offer,
            "balance": account.balance,
            "waiting_form": WaitingForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@requires("places.book", "pk")
def join_waiting(request, school, session_id):
    session = _session(request.user, session_id)
    form = WaitingForm(request.POST)
    if form.is_valid():
        try:
            bookings.join_waiting_list(request.user, session, school, form.cleaned_data["places"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "On the waiting list: a freed place will be offered here.")
    else:
        messages.error(request, "Ask for at least one place.")
    return redirect("provision:school_bookings", school.pk)


@requires("places.book", "pk")
def school_bookings(request, school):
    return render(
        request,
        "provision/school_bookings.html",
        {
            "school": school,
            "bookings": queries.school_bookings(school),
            "waiting": queries.school_waiting(school),
            "balance": account_of(school).balance,
        },
    )


@requires("booking.cancel", "pk")
def cancel(request, booking):
    now = timezone.now()
    share = bookings.refund_share(booking, now)
    back = held_left(booking.hold) * share // 100
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            bookings.cancel(request.user, booking, now=now)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Cancelled: {back} e-credits back to {booking.school}.")
            return redirect("provision:school_bookings", booking.school_id)
    return render(
        request,
        "provision/cancel.html",
        {"booking": booking, "share": share, "back": back, "form": form},
        status=400 if form.errors else 200,
    )
