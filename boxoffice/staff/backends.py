"""Django's ModelBackend, reading each request's user, roles and language in one query.

The user still comes from the database on every request (a deactivation, a
new password or a removed role holds at the next one, on every worker). What
every request then needs of them (StaffLanguageMiddleware the language, the
view its roles) rides on the same query, a row per group, and the ORM's
building of it is done once (boxoffice/prepared.py).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F

from boxoffice.prepared import Prepared
from boxoffice.staff.roles import remember

_BY_ID = Prepared(
    lambda pk: (
        get_user_model()
        ._default_manager.filter(pk=pk)
        .annotate(_role=F("groups__name"), _language=F("staff_profile__language"))
    ),
    pk=-424242,
)


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        found = _BY_ID.annotated(pk=user_id)
        if not found:
            return None
        user = found[0][0]
        if not self.user_can_authenticate(user):
            return None
        remember(user, [extra for _, extra in found])
        return user
