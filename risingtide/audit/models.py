"""What was done to whom: every service that changes people or access writes an event."""

from django.conf import settings
from django.db import models


class AppendOnly:
    """A record kept as written: saving it again or deleting it refuses (a change is a new
    row). Mixed into models before ``models.Model``."""

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError(f"A {self._meta.verbose_name} is never changed; add a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"A {self._meta.verbose_name} is never deleted.")


class AuditEventQuerySet(models.QuerySet):
    """The log is only ever added to. The one change allowed is the one Django makes itself
    when a person or school is deleted: the link becomes empty (the event stays)."""

    def update(self, **kwargs):
        if not kwargs or any(
            k not in ("actor", "school") or v is not None for k, v in kwargs.items()
        ):
            raise ValueError("Audit events are never changed.")
        return super().update(**kwargs)

    def delete(self):
        raise ValueError("Audit events are never deleted.")

    def purge_before(self, cutoff) -> int:
        """The log's one door out (decision 0031): events older than the retention period,
        for ``privacy.retention`` alone. How many went."""
        old = models.QuerySet(self.model, using=self.db).filter(at__lt=cutoff)
        deleted, _ = old.delete()
        return deleted


class AuditEvent(AppendOnly, models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    school = models.ForeignKey(
        "schools.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


def record(actor, action: str, target=None, *, school=None, **detail) -> AuditEvent:
    """Write one audit event; ``target`` is any model instance (its type and key are kept)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        school=school,
        detail=detail,
    )
