"""What anyone shown a TASC badge may open without an account (on ``policy.PUBLIC_ROUTES``):
the credential's own page (its id), the school's issuer profile and its revocation lists.
Checking a credential is training's verification page, shared by both kinds."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.badges import credentials
from risingtide.badges.models import Award
from risingtide.schools.models import School
from risingtide.training.verification import shown_in_token


@require_GET
def credential(request, uuid):
    """A downloaded badge's public page: whether it stands, and only what it says. An award
    never downloaded has no credential, and no page."""
    given = Award.objects.filter(uuid=uuid).exclude(token="").first()
    if given is None:
        raise Http404
    return render(
        request,
        "badges/credential.html",
        {"given": given, "shown": shown_in_token(given.token)},
    )


def _public(response):
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch these
    return response


@require_GET
def issuer(request, school_id):
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        raise Http404
    response = JsonResponse(
        credentials.issuer_profile(school),
        content_type="application/ld+json",
        json_dumps_params={"indent": 1},
    )
    response["Cache-Control"] = "public, max-age=300"
    return _public(response)


@require_GET
def status_list(request, school_id, number):
    if not 1 <= number <= 10_000 or not School.objects.filter(pk=school_id).exists():
        raise Http404
    response = HttpResponse(
        credentials.status_list_token(school_id, number), content_type="application/vc+jwt"
    )
    response["Cache-Control"] = "public, max-age=60"  # a withdrawal shows within a minute
    return _public(response)
