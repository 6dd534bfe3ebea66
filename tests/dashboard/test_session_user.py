"""Each request reads its session, user and roles afresh, so any change reaches the next request.

(On every worker too: tests/serving/test_sessions.py runs two gunicorn workers.)
"""

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boxoffice.staff.checks import SESSIONS_IN_PROCESS

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

PAGE = "/audit/"  # the organizer's page that asks BrightStar nothing


def test_a_request_reads_its_user_roles_and_language_in_one_query_and_caches_none(client_as):
    from django.core.cache import cache
    from django.core.cache.backends.locmem import LocMemCache

    client = client_as("organizer")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    # The user, their roles and their profile's language: one query, joined, and nothing more of any.
    [user_query] = [s for s in sql if '"auth_user"' in s or '"auth_group"' in s or '"staff_staffprofile"' in s]
    assert user_query.startswith('SELECT "auth_user"')
    assert '"auth_group"' in user_query and '"staff_staffprofile"' in user_query
    # Nothing of the user (least of all the password hash) is left in the cache.
    if isinstance(cache, LocMemCache):  # its whole store can be read
        assert not [key for key in cache._cache if "staff" in key or "user" in key]


def test_a_deactivated_user_is_out_at_the_next_request(client_as, staff_users):
    client = client_as("organizer")
    assert client.get(PAGE).status_code == 200
    user = staff_users["organizer"]
    user.is_active = False
    user.save()
    assert client.get(PAGE).status_code == 302  # to the login page


def test_a_bulk_deactivation_without_signals_is_out_at_the_next_request(client_as, staff_users):
    from django.contrib.auth.models import User

    client = client_as("organizer")
    assert client.get(PAGE).status_code == 200
    User.objects.filter(pk=staff_users["organizer"].pk).update(is_active=False)
    assert client.get(PAGE).status_code == 302


def test_a_new_password_ends_the_other_sessions_at_once(client_as, staff_users):
    client = client_as("organizer")
    assert client.get(PAGE).status_code == 200
    user = staff_users["organizer"]
    user.set_password("a-brand-new-password-9")
    user.save()
    assert client.get(PAGE).status_code == 302


def test_a_role_taken_away_is_gone_at_the_next_request(client_as, staff_users):
    from django.contrib.auth.models import Group

    client = client_as("organizer")
    assert client.get(PAGE).status_code == 200
    staff_users["organizer"].groups.remove(Group.objects.get(name="Organizer"))
    assert client.get(PAGE).status_code == 403


def test_sessions_are_database_sessions_unless_the_cache_is_shared(settings):
    if settings.CACHE_IS_SHARED:
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    else:
        assert settings.SESSION_ENGINE == "boxoffice.staff.sessions"  # Django's db sessions, compiled once
    assert SESSIONS_IN_PROCESS not in {message.id for message in run_checks()}


def test_sessions_in_a_per_process_cache_are_warned_about(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert SESSIONS_IN_PROCESS in {message.id for message in run_checks()}
