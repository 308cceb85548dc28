"""Sign-in and password change, with our templates and the throttle's message."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

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


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


password_change = requires("site.profile")(PasswordChangeView.as_view())
