"""What staff did through the dashboard: append-only, one row per attempt.

A row is written for every mutation the dashboard sends to BrightStar,
whatever its outcome, so "I clicked refund twice" shows as two attempts and
one effect.
"""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded"
        REPLAYED = "replayed"  # the API answered from its idempotency record: no second effect
        REJECTED = "rejected"  # the API said no (validation, conflict, permission)
        UNKNOWN = "unknown"  # no answer: the change may or may not have happened

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the trail survives the staff account being deleted.
    staff_username = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)  # "order.refund", "attendee.check_in", …
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, db_index=True)
    event_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    order_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    amount = models.BigIntegerField(null=True, blank=True)  # cents, where money moved
    currency = models.CharField(max_length=3, blank=True, default="")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error_code = models.CharField(max_length=64, blank=True, default="")
    message = models.CharField(max_length=500, blank=True, default="")
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.staff_username} {self.action} {self.object_id} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")
