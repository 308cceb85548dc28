from django.urls import path

from risingtide.security import views

app_name = "security"

urlpatterns = [
    path("site/security/", views.overview, name="overview"),
]
