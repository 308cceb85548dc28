"""Who may read, give and answer feedback: a thread reaches people as the portfolio it is on.
Registered with the access engine when the app is ready."""

from risingtide.access.core import Subject, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.feedback.models import Comment
from risingtide.people.access import PUPIL_CARERS
from risingtide.people.models import Role
from risingtide.portfolios.access import portfolio_paths

declare_subject("comment", Subject(Comment, portfolio_paths("portfolio__")))
declare(
    Capability(
        "portfolio.comment",
        "portfolio",
        "Give diagnostic feedback (praise, next step, question, misconception) on a pupil's work",
        {**PUPIL_CARERS},
    ),
    Capability(
        "comment.view",
        "comment",
        "Read a feedback thread on a portfolio one may see",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "comment.reply",
        "comment",
        "Reply in a feedback thread",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "comment.mark_done",
        "comment",
        "Mark a next step done (the pupils whose work it is)",
        {Role.PUPIL: Reach.SELF},
    ),
    Capability(
        "comment.accept",
        "comment",
        "Accept a next step the pupil has done, or give it back",
        {**PUPIL_CARERS},
    ),
    Capability(
        "presentation.review",
        "presentation",
        "Review a classmate's presentation on the project's rubric (optionally anonymously)",
        {Role.PUPIL: Reach.SELF},
    ),
    Capability(
        "pupil.progress_record",
        "pupil",
        "See a pupil's progress record across all projects (PDF, CSV)",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "feedback.inbox",
        None,
        "See one's own feedback to read or answer",
        {Role.PUPIL: Reach.ANY, **{r: Reach.ANY for r in PUPIL_CARERS}},
    ),
)
