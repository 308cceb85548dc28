"""What the marketplace holds about a person: places booked for pupils and staff, and who
booked, rated and signed (docs/privacy.md)."""

from risingtide.lib.personal_data import SCHOOL_WORK, Holding, Keep, declare

declare(
    Holding(
        "provision.ShownToPupils",
        named=("shown_by",),
        erase=SCHOOL_WORK,
        title="Services shown to pupils",
    ),
    Holding("provision.Booking", named=("booked_by",), erase=SCHOOL_WORK),
    Holding(
        "provision.Place",
        about=("pupil", "staff"),
        named=("consent_by",),
        erase=Keep(
            "a paid-for place in a provider's booking (the ledger and the session's count); it "
            "points at the pupil record, which after erasure names no one"
        ),
    ),
    Holding(
        "provision.WaitingEntry",
        named=("added_by",),
        erase=SCHOOL_WORK,
        title="Waiting-list entries",
    ),
    Holding("provision.Contract", named=("created_by",), erase=SCHOOL_WORK),
    Holding("provision.ContractDocument", named=("added_by",), erase=SCHOOL_WORK),
    Holding("provision.Rating", named=("rated_by",), erase=SCHOOL_WORK),
)
