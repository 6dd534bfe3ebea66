"""Django's ModelBackend, reading each request's user with SQL compiled once.

The user still comes from the database on every request (a deactivation or a
new password holds at the next one, on every worker); only the ORM's building
of the query is done once (boxoffice/prepared.py).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from boxoffice.prepared import Prepared

_BY_ID = Prepared(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=-424242)


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        user = _BY_ID.first(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
