from django.urls import path

from risingtide.home import place_views, views

app_name = "home"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("nation/<int:pk>/", place_views.nation, name="nation"),
    path("las/<int:pk>/", place_views.local_authority, name="local_authority"),
    path("schools/<int:pk>/", place_views.school, name="school"),
    path("providers/<int:pk>/", place_views.provider, name="provider"),
    path("groups/<int:pk>/", place_views.teaching_group, name="teaching_group"),
]
