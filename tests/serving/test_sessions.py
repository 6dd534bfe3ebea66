"""Logout, deactivation and a removed role hold on every worker of `make serve`, at once.

Two gunicorn workers are two processes: whatever one of them keeps in memory
(a session, a user, their roles) the other never hears has changed. These
tests log in, make sure both workers have served the session, change
something in the database, then send the old cookie again and again until
both workers have answered it at least 20 times each.
"""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.serving.launch import clean_env, database_url, gunicorn_dashboard, log_in
from tests.serving.worker import WORKER_HEADER

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]

PAGE = "/audit/"  # needs the Organizer role, and asks BrightStar nothing
PASSWORD = "a-long-enough-test-password-7"
PER_WORKER = 20  # 40 requests across the two workers, at the least
MAX_REQUESTS = 400


def _variants() -> list[str]:
    # The shipped default always; CI's second leg also runs it on the shared cache it configures (Redis).
    import os

    return ["default", *(["CACHE_URL"] if os.environ.get("CACHE_URL") else [])]


@pytest.fixture(scope="module", params=_variants())
def served(request, django_db_setup, django_db_blocker, tmp_path_factory):
    import os

    env = clean_env(
        DJANGO_SETTINGS_MODULE="tests.serving.serve_settings",
        DEBUG="false",
        LOG_LEVEL="ERROR",
        DATABASE_URL=database_url("default"),
        SANDBOX_DATABASE_URL=database_url("sandbox"),
    )
    if request.param == "CACHE_URL":
        env["CACHE_URL"] = os.environ["CACHE_URL"]
    log = tmp_path_factory.mktemp("gunicorn") / "dashboard.log"
    with gunicorn_dashboard(env=env, log=log) as url:
        yield url


@pytest.fixture
def organizer(transactional_db):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group, User

    # The server checks passwords with the production hashers, not the tests' fast MD5.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user = User.objects.create(username="organizer", password=hashed)
    user.groups.add(Group.objects.get_or_create(name="Organizer")[0])
    return user


def hammer(url: str, cookies: dict[str, str]) -> dict[int, list[int]]:
    """GET `url` with `cookies` on fresh connections until each worker answered PER_WORKER times: pid -> statuses."""
    seen: dict[int, list[int]] = defaultdict(list)

    def one(_) -> tuple[int, int]:
        response = requests.get(
            url, cookies=cookies, headers={"Connection": "close"}, allow_redirects=False, timeout=10
        )
        return int(response.headers[WORKER_HEADER]), response.status_code

    sent = 0
    # Four at a time keeps one worker busy while the other accepts.
    with ThreadPoolExecutor(max_workers=4) as pool:
        while sent < MAX_REQUESTS and (len(seen) < 2 or min(map(len, seen.values())) < PER_WORKER):
            for pid, status in pool.map(one, range(8)):
                seen[pid].append(status)
            sent += 8
    assert len(seen) == 2, f"only one worker answered in {sent} requests"
    assert min(map(len, seen.values())) >= PER_WORKER
    return seen


def statuses(seen: dict[int, list[int]]) -> set[int]:
    return {status for answers in seen.values() for status in answers}


def logged_in_everywhere(served: str) -> tuple[requests.Session, dict[str, str]]:
    session = log_in(served, "organizer", PASSWORD)
    cookies = session.cookies.get_dict()
    # Both workers have now served this session: whatever they would keep of it, they keep.
    assert statuses(hammer(served + PAGE, cookies)) == {200}
    return session, cookies


def test_logout_ends_the_session_on_every_worker(served, organizer):
    session, cookies = logged_in_everywhere(served)
    response = session.post(
        f"{served}/logout/",
        headers={"X-CSRFToken": cookies["csrftoken"], "Referer": f"{served}/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    assert statuses(hammer(served + PAGE, cookies)) == {302}  # to the login page, on both workers


def test_a_deactivated_user_is_out_on_every_worker(served, organizer):
    _, cookies = logged_in_everywhere(served)
    organizer.is_active = False
    organizer.save()
    assert statuses(hammer(served + PAGE, cookies)) == {302}


def test_a_removed_role_is_refused_on_every_worker(served, organizer):
    from django.contrib.auth.models import Group

    _, cookies = logged_in_everywhere(served)
    organizer.groups.remove(Group.objects.get(name="Organizer"))
    assert statuses(hammer(served + PAGE, cookies)) == {403}
