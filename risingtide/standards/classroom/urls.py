"""Classroom self-evaluation (CQS): a teacher's reflections and the coordinator's summary.

Included from the standards app's urls.py, so its names are in the "standards" namespace
(``standards:classroom_list``)."""

from django.urls import path

from risingtide.standards.classroom import views

urlpatterns = [
    path("standards/classroom/", views.evaluation_list, name="classroom_list"),
    path("standards/classroom/<int:pk>/", views.evaluation, name="classroom_evaluation"),
    path(
        "standards/classroom/<int:pk>/prompts/<int:prompt_id>/",
        views.rate,
        name="classroom_rate",
    ),
    path(
        "standards/classroom/<int:pk>/features/<int:element_id>/",
        views.feature,
        name="classroom_feature",
    ),
    path("standards/classroom/<int:pk>/next-steps/", views.next_steps, name="classroom_next_steps"),
    path("standards/classroom/<int:pk>/complete/", views.complete, name="classroom_complete"),
    path("standards/classroom/<int:pk>/share/", views.share, name="classroom_share"),
    path("standards/classroom/<int:pk>/export.csv", views.evaluation_csv, name="classroom_csv"),
    path("schools/<int:pk>/standards/classroom/", views.summary, name="classroom_summary"),
    path(
        "schools/<int:pk>/standards/classroom/summary.csv",
        views.summary_csv,
        name="classroom_summary_csv",
    ),
]
