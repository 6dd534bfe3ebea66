"""The soak's stack: a fresh sandbox and dashboard, seeded and served by gunicorn on loopback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from bench.servers import HOST, PY, ROOT, Servers, free_port
from soak.told import PASSWORD

# Settings the soak decides; whatever the calling shell (or pytest) set is dropped.
OWN_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SANDBOX_DATABASE_URL", "CACHE_URL", "SANDBOX_FAULTS",
           "SANDBOX_RATE_LIMIT", "BRIGHTSTAR_API_URL", "BRIGHTSTAR_API_KEY", "BRIGHTSTAR_TIMEOUT",
           "BRIGHTSTAR_MAX_ATTEMPTS", "HTTPS", "BEHIND_PROXY", "SESSION_ENGINE", "DEBUG", "LOG_LEVEL")


class Stack:
    def __init__(self, run_dir: Path, faults: str):
        self.dir, self.faults = run_dir, faults
        self.servers = Servers()
        self.ports = {"sandbox": free_port(), "dashboard": free_port()}
        self.env = {k: v for k, v in os.environ.items() if k not in OWN_ENV}
        self.env.update({
            "DATABASE_URL": f"sqlite:///{run_dir / 'boxoffice.sqlite3'}",
            "SANDBOX_DATABASE_URL": f"sqlite:///{run_dir / 'sandbox.sqlite3'}",
            # Only the injected 429s: the soak's own pace must not hit the real limit.
            "SANDBOX_RATE_LIMIT": "100000000/minute",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "BRIGHTSTAR_API_URL": f"http://{HOST}:{self.ports['sandbox']}/v1/test",
            # Short, so a dropped answer turns into "not confirmed" in seconds, not tens.
            "BRIGHTSTAR_TIMEOUT": "2,3",
            "PYTHONDONTWRITEBYTECODE": "1",
        })

    def manage(self, *argv: str) -> str:
        out = subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=self.env, check=True,  # noqa: S603
                             capture_output=True, text=True, timeout=300)
        return out.stdout.strip()

    def seed(self, *, orders_per_event: int, users: dict[str, str]) -> None:
        if self.dir.exists() and any(self.dir.iterdir()) and not (self.dir / "sandbox.sqlite3").exists():
            raise SystemExit(f"soak: {self.dir} is not empty and holds no earlier soak: not deleting it")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        print(self.manage("seed_sandbox", "--account", "soak", "--events", "6",
                          "--orders-per-event", str(orders_per_event)))
        self.env["BRIGHTSTAR_API_KEY"] = self.manage("sandbox_apikey", "--account", "soak").splitlines()[-1]
        self.manage("shell", "-c", (
            "from django.contrib.auth.models import Group, User\n"
            f"for name, role in {users!r}.items():\n"
            f"    User.objects.create_user(name, password={PASSWORD!r}).groups.add(Group.objects.get(name=role))"))

    def serve(self) -> None:
        apps = {"sandbox": ("sandbox.wsgi:application", "sandbox.settings", {"SANDBOX_FAULTS": self.faults,
                                                                              "LOG_LEVEL": "INFO"}),
                "dashboard": ("boxoffice.wsgi:application", "boxoffice.settings", {})}
        for name, (app, settings_module, extra) in apps.items():
            env = {**self.env, **extra, "DJANGO_SETTINGS_MODULE": settings_module,
                   "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "8"}
            self.servers.start(app, port=self.ports[name], env=env, output=(self.dir / f"{name}.log").open("w"))
        self.servers.wait(self.ports, hint=f" (see the logs in {self.dir})")

    def stop(self) -> None:
        self.servers.stop()

    def sandbox_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "sandbox.sqlite3")

    def dashboard_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "boxoffice.sqlite3")
