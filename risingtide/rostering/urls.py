"""The rostering (oneroster) pages."""

from django.urls import path

from risingtide.rostering import views

app_name = "rostering"

urlpatterns = [
    path("schools/<int:pk>/roster/", views.school_imports, name="school_imports"),
    path("schools/<int:pk>/roster/export.zip", views.school_export, name="school_export"),
    path("las/<int:pk>/roster/", views.la_imports, name="la_imports"),
    path("las/<int:pk>/roster/export.zip", views.la_export, name="la_export"),
    path("roster/imports/<int:pk>/", views.roster_import, name="import"),
    path("roster/imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("roster/imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("roster/imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
]
