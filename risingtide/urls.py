"""The site's URLs: each app's own, then the API and the admin. Order matters only where two
apps' patterns could match one path; none do."""

from django.contrib import admin
from django.urls import include, path

from risingtide.api.api import api

urlpatterns = [
    path("", include("risingtide.home.urls")),
    path("", include("risingtide.people.urls")),
    path("", include("risingtide.api.urls")),
    path("", include("risingtide.tasc.urls")),
    path("", include("risingtide.portfolios.urls")),
    path("", include("risingtide.transfer.urls")),
    path("", include("risingtide.feedback.urls")),
    path("library/", include("risingtide.library.urls")),
    path("", include("risingtide.register.urls")),
    path("", include("risingtide.insights.urls")),
    path("", include("risingtide.standards.urls")),
    path("", include("risingtide.credits.urls")),
    path("", include("risingtide.provision.urls")),
    path("", include("risingtide.training.urls")),
    path("", include("risingtide.learners.urls")),
    path("", include("risingtide.opportunities.urls")),
    path("", include("risingtide.learning_plans.urls")),
    path("", include("risingtide.families.urls")),
    path("", include("risingtide.twofactor.urls")),
    path("", include("risingtide.sso.urls")),
    path("", include("risingtide.rostering.urls")),
    path("", include("risingtide.lti.urls")),
    path("", include("risingtide.badges.urls")),
    path("", include("risingtide.security.urls")),
    path("", include("risingtide.privacy.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "risingtide.home.views.bad_request"
handler403 = "risingtide.home.views.permission_denied"
handler404 = "risingtide.home.views.page_not_found"
handler500 = "risingtide.home.views.server_error"
