"""The e-credit pages (included from risingtide/urls.py)."""

from django.urls import path

from risingtide.credits import redemption_views, views

app_name = "credits"

urlpatterns = [
    path("credits/accounts/", views.accounts, name="accounts"),
    path("credits/accounts/<int:pk>/", views.account, name="account"),
    path("credits/accounts/<int:pk>/statement.csv", views.statement_csv, name="statement_csv"),
    path("credits/accounts/<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("credits/accounts/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("credits/nations/<int:pk>/fund/", views.fund, name="fund"),
    path("credits/nations/<int:pk>/round/", views.nation_round, name="nation_round"),
    path("credits/las/<int:pk>/round/", views.la_round, name="la_round"),
    path(
        "credits/providers/<int:pk>/redemptions/",
        redemption_views.provider,
        name="provider_redemptions",
    ),
    path("credits/nations/<int:pk>/redemptions/", redemption_views.queue, name="redemption_queue"),
    path(
        "credits/nations/<int:pk>/remittance.csv",
        redemption_views.remittance,
        name="remittance",
    ),
    path("credits/redemptions/<int:pk>/decide/", redemption_views.decide, name="redemption_decide"),
]
