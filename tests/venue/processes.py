"""The sandbox and the dashboard as real processes that a test can kill (SIGKILL) and start again.

Venue mode is about BrightStar, or the dashboard, dying mid-shift: pytest's
live server cannot be killed, so these run gunicorn in a session of their
own, on the test run's databases, and stop only what they started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.serving.launch import HOST, ROOT, clean_env, database_url, free_port, stop, wait_until_answers


class Server:
    """One gunicorn (master and workers) on a fixed port, so a restart answers at the same URL."""

    def __init__(self, app: str, *, log: Path, env: dict[str, str] | None = None, workers: int = 1):
        self.app, self.log, self.workers = app, log, workers
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = clean_env(
            DATABASE_URL=database_url("default"),
            SANDBOX_DATABASE_URL=database_url("sandbox"),
            SANDBOX_RATE_LIMIT="100000/minute",
            DEBUG="false",
            **(env or {}),
        )
        self.process: subprocess.Popen | None = None

    def start(self, *, ready_path: str) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with self.log.open("ab") as out:
            # No control socket: a SIGKILLed master would leave its socket file behind.
            self.process = subprocess.Popen(
                [str(gunicorn), "-c", "gunicorn.conf.py", "--no-control-socket", self.app],
                cwd=ROOT,
                env={
                    **self.env,
                    "BIND": f"{HOST}:{self.port}",
                    "WEB_CONCURRENCY": str(self.workers),
                    "GUNICORN_THREADS": "4",
                },
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_answers(self.url + ready_path, self.process, seconds=60, log=self.log)

    def kill(self) -> None:
        """SIGKILL to the master and its workers: no goodbye, no cleanup, as a crash or a pulled plug."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


def sandbox_server(log: Path) -> Server:
    return Server("sandbox.wsgi", log=log, env={"DJANGO_SETTINGS_MODULE": "sandbox.settings"})


def start_sandbox(server: Server) -> str:
    """Start (or start again) the sandbox; returns the dashboard's BRIGHTSTAR_API_URL for it."""
    server.start(ready_path="/v1/test/openapi.json")
    return server.url + "/v1/test"
