"""A booking's page and the provider's record of attendance, which pays the provider. A
provider sees places as names only: never a pupil's characteristics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from risingtide.access.core import can, requires
from risingtide.lib.forms import show_refusal
from risingtide.provision import bookings, queries
from risingtide.provision.forms import AttendanceForm, posted


@requires("booking.view", "pk")
def booking(request, booking):
    return render(
        request,
        "provision/booking.html",
        {
            "booking": booking,
            "session": booking.session,
            "places": queries.place_rows(booking),
            "can_cancel": booking.status == booking.Status.BOOKED
            and can(request.user, "booking.cancel", booking),
            "can_deliver": booking.status == booking.Status.BOOKED
            and can(request.user, "booking.deliver", booking),
            # Offered once it can be recorded, so nobody fills in a form only to be refused.
            "begun": booking.session.has_begun(),
        },
    )


@requires("booking.deliver", "pk")
def attendance(request, booking):
    places = queries.place_rows(booking)
    form = AttendanceForm(posted(request), places=[(p.pk, p.name) for p in places])
    if request.method == "POST" and form.is_valid():
        try:
            bookings.deliver(request.user, booking, set(form.cleaned_data["attended"]))
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Attendance recorded; the credits are paid to you.")
            return redirect("provision:booking", booking.pk)
    return render(
        request,
        "provision/attendance.html",
        {
            "booking": booking,
            "session": booking.session,
            "form": form,
            "begun": booking.session.has_begun(),
        },
        status=400 if form.errors else 200,
    )
