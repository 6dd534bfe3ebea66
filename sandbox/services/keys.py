import secrets

from sandbox.models import Account, ApiKey

TEST_PREFIX = "bs_test_"
LIVE_PREFIX = "bs_live_"


def api_key_create(*, account: Account, livemode: bool = False, read_only: bool = False) -> str:
    """Create a key and return it in clear: the only time it is ever seen."""
    raw = (LIVE_PREFIX if livemode else TEST_PREFIX) + secrets.token_urlsafe(24)
    ApiKey.objects.create(
        account=account,
        key_hash=ApiKey.hash(raw),
        prefix=raw[:12],
        livemode=livemode,
        read_only=read_only,
    )
    return raw
