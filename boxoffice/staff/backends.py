"""The login backend, with the per-request user lookup served from the cache.

Every page and every scan at the door starts by turning the session's user id
into a user. With ModelBackend that is one ORM query per request, about a
millisecond on a small machine: a tenth of a check-in's budget. The cached
copy carries the user's roles too, so a request needs neither query.

A change to the user (password, active flag, groups) clears the copy at once
(signals.py). With the default in-process cache that holds within one worker
process only, hence the short lifetime; production sets CACHE_URL to Redis,
shared by all workers. The cache then holds the user row, password hash
included, as the database does: it must be as private as the database.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from boxoffice.staff.roles import user_roles

USER_CACHE_SECONDS = 60


def user_cache_key(user_id) -> str:
    return f"staff:user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            user_roles(user)  # fills user._boxoffice_roles, so the copy carries them
            cache.set(key, user, USER_CACHE_SECONDS)
        # Checked on every request, not only when the copy was made.
        return user if self.user_can_authenticate(user) else None
