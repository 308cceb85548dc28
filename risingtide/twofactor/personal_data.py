"""What ``twofactor`` holds about a person: who set a requirement (devices belong to django-otp
and are never exported: they are secrets)."""

from risingtide.lib.personal_data import SCHOOL_WORK, Holding, declare

declare(
    Holding(
        "twofactor.Requirement",
        named=("set_by",),
        erase=SCHOOL_WORK,
        title="Two-factor requirements",
    )
)
