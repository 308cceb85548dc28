"""The families pages (issue 19): the school's page of a pupil's carers, the public join page,
a carer's page of one child, and a pupil's page of what their carers were shown."""

from django.urls import path

from risingtide.families import views

app_name = "families"

urlpatterns = [
    path("pupils/<int:record_id>/carers/", views.carers, name="carers"),
    path(
        "pupils/<int:record_id>/carers/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("pupils/<int:record_id>/carers/unlink/", views.unlink_carer, name="unlink_carer"),
    path("families/join/", views.join, name="join"),
    path("families/children/<int:child_id>/", views.child, name="child"),
    path("families/children/<int:child_id>/consent/", views.consent, name="consent"),
    path(
        "families/children/<int:child_id>/place-consent/",
        views.place_consent,
        name="place_consent",
    ),
    path("families/children/<int:child_id>/comments/", views.comment, name="comment"),
    path("me/family/", views.what_family_sees, name="what_family_sees"),
]
