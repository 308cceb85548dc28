from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from risingtide.api import views as api_views
from risingtide.api.api import api
from risingtide.home import place_views
from risingtide.home import views as home_views
from risingtide.people import views as people_views
from risingtide.people.auth_views import LoginView, password_change
from risingtide.portfolios import views as portfolio_views
from risingtide.tasc import views as tasc_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", home_views.healthz, name="healthz"),
    # Signing in and out
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", password_change, name="password_change"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/tokens/", api_views.tokens, name="api_tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", api_views.revoke_token, name="revoke_api_token"),
    # Organisations
    path("nation/<int:pk>/", place_views.nation, name="nation"),
    path("las/<int:pk>/", place_views.local_authority, name="local_authority"),
    path("schools/<int:pk>/", place_views.school, name="school"),
    path("providers/<int:pk>/", place_views.provider, name="provider"),
    path("groups/<int:pk>/", place_views.teaching_group, name="teaching_group"),
    # Pupils
    path("groups/<int:pk>/pupils/add/", people_views.add_pupils, name="add_pupils"),
    path("groups/<int:pk>/cards/", people_views.print_cards, name="print_cards"),
    path("pupils/<int:pk>/", people_views.pupil, name="pupil"),
    path("pupils/<int:pk>/reset-password/", people_views.reset_password, name="reset_password"),
    # TASC projects
    path("projects/", tasc_views.project_list, name="projects"),
    path("projects/new/", tasc_views.project_new, name="project_new"),
    path("projects/<int:pk>/", tasc_views.project, name="project"),
    path("projects/<int:pk>/edit/", tasc_views.project_edit, name="project_edit"),
    path("projects/<int:pk>/copy/", tasc_views.project_copy, name="project_copy"),
    path("projects/<int:pk>/assign/", tasc_views.project_assign, name="project_assign"),
    path(
        "projects/<int:pk>/assignments/<int:assignment_id>/remove/",
        tasc_views.project_unassign,
        name="project_unassign",
    ),
    path("projects/<int:pk>/status/", tasc_views.project_status, name="project_status"),
    path("projects/<int:pk>/my-portfolio/", portfolio_views.my_portfolio, name="my_portfolio"),
    path("projects/<int:pk>/groups/", portfolio_views.project_groups, name="project_groups"),
    path("projects/<int:pk>/choose-group/", portfolio_views.choose_group, name="choose_group"),
    path("projects/<int:pk>/lesson/", portfolio_views.lesson, name="lesson"),
    path("portfolios/<int:pk>/discussion/", portfolio_views.discussion, name="discussion"),
    path("portfolios/<int:pk>/contributions/", portfolio_views.contributions, name="contributions"),
    path("projects/<int:pk>/progress/", portfolio_views.project_progress, name="project_progress"),
    path("portfolios/<int:pk>/", portfolio_views.portfolio, name="portfolio"),
    path("portfolios/<int:pk>/notes/", portfolio_views.add_note, name="add_note"),
    path(
        "portfolios/<int:pk>/stages/<slug:stage>/",
        portfolio_views.stage_done,
        name="stage_done",
    ),
    path("portfolios/<int:pk>/uploads/", portfolio_views.add_upload, name="add_upload"),
    path("portfolios/<int:pk>/clippings/", portfolio_views.add_clipping, name="add_clipping"),
    path("portfolios/<int:pk>/connections/", portfolio_views.connections, name="connections"),
    path(
        "portfolios/<int:pk>/connections/add/",
        portfolio_views.add_connection,
        name="add_connection",
    ),
    path(
        "portfolios/<int:pk>/connections/<int:connection_id>/remove/",
        portfolio_views.remove_connection,
        name="remove_connection",
    ),
    path("portfolios/<int:pk>/graph.json", portfolio_views.graph, name="graph"),
    path("", include("risingtide.transfer.urls")),
    path("portfolios/<int:pk>/presentation/", portfolio_views.presentation, name="presentation"),
    path(
        "portfolios/<int:pk>/presentation/items/<int:item_id>/picture/",
        portfolio_views.presentation_picture,
        name="presentation_picture",
    ),
    path("portfolios/<int:pk>/share/", portfolio_views.share, name="share"),
    path("portfolios/<int:pk>/tools/<slug:stage>/", portfolio_views.stage_tool, name="stage_tool"),
    path("portfolios/<int:pk>/layout/", portfolio_views.layout, name="layout"),
    path("", include("risingtide.feedback.urls")),
    path("items/<int:pk>/", portfolio_views.item, name="item"),
    path("items/<int:pk>/file/", portfolio_views.item_file, name="item_file"),
    path("items/<int:pk>/update/", portfolio_views.update_item, name="update_item"),
    path("items/<int:pk>/clip/", portfolio_views.clip_status, name="clip_status"),
    path("items/<int:pk>/annotations/", portfolio_views.annotate, name="annotate"),
    path("items/<int:pk>/move/", portfolio_views.move_item, name="move_item"),
    path("items/<int:pk>/thumbnail/", portfolio_views.item_thumbnail, name="item_thumbnail"),
    path("items/<int:pk>/save/", portfolio_views.save_note, name="save_note"),
    path("wheels/<int:pk>/", tasc_views.wheel, name="wheel"),
    path("wheels/<int:pk>/reword/", tasc_views.wheel_reword, name="wheel_reword"),
    path("library/", include("risingtide.library.urls")),
    path("", include("risingtide.register.urls")),
    path("", include("risingtide.insights.urls")),
    path("", include("risingtide.standards.urls")),
    path("", include("risingtide.standards.classroom_urls")),
    # API and admin
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "risingtide.home.views.bad_request"
handler403 = "risingtide.home.views.permission_denied"
handler404 = "risingtide.home.views.page_not_found"
handler500 = "risingtide.home.views.server_error"
