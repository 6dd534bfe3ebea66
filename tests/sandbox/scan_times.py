"""What the tests of `scanned_at` share: times as a client sends them, and check-in's window to pin."""

from datetime import UTC, datetime, timedelta

import pytest


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


# docs/api.md's window (7 days back, 5 minutes ahead), each edge from both sides with room for a slow test.
# Check-in and a refusal told later are both pinned to it: one helper checks both, and must stay one.
WINDOW_EDGES = pytest.mark.parametrize(
    ("offset", "ok"),
    [
        (timedelta(minutes=4, seconds=50), True),
        (timedelta(minutes=5, seconds=10), False),
        (-timedelta(days=6, hours=23), True),
        (-timedelta(days=7, minutes=1), False),
    ],
)
