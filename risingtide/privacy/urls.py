"""The privacy pages (issue 21): a pupil's and a member of staff's personal data, exports,
erasure."""

from django.urls import path

from risingtide.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/pupils/<int:pk>/", views.pupil, name="pupil"),
    path("privacy/pupils/<int:pk>/export/", views.pupil_export, name="pupil_export"),
    path("privacy/pupils/<int:pk>/erase/", views.erase, name="erase"),
    path("privacy/staff/<int:pk>/", views.staff, name="staff"),
    path("privacy/staff/<int:pk>/export/", views.staff_export, name="staff_export"),
    path("privacy/exports/<int:pk>/", views.export, name="export"),
    path("privacy/exports/<int:pk>/zip/", views.export_zip, name="export_zip"),
]
