from django.urls import include, path

from risingtide.standards.views import (
    frameworks,
    improvement_plan,
    monitoring,
    school,
    self_evaluation,
)

app_name = "standards"

urlpatterns = [
    # A school's standards: its profile, judgements, plan and the LA's notes
    path("schools/<int:pk>/standards/", school.school, name="standards_school"),
    path("schools/<int:pk>/standards/start/", school.start, name="standards_start"),
    path("schools/<int:pk>/standards/notes/", school.leave_note, name="standards_note"),
    # One self-evaluation
    path("standards/evaluations/<int:pk>/", self_evaluation.evaluation, name="self_evaluation"),
    path(
        "standards/evaluations/<int:pk>/elements/<int:element_id>/",
        self_evaluation.judge,
        name="self_evaluation_judge",
    ),
    path(
        "standards/evaluations/<int:pk>/elements/<int:element_id>/evidence/",
        self_evaluation.add_evidence,
        name="self_evaluation_evidence",
    ),
    path(
        "standards/evaluations/<int:pk>/evidence/<int:link_id>/",
        self_evaluation.evidence_file,
        name="self_evaluation_evidence_file",
    ),
    path(
        "standards/evaluations/<int:pk>/evidence/<int:link_id>/remove/",
        self_evaluation.remove_evidence,
        name="self_evaluation_evidence_remove",
    ),
    path(
        "standards/evaluations/<int:pk>/submit/",
        self_evaluation.submit,
        name="self_evaluation_submit",
    ),
    path(
        "standards/evaluations/<int:pk>/plan/",
        self_evaluation.make_plan,
        name="self_evaluation_plan",
    ),
    # The improvement plan
    path("standards/plans/<int:pk>/", improvement_plan.plan, name="plan"),
    path("standards/plans/<int:pk>/actions/", improvement_plan.add_action, name="plan_add_action"),
    path(
        "standards/plans/<int:pk>/actions/<int:action_id>/",
        improvement_plan.update_action,
        name="plan_update_action",
    ),
    path(
        "standards/plans/<int:pk>/milestones/",
        improvement_plan.add_milestone,
        name="plan_add_milestone",
    ),
    path(
        "standards/plans/<int:pk>/milestones/<int:milestone_id>/",
        improvement_plan.mark_milestone,
        name="plan_mark_milestone",
    ),
    path("standards/plans/<int:pk>/history/", improvement_plan.plan_history, name="plan_history"),
    path("standards/plans/<int:pk>/plan.csv", improvement_plan.plan_csv, name="plan_csv"),
    path("standards/plans/<int:pk>/plan.pdf", improvement_plan.plan_pdf, name="plan_pdf"),
    # The LA lead's monitoring, the national indicator
    path("las/<int:pk>/standards/", monitoring.local_authority, name="standards_la"),
    path("las/<int:pk>/standards.csv", monitoring.local_authority_csv, name="standards_la_csv"),
    path("nations/<int:pk>/standards/", monitoring.nation, name="standards_nation"),
    path("nations/<int:pk>/standards.csv", monitoring.nation_csv, name="standards_nation_csv"),
    # Frameworks
    path("standards/frameworks/", frameworks.frameworks, name="frameworks"),
    path(
        "standards/frameworks/versions/<int:version_id>/",
        frameworks.framework_version,
        name="framework_version",
    ),
    path(
        "standards/frameworks/versions/<int:version_id>/export/",
        frameworks.framework_export,
        name="framework_export",
    ),
    path("standards/frameworks/import/", frameworks.framework_import, name="framework_import"),
    # Classroom self-evaluation (CQS) keeps its own URLs in its package.
    path("", include("risingtide.standards.classroom.urls")),
]
