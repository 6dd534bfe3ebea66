"""`make run` on ports of its own wires itself, in a fresh copy of the tree, as a newcomer would run it.

The real Makefile target, on two free ports: the dashboard must talk to the
sandbox that target started (not to whatever listens on 8001), say so, print
its own URL last, and serve the events list (a page that needs BrightStar) to
a demo user logging in with the password `make run` printed.
"""

import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.serving.launch import ROOT, clean_env, free_port, log_in, stop

pytestmark = pytest.mark.slow

START_SECONDS = 240  # migrate, collectstatic and the demo seed on a fresh copy, on a busy 2-core machine


def copy_of_the_tree(dest: Path) -> None:
    """The working tree's files as git sees them (tracked or new, none ignored: no var/, no .env), mtimes kept."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git checkout to know which files make up the tree")
    for name in filter(None, (os.fsdecode(n) for n in listed.split(b"\0"))):
        source = ROOT / name
        if name == ".venv" or not source.exists():  # our own venv link; a file deleted but not yet committed
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name, follow_symlinks=False)
    # This test's own interpreter's venv: `make -o .venv/.installed` then installs nothing.
    (dest / ".venv").symlink_to(Path(sys.prefix))


def wait_for_line(log: Path, process: subprocess.Popen, pattern: str) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if re.search(pattern, text, re.MULTILINE):
            return text
        if process.poll() is not None:
            raise AssertionError(f"make run exited ({process.returncode}):\n{text[-4000:]}")
        time.sleep(0.5)
    raise AssertionError(f"make run printed no {pattern!r} within {START_SECONDS} s:\n{log.read_text()[-4000:]}")


def test_make_run_on_other_ports_wires_the_dashboard_to_its_sandbox(tmp_path):
    tree = tmp_path / "tree"
    copy_of_the_tree(tree)
    sandbox_port, dashboard_port = free_port(), free_port()
    dashboard = f"http://127.0.0.1:{dashboard_port}"
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "-o",
                ".venv/.installed",
                "run",
                f"SANDBOX_ADDR=127.0.0.1:{sandbox_port}",
                f"DASHBOARD_ADDR=127.0.0.1:{dashboard_port}",
            ],
            cwd=tree,
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url_line = rf"^\s*Open the dashboard:\s+{re.escape(dashboard)}/$"
        wait_for_line(log, process, url_line)
        time.sleep(1)  # anything printed after it would come now
        text = log.read_text()
        lines = [line for line in text.splitlines() if line.strip()]
        assert re.match(url_line, lines[-1]), f"the last line is not the dashboard's URL:\n{text[-2000:]}"
        assert f"BrightStar API: http://127.0.0.1:{sandbox_port}/v1/test answers" in text, text[-3000:]

        password = re.search(r"user door\s+password (\S+)", text)
        assert password, text[-3000:]
        staff = log_in(dashboard, "door", password[1])
        page = staff.get(f"{dashboard}/events/", timeout=30)
        assert page.status_code == 200, page.text[:1000]

        # The events it lists are the ones the sandbox make run started holds, read with the key it wrote.
        key = re.search(r"^BRIGHTSTAR_API_KEY=(\S+)$", (tree / ".env").read_text(), re.MULTILINE)[1]
        events = requests.get(
            f"http://127.0.0.1:{sandbox_port}/v1/test/events",
            params={"limit": 5},
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        ).json()
        assert events
        assert any(html.escape(event["title"]) in page.text for event in events), page.text[:2000]
    finally:
        stop(process)
        print(log.read_text()[-6000:])  # shown by pytest only when the test failed
