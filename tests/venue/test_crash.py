"""The dashboard killed (SIGKILL) with scans in its outbox, and again mid-drain: every entry reaches BrightStar once.

Both servers are real gunicorn processes on the test run's databases. The
outbox is filled through the dashboard while the sandbox is down, the
dashboard is killed with scans still in flight, started again, and the
drain itself is killed partway (BrightStar slowed down so it is caught
mid-way, and one answer lost so a resend has to be recognised as a replay).
"""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, User

from boxoffice.brightstar import client as bs_client
from boxoffice.venue import sync, tasks
from boxoffice.venue.models import OutboxEntry
from sandbox.models import Attendee, IdempotencyRecord, TicketType
from tests.door.conftest import door_event
from tests.factories import order_make
from tests.serving.launch import ROOT, log_in
from tests.venue.processes import Server, sandbox_server, start_sandbox

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]

PASSWORD = "a-long-enough-test-password-7"
DOORS = 6
FILLED = 12  # entries in the outbox before the dashboard is killed
DEADLINE = 60  # seconds any wait in this test may last


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def door_user(transactional_db):
    # The served dashboard checks passwords with the production hashers, not the tests' fast MD5.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user = User.objects.create(username="door", password=hashed)
    user.groups.add(Group.objects.get_or_create(name="Door")[0])
    return user


def admissions(event):
    return OutboxEntry.objects.filter(event_id=event.id, kind="check_in").order_by("id")


def scan(session: requests.Session, base: str, event_id: str, barcode: str) -> str:
    """One scan as htmx sends it; its outcome, or "no answer"."""
    try:
        response = session.post(
            f"{base}/events/{event_id}/door/",
            data={"barcode": barcode},
            headers={"HX-Request": "true", "X-CSRFToken": session.cookies["csrftoken"]},
            timeout=10,
        )
    except requests.RequestException:
        return "no answer"
    marker = 'data-outcome="'
    start = response.text.find(marker)
    return (
        response.text[start + len(marker) : response.text.index('"', start + len(marker))]
        if start >= 0
        else (f"status {response.status_code}")
    )


def test_a_dashboard_killed_with_a_full_outbox_replays_each_entry_once(
    settings, account_and_key, door_user, tmp_path, monkeypatch
):
    account, key = account_and_key
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    event, general, _, _ = door_event(account)
    order_make(event, general, quantity=40, buyer_name="Queue Person", buyer_email="queue@example.com")
    crowd = [a.barcode for a in Attendee.objects.filter(event=event, order__buyer_name="Queue Person").order_by("id")]

    sandbox = sandbox_server(tmp_path / "sandbox.log")
    settings.BRIGHTSTAR_API_URL, settings.BRIGHTSTAR_API_KEY = start_sandbox(sandbox), key
    # One attempt per call: the served dashboard's retries would sleep for real.
    dashboard = Server(
        "boxoffice.wsgi",
        log=tmp_path / "dashboard.log",
        workers=2,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.serving.serve_settings",
            "LOG_LEVEL": "ERROR",
            "BRIGHTSTAR_API_URL": settings.BRIGHTSTAR_API_URL,
            "BRIGHTSTAR_API_KEY": key,
            "BRIGHTSTAR_MAX_ATTEMPTS": "1",
        },
    )
    try:
        dashboard.start(ready_path="/login/")
        door = log_in(dashboard.url, "door", PASSWORD)
        assert door.get(f"{dashboard.url}/events/{event.id}/door/", timeout=10).status_code == 200
        sync.replica_sync(event_id=event.id)  # what the worker does once the door opens

        sandbox.kill()
        answers: list[tuple[str, str]] = []

        def door_scans(n: int) -> None:
            session = requests.Session()
            session.cookies.update(door.cookies)
            for barcode in [crowd[0], *crowd[1 + n :: DOORS]]:  # every door also tries the same first ticket
                answer = scan(session, dashboard.url, event.id, barcode)
                answers.append((barcode, answer))
                if answer == "no answer":  # the dashboard is gone
                    return

        with ThreadPoolExecutor(DOORS) as pool:
            running = [pool.submit(door_scans, n) for n in range(DOORS)]
            wait_for(lambda: admissions(event).count() >= FILLED, "the outbox to fill")
            dashboard.kill()  # mid-shift, scans in flight
            for future in running:
                future.result(timeout=DEADLINE)

        entries = list(admissions(event))
        queued = [e.barcode for e in entries]
        assert len(queued) == len(set(queued)) >= FILLED  # no ticket queued twice, the first one included
        admitted = [barcode for barcode, answer in answers if answer == "admitted_offline"]
        assert set(admitted) <= set(queued)  # nothing shown as admitted was lost with the process
        assert [a for b, a in answers if b == crowd[0]].count("admitted_offline") <= 1
        assert {a for _, a in answers} <= {"admitted_offline", "duplicate", "no answer"}

        # BrightStar back, slow (the drain is caught mid-way) and losing one answer (a resend must replay it).
        sandbox.env["SANDBOX_FAULTS"] = "latency:1:150ms,lost:1:max=1"
        start_sandbox(sandbox)
        dashboard.start(ready_path="/login/")
        strip = door.get(f"{dashboard.url}/events/{event.id}/door/mode/", headers={"HX-Request": "true"}, timeout=10)
        assert f'data-waiting="{len(entries)}"' in strip.text  # the restarted dashboard still has them all

        # A drain in a process of its own, killed partway through.
        # It retries as a worker does (a resend with the same key is what makes the lost answer a replay).
        with (tmp_path / "drain.log").open("wb") as log:
            drain = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    f"from boxoffice.venue.outbox import outbox_drain; outbox_drain(event_id={event.id!r})",
                ],
                cwd=ROOT,
                env={**dashboard.env, "BRIGHTSTAR_MAX_ATTEMPTS": "3"},
                stdout=log,
                stderr=log,
            )
        try:
            wait_for(
                lambda: (
                    OutboxEntry.objects.filter(event_id=event.id, state="synced").count() >= 3
                    or drain.poll() is not None
                ),
                "the drain to start",
            )
            assert drain.poll() is None, (tmp_path / "drain.log").read_text()[-3000:]
        finally:
            drain.kill()
            drain.wait(timeout=DEADLINE)
        assert OutboxEntry.objects.filter(event_id=event.id).exclude(state="synced").exists()  # caught mid-way
        assert tasks.outbox_drain_task.call(event.id) == 0
    finally:
        dashboard.stop()
        sandbox.stop()

    # The refusals (each door's try of the first ticket) are logged too; only admissions let anyone in.
    everything = list(OutboxEntry.objects.filter(event_id=event.id).order_by("id"))
    assert {e.state for e in everything} == {"synced"}, [
        (e.barcode, e.state, e.result_code, e.result_message) for e in everything if e.state != "synced"
    ]
    assert {IdempotencyRecord.objects.filter(key=e.idempotency_key).count() for e in everything} == {1}
    entries = list(admissions(event))
    assert {e.state for e in entries} == {"synced"}, [
        (e.barcode, e.state, e.result_code, e.result_message) for e in entries if e.state != "synced"
    ]
    checked_in = {a.barcode: a for a in Attendee.objects.filter(event=event, checked_in=True)}
    assert set(checked_in) == {e.barcode for e in entries}  # exactly the queued tickets, each once
    assert TicketType.objects.get(pk=general.pk).checked_in_count == len(entries)
    for entry in entries:
        assert checked_in[entry.barcode].checked_in_at == entry.scanned_at
        assert IdempotencyRecord.objects.filter(key=entry.idempotency_key).count() == 1
