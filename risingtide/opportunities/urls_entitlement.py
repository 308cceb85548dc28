"""The entitlement part of the opportunities pages (issue 19): a school's entitlement, its
settings and equity of provision; an LA's and the nation's equity, suppressed (the URL shapes
of insights and training coverage: ``las/<id>``, ``nations/<id>``)."""

from django.urls import path

from risingtide.opportunities import entitlement_views as views

urlpatterns: list = [
    path("schools/<int:school_id>/entitlement/", views.page, name="entitlement"),
    path(
        "schools/<int:school_id>/entitlement/settings/",
        views.settings,
        name="entitlement_settings",
    ),
    path(
        "schools/<int:school_id>/entitlement/equity/",
        views.school_equity,
        name="entitlement_equity",
    ),
    path("las/<int:la_id>/entitlement/", views.la, name="entitlement_la"),
    path("nations/<int:nation_id>/entitlement/", views.nation, name="entitlement_nation"),
]
