from django.urls import path

from risingtide.tasc import views

app_name = "tasc"

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/copy/", views.project_copy, name="project_copy"),
    path("projects/<int:pk>/assign/", views.project_assign, name="project_assign"),
    path(
        "projects/<int:pk>/assignments/<int:assignment_id>/remove/",
        views.project_unassign,
        name="project_unassign",
    ),
    path("projects/<int:pk>/status/", views.project_status, name="project_status"),
    path("wheels/<int:pk>/", views.wheel, name="wheel"),
    path("wheels/<int:pk>/reword/", views.wheel_reword, name="wheel_reword"),
]
