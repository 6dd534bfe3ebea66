"""The sandbox served the other ways it is deployed: gunicorn and runsandbox.

pytest's live server runs in the test process; these run the same code as
subprocesses on the test databases, so a test can check each server answers
alike (headers and bodies are parsed by the server, not by Django).
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connections


def database_url(alias: str) -> str:
    db = connections[alias].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command(kind: str, port: int) -> list[str]:
    if kind == "gunicorn":
        return [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "sandbox.wsgi"]
    if kind == "runserver":
        return [sys.executable, "manage.py", "runsandbox", f"127.0.0.1:{port}", "--noreload"]
    raise ValueError(kind)


@contextmanager
def serve(kind: str, *, workers: int = 2) -> Iterator[str]:
    """Start the sandbox under `kind` ("gunicorn" or "runserver"); yield its /v1/test URL."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sandbox.settings",
        "SANDBOX_DATABASE_URL": database_url("sandbox"),
        "DATABASE_URL": database_url("default"),
        "SANDBOX_RATE_LIMIT": "100000/minute",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": "8",
    }
    process = subprocess.Popen(
        _command(kind, port),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1/test"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/openapi.json", timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting its workers
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"{kind} did not start: " + process.stdout.read().decode()[-2000:])
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
