"""Optional email about new feedback (RISINGTIDE_FEEDBACK_EMAIL), through Django's backend."""

from django.core.mail import send_mass_mail
from django.urls import reverse
from django_tasks import task

from risingtide.feedback.models import Comment, Reply


@task()
def email_feedback(comment_id: int, reply_id: int | None) -> int:
    """Tell the people on the other side of a thread that there is something new: the pupils
    for a teacher's message, the teacher who started it for a pupil's. Returns emails sent."""
    comment = Comment.objects.select_related("portfolio__project", "author").get(pk=comment_id)
    message = Reply.objects.get(pk=reply_id) if reply_id else comment
    pupils = list(comment.portfolio.members.all())
    if message.author in pupils:
        recipients = [comment.author] if comment.author else []
    else:
        recipients = pupils
    addresses = [u.email for u in recipients if u.email and u != message.author]
    if not addresses:
        return 0
    project = comment.portfolio.project.title
    url = reverse("feedback:feedback_inbox")
    subject = f"New feedback on {project}"
    # Only a notice: the words stay in the platform, behind its sign-in.
    text = (
        f"There is something new for you on {project} in Rising Tide.\n\n"
        f"Sign in and open Feedback ({url}) to read it."
    )
    # One message each: pupils never see one another's addresses.
    return send_mass_mail([(subject, text, None, [address]) for address in addresses])
