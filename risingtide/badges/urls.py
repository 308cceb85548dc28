"""The badges pages: the pupil's, the teachers', the school's, and (public, no sign-in) what
a verifier opens. A badge is checked on training's verification page."""

from django.urls import path

from risingtide.badges import views, views_public

app_name = "badges"

urlpatterns = [
    path("badges/", views.mine, name="mine"),
    path("badges/<int:pk>/badge.jwt", views.download_jwt, name="download_jwt"),
    path("badges/<int:pk>/badge.json", views.download_json, name="download_json"),
    path("badges/pupils/<int:pk>/", views.pupil_badges, name="pupil"),
    path("badges/pupils/<int:pk>/award/", views.award, name="award"),
    path("badges/awards/<int:pk>/withdraw/", views.revoke, name="revoke"),
    path("badges/schools/<int:pk>/", views.school_badges, name="school"),
    path("badges/schools/<int:pk>/add/", views.add_badge, name="add"),
    path("badges/schools/<int:pk>/choices/", views.choose_settings, name="settings"),
    # Public: what a verifier (or anyone shown the badge) opens.
    path("badges/credentials/<uuid:uuid>/", views_public.credential, name="credential"),
    path("badges/issuers/<int:school_id>/", views_public.issuer, name="issuer"),
    path(
        "badges/issuers/<int:school_id>/status/<int:number>/",
        views_public.status_list,
        name="status_list",
    ),
]
