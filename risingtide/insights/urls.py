from django.urls import path

from risingtide.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/schools/<int:pk>/", views.school, name="insights_school"),
    path("insights/schools/<int:pk>/csv/", views.school_csv, name="insights_school_csv"),
    path("insights/schools/<int:pk>/pdf/", views.school_pdf, name="insights_school_pdf"),
    path(
        "insights/schools/<int:pk>/reports/<int:file_id>/",
        views.report_file,
        name="insights_report_file",
    ),
    path("insights/las/<int:pk>/", views.local_authority, name="insights_la"),
    path("insights/las/<int:pk>/csv/", views.la_csv, name="insights_la_csv"),
    path("insights/las/<int:pk>/reports/", views.la_reports, name="insights_la_reports"),
    path("insights/las/<int:pk>/reports/<int:run_id>/", views.run, name="insights_run"),
    path("insights/las/<int:pk>/reports/<int:run_id>/zip/", views.run_zip, name="insights_run_zip"),
    path("insights/nations/<int:pk>/", views.nation, name="insights_nation"),
    path("insights/nations/<int:pk>/csv/", views.nation_csv, name="insights_nation_csv"),
]
