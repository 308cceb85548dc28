from django.urls import path

from risingtide.portfolios.views import (
    connections,
    group_work,
    items,
    portfolio,
    presentation,
    teaching,
)

app_name = "portfolios"

urlpatterns = [
    path("projects/<int:pk>/my-portfolio/", portfolio.my_portfolio, name="my_portfolio"),
    path("projects/<int:pk>/groups/", group_work.project_groups, name="project_groups"),
    path("projects/<int:pk>/choose-group/", group_work.choose_group, name="choose_group"),
    path("projects/<int:pk>/lesson/", teaching.lesson, name="lesson"),
    path("portfolios/<int:pk>/discussion/", group_work.discussion, name="discussion"),
    path("portfolios/<int:pk>/contributions/", group_work.contributions, name="contributions"),
    path("projects/<int:pk>/progress/", teaching.project_progress, name="project_progress"),
    path("portfolios/<int:pk>/", portfolio.portfolio, name="portfolio"),
    path("portfolios/<int:pk>/notes/", items.add_note, name="add_note"),
    path(
        "portfolios/<int:pk>/stages/<slug:stage>/",
        portfolio.stage_done,
        name="stage_done",
    ),
    path("portfolios/<int:pk>/uploads/", items.add_upload, name="add_upload"),
    path("portfolios/<int:pk>/clippings/", items.add_clipping, name="add_clipping"),
    path("portfolios/<int:pk>/connections/", connections.connections, name="connections"),
    path(
        "portfolios/<int:pk>/connections/add/",
        connections.add_connection,
        name="add_connection",
    ),
    path(
        "portfolios/<int:pk>/connections/<int:connection_id>/remove/",
        connections.remove_connection,
        name="remove_connection",
    ),
    path("portfolios/<int:pk>/graph.json", connections.graph, name="graph"),
    path("portfolios/<int:pk>/presentation/", presentation.presentation, name="presentation"),
    path(
        "portfolios/<int:pk>/presentation/items/<int:item_id>/picture/",
        presentation.presentation_picture,
        name="presentation_picture",
    ),
    path("portfolios/<int:pk>/share/", presentation.share, name="share"),
    path("portfolios/<int:pk>/tools/<slug:stage>/", portfolio.stage_tool, name="stage_tool"),
    path("portfolios/<int:pk>/layout/", connections.layout, name="layout"),
    path("items/<int:pk>/", items.item, name="item"),
    path("items/<int:pk>/file/", items.item_file, name="item_file"),
    path("items/<int:pk>/update/", items.update_item, name="update_item"),
    path("items/<int:pk>/clip/", items.clip_status, name="clip_status"),
    path("items/<int:pk>/annotations/", items.annotate, name="annotate"),
    path("items/<int:pk>/move/", items.move_item, name="move_item"),
    path("items/<int:pk>/thumbnail/", items.item_thumbnail, name="item_thumbnail"),
    path("items/<int:pk>/save/", items.save_note, name="save_note"),
]
