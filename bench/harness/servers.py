"""gunicorn on loopback: start, wait until listening, stop; and a time limit that stops them.

Every server runs the project's gunicorn.conf.py in a session of its own, so
stopping one kills its master and workers and nothing else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def time_limit(seconds: int, name: str) -> None:
    """Bounded in time whatever happens: SystemExit unwinds through `finally`, so the servers die with us."""
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit(f"{name}: timed out")))
    signal.alarm(seconds)


class Servers:
    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(
        self,
        app: str,
        *,
        port: int,
        env: dict[str, str],
        args: list[str] | None = None,
        output=None,
        root: Path = ROOT,
    ) -> None:
        """Serve the WSGI `app` of the source tree `root` on `port`; `env` sets its settings, workers and threads."""
        # No control socket: nobody drives these with gunicornc, and one killed
        # with SIGKILL below would leave its socket file behind.
        cmd = [
            PY,
            "-m",
            "gunicorn",
            "-c",
            str(root / "gunicorn.conf.py"),
            "--chdir",
            str(root),
            "--no-control-socket",
            *(args or []),
            app,
        ]
        self.procs.append(
            subprocess.Popen(  # noqa: S603 - our own gunicorn and settings, no outside input
                cmd,
                cwd=root,
                env={**env, "BIND": f"{HOST}:{port}"},
                start_new_session=True,
                stdout=output,
                stderr=output,
            )
        )

    def wait(self, ports: dict[str, int], *, seconds: float = 30, hint: str = "") -> None:
        """Return once every named port accepts connections; exit saying which did not."""
        deadline = time.monotonic() + seconds
        for name, port in ports.items():
            while True:
                try:
                    socket.create_connection((HOST, port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{name} did not start on port {port}{hint}") from None
                    time.sleep(0.2)

    def stop(self, *, seconds: float = 15) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # our own gunicorn master and its workers
        for proc in self.procs:
            try:
                proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()
