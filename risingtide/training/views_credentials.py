"""Training credentials on the web: the learner's certificate (PDF) and badge (VC-JWT)
downloads; the owner's list of issued credentials with revocation; and, with no sign-in, the
verification page, each credential's status page, and what a verifier fetches (issuer
profiles, the public keys, the status lists). Thin views over ``credentials``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires, visible
from risingtide.lib.forms import posted, refused
from risingtide.training import certificates, credential_keys, credentials, verification
from risingtide.training.models import BadgeCredential, Completion

JSON_LD = "application/ld+json"


# --- the learner's downloads -------------------------------------------------------------------


def _learners_badge(request, programme):
    """The learner's credential for the programme (issued now if need be), or a redirect back
    to the programme with the reason."""
    back = redirect(reverse("training:programme", args=[programme.pk]))
    completion = (
        Completion.objects.filter(learner=request.user, programme=programme)
        .select_related("learner", "programme")
        .first()
    )
    if completion is None:
        messages.error(request, "You have not completed this programme yet: see what is left.")
        return None, back
    try:
        return credentials.issue(request.user, completion), None
    except ValidationError as exc:
        refused(request, exc)
        return None, back


def _attachment(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("programme.credential", "pk")
def certificate(request, programme):
    badge, back = _learners_badge(request, programme)
    if badge is None:
        return back
    pdf = certificates.certificate_pdf(badge)
    return _attachment(pdf, "application/pdf", certificates.filename(badge, "pdf"))


@require_GET
@requires("programme.credential", "pk")
def badge(request, programme):
    badge, back = _learners_badge(request, programme)
    if badge is None:
        return back
    name = certificates.filename(badge, "jwt").replace("certificate-", "badge-")
    return _attachment(badge.token, "application/vc+jwt", name)


# --- the owner's list --------------------------------------------------------------------------


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=credentials.REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the credential is revoked."},
    )


@require_GET
@requires("programme.credentials", "pk")
def issued(request, programme):
    badges = (
        visible(request.user, "badge_credential")
        .filter(completion__programme=programme)
        .select_related("learner", "revoked_by")
    )
    return render(
        request,
        "training/credentials/issued.html",
        {"programme": programme, "badges": badges, "form": RevokeForm()},
    )


@require_POST
@requires("badge_credential.revoke", "pk")
def revoke(request, badge):
    form = RevokeForm(**posted(request))
    back = reverse("training:credentials", args=[badge.completion.programme_id])
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"][0])
        credentials.revoke(request.user, badge, form.cleaned_data["reason"])
    except ValidationError as exc:
        refused(request, exc)
        return redirect(f"{back}#credential-{badge.pk}")
    messages.success(request, f"Revoked the credential of {badge.learner}. It shows as revoked.")
    return redirect(f"{back}#credential-{badge.pk}")


# --- public: checking a credential -------------------------------------------------------------


class VerifyForm(forms.Form):
    credential = forms.CharField(
        label="Paste the credential",
        required=False,
        max_length=verification.MAX_TOKEN_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "max_length": "This is longer than any credential we issue, so it was not read."
        },
    )
    file = forms.FileField(label="Or choose its file (.jwt)", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > verification.MAX_TOKEN_CHARS:
                raise ValidationError(
                    {
                        "file": "This file is larger than any credential we issue, so it was not "
                        "read."
                    }
                )
            try:
                data["credential"] = upload.read(verification.MAX_TOKEN_CHARS + 1).decode("ascii")
            except UnicodeDecodeError:
                raise ValidationError(
                    {"file": "This file is not a credential (not text)."}
                ) from None
        if not data.get("credential"):
            raise ValidationError(
                {
                    "credential": "Paste a credential (the text of its .jwt file), or choose "
                    "its file."
                }
            )
        return data


@require_http_methods(["GET", "POST"])
def verify(request):
    """Anyone may check a credential here: the verdict, why, and what the credential says."""
    form = VerifyForm(**posted(request))
    verdict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            verdict = verification.verify(form.cleaned_data["credential"])
        else:
            status = 400
    return render(
        request,
        "training/credentials/verify.html",
        {"form": form, "verdict": verdict},
        status=status,
    )


@require_GET
def status(request, uuid):
    """A credential's own public page (its id): whether it stands, and what it says."""
    badge = BadgeCredential.objects.filter(uuid=uuid).first()
    if badge is None:
        raise Http404
    return render(
        request,
        "training/credentials/status.html",
        {"badge": badge, "shown": verification.shown_in_token(badge.token)},
    )


# --- public: what a verifier fetches -----------------------------------------------------------


def _public_json(value, content_type="application/json") -> JsonResponse:
    response = JsonResponse(value, content_type=content_type, json_dumps_params={"indent": 1})
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch these
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def issuer(request, issuer_key):
    profile = credentials.issuer_profile(issuer_key)
    if profile is None:
        raise Http404
    return _public_json(profile, JSON_LD)


@require_GET
def jwks(request):
    return _public_json(credential_keys.key_set(), "application/jwk-set+json")


@require_GET
def key(request, thumbprint):
    found = credential_keys.public_key(thumbprint)
    if found is None:
        raise Http404
    return _public_json(found.public_jwk(), "application/jwk+json")


@require_GET
def status_list(request, issuer_key, number):
    if credentials.issuer_owner(issuer_key) is None or not 1 <= number <= 10_000:
        raise Http404
    response = HttpResponse(
        credentials.status_list_token(issuer_key, number), content_type="application/vc+jwt"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"  # a revocation shows within a minute
    return response
