from django.urls import path

from risingtide.transfer import views

app_name = "transfer"

urlpatterns = [
    path("portfolios/<int:pk>/export.zip", views.export_zip, name="export_zip"),
    path("portfolios/<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("portfolios/import/", views.import_portfolio, name="import_portfolio"),
]
