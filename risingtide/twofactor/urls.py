"""The two-factor sign-in pages (all under ``twofactor:``, which a session owing a second
factor may still open), and each place's requirement page."""

from django.urls import path

from risingtide.twofactor.views import account, passkeys, places, signin

app_name = "twofactor"

urlpatterns = [
    path("two-factor/", signin.verify, name="verify"),
    path("two-factor/confirm/", signin.confirm, name="confirm"),
    path("two-factor/set-up/", signin.setup, name="setup"),
    path("two-factor/set-up/app/", signin.setup_app, name="setup_app"),
    path("two-factor/recovery-codes/", signin.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/recovery-codes/download/",
        signin.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path("two-factor/recovery-codes/new/", signin.new_recovery_codes, name="new_recovery_codes"),
    path("two-factor/lost/", signin.lost, name="lost"),
    path("two-factor/account/", account.account, name="account"),
    path("two-factor/devices/remove/", account.remove, name="remove"),
    path("two-factor/passkeys/add/begin/", passkeys.add_begin, name="passkey_add_begin"),
    path("two-factor/passkeys/add/complete/", passkeys.add_complete, name="passkey_add_complete"),
    path("two-factor/passkeys/check/begin/", passkeys.check_begin, name="passkey_check_begin"),
    path(
        "two-factor/passkeys/check/complete/",
        passkeys.check_complete,
        name="passkey_check_complete",
    ),
    path("two-factor/passkeys/words.js", passkeys.i18n, name="passkey_words"),
    path("two-factor/site/", places.site_requirement, name="site_requirement"),
    path("two-factor/staff/<int:pk>/reset/", places.reset, name="reset"),
    path("schools/<int:pk>/two-factor/", places.school_requirement, name="school_requirement"),
    path("las/<int:pk>/two-factor/", places.la_requirement, name="la_requirement"),
]
