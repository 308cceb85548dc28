"""The SCORM routes, included into the training app's own (so named ``training:…``). The
player's two routes answer only on the player's origin (``middleware``)."""

from django.urls import path

from risingtide.training.scorm import views

urlpatterns = [
    path("programmes/<int:pk>/packages/", views.upload, name="scorm_upload"),
    path("modules/<int:pk>/play/", views.play, name="scorm_play"),
    path("modules/<int:pk>/cmi/", views.commit, name="scorm_commit"),
    path("player/<str:token>/", views.player_page, name="scorm_player"),
    path("player/<str:token>/files/<path:name>", views.player_file, name="scorm_file"),
]
