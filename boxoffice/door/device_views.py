"""The door phone's endpoints (venue mode, layer 2): its copy, its upload, its service worker.

All JSON (or JS), all read from or written to the dashboard's own database:
they answer while BrightStar does not.
"""

from __future__ import annotations

import json
import re
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from boxoffice.door import device
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import CHECK_IN
from boxoffice.venue.device import DeviceScan, device_scans_upload
from boxoffice.web.feedback import device_words
from boxoffice.web.http import HtmxHttpRequest

UPLOAD_MAX = 500  # scans per upload; the page sends its queue in chunks of this many
BODY_MAX = 256 * 1024
# A tap in the offline search list sends its row's hash: cyrb53's 53 bits in base36 (device.barcode_hash).
HASH = re.compile(r"[0-9a-z]{1,11}")
NAME_MAX = 200  # ReplicaTicket.name


def device_page_context(request: HtmxHttpRequest, event_id: str) -> dict:
    """What the door page hands its phone: whose copy it may keep, and the words it may say offline."""
    return {"device_key": device.device_key(request.user, event_id), "device_words": device_words()}


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # names: never in a shared cache, nor the browser's HTTP cache
    return response


@require_GET
@requires(CHECK_IN)
@gzip_page
def copy(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """?after=<id> pages through the whole copy; &since=<time> gives only what changed after it."""
    try:
        after = int(request.GET.get("after") or 0)
    except ValueError:
        after = 0
    since = parse_datetime(request.GET.get("since") or "")
    if device.check_in_closed(event_id=event_id):  # the page drops its copy of this event
        return _private(JsonResponse({"closed": True}))
    page = device.device_copy_page(event_id=event_id, after=after, since=since)
    if page is None:  # the replica has not synced once: nothing trustworthy yet (not an error: the page asks again)
        return _private(JsonResponse({"ready": False}))
    page["key"] = device.device_key(request.user, event_id)
    return _private(JsonResponse(page, json_dumps_params={"separators": (",", ":"), "ensure_ascii": False}))


def _scan(s: dict) -> DeviceScan | None:
    """One queued scan as sent, or None when it lacks what it needs: a key, a time with its zone, and a
    barcode, or (a tap in the offline search list) the row's hash and the name the phone showed."""
    key, at = str(s["key"])[:255], parse_datetime(s["scanned_at"])
    # The door's name is cut, not refused: a refused upload would hold the phone's whole queue.
    gate = str(s.get("gate") or "").strip()[:100]
    if not (key and at and at.tzinfo):
        return None
    if "barcode" in s:
        return DeviceScan(key, str(s["barcode"])[:64], at, gate)
    digest, name = s["hash"], s["name"]
    if not (isinstance(digest, str) and HASH.fullmatch(digest) and int(digest, 36) < 2**53):
        return None
    if not (isinstance(name, str) and 0 < len(name) <= NAME_MAX):
        return None
    return DeviceScan(key, "", at, gate, hash=digest, name=name)


@require_POST
@requires(CHECK_IN)
def upload(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """{"device": id, "scans": [{"key", "barcode" | "hash" and "name", "scanned_at", "gate"?}]} -> each one's fate."""
    if len(request.body) > BODY_MAX:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        body = json.loads(request.body)
        found = [_scan(s) for s in body["scans"][:UPLOAD_MAX]]
        phone = str(body.get("device", ""))[:36]
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "not a device upload"}, status=400)
    scans = [scan for scan in found if scan is not None]
    if len(scans) != len(found):
        return JsonResponse(
            {"error": "each scan needs a key, a time with its zone, and a barcode or a hash and a name"}, status=400
        )
    done = device_scans_upload(event_id=event_id, device=phone, scans=scans, staff=request.user)
    return _private(
        JsonResponse({"results": [{"key": r.idempotency_key, "result": r.result, "code": r.code} for r in done]})
    )


@cache
def _worker_source() -> bytes:
    path = finders.find("js/door-sw.js")
    assert isinstance(path, str), "static/js/door-sw.js is part of the project"
    with open(path, "rb") as f:
        return f.read()


@require_GET
@requires(CHECK_IN)
def service_worker(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """Served under the door's path, so its scope is this door and nothing else of the dashboard."""
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new version is picked up on the next load
    return response
