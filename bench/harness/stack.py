"""A throwaway stack: a fresh run directory, seeded through manage.py, served by gunicorn on loopback.

Each server runs the project's gunicorn.conf.py with DEBUG off and the same
workers and threads, so their figures can be compared; each writes to
<name>.log in the run directory. The floor (bench/floor.py, a bare Django
view) is only for the benchmarks to measure against.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness.browser import Browser
from bench.harness.connection import Connection
from bench.harness.servers import HOST, PY, ROOT, Servers, free_port

APPS = {  # name -> (WSGI application, DJANGO_SETTINGS_MODULE)
    "sandbox": ("sandbox.wsgi:application", "sandbox.settings"),
    "dashboard": ("boxoffice.wsgi:application", "boxoffice.settings"),
    "floor": ("bench.floor:application", None),  # configures its own settings
}
# Settings the stack decides; whatever the calling shell (or pytest) set is dropped.
OWN_ENV = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "SANDBOX_DATABASE_URL",
    "CACHE_URL",
    "SANDBOX_FAULTS",
    "SANDBOX_RATE_LIMIT",
    "BRIGHTSTAR_API_URL",
    "BRIGHTSTAR_API_KEY",
    "BRIGHTSTAR_TIMEOUT",
    "BRIGHTSTAR_MAX_ATTEMPTS",
    "HTTPS",
    "BEHIND_PROXY",
    "SESSION_ENGINE",
    "DEBUG",
    "LOG_LEVEL",
    "BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_ACCESSLOG",
    "GUNICORN_LOGLEVEL",
)


@dataclass
class DoorNight:
    """One seeded event at the door: its attendees, the barcodes still to scan (random order), some names."""

    event_id: str
    attendees: int
    barcodes: list[str]
    names: list[str]


class Stack:
    def __init__(
        self,
        run_dir: Path,
        *,
        apps: tuple[str, ...] = ("sandbox", "dashboard"),
        workers: int = 2,
        threads: int = 8,
        env: dict[str, str] | None = None,
        root: Path = ROOT,
    ):
        """`env` adds to (or overrides) the settings every server and manage.py command gets.

        `root` is the source tree whose manage.py and servers run: another worktree, to compare commits side by side.
        """
        self.dir, self.workers, self.threads, self.root = run_dir, workers, threads, root
        self.servers = Servers()
        self.ports = {app: free_port() for app in apps}
        self.env = {k: v for k, v in os.environ.items() if k not in OWN_ENV}
        self.env.update(
            {
                "DATABASE_URL": f"sqlite:///{run_dir / 'boxoffice.sqlite3'}",
                "SANDBOX_DATABASE_URL": f"sqlite:///{run_dir / 'sandbox.sqlite3'}",
                # Neither the benchmarks' nor the soak's pace may hit the real rate limit.
                "SANDBOX_RATE_LIMIT": "100000000/minute",
                "DEBUG": "false",
                "LOG_LEVEL": "ERROR",
                "BRIGHTSTAR_API_URL": f"http://{HOST}:{self.ports['sandbox']}/v1/test",
                "PYTHONDONTWRITEBYTECODE": "1",
                **(env or {}),
            }
        )
        self.key = ""

    # --- the run directory and its data ---------------------------------------------
    def manage(self, *argv: str) -> str:
        out = subprocess.run(  # noqa: S603 - our own manage.py, arguments from this harness
            [PY, "manage.py", *argv],
            cwd=self.root,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
        return out.stdout.strip()

    def reset(self) -> None:
        """An empty run directory, both databases migrated; static files collected if the dashboard is served."""
        if self.dir.exists() and any(self.dir.iterdir()) and not (self.dir / "sandbox.sqlite3").exists():
            raise SystemExit(f"{self.dir} is not empty and holds no earlier run: not deleting it")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.manage("migrate", "--verbosity", "0")
        if "dashboard" in self.ports:  # only its pages need them; elsewhere they cost seconds and write to the tree
            self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def seed(self, *, account: str, events: int, orders_per_event: int) -> str:
        return self.manage(
            "seed_sandbox", "--account", account, "--events", str(events), "--orders-per-event", str(orders_per_event)
        )

    def api_key(self, account: str) -> str:
        """A test key for `account`, which the dashboard will use too."""
        self.env["BRIGHTSTAR_API_KEY"] = self.key = self.manage("sandbox_apikey", "--account", account).splitlines()[-1]
        return self.key

    def add_users(self, users: dict[str, str], password: str) -> None:
        """Dashboard users, username -> role (a group: Door, Box office, Organizer), all with `password`."""
        self.manage(
            "shell",
            "-c",
            (
                "from django.contrib.auth.models import Group, User\n"
                f"for name, role in {users!r}.items():\n"
                f"    User.objects.create_user(name, password={password!r}).groups.add(Group.objects.get(name=role))"
            ),
        )

    def seed_door_night(self, *, orders: int, user: str, role: str, password: str) -> DoorNight:
        """A fresh run directory with one event of `orders` orders, the API key, and one dashboard user."""
        started = time.perf_counter()
        self.reset()
        print(self.seed(account="bench", events=1, orders_per_event=orders))
        self.api_key("bench")
        self.add_users({user: role}, password)
        with self.sandbox_db() as db:
            event_id, attendees = db.execute(
                "SELECT event_id, count(*) FROM sandbox_attendee GROUP BY event_id"
            ).fetchone()
            barcodes = [
                r[0]
                for r in db.execute(
                    "SELECT barcode FROM sandbox_attendee WHERE status='valid' AND checked_in=0 ORDER BY random()"
                )
            ]
            names = [r[0] for r in db.execute("SELECT name FROM sandbox_attendee ORDER BY random() LIMIT 500")]
        print(f"Seeded {attendees} attendees ({len(barcodes)} admissible) in {time.perf_counter() - started:.0f}s")
        return DoorNight(event_id, attendees, barcodes, names)

    def sandbox_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "sandbox.sqlite3")

    def dashboard_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "boxoffice.sqlite3")

    # --- the servers ---------------------------------------------------------------------
    def log(self, name: str) -> Path:
        return self.dir / f"{name}.log"

    def serve(self, *, env: dict[str, dict[str, str]] | None = None, args: dict[str, list[str]] | None = None) -> None:
        """Start every server and wait until each accepts connections.

        `env` and `args` add to one server's environment and gunicorn command
        line, by name (e.g. faults or an access log for the sandbox).
        """
        for name, port in self.ports.items():
            app, settings_module = APPS[name]
            server_env = {
                **self.env,
                "WEB_CONCURRENCY": str(self.workers),
                "GUNICORN_THREADS": str(self.threads),
                **({"DJANGO_SETTINGS_MODULE": settings_module} if settings_module else {}),
                **(env or {}).get(name, {}),
            }
            self.servers.start(
                app,
                port=port,
                env=server_env,
                args=(args or {}).get(name),
                output=self.log(name).open("w"),
                root=self.root,
            )
        self.servers.wait(self.ports, hint=f" (see the logs in {self.dir})")

    def stop(self) -> None:
        self.servers.stop()

    # --- clients ---------------------------------------------------------------------------
    def api(self, headers: dict[str, str] | None = None) -> Connection:
        """Straight to the sandbox with the key, as the dashboard's client sends it."""
        return Connection(
            self.ports["sandbox"],
            {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json", **(headers or {})},
        )

    def floor(self) -> Connection:
        return Connection(self.ports["floor"])

    def browser(self, **kwargs) -> Browser:
        return Browser(self.ports["dashboard"], **kwargs)
