"""What ``lti`` holds about a person: their identity on a platform, a pupil's grade links."""

from risingtide.lib.personal_data import Delete, Holding, declare

declare(
    Holding("lti.Identity", about=("user",), erase=Delete(), title="LTI identities"),
    Holding("lti.GradeLink", about=("pupil",), erase=Delete()),
)
