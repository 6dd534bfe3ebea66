"""Which API key (and so which account) a request speaks for.

A key works only in its own environment: `bs_test_…` under /v1/test/,
`bs_live_…` under /v1/. Anything else authenticates nobody (401).
"""

from django.http import HttpRequest

from sandbox.models import ApiKey
from sandbox.services.keys import LIVE_PREFIX, TEST_PREFIX

TEST_ROOT = "/v1/test/"
_UNSET = object()


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
    try:
        return ApiKey.objects.select_related("account").get(key_hash=ApiKey.hash(token))
    except ApiKey.DoesNotExist:
        return None
