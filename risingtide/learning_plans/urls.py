"""The learning plans pages (issue 19). ``record_id`` is the pupil's record (``register.Pupil``):
a plan hangs on it, and is made on first use."""

from django.urls import path

from risingtide.learning_plans import views

app_name = "learning_plans"

_PLAN = "pupils/<int:record_id>/plan/"

urlpatterns = [
    path("me/plan/", views.my_plan, name="my_plan"),
    path("me/caseload/", views.caseload, name="caseload"),
    path(_PLAN, views.plan, name="plan"),
    path(f"{_PLAN}targets/", views.add_target, name="add_target"),
    path(f"{_PLAN}targets/state/", views.target_state, name="target_state"),
    path(f"{_PLAN}targets/review-date/", views.target_review, name="target_review"),
    path(f"{_PLAN}evidence/", views.evidence, name="evidence"),
    path(f"{_PLAN}reviews/", views.add_review, name="add_review"),
    path(f"{_PLAN}next-review/", views.next_review, name="next_review"),
    path(f"{_PLAN}messages/", views.add_message, name="add_message"),
]
