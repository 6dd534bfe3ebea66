"""Which API key (and so which account) a request speaks for.

A key works only in its own environment: `bs_test_…` under /v1/test/,
`bs_live_…` under /v1/. Anything else authenticates nobody (401).

A known key is kept in the cache, so a request costs no query to find its
account: the lookup was an eighth of a check-in's CPU. Any save or delete of
the key or its account forgets it at once (signals.py); with the default
per-process cache another worker may keep the old copy for KEY_CACHE_SECONDS,
so several workers need a shared CACHE_URL (Redis), as the dashboard does.
"""

from django.core.cache import cache
from django.http import HttpRequest

from sandbox.models import ApiKey
from sandbox.services.keys import LIVE_PREFIX, TEST_PREFIX

TEST_ROOT = "/v1/test/"
KEY_CACHE_SECONDS = 60
_UNSET = object()


def cache_key(key_hash: str) -> str:
    return f"sandbox:apikey:{key_hash}"


def is_test_environment(request: HttpRequest) -> bool:
    return request.path.startswith(TEST_ROOT) or request.path == TEST_ROOT.rstrip("/")


def resolve(request: HttpRequest) -> ApiKey | None:
    cached = getattr(request, "_sandbox_api_key", _UNSET)
    if cached is not _UNSET:
        return cached
    request._sandbox_api_key = api_key = _lookup(request)
    return api_key


def _lookup(request: HttpRequest) -> ApiKey | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    expected_prefix = TEST_PREFIX if is_test_environment(request) else LIVE_PREFIX
    if not token.startswith(expected_prefix):
        return None
    key_hash = ApiKey.hash(token)
    api_key = cache.get(cache_key(key_hash))
    if api_key is None:
        # Unknown keys are not remembered: a key created a moment later must work.
        api_key = ApiKey.objects.select_related("account").filter(key_hash=key_hash).first()
        if api_key is not None:
            cache.set(cache_key(key_hash), api_key, KEY_CACHE_SECONDS)
    return api_key
