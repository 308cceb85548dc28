"""What ``opportunities`` holds about a pupil: their participation in the school's provision."""

from risingtide.lib.personal_data import SCHOOL_WORK, Delete, Holding, declare

declare(
    Holding(
        "opportunities.Opportunity",
        named=("staff_lead", "created_by"),
        erase=SCHOOL_WORK,
        title="Opportunities",
    ),
    Holding(
        "opportunities.Participation",
        about=("pupil",),
        named=("consent_by", "requested_by", "decided_by"),
        erase=Delete(),
    ),
    Holding("opportunities.Entitlement", named=("changed_by",), erase=SCHOOL_WORK),
)
