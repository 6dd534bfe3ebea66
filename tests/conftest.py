"""Fixtures shared by every test area.

The sandbox is served for real by pytest-django's live server (a threaded
WSGI server in this process) and reached over HTTP, exactly as the dashboard
reaches BrightStar.
"""

import os

import pytest
import requests
from hypothesis import settings as hypothesis_settings

from sandbox.models import Account
from sandbox.services.keys import api_key_create

# `make test` (and so CI) draws the same examples on every run of the same commit:
# a suite that passes or fails by the luck of the draw tells nobody anything.
# `make explore` draws fresh ones, with hypothesis's local example database;
# what it finds gets pinned as an @example next to the test.
hypothesis_settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


class ApiSession(requests.Session):
    """requests.Session rooted at one environment of the sandbox, with a key."""

    def __init__(self, base_url: str, key: str | None):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)


def make_account(slug: str = "acme", *, livemode: bool = False, read_only: bool = False) -> tuple[Account, str]:
    account, _ = Account.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    raw_key = api_key_create(account=account, livemode=livemode, read_only=read_only)
    return account, raw_key


@pytest.fixture
def sandbox_url(live_server) -> str:
    return live_server.url + "/v1/test"


@pytest.fixture
def account_and_key(transactional_db) -> tuple[Account, str]:
    return make_account("acme")


@pytest.fixture
def account(account_and_key) -> Account:
    return account_and_key[0]


@pytest.fixture
def api(sandbox_url, account_and_key) -> ApiSession:
    """An authenticated session on the test environment of account 'acme'."""
    with ApiSession(sandbox_url, account_and_key[1]) as session:
        yield session


@pytest.fixture
def anon_api(sandbox_url) -> ApiSession:
    with ApiSession(sandbox_url, None) as session:
        yield session


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit windows and cached API reads must not leak between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- the dashboard, pointed at the live sandbox --------------------------------
ROLE_USERS = {"door": "Door", "box_office": "Box office", "organizer": "Organizer"}
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def dashboard(settings, sandbox_url, account_and_key):
    """Point the dashboard's client at the live sandbox, as `make run` does."""
    settings.BRIGHTSTAR_API_URL = sandbox_url
    settings.BRIGHTSTAR_API_KEY = account_and_key[1]
    return sandbox_url


@pytest.fixture
def staff_users(transactional_db):
    """One user per role (username = role key), plus a superuser 'admin'."""
    from django.contrib.auth.models import Group, User

    users = {}
    for username, group in ROLE_USERS.items():
        user = User.objects.create_user(username, password=PASSWORD)
        # get_or_create: transactional tests flush the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        users[username] = user
    users["admin"] = User.objects.create_superuser("admin", password=PASSWORD)
    users["nobody"] = User.objects.create_user("nobody", password=PASSWORD)  # staff with no role yet
    return users


@pytest.fixture
def client_as(dashboard, staff_users):
    """client_as("door") -> a Django test client logged in with that role."""
    from django.test import Client

    def login(role: str) -> Client:
        client = Client()
        client.force_login(staff_users[role])
        return client

    return login


@pytest.fixture
def api_calls(monkeypatch) -> list[tuple[str, str]]:
    """Every HTTP exchange the dashboard makes with BrightStar, as (method, path)."""
    from boxoffice.brightstar import client

    calls: list[tuple[str, str]] = []
    real = client._request

    def counting(method, path, **kwargs):
        calls.append((method, path))
        return real(method, path, **kwargs)

    monkeypatch.setattr(client, "_request", counting)
    return calls


def pytest_report_header(config):
    # Printed at the top of every run, so a CI log shows which databases a leg really used.
    from django.conf import settings

    engines = ", ".join(f"{alias}={db['ENGINE'].rsplit('.', 1)[-1]}" for alias, db in settings.DATABASES.items())
    return f"databases: {engines}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
