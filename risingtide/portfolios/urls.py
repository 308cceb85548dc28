from django.urls import path

from risingtide.portfolios import views

urlpatterns = [
    path("projects/<int:pk>/my-portfolio/", views.my_portfolio, name="my_portfolio"),
    path("projects/<int:pk>/groups/", views.project_groups, name="project_groups"),
    path("projects/<int:pk>/choose-group/", views.choose_group, name="choose_group"),
    path("projects/<int:pk>/lesson/", views.lesson, name="lesson"),
    path("portfolios/<int:pk>/discussion/", views.discussion, name="discussion"),
    path("portfolios/<int:pk>/contributions/", views.contributions, name="contributions"),
    path("projects/<int:pk>/progress/", views.project_progress, name="project_progress"),
    path("portfolios/<int:pk>/", views.portfolio, name="portfolio"),
    path("portfolios/<int:pk>/notes/", views.add_note, name="add_note"),
    path(
        "portfolios/<int:pk>/stages/<slug:stage>/",
        views.stage_done,
        name="stage_done",
    ),
    path("portfolios/<int:pk>/uploads/", views.add_upload, name="add_upload"),
    path("portfolios/<int:pk>/clippings/", views.add_clipping, name="add_clipping"),
    path("portfolios/<int:pk>/connections/", views.connections, name="connections"),
    path(
        "portfolios/<int:pk>/connections/add/",
        views.add_connection,
        name="add_connection",
    ),
    path(
        "portfolios/<int:pk>/connections/<int:connection_id>/remove/",
        views.remove_connection,
        name="remove_connection",
    ),
    path("portfolios/<int:pk>/graph.json", views.graph, name="graph"),
    path("portfolios/<int:pk>/presentation/", views.presentation, name="presentation"),
    path(
        "portfolios/<int:pk>/presentation/items/<int:item_id>/picture/",
        views.presentation_picture,
        name="presentation_picture",
    ),
    path("portfolios/<int:pk>/share/", views.share, name="share"),
    path("portfolios/<int:pk>/tools/<slug:stage>/", views.stage_tool, name="stage_tool"),
    path("portfolios/<int:pk>/layout/", views.layout, name="layout"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/file/", views.item_file, name="item_file"),
    path("items/<int:pk>/update/", views.update_item, name="update_item"),
    path("items/<int:pk>/clip/", views.clip_status, name="clip_status"),
    path("items/<int:pk>/annotations/", views.annotate, name="annotate"),
    path("items/<int:pk>/move/", views.move_item, name="move_item"),
    path("items/<int:pk>/thumbnail/", views.item_thumbnail, name="item_thumbnail"),
    path("items/<int:pk>/save/", views.save_note, name="save_note"),
]
