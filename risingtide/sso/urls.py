"""The single sign-on pages: a school's or LA's connections, and signing in through one."""

from django.urls import path

from risingtide.sso.views import manage, signin

app_name = "sso"

urlpatterns = [
    path("schools/<int:school_id>/sign-in/", manage.school_connections, name="school_connections"),
    path("schools/<int:school_id>/sign-in/add/", manage.add_for_school, name="add_for_school"),
    path("las/<int:la_id>/sign-in/", manage.la_connections, name="la_connections"),
    path("las/<int:la_id>/sign-in/add/", manage.add_for_la, name="add_for_la"),
    path("sign-in-connections/<int:provider_id>/", manage.connection, name="connection"),
    path("sign-in-connections/<int:provider_id>/check/", manage.check, name="check"),
    path("sign-in-connections/<int:provider_id>/switch/", manage.switch, name="switch"),
    # Signed out: the code typed on the sign-in page, the provider's return, a school's address.
    path("sso/", signin.find, name="find"),
    path("sso/<slug:slug>/", signin.landing, name="landing"),
    path("sso/<slug:slug>/start/", signin.start, name="start"),
    # Each connection's own return address (the redirect URI registered with its provider).
    path("sso/<slug:slug>/callback/", signin.callback, name="callback"),
]
