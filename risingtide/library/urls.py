from django.urls import path

from risingtide.library import views

app_name = "library"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.new, name="new"),
    path("publish/project/<int:pk>/", views.publish_project, name="publish_project"),
    path("<int:pk>/", views.resource, name="resource"),
    path("<int:pk>/file/", views.resource_file, name="resource_file"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/copy/", views.copy, name="copy"),
    path("<int:pk>/review/", views.review, name="review"),
]
