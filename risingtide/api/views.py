from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.api.models import ApiToken
from risingtide.audit.models import record


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, label="What the token is for")


@never_cache
@require_http_methods(["GET", "POST"])
@requires("site.api_tokens")
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        token, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
        record(request.user, "api_token.issued", token)
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "new_token": new_token, "tokens": request.user.api_tokens.all()},
    )


@require_POST
@requires("site.api_tokens")
def revoke_token(request, token_id: int):
    # A person's own tokens only: someone else's answers 404.
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    record(request.user, "api_token.revoked", token)
    token.delete()
    return redirect("api:api_tokens")
