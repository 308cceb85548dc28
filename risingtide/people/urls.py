from django.contrib.auth import views as auth_views
from django.urls import path

from risingtide.people import views
from risingtide.people.auth_views import (
    LoginView,
    PasswordResetConfirmView,
    PasswordResetView,
    password_change,
)

app_name = "people"

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", password_change, name="password_change"),
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("groups/<int:pk>/pupils/add/", views.add_pupils, name="add_pupils"),
    path("groups/<int:pk>/cards/", views.print_cards, name="print_cards"),
    path("pupils/<int:pk>/", views.pupil, name="pupil"),
    path("pupils/<int:pk>/reset-password/", views.reset_password, name="reset_password"),
]
