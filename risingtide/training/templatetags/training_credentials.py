"""The credential links a programme page shows: the learner's downloads once they have
completed it (or, if their credential was revoked, that and why), and the owner's way to the
credentials issued (training/credentials.py)."""

from django import template

from risingtide.access.core import can
from risingtide.training.models import BadgeCredential

register = template.Library()


@register.inclusion_tag("training/credentials/_programme_links.html")
def credential_links(standing, user, learner: bool):
    programme = standing.programme
    downloads = learner and standing.completion is not None
    latest = (
        BadgeCredential.objects.filter(completion=standing.completion).order_by("-pk").first()
        if downloads
        else None
    )
    return {
        "programme": programme,
        "downloads": downloads and not (latest and latest.revoked),
        "withdrawn": latest if latest and latest.revoked else None,
        "owner": can(user, "programme.credentials", programme),
    }
