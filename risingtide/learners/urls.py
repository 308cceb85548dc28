"""The learners pages (issue 19): a pupil's own profile, a pupil's profile as staff and carers
see it, its history, observations, the school's learning guides and personalisation, and the
plain explanation of what is used and why."""

from django.urls import path

from risingtide.learners import views

app_name = "learners"

urlpatterns = [
    path("me/profile/", views.my_profile, name="my_profile"),
    path("pupils/<int:record_id>/profile/", views.profile, name="profile"),
    path("pupils/<int:record_id>/profile/history/", views.history, name="history"),
    path("pupils/<int:record_id>/observations/", views.observe, name="observe"),
    path(
        "observations/<int:observation_id>/withdraw/", views.withdraw, name="withdraw_observation"
    ),
    path("schools/<int:school_id>/guides/", views.guides, name="guides"),
    path("schools/<int:school_id>/personalisation/", views.personalisation, name="personalisation"),
    path("what-we-use/", views.what_we_use, name="what_we_use"),
]
