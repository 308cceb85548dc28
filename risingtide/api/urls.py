from django.urls import path

from risingtide.api import views

app_name = "api"

urlpatterns = [
    path("accounts/tokens/", views.tokens, name="api_tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_api_token"),
]
