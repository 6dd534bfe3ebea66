"""What `make run` / `make serve` print at start-up, and where the dashboard looks for BrightStar."""

import os
import socket
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tests.serving.launch import ROOT, clean_env, free_port

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def startup_check(**options) -> list[str]:
    out = StringIO()
    call_command("startup_check", stdout=out, stderr=out, **options)
    return [line for line in out.getvalue().splitlines() if line.strip()]


def test_it_says_which_brightstar_answers_and_ends_with_the_dashboards_url(dashboard, live_server):
    addr = live_server.url.removeprefix("http://")
    lines = startup_check(dashboard=addr, wait=5)
    assert lines[0] == f"BrightStar API: {dashboard} answers (a test key)."
    assert lines[-1] == f"  Open the dashboard:  {live_server.url}/"


def test_it_says_so_when_nothing_answers(settings):
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        settings.BRIGHTSTAR_API_URL = f"http://127.0.0.1:{closed.getsockname()[1]}/v1/test"
        lines = startup_check(wait=0)
    assert lines[0].startswith(f"BrightStar API: {settings.BRIGHTSTAR_API_URL} does NOT answer")


def test_it_says_so_when_the_key_is_refused(dashboard, settings):
    settings.BRIGHTSTAR_API_KEY = "bs_test_not-a-key"
    assert startup_check(wait=0)[0].startswith(f"BrightStar API: {dashboard} answers, but refused the request: 401 ")


def configured_url(**env: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", "from boxoffice import settings; print(settings.BRIGHTSTAR_API_URL)"],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.skipif(
    os.path.exists(ROOT / ".env") and "BRIGHTSTAR_API_URL" in (ROOT / ".env").read_text(),
    reason="this checkout's .env sets BRIGHTSTAR_API_URL",
)
def test_the_api_url_follows_sandbox_addr_unless_set():
    port = free_port()
    assert configured_url() == "http://127.0.0.1:8001/v1/test"
    assert configured_url(SANDBOX_ADDR=f"127.0.0.1:{port}") == f"http://127.0.0.1:{port}/v1/test"
    assert configured_url(SANDBOX_ADDR=f"0.0.0.0:{port}") == f"http://127.0.0.1:{port}/v1/test"
    assert configured_url(SANDBOX_ADDR=str(port)) == f"http://127.0.0.1:{port}/v1/test"
    explicit = "https://api.brightstarevents.invalid/v1"
    assert configured_url(SANDBOX_ADDR=f"127.0.0.1:{port}", BRIGHTSTAR_API_URL=explicit) == explicit
