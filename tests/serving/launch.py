"""A small launcher for tests that need the dashboard as it is really served.

Its own on purpose (bench/ and soak/ keep theirs): these tests pin what
`make serve` ships, so they start gunicorn exactly as it does, with the
project's gunicorn.conf.py, in a session of its own so that stopping it
kills the master and its workers and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Settings a developer's shell or CI's second leg may carry that the launched server must not inherit.
FOREIGN_ENV = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "SANDBOX_DATABASE_URL",
    "CACHE_URL",
    "SESSION_ENGINE",
    "BRIGHTSTAR_API_URL",
    "BRIGHTSTAR_API_KEY",
    "SANDBOX_ADDR",
    "DASHBOARD_ADDR",
    "DEBUG",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
    "PYTEST_ARGS",
    "PYTEST_CURRENT_TEST",
    "PYTEST_XDIST_WORKER",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in FOREIGN_ENV}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def database_url(alias: str) -> str:
    """A URL for the database this test run uses under `alias`, for a server in another process."""
    db = connections[alias].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def stop(process: subprocess.Popen, *, seconds: float = 15) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # our own process group: the server and its children
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_answers(url: str, process: subprocess.Popen, *, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            requests.get(url, timeout=2, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url} within {seconds} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def gunicorn_dashboard(*, env: dict[str, str], log: Path, workers: int = 2) -> Iterator[str]:
    """The dashboard under gunicorn with `workers` processes; yields its base URL."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "boxoffice.wsgi"],
            cwd=ROOT,
            env={**env, "BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": str(workers)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://{HOST}:{port}"
    try:
        wait_until_answers(f"{url}/login/", process, seconds=60, log=log)
        yield url
    finally:
        stop(process)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in(base_url: str, username: str, password: str) -> requests.Session:
    """A browser-like session logged in through the real login form."""
    session = requests.Session()
    session.trust_env = False
    form = session.get(f"{base_url}/login/", timeout=10)
    token = _CSRF.search(form.text)
    assert token, form.text[:500]
    response = session.post(
        f"{base_url}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base_url}/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
    return session
