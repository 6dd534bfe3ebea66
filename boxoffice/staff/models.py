from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """What a member of staff chose for themselves; today only the language the dashboard speaks to them.

    A row of its own rather than a custom user model: the project started on Django's User,
    and swapping it later means rewriting every foreign key to it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    # Blank: follow the browser. Checked against settings.LANGUAGES when set (staff_language_set), not by
    # choices, so adding a language needs no migration.
    language = models.CharField(max_length=10, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.user} ({self.language or 'browser'})"
