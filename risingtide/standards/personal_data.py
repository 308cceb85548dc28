"""What ``standards`` holds about a person: staff's judgements, plans, notes and their own
classroom evaluations (docs/privacy.md)."""

from risingtide.lib.personal_data import SCHOOL_WORK, STAFF_ONLY, Holding, declare

declare(
    Holding("standards.SelfEvaluation", named=("created_by", "submitted_by"), erase=SCHOOL_WORK),
    Holding(
        "standards.Judgement",
        named=("updated_by",),
        erase=SCHOOL_WORK,
        title="Self-evaluation judgements",
    ),
    Holding("standards.EvidenceLink", named=("added_by",), erase=SCHOOL_WORK),
    Holding("standards.ImprovementPlan", named=("created_by",), erase=SCHOOL_WORK),
    Holding("standards.PlanChange", named=("actor",), erase=SCHOOL_WORK),
    Holding("standards.MonitoringNote", named=("author",), erase=SCHOOL_WORK),
    Holding(
        "standards.ClassroomEvaluation",
        about=("teacher",),
        named=("colleague",),
        erase=STAFF_ONLY,
    ),
    Holding("standards.PromptRating", about=("evaluation__teacher",), erase=STAFF_ONLY),
    Holding("standards.FeatureLevel", about=("evaluation__teacher",), erase=STAFF_ONLY),
)
