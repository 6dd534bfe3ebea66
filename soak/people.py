"""The simulated people: doors scanning tickets, box office and organizers browsing and refunding."""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from decimal import Decimal
from urllib.parse import urlencode

from babel.numbers import get_currency_precision

from bench.harness.browser import Browser
from soak.floor import Floor
from soak.told import PASSWORD, RefundTry, Scan, Tally, door_outcome, refund_form, refund_verdict

# How often a person sends the same thing again before giving up on it.
RESCANS = 6
RESENDS = 6
# What the dashboard says when it is sure a write never reached BrightStar.
NOTHING_RECORDED = re.compile(r"nothing was (recorded|changed)", re.I)
REASONS = ("Customer request", "Event change", "Duplicate order")


def cents(text: str, places: int = 2) -> int:
    """An amount as the English form shows it ("1,234.56"; "1,234" for yen) -> minor units."""
    return int(Decimal(text.replace(",", "")) * 10**places)


def told_amount(message: str, places: int = 2) -> int | None:
    """The cents a refund's notice said were refunded, or None if it named no amount.

    "Refunded $12.50.", "Refunded €12.50.", "Refunded ¥1,250.", or a lost answer's resend replayed:
    "That refund of €12.50 was already made": the first amount after the words.
    """
    told = re.search(r"(?:Refunded|refund of)\s+\D*?(\d[\d,]*(?:\.\d+)?)", message)
    return cents(told[1], places) if told else None


def typed(amount: int, places: int = 2) -> str:
    """Minor units -> what staff type in English: "12.50", or "1250" for yen."""
    return f"{Decimal(amount) / 10**places:.{places}f}"


def scan(floor: Floor, browser: Browser, door: str, event_id: str, kind: str, barcode: str) -> None:
    record = Scan(door, event_id, barcode, kind, str(uuid.uuid4()))
    for attempt in range(1, RESCANS + 1):
        sent = time.time()
        page = browser.post(f"/events/{event_id}/door/", {"barcode": barcode, "idempotency_key": record.key})
        record.sends, record.told = attempt, door_outcome(page)
        if NOTHING_RECORDED.search(page.text):
            record.said_nothing.append((sent, time.time()))
        # Grey "No answer" (or no page at all): scan the same ticket again, same key.
        if record.told not in ("unanswered", "http-0") and not record.told.startswith("http-5"):
            break
        time.sleep(0.2 * attempt)
    if record.told == "admitted":
        floor.told_admitted(event_id, barcode)
    with floor.tally.lock:
        floor.tally.scans.append(record)


def door_person(floor: Floor, browser: Browser, username: str, event_id: str, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    browser.login(username, PASSWORD)
    browser.get(f"/events/{event_id}/door/")
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.05:
            browser.get(f"/events/{event_id}/door/counters/", htmx=True)
        elif roll < 0.10:
            browser.get(
                f"/events/{event_id}/door/search/?{urlencode({'q': rng.choice('aeiou') + rng.choice('nrst')})}",
                htmx=True,
            )
        elif roll < 0.12:
            browser.get(f"/events/{event_id}/attendees/?{urlencode({'checked_in': rng.choice(['', 'yes', 'no'])})}")
        else:
            kind, barcode = floor.barcode(event_id, rng)
            if kind == "fresh" and rng.random() < 0.08:
                # Two scanners read the same ticket at the same instant.
                twin = threading.Thread(target=scan, args=(floor, browser.twin(), username, event_id, "twin", barcode))
                twin.start()
                scan(floor, browser, username, event_id, "twin", barcode)
                twin.join()
            else:
                scan(floor, browser, username, event_id, kind, barcode)
        time.sleep(rng.uniform(0.05, 0.3))


def refund(floor: Floor, browser: Browser, staff: str, rng: random.Random) -> None:
    order_id = floor.order(rng)
    page = browser.get(f"/orders/{order_id}/")
    if page.status != 200:
        return
    form = refund_form(page.text)
    if not form:
        return  # nothing left to refund: nothing to try
    places = get_currency_precision(floor.currency[order_id])
    left = cents(form["amount"], places)
    roll = rng.random()
    amount = left + 1 if roll < 0.05 else left if roll < 0.15 else rng.randint(1, max(1, left // 3))
    fields = {
        "amount": typed(amount, places),
        "reason": rng.choice(REASONS),
        "note": "",
        "idempotency_key": form["idempotency_key"],
        "expected_amount_refunded": form["expected_amount_refunded"],
        # What the confirmation sends, once staff have read it (its first step calls no API).
        "confirmed": "true",
    }
    record = RefundTry(staff, order_id, amount, form["idempotency_key"])
    for attempt in range(1, RESENDS + 1):
        sent = time.time()
        page = browser.post(f"/orders/{order_id}/refund/", fields)
        verdict, record.message = refund_verdict(page, record.key)
        if NOTHING_RECORDED.search(record.message):
            record.said_nothing.append((sent, time.time()))
        record.sends = attempt
        if verdict != "again":
            record.told = verdict
            break
        with floor.tally.lock:
            floor.tally.resent_after[record.message] += 1
        time.sleep(0.3 * attempt)  # "Not confirmed": wait a moment, send the same form again
    else:
        record.told = "unresolved"
    if record.told == "done":
        record.told_amount = told_amount(record.message, places)
    with floor.tally.lock:
        floor.tally.refunds.append(record)


def staff_person(floor: Floor, browser: Browser, username: str, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    browser.login(username, PASSWORD)
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.10:
            query = {"status": rng.choice(["", "published", "draft"]), "sort": rng.choice(["", "title", "-start_date"])}
            browser.get(f"/events/?{urlencode(query)}", htmx=rng.random() < 0.5)
        elif roll < 0.18:
            browser.get(f"/events/{rng.choice(floor.events)}/")
        elif roll < 0.30:
            q = urlencode({"q": rng.choice(floor.emails)})
            browser.get(f"/orders/lookup/?{q}", htmx=rng.random() < 0.5)
        elif roll < 0.36:
            page = browser.get(f"/orders/lookup/?{urlencode({'q': rng.choice(floor.orders)})}")
            if page.status == 302:
                browser.get(page.headers["location"])
        elif roll < 0.42:
            query = {"q": rng.choice(floor.emails).split("@")[0][:4], "status": rng.choice(["", "partially_refunded"])}
            browser.get(f"/orders/event/{rng.choice(floor.published)}/?{urlencode(query)}")
        elif roll < 0.58:
            browser.get(f"/orders/{floor.order(rng)}/")
        elif roll < 0.62 and username.startswith("organizer"):
            browser.get("/audit/")
        else:
            refund(floor, browser, username, rng)
        time.sleep(rng.uniform(0.05, 0.4))


def person(target, tally: Tally, *args) -> None:
    """Run one simulated person; a crash of the soak itself is a failure, never a thinner soak."""
    try:
        target(*args)
    except BaseException as exc:
        with tally.lock:
            tally.crashes.append(f"{threading.current_thread().name}: {type(exc).__name__}: {exc}")
        raise
