"""Database sessions, read with SQL compiled once (SESSION_ENGINE = "boxoffice.staff.sessions").

Still one query on the database per request, never a cache: a logout on one
worker holds at the next request on every other. Only the ORM's building of
that query is done once (boxoffice/prepared.py).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from boxoffice.prepared import Prepared

_BY_KEY = Prepared(
    lambda key: Session.objects.filter(session_key=key).values_list("session_data", "expire_date"), key="session-key"
)


class SessionStore(db.SessionStore):
    def load(self):
        key = self.session_key
        rows = _BY_KEY.rows(key=key) if key else []
        # Expired: as Django's own store, an empty session under a new key (the old row stays for clearsessions).
        if not rows or rows[0][1] <= timezone.now():
            self._session_key = None
            return {}
        return self.decode(rows[0][0])
