"""One keep-alive HTTP/1.1 connection to a server on loopback.

http.client and nothing more: the client side must cost far less than the
servers it measures.
"""

from __future__ import annotations

import http.client
import time
from typing import NamedTuple

from bench.harness.servers import HOST


class Reply(NamedTuple):
    status: int  # 0: no answer (the connection failed)
    body: bytes
    headers: http.client.HTTPMessage  # names case-insensitive

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


NO_REPLY = Reply(0, b"", http.client.HTTPMessage())


class Connection:
    # gunicorn.conf.py keepalive = 5: past 3 s idle, open a new connection rather
    # than send on one the server may be closing.
    IDLE_SECONDS = 3.0

    def __init__(self, port: int, headers: dict[str, str] | None = None, *, timeout: float = 60):
        self.port, self.headers, self.timeout = port, dict(headers or {}), timeout
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        """Send one request and read the whole answer; raises OSError or HTTPException when it fails."""
        if self.conn is None or time.monotonic() - self.last_used > self.IDLE_SECONDS:
            self.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        self.last_used = time.monotonic()
        return Reply(response.status, data, response.headers)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
