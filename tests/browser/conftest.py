"""Real headless Chromium (Debian's package) driving the live dashboard.

The live server serves the dashboard and the sandbox together; pages are
reached over HTTP exactly as a person would, with their JavaScript, CSS and
Content-Security-Policy in force. Every test fails on a console error or a
CSP violation, so an inline script that slips in is caught here.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.services import audit_record

# The door's night as tests/door builds it: its fixtures (night, event, general, tickets, refunded, queue).
from tests.door.conftest import (  # noqa: F401
    door_url,
    fixture_event,
    fixture_general,
    fixture_night,
    fixture_queue,
    fixture_refunded,
    fixture_tickets,
)
from tests.factories import event_make, order_make, ticket_type_make

LONG_TITLE = "The Midsummer Philharmonic Orchestra Gala — Evening Performance"
LONG_EMAIL = "alexandra.konstantinopoulou-papadimitriou@example-university.edu"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# What this closed network needs: no phoning home, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, and only for as long as the module runs.

    Playwright's sync API keeps an event loop running in this thread, which
    makes Django refuse ORM calls; the tests' own ORM calls (factories,
    assertions) are plain synchronous code, so that guard is lifted here —
    and put back when the module ends, so it never leaks into other tests
    or the subprocesses they start.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: apt-get install chromium (make test does it as root)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# Chromium logs every non-2xx fetch; 403 and 422 are the dashboard's in-place answers (app.js swaps them).
_EXPECTED_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of (403|422) ")


def _expected_answer(text: str) -> bool:
    return bool(_EXPECTED_STATUS.match(text))


@pytest.fixture
def browser_page_as(browser, live_server, dashboard, staff_users):
    """browser_page_as("organizer") -> a logged-in Playwright page on the dashboard's home."""
    contexts = []
    problems: list[str] = []

    def open_page(role: str, *, viewport: dict = DESKTOP, **context_options) -> Page:
        """context_options: any of Playwright's new_context options, e.g. color_scheme="dark"."""
        client = Client()
        client.force_login(staff_users[role])
        context = browser.new_context(viewport=viewport, base_url=live_server.url, **context_options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                msg.type == "error" and not _expected_answer(msg.text) and problems.append(f"console error: {msg.text}")
            ),
        )
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.goto("/")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def anonymous_page(browser, live_server, dashboard):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Phone and desktop shots into screenshots/ (ignored by git) for anyone to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    original = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        # caret="initial": hiding the caret injects an inline <style>, which the strict CSP reports as an error.
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True, caret="initial")
    if original:
        page.set_viewport_size(original)


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in bad)
    assert not bad, f"{page.url}\n{report}"


def open_door(browser_page_as, event, role="door", **kwargs) -> Page:
    """The door page of `event` for `role`, its scan field focused as a scanner needs it."""
    page = browser_page_as(role, **kwargs)
    page.goto(door_url(event))
    expect(page.locator("#scan-input")).to_be_focused()
    return page


@pytest.fixture
def venue(account, staff_users):
    """A published event with long words in it: the title, a tier, buyers with long emails, audit rows."""
    event = event_make(account, title=LONG_TITLE)
    general = ticket_type_make(event, name="General Admission (Standing)", price=2500, quantity=500)
    vip = ticket_type_make(event, name="VIP Balcony", price=9000, quantity=50)
    order_make(event, general, quantity=2, buyer_name="Alexandra Konstantinopoulou", buyer_email=LONG_EMAIL)
    order_make(event, vip, quantity=1, buyer_name="Grace Hopper", buyer_email="grace@example.com")
    event_make(account, title="Draft Party", status="draft", days_ahead=30)
    for n in range(3):
        audit_record(
            staff=staff_users["box_office"],
            action="order.refund",
            object_type="refund",
            object_id=f"ref_{n:016x}",
            outcome=AuditEntry.Outcome.REJECTED,
            error_code="REFUND_EXCEEDS_REMAINING",
            message="The amount is more than what is left.",
            idempotency_key="0b6f1c2e-9d7a-4f3e-8c55-1a2b3c4d5e6f",
        )
    return event
