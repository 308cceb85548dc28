"""The map part of the opportunities pages (issue 19): a school's provision map, its files,
adding an opportunity, and each opportunity's staff page, edit form and withdrawal."""

from django.urls import path

from risingtide.opportunities import map_views

urlpatterns: list = [
    path("schools/<int:school_id>/provision-map/", map_views.provision_map, name="map"),
    path("schools/<int:school_id>/provision-map/map.csv", map_views.map_csv, name="map_csv"),
    path("schools/<int:school_id>/provision-map/map.xlsx", map_views.map_xlsx, name="map_xlsx"),
    path(
        "schools/<int:school_id>/provision-map/add/",
        map_views.add_opportunity,
        name="opportunity_add",
    ),
    path("opportunities/<int:opportunity_id>/", map_views.opportunity, name="opportunity"),
    path(
        "opportunities/<int:opportunity_id>/edit/",
        map_views.edit_opportunity,
        name="opportunity_edit",
    ),
    path(
        "opportunities/<int:opportunity_id>/withdraw/",
        map_views.withdraw_opportunity,
        name="opportunity_withdraw",
    ),
]
