"""Badge credentials: each Open Badges 3.0 credential issued for a programme's completion, as
signed, with its place in its issuer's revocation list and, if it was revoked, when, by whom
and why (training/credentials.py issues, verifies and revokes them)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

# Bitstring Status List entries per list: the W3C recommendation's minimum (16 KiB of bits),
# so that one credential's bit hides among many (herd privacy).
STATUS_LIST_SIZE = 131_072


class BadgeCredential(models.Model):
    """One credential, signed once and kept as signed (``token``, a VC-JWT), so the learner
    downloads the same credential every time. ``uuid`` is its public id: its URL is the
    credential's ``id`` and the JWT's ``jti``. At most one unrevoked credential a completion."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    completion = models.ForeignKey(
        "training.Completion", on_delete=models.PROTECT, related_name="badge_credentials"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="badge_credentials"
    )
    token = models.TextField()
    kid = models.CharField(max_length=500)  # the key that signed it
    # Its issuer's revocation list (``status_list`` of the programme's owner) and its bit there.
    status_list = models.PositiveIntegerField(default=1)
    status_index = models.PositiveIntegerField()
    issuer_key = models.CharField(max_length=40)  # "nation-<pk>" or "la-<pk>"
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["completion"],
                condition=Q(revoked_at__isnull=True),
                name="badge_credential_one_current",
            ),
            models.UniqueConstraint(
                fields=["issuer_key", "status_list", "status_index"],
                name="badge_credential_status_bit_once",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="badge_credential_revoked_with_reason",
            ),
        ]
        # The status list page reads the revoked bits of one list.
        indexes = [
            models.Index(
                fields=["issuer_key", "status_list"],
                condition=Q(revoked_at__isnull=False),
                name="badge_credential_revoked",
            )
        ]

    def __str__(self) -> str:
        return f"Badge credential {self.uuid}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
