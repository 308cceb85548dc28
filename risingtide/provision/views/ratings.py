"""Rating delivered sessions: the list of sessions a person may rate, and the rating form (a
1–5 scale for staff, three faces for pupils)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.forms import posted, show_refusal
from risingtide.provision import ratings
from risingtide.provision.contract_forms import PupilRatingForm, StaffRatingForm
from risingtide.provision.contract_models import Rating


@require_GET
@requires("rating.give")
def to_rate(request):
    return render(request, "provision/ratings.html", {"rows": ratings.to_rate(request.user)})


@requires("session.rate", "pk")
def rate(request, session):
    rater = ratings.rater_of(request.user, session)
    form_class = PupilRatingForm if rater == Rating.Rater.PUPIL else StaffRatingForm
    mine = Rating.objects.filter(session=session, rated_by=request.user).first()
    initial = {"score": mine.score, "comment": mine.comment} if mine else {}
    form = form_class(**posted(request), initial=initial)
    closes = ratings.closes_at(session)
    is_open = timezone.now() <= closes
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rate(
                request.user, session, form.cleaned_data["score"], form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            if rater == Rating.Rater.PUPIL:
                messages.success(request, "Thank you! Your rating was saved.")
            else:
                messages.success(request, f"Your rating of {session.service.title} was saved.")
            return redirect("provision:ratings")
    return render(
        request,
        "provision/rate.html",
        {
            "session": session,
            "form": form,
            "pupil": rater == Rating.Rater.PUPIL,
            "mine": mine,
            "closes": closes,
            "is_open": is_open,
        },
        status=400 if form.errors else 200,
    )
