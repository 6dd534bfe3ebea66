"""Fixtures shared by every test area.

The sandbox is served for real by pytest-django's live server (a threaded
WSGI server in this process) and reached over HTTP, exactly as the dashboard
reaches BrightStar.
"""

import pytest
import requests

from sandbox.models import Account
from sandbox.services.keys import api_key_create


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
