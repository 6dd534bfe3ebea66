"""The dashboard's SDK and the API agree on names: fields, paths and error codes.

Read from the OpenAPI document the sandbox serves (GET /v1/test/openapi.json,
no key), so a rename on either side fails here, by name, instead of as an
empty column or a "BrightStar sent something unexpected" on the night.

Error codes are not in that document: it types `error.code` as any string
(see ErrorDetail). So the codes the dashboard handles are checked against the
constants in sandbox/errors.py, which every `ApiError` the sandbox raises
takes its code from; should the document ever list them (an enum), they are
checked against that too.

What is not checked here: the extra members of an error envelope (e.g. the
`attendee` of ALREADY_CHECKED_IN), which the document leaves open; they have
their own tests against the live sandbox in test_services.py.
"""

import contextlib
import inspect
import re
from dataclasses import is_dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from boxoffice.brightstar import attendees, client, errors, events, orders, resources, scans
from boxoffice.brightstar.client import ApiResponse
from sandbox import errors as sandbox_errors

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# Ours, for failures that never produced an API answer.
CLIENT_SIDE_CODES = {errors.CONNECTION_FAILED, errors.TIMEOUT, errors.BAD_RESPONSE}

# The fullest schema each resource is built from: a list row (OrderOut) is
# the detail (OrderDetailOut) less what the resource reads only when present.
SCHEMA_OF = {
    resources.Event: "EventOut",
    resources.TicketType: "TicketTypeOut",
    resources.Attendee: "AttendeeOut",
    resources.OrderItem: "OrderItemOut",
    resources.Order: "OrderDetailOut",
    resources.EventRef: "OrderEventOut",
    resources.Refund: "RefundOut",
    resources.Resend: "ResendOut",
    resources.Scan: "ScanOut",
    resources.EventStats: "EventStatsOut",
}

# Every SDK call, with every optional field it can send given, so each name it
# can put in a body or a query string is seen on the wire.
WHEN = datetime(2031, 5, 1, 19, 30, tzinfo=UTC)
SDK_CALLS = {
    events.event_list: {
        "status": "published",
        "sort": "title",
        "ends_after": WHEN,
        "ends_before": WHEN,
        "limit": 5,
        "offset": 5,
    },
    events.event_get: {"event_id": "evt_1"},
    events.event_create: {
        "title": "T",
        "start_date": WHEN,
        "end_date": WHEN,
        "description": "D",
        "venue": "V",
        "currency": "EUR",
        "status": "draft",
        "idempotency_key": "k1",
    },
    events.event_update: {
        "event_id": "evt_1",
        "title": "T",
        "start_date": WHEN,
        "end_date": WHEN,
        "description": "D",
        "venue": "V",
        "currency": "EUR",
        "status": "published",
        "idempotency_key": "k1",
    },
    events.event_delete: {"event_id": "evt_1", "idempotency_key": "k1"},
    events.ticket_type_list: {"event_id": "evt_1"},
    events.ticket_type_create: {"event_id": "evt_1", "name": "N", "price": 100, "quantity": 2, "idempotency_key": "k1"},
    events.ticket_type_update: {
        "ticket_type_id": "tt_1",
        "name": "N",
        "price": 100,
        "quantity": 2,
        "idempotency_key": "k1",
    },
    orders.order_list: {
        "event_id": "evt_1",
        "status": "completed",
        "date_from": date(2031, 1, 1),
        "date_to": date(2031, 2, 1),
        "q": "bob",
        "limit": 5,
        "offset": 5,
    },
    orders.order_iter: {
        "event_id": "evt_1",
        "status": "refunded",
        "date_from": date(2031, 1, 1),
        "date_to": date(2031, 2, 1),
        "q": "bob",
    },
    orders.order_get: {"order_id": "ord_1", "expand": orders.EXPANDABLE},
    orders.order_refund: {
        "order_id": "ord_1",
        "amount": 100,
        "reason": "R",
        "idempotency_key": "k1",
        "expected_amount_refunded": 0,
        "attendee_ids": ["att_1"],
    },
    orders.order_resend: {"order_id": "ord_1", "idempotency_key": "k1"},
    attendees.attendee_list: {
        "event_id": "evt_1",
        "ticket_type": "tt_1",
        "checked_in": True,
        "q": "bob",
        "limit": 5,
        "offset": 5,
    },
    attendees.attendee_iter: {"event_id": "evt_1", "ticket_type": "tt_1", "checked_in": False, "q": "bob"},
    attendees.attendee_check_in: {
        "event_id": "evt_1",
        "barcode": "B",
        "idempotency_key": "k1",
        "scanned_at": WHEN,
        "gate": "North",
        "device": "scanner-7",
        "staff": "dora",
    },
    attendees.attendee_changes: {"event_id": "evt_1", "cursor": "", "limit": 100},
    attendees.attendee_check_in_undo: {"event_id": "evt_1", "attendee_id": "att_1", "idempotency_key": "k1"},
    scans.scan_list: {
        "event_id": "evt_1",
        "result": "refused",
        "reason": "TICKET_VOID",
        "gate": "North",
        "since": WHEN,
        "limit": 5,
        "offset": 5,
    },
    scans.scan_iter: {
        "event_id": "evt_1",
        "result": "refused",
        "reason": "TICKET_VOID",
        "gate": "North",
        "since": WHEN,
    },
    scans.event_stats: {"event_id": "evt_1", "hours": 12},
    scans.scan_refusal_record: {
        "event_id": "evt_1",
        "barcode": "QR-1",
        "reason": "TICKET_VOID",
        "scanned_at": WHEN,
        "idempotency_key": "k1",
        "gate": "North",
        "device": "scanner-7",
        "staff": "dora",
    },
}
# The calls above whose other spelling sends other names.
MORE_SDK_CALLS = [
    (orders.order_list, {"q": "bob", "expand_event": True}),  # the account's orders: another path
    (attendees.attendee_check_in, {"event_id": "evt_1", "attendee_id": "att_1", "idempotency_key": "k1"}),
    (
        scans.scan_refusal_record,
        {
            "event_id": "evt_1",
            "attendee_id": "att_1",
            "reason": "NOT_FOUND",
            "scanned_at": WHEN,
            "idempotency_key": "k",
        },
    ),
]


@pytest.fixture
def openapi(anon_api) -> dict[str, Any]:
    response = anon_api.get("/openapi.json")
    assert response.status_code == 200, response.text
    return response.json()


# --- error codes ---------------------------------------------------------------


def _codes(module) -> set[str]:
    return {value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}


def test_every_error_code_the_dashboard_handles_is_one_the_api_sends(openapi):
    handled = _codes(errors) - CLIENT_SIDE_CODES
    assert handled, "no codes found in boxoffice/brightstar/errors.py"
    assert handled - _codes(sandbox_errors) == set(), "the dashboard handles codes the API never sends"
    listed = openapi["components"]["schemas"]["ErrorDetail"]["properties"]["code"].get("enum")
    if listed is not None:
        assert handled - set(listed) == set(), "the dashboard handles codes the API's document does not list"


def test_the_dashboards_own_codes_are_never_the_apis(openapi):
    # Staff are told "not confirmed" for these: an API answer must never be read as one.
    assert CLIENT_SIDE_CODES & _codes(sandbox_errors) == set()


# --- what the dashboard reads ------------------------------------------------------


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _example(schema: dict[str, Any] | None, document: dict[str, Any]) -> Any:
    """A value the schema allows, with every property present: what the API could send."""
    if schema is None:
        return None
    schema = _resolve(schema, document)
    if "anyOf" in schema:
        return _example(next(s for s in schema["anyOf"] if s.get("type") != "null"), document)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _example(sub, document) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema["items"], document)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return "2031-05-01T19:30:00Z"
    if schema.get("format") == "date":
        return "2031-05-01"
    return "x"


class ReadRecorder(dict):
    """A JSON object that remembers every name it was asked for, present or not."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)


def test_every_resource_is_checked():
    built_from_json = {
        cls
        for _, cls in inspect.getmembers(resources, inspect.isclass)
        if cls.__module__ == resources.__name__ and is_dataclass(cls) and hasattr(cls, "from_json")
    }
    assert built_from_json == set(SCHEMA_OF)


@pytest.mark.parametrize("resource", list(SCHEMA_OF), ids=lambda cls: cls.__name__)
def test_every_field_a_resource_reads_is_in_the_apis_schema(openapi, resource):
    schema = SCHEMA_OF[resource]
    properties = _resolve({"$ref": f"#/components/schemas/{schema}"}, openapi)["properties"]
    data = ReadRecorder(_example({"$ref": f"#/components/schemas/{schema}"}, openapi))
    with contextlib.suppress(errors.ConnectionFailed):  # a required name it lacks: reported by name below
        resource.from_json(data)
    assert data.read, f"{resource.__name__}.from_json read nothing"
    assert data.read - set(properties) == set(), f"{resource.__name__} reads fields {schema} does not have"
    # And what the schema promises, the resource can read.
    resource.from_json(_example({"$ref": f"#/components/schemas/{schema}"}, openapi))


# --- what the dashboard sends ------------------------------------------------------


def _operation(openapi: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The documented operation a concrete `events/evt_1/checkins` call lands on."""
    for template, item in openapi["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template.removeprefix("/v1/test")))
        if re.fullmatch(pattern, "/" + path.lstrip("/")) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"the API documents no {method} {path}")


@pytest.fixture
def calls(monkeypatch, openapi) -> list[tuple[str, str, dict[str, Any], dict[str, Any] | None]]:
    """Each request the SDK would make, answered with what the API documents for it."""
    made: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]] = []

    def request(method, path, *, params=None, json=None, **_):
        operation = _operation(openapi, method, path)
        made.append((method, path, dict(params or {}), json))
        success = next(v for k, v in operation["responses"].items() if str(k).startswith("2"))
        schema = success.get("content", {}).get("application/json", {}).get("schema")
        return ApiResponse(status=200, data=_example(schema, openapi), headers={})

    monkeypatch.setattr(client, "request", request)
    return made


def test_every_sdk_call_is_checked():
    public = {
        function
        for module in (events, orders, attendees, scans)
        for _, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not function.__name__.startswith("_")
    }
    assert public == set(SDK_CALLS)


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [*SDK_CALLS.items(), *MORE_SDK_CALLS],
    ids=[
        *(f.__name__ for f in SDK_CALLS),
        "order_list_account",
        "attendee_check_in_by_id",
        "scan_refusal_record_by_id",
    ],
)
def test_every_field_the_sdk_sends_is_one_the_api_takes(openapi, calls, function, kwargs):
    result = function(**kwargs)
    if inspect.isgenerator(result):
        list(result)
    assert calls, f"{function.__name__} made no request"
    for method, path, params, body in calls:
        operation = _operation(openapi, method, path)
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        sent = {name for name, value in params.items() if value is not None}
        assert sent - query == set(), f"{method} {path} sends query parameters the API does not take"
        if body is not None:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            properties = _resolve(schema, openapi)["properties"]
            assert set(body) - set(properties) == set(), f"{method} {path} sends fields the API does not take"
