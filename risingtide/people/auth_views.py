"""Sign-in, password change and reset, with our templates and the throttle's message."""

from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import get_language

from risingtide.access.core import requires
from risingtide.people import throttle


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttle.blocked(request, request.POST.get("username")):
            return render(
                request,
                "registration/locked_out.html",
                {"cooloff_timedelta": settings.AXES_COOLOFF_TIME},
                status=429,
            )
        return super().post(request, *args, **kwargs)


@lru_cache(maxsize=16)
def _password_rules(language: str) -> str:
    # str(): Django's helper is lazy, and a cached lazy string is built again on every use.
    return str(password_validation.password_validators_help_text_html())


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with the password rules under the new password written once per language:
    building them again on every page was a tenth of the page's CPU."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _password_rules(get_language())


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home:home")
    form_class = PasswordChangeForm

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


password_change = requires("site.profile")(PasswordChangeView.as_view())


# Django's own reset views name their next page without a namespace; ours are in "people".
class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("people:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("people:password_reset_complete")
