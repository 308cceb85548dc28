"""The LTI 1.3 tool pages. The first three are what a platform is given when the tool is added
(docs/lti.md) and are public (access.policy.PUBLIC_ROUTES)."""

from django.urls import path

from risingtide.lti import views

app_name = "lti"

urlpatterns = [
    path("lti/login/", views.login_initiation, name="login"),
    path("lti/launch/", views.launch, name="launch"),
    path("lti/jwks.json", views.jwks, name="jwks"),
    path("lti/platforms/", views.platforms, name="platforms"),
    path("lti/platforms/new/", views.platform_new, name="platform_new"),
    path("lti/platforms/<int:platform_id>/", views.platform_edit, name="platform_edit"),
    path("lti/deep-link/", views.deep_link, name="deep_link"),
    path("lti/groups/<int:group_id>/", views.group, name="group"),
]
