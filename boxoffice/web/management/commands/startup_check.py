"""`startup_check`: what `make run` and `make serve` print once both servers are up.

Which BrightStar the dashboard talks to, and whether it answers (with this
key), then the dashboard's own URL, last, once it answers too. Run once at
start-up, beside the servers, so no request ever pays for it; it waits for
both, since they start at the same moment it does.
"""

import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from boxoffice.brightstar import client
from boxoffice.brightstar.errors import BrightStarError, ConnectionFailed

POLL_SECONDS = 0.3


def local_url(addrport: str) -> str:
    """http://host:port for an address a server listens on (0.0.0.0 is reached on 127.0.0.1)."""
    if addrport.isdigit():
        addrport = f"127.0.0.1:{addrport}"
    host, _, port = addrport.rpartition(":")
    if host in ("0.0.0.0", "::", "[::]", ""):  # noqa: S104 - naming a bind address, not binding
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Say which BrightStar the dashboard uses and whether it answers; then, with --dashboard, its URL."

    def add_arguments(self, parser):
        parser.add_argument("--dashboard", metavar="ADDR:PORT", help="wait for the dashboard there; print its URL last")
        parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for each server (default 30)")

    def handle(self, *args, dashboard, wait, **options):
        self.stdout.write(f"BrightStar API: {settings.BRIGHTSTAR_API_URL} {self.brightstar_status(wait)}")
        if dashboard:
            url = local_url(dashboard) + "/"
            if self.answers(url, wait):
                self.stdout.write(f"\n  Open the dashboard:  {url}")
            else:
                self.stderr.write(f"The dashboard did not answer at {url} within {wait:.0f} s.")

    def brightstar_status(self, wait: float) -> str:
        deadline = time.monotonic() + wait
        while True:
            try:
                # One attempt at a time, short timeouts: this loop is the retry.
                client.get("events", params={"limit": 1}, max_attempts=1, timeout=(1.0, 5.0))
            except ConnectionFailed as exc:
                if time.monotonic() < deadline:
                    time.sleep(POLL_SECONDS)
                    continue
                return f"does NOT answer ({exc.message}): every page will say BrightStar is unreachable."
            except BrightStarError as exc:
                return f"answers, but refused the request: {exc.status} {exc.code}."
            key = settings.BRIGHTSTAR_API_KEY
            mode = "test" if key.startswith("bs_test_") else "live" if key.startswith("bs_live_") else "unknown"
            return f"answers (a {mode} key)."

    def answers(self, url: str, wait: float) -> bool:
        """Whether the server at `url` is serving: it accepted a connection, and closed it.

        The connection carries an empty request, which servers drop without a
        line in their log (an HTTP request would print one *after* our last
        line); and it is accepted only once the server is serving, so all it
        prints at start-up has been printed.
        """
        host, _, port = url.removeprefix("http://").rstrip("/").rpartition(":")
        deadline = time.monotonic() + wait
        while True:
            try:
                with socket.create_connection((host, int(port)), timeout=5) as connection:
                    connection.shutdown(socket.SHUT_WR)
                    connection.recv(1)  # b"" once the server has taken the connection and closed it
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(POLL_SECONDS)
