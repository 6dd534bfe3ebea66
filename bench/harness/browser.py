"""A staff member's browser on the dashboard: cookies, the CSRF token as htmx sends it, one keep-alive connection."""

from __future__ import annotations

import http.client
import re
from collections.abc import Callable
from urllib.parse import urlencode

from bench.harness.connection import NO_REPLY, Connection, Reply

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Links load whole pages; htmx actions send HX-Request and the CSRF cookie as X-CSRFToken.

    A request that gets no answer returns status 0 rather than raising: what a
    person does next (reload, scan again) is the caller's to decide.
    `on_answer(method, path, status)` hears of every request, answered or not.
    """

    def __init__(self, port: int, *, on_answer: Callable[[str, str, int], None] | None = None):
        self.port, self.on_answer = port, on_answer
        self.cookies: dict[str, str] = {}
        self.conn = Connection(port)

    def twin(self) -> Browser:
        """A second tab of the same session, on a connection of its own (two scanners on one account)."""
        other = Browser(self.port, on_answer=self.on_answer)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, path: str, fields: dict | None = None, *, htmx: bool = False) -> Reply:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            reply = self.conn.call(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            reply = NO_REPLY
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";")[0].split("=", 1)
            self.cookies[name] = value
        if self.on_answer is not None:
            self.on_answer(method, path, reply.status)
        return reply

    def get(self, path: str, *, htmx: bool = False) -> Reply:
        reply = self.request("GET", path, htmx=htmx)
        if reply.status == 0:  # a GET is safe to send again, as a browser's reload
            reply = self.request("GET", path, htmx=htmx)
        return reply

    def post(self, path: str, fields: dict, *, htmx: bool = True) -> Reply:
        return self.request("POST", path, fields, htmx=htmx)

    def login(self, username: str, password: str) -> None:
        page = self.get("/login/")
        token = CSRF_FIELD.search(page.text)
        if page.status != 200 or token is None:
            raise SystemExit(f"the login page did not load for {username} ({page.status})")
        page = self.post(
            "/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}, htmx=False
        )
        if page.status != 302:
            raise SystemExit(f"{username} could not log in ({page.status})")
