"""The menu part of the opportunities pages (issue 19): a pupil's menu and asking, staff
answering requests, a pupil's opportunities with offers and a carer's consent."""

from django.urls import path

from risingtide.opportunities import menu_views

urlpatterns = [
    path("me/opportunities/", menu_views.menu, name="menu"),
    path("me/opportunities/<int:opportunity_id>/", menu_views.ask, name="ask"),
    path("me/participations/<int:participation_id>/", menu_views.respond, name="respond"),
    path("schools/<int:school_id>/requests/", menu_views.requests, name="requests"),
    path("requests/<int:participation_id>/", menu_views.answer, name="answer"),
    path(
        "pupils/<int:record_id>/opportunities/",
        menu_views.pupil_opportunities,
        name="pupil_opportunities",
    ),
    path("pupils/<int:record_id>/opportunities/offer/", menu_views.offer, name="offer"),
    path("participations/<int:participation_id>/consent/", menu_views.consent, name="consent"),
]
