from django.urls import path

from risingtide.standards import views

urlpatterns = [
    # A school's standards: its profile, judgements, plan and the LA's notes
    path("schools/<int:pk>/standards/", views.school, name="standards_school"),
    path("schools/<int:pk>/standards/start/", views.start, name="standards_start"),
    path("schools/<int:pk>/standards/notes/", views.leave_note, name="standards_note"),
    # One self-evaluation
    path("standards/evaluations/<int:pk>/", views.evaluation, name="self_evaluation"),
    path(
        "standards/evaluations/<int:pk>/elements/<int:element_id>/",
        views.judge,
        name="self_evaluation_judge",
    ),
    path(
        "standards/evaluations/<int:pk>/elements/<int:element_id>/evidence/",
        views.add_evidence,
        name="self_evaluation_evidence",
    ),
    path(
        "standards/evaluations/<int:pk>/evidence/<int:link_id>/",
        views.evidence_file,
        name="self_evaluation_evidence_file",
    ),
    path(
        "standards/evaluations/<int:pk>/evidence/<int:link_id>/remove/",
        views.remove_evidence,
        name="self_evaluation_evidence_remove",
    ),
    path("standards/evaluations/<int:pk>/submit/", views.submit, name="self_evaluation_submit"),
    path("standards/evaluations/<int:pk>/plan/", views.make_plan, name="self_evaluation_plan"),
    # The improvement plan
    path("standards/plans/<int:pk>/", views.plan, name="plan"),
    path("standards/plans/<int:pk>/actions/", views.add_action, name="plan_add_action"),
    path(
        "standards/plans/<int:pk>/actions/<int:action_id>/",
        views.update_action,
        name="plan_update_action",
    ),
    path("standards/plans/<int:pk>/milestones/", views.add_milestone, name="plan_add_milestone"),
    path(
        "standards/plans/<int:pk>/milestones/<int:milestone_id>/",
        views.mark_milestone,
        name="plan_mark_milestone",
    ),
    path("standards/plans/<int:pk>/history/", views.plan_history, name="plan_history"),
    path("standards/plans/<int:pk>/plan.csv", views.plan_csv, name="plan_csv"),
    path("standards/plans/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    # The LA lead's monitoring, the national indicator
    path("las/<int:pk>/standards/", views.local_authority, name="standards_la"),
    path("las/<int:pk>/standards.csv", views.local_authority_csv, name="standards_la_csv"),
    path("nations/<int:pk>/standards/", views.nation, name="standards_nation"),
    path("nations/<int:pk>/standards.csv", views.nation_csv, name="standards_nation_csv"),
    # Frameworks
    path("standards/frameworks/", views.frameworks, name="frameworks"),
    path(
        "standards/frameworks/versions/<int:version_id>/",
        views.framework_version,
        name="framework_version",
    ),
    path(
        "standards/frameworks/versions/<int:version_id>/export/",
        views.framework_export,
        name="framework_export",
    ),
    path("standards/frameworks/import/", views.framework_import, name="framework_import"),
]
