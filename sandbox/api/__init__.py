"""The BrightStar API, served twice: live under /v1/, test under /v1/test/.

Each environment is its own NinjaAPI built by the same factory, so the two
cannot drift apart; the key decides which one a request may use.
"""

from sandbox.api.factory import build_api

live_api = build_api(livemode=True)
test_api = build_api(livemode=False)

__all__ = ["live_api", "test_api"]
