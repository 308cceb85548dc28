from django.urls import path

from risingtide.feedback import views

app_name = "feedback"

urlpatterns = [
    path("portfolios/<int:pk>/feedback/", views.give, name="give_feedback"),
    path("feedback/", views.inbox, name="feedback_inbox"),
    path("feedback/badge/", views.badge, name="feedback_badge"),
    # A pupil's progress record: their work and feedback across projects (not the register's
    # pupil record, which is the school's data about them).
    path("pupils/<int:pk>/progress/", views.progress_record, name="progress_record"),
    path("pupils/<int:pk>/progress.pdf", views.progress_record_pdf, name="progress_record_pdf"),
    path("pupils/<int:pk>/progress.csv", views.progress_record_csv, name="progress_record_csv"),
    path("projects/<int:pk>/rubric/", views.rubric, name="project_rubric"),
    path("portfolios/<int:pk>/judgements/", views.judge, name="judge"),
    path("portfolios/<int:pk>/review/", views.review, name="review"),
    path(
        "portfolios/<int:pk>/reviews/<int:review_id>/hide/",
        views.hide_review,
        name="hide_review",
    ),
    path("comments/<int:pk>/reply/", views.reply, name="comment_reply"),
    path("comments/<int:pk>/done/", views.mark_done, name="comment_done"),
    path("comments/<int:pk>/accept/", views.accept, name="comment_accept"),
]
