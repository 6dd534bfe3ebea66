"""One HTTP answer from BrightStar, as the client hands it to the functions that read it.

Its own module so that both the client (which makes it) and the resources
(which read lists out of it) can name it without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ApiResponse:
    status: int
    data: Any
    headers: Mapping[str, str] = field(repr=False)
    request_id: str | None = None
    # The API answered from its idempotency record: the change was not made again.
    replayed: bool = False
    attempts: int = 1
