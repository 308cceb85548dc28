"""Personal API tokens: shown once, stored only as a SHA-256 digest, expiring."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "rt_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    # The first characters, so a person can tell their tokens apart; the rest is never stored.
    hint = models.CharField(max_length=12)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        token = PREFIX + secrets.token_urlsafe(32)
        record = cls.objects.create(
            user=user,
            name=name,
            hint=token[:10],
            token_digest=digest(token),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        return record, token

    @classmethod
    def user_for(cls, token: str):
        """The active user a live token belongs to, or None."""
        if not token.startswith(PREFIX):
            return None
        found = (
            cls.objects.filter(token_digest=digest(token), expires_at__gt=timezone.now())
            .select_related("user")
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
            cls.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user
