"""The training pages (included from risingtide/urls.py)."""

from django.urls import include, path

from risingtide.training import (
    session_views,
    views,
    views_authoring,
    views_coverage,
    views_credentials,
)

app_name = "training"

urlpatterns = [
    path("training/", views.home, name="home"),
    path("training/programmes/<int:pk>/", views.programme, name="programme"),
    path("training/modules/<int:pk>/", views.module, name="module"),
    path("training/modules/<int:pk>/answer/", views.answer, name="answer"),
    path("training/modules/<int:pk>/reflection/", views.reflection, name="reflection"),
    path("training/modules/<int:pk>/finish/", views.finish, name="finish"),
    path("training/", include("risingtide.training.scorm.urls")),
    # Authoring (views_authoring): writing programmes and modules, and sharing them.
    path("training/write/", views_authoring.write_home, name="write_home"),
    path(
        "training/write/programmes/<int:pk>/",
        views_authoring.write_programme,
        name="write_programme",
    ),
    path("training/write/modules/<int:pk>/", views_authoring.write_module, name="write_module"),
    path(
        "training/write/modules/<int:pk>/autosave/",
        views_authoring.write_autosave,
        name="write_autosave",
    ),
    path(
        "training/write/modules/<int:pk>/details/",
        views_authoring.write_details,
        name="write_details",
    ),
    path(
        "training/write/modules/<int:pk>/preview/",
        views_authoring.write_preview,
        name="write_preview",
    ),
    path("training/write/modules/<int:pk>/share/", views_authoring.share, name="share"),
    path("training/write/shared/", views_authoring.shared, name="shared"),
    path("training/write/shared/<int:pk>/copy/", views_authoring.copy_shared, name="copy_shared"),
    path("training/media/<int:pk>/", views_authoring.media_file, name="media"),
    # Face-to-face sessions (session_views.py)
    path("training/sessions/", session_views.scheduled, name="sessions"),
    path("training/programmes/<int:pk>/sessions/new/", session_views.schedule, name="schedule"),
    path("training/sessions/<int:pk>/", session_views.session, name="session"),
    path("training/sessions/<int:pk>/cancel/", session_views.cancel_session, name="cancel_session"),
    path("training/sessions/<int:pk>/register/", session_views.register, name="register"),
    path("training/sessions/<int:pk>/register/mark/", session_views.mark, name="mark"),
    path("training/sessions/<int:pk>/sign-up/", session_views.sign_up, name="sign_up"),
    path(
        "training/sessions/<int:pk>/cancel-place/", session_views.cancel_place, name="cancel_place"
    ),
    path("training/sessions/<int:pk>/invitation.ics", session_views.invitation, name="invitation"),
    # Coverage (views_coverage): who is trained, by school, LA and nation.
    path("training/coverage/las/<int:la_id>/", views_coverage.la, name="coverage_la"),
    path(
        "training/coverage/nations/<int:nation_id>/", views_coverage.nation, name="coverage_nation"
    ),
    path(
        "training/coverage/nations/<int:nation_id>/coverage.csv",
        views_coverage.nation_csv,
        name="coverage_csv",
    ),
]

# Training credentials: the learner's downloads, the owner's list, and (public, no sign-in:
# access.policy.PUBLIC_ROUTES) the verification page and what verifiers fetch.
urlpatterns += [
    path(
        "training/programmes/<int:pk>/certificate.pdf",
        views_credentials.certificate,
        name="credential_certificate",
    ),
    path(
        "training/programmes/<int:pk>/badge.jwt", views_credentials.badge, name="credential_badge"
    ),
    path("training/programmes/<int:pk>/credentials/", views_credentials.issued, name="credentials"),
    path(
        "training/credentials/<int:pk>/revoke/",
        views_credentials.revoke,
        name="credential_revoke",
    ),
    path("training/credentials/verify/", views_credentials.verify, name="credential_verify"),
    path("training/credentials/jwks.json", views_credentials.jwks, name="credential_jwks"),
    path(
        "training/credentials/keys/<str:thumbprint>/",
        views_credentials.key,
        name="credential_key",
    ),
    path(
        "training/credentials/issuers/<str:issuer_key>/",
        views_credentials.issuer,
        name="credential_issuer",
    ),
    path(
        "training/credentials/issuers/<str:issuer_key>/status/<int:number>/",
        views_credentials.status_list,
        name="credential_status_list",
    ),
    path("training/credentials/<uuid:uuid>/", views_credentials.status, name="credential_status"),
]
