"""The session's user comes from the cache, and any change to it reaches the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

PAGE = "/audit/"  # the organizer's page that asks BrightStar nothing


def user_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    return response.status_code, sum('"auth_user"' in q["sql"] for q in queries.captured_queries)


def test_a_request_reads_no_user_row_once_cached(client_as):
    client = client_as("organizer")
    client.get(PAGE)
    assert user_queries(client) == (200, 0)


def test_a_deactivated_user_is_out_at_the_next_request(client_as, staff_users):
    client = client_as("organizer")
    assert client.get(PAGE).status_code == 200
    user = staff_users["organizer"]
    user.is_active = False
    user.save()
    assert client.get(PAGE).status_code == 302  # to the login page


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
