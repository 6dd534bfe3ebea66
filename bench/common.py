"""What the benchmarks share: a throwaway stack under gunicorn, a logged-in browser, stats.

`Stack` seeds a fresh sandbox under var/bench/<name>/ (SQLite), then serves
the sandbox, the dashboard and the floor (bench/floor.py) as three gunicorn
servers on loopback with the project's gunicorn.conf.py, DEBUG off: the
same settings for all three, so they can be compared. `Http` is one
keep-alive connection (http.client), cheap enough that the client side
costs far less than the servers it measures.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.servers import HOST, PY, ROOT, Servers, free_port

RESULTS = ROOT / "bench-results"


class Http:
    """One keep-alive connection: the client side must cost far less than the servers."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port, self.headers = port, dict(headers or {})
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        all_headers = {**self.headers, **(headers or {})}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                return response.status, response.read(), response
            except (http.client.HTTPException, ConnectionError):
                # gunicorn closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class Stack:
    """A fresh sandbox + dashboard + floor, seeded and served under gunicorn."""

    APPS = {"sandbox": ("sandbox.wsgi:application", "sandbox.settings"),
            "dashboard": ("boxoffice.wsgi:application", "boxoffice.settings"),
            "floor": ("bench.floor:application", "")}

    def __init__(self, name: str, *, workers: int, threads: int):
        self.dir = ROOT / "var" / "bench" / name
        self.workers, self.threads = workers, threads
        self.servers = Servers()
        self.ports = {app: free_port() for app in self.APPS}
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.dir / 'boxoffice.sqlite3'}",
            "SANDBOX_DATABASE_URL": f"sqlite:///{self.dir / 'sandbox.sqlite3'}",
            "SANDBOX_RATE_LIMIT": "100000000/minute",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "BRIGHTSTAR_API_URL": f"http://{HOST}:{self.ports['sandbox']}/v1/test",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.key = ""

    def manage(self, *argv: str) -> str:
        out = subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=self.env, check=True,  # noqa: S603
                             capture_output=True, text=True, timeout=600)
        return out.stdout.strip()

    def reset(self) -> None:
        """An empty run directory with both databases migrated, static files collected."""
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")  # as `make run` does

    def seed(self, *, account: str, events: int, orders_per_event: int) -> str:
        return self.manage("seed_sandbox", "--account", account, "--events", str(events),
                           "--orders-per-event", str(orders_per_event))

    def api_key(self, account: str) -> str:
        """A test key for `account`, which the dashboard will use too."""
        self.env["BRIGHTSTAR_API_KEY"] = self.key = self.manage("sandbox_apikey", "--account", account).splitlines()[-1]
        return self.key

    def add_user(self, username: str, password: str, group: str) -> None:
        self.manage("shell", "-c", (
            "from django.contrib.auth.models import Group, User;"
            f"u = User.objects.create_user({username!r}, password={password!r});"
            f"u.groups.add(Group.objects.get(name={group!r}))"))

    def sandbox_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "sandbox.sqlite3")

    def serve(self, *, extra_env: dict[str, dict[str, str]] | None = None,
              extra_args: dict[str, list[str]] | None = None, output=None) -> None:
        """Start the three servers and wait until each accepts connections.

        `extra_env` and `extra_args` add to one server's environment and
        gunicorn command line (e.g. an access log for the sandbox); `output`
        is where the servers print (the console email backend, Django's
        request warnings), the terminal by default.
        """
        for name, (app, settings_module) in self.APPS.items():
            env = {**self.env, "DJANGO_SETTINGS_MODULE": settings_module} if settings_module else \
                {k: v for k, v in self.env.items() if k != "DJANGO_SETTINGS_MODULE"}
            # The project's gunicorn.conf.py (gthread), same workers and threads for all three.
            env.update({"WEB_CONCURRENCY": str(self.workers), "GUNICORN_THREADS": str(self.threads),
                        **(extra_env or {}).get(name, {})})
            self.servers.start(app, port=self.ports[name], env=env, args=(extra_args or {}).get(name), output=output)
        self.servers.wait(self.ports)

    def stop(self) -> None:
        self.servers.stop()

    def api(self, headers: dict[str, str] | None = None) -> Http:
        return Http(self.ports["sandbox"], {"Authorization": f"Bearer {self.key}",
                                            "Content-Type": "application/json", **(headers or {})})

    def floor(self) -> Http:
        return Http(self.ports["floor"])


class Browser:
    """A logged-in staff member's browser: session cookie + CSRF token, as htmx sends them."""

    def __init__(self, stack: Stack, username: str, password: str):
        self.port = stack.ports["dashboard"]
        web = Http(self.port)
        status, body, response = web.call("GET", "/login/")
        cookies = dict(c.split(";")[0].split("=", 1) for c in response.headers.get_all("Set-Cookie") or [])
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        status, _, response = web.call("POST", "/login/", form.encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}"})
        assert status == 302, f"login failed ({status})"
        for c in response.headers.get_all("Set-Cookie") or []:
            name, value = c.split(";")[0].split("=", 1)
            cookies[name] = value
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.csrf = cookies["csrftoken"]

    def htmx(self) -> Http:
        """A connection that asks as htmx does: fragments, CSRF in a header."""
        return Http(self.port, {"Cookie": self.cookie, "X-CSRFToken": self.csrf, "HX-Request": "true",
                                "Content-Type": "application/x-www-form-urlencoded"})

    def page(self) -> Http:
        """A connection that loads whole pages, as a link or the address bar does."""
        return Http(self.port, {"Cookie": self.cookie})


def summary(values: list[float]) -> dict:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"median_ms": round(statistics.median(values), 2), "p95_ms": round(p95, 2), "n": len(values)}


def print_table(header: list[str], rows: list[list], *, first_width: int = 10) -> None:
    """Left-aligned first column, the rest right-aligned to their widest cell."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    widths[0] = max(widths[0], first_width)
    print(" ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(header)))
    for row in cells:
        print(" ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))


def time_limit(seconds: int, name: str) -> None:
    """Bounded in time whatever happens: SystemExit unwinds through `finally`, so the servers die with us."""
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit(f"{name}: timed out")))
    signal.alarm(seconds)


def write_results(prefix: str, result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
