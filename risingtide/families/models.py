"""Families as partners (issue 19): a school invites a pupil's parent or carer with a one-time
code; the carer makes their own sign-in and is linked to that child by a carer membership
(``people.Membership`` with ``role=carer`` and ``child``), never by claiming a child
themselves. What a carer is shown of their child is logged (``Shown``) so that a pupil aged 13
or over can see it."""

from django.conf import settings
from django.db import models

from risingtide.register.models import Pupil


class Invitation(models.Model):
    """A one-time code for one carer of one pupil. Only the code's SHA-256 digest is kept; the
    code itself is shown once, to the member of staff who made it, to print or send."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="carer_invitations")
    code_digest = models.CharField(max_length=64, unique=True)
    relationship = models.CharField(max_length=60, blank=True)  # "Mother", "Foster carer"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation for a carer of {self.pupil}"


class Shown(models.Model):
    """One thing a carer was shown of their child: the page and what was on it."""

    carer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shown_to_carers"
    )
    what = models.CharField(max_length=40)  # "profile", "plan", "opportunities", "presentation"
    summary = models.CharField(max_length=200, blank=True)
    shown_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shown_at", "-pk"]
        indexes = [models.Index(fields=["child", "-shown_at"], name="shown_child_when")]

    def __str__(self) -> str:
        return f"{self.what} shown to a carer of {self.child}"
