"""POST /orders/{id}/refund with `attendee_ids`: void exactly those tickets, refund what they cost."""

import uuid

import pytest

from sandbox import errors
from sandbox.models import Attendee, Refund, TicketType
from sandbox.services.orders_create import order_create
from tests.factories import assert_api_error, event_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def sale(account):
    """Two Stalls at 3000 and two Circle at 2000: total 10000. Returns (order, stalls, circle)."""
    event = event_make(account)
    stalls = ticket_type_make(event, name="Stalls", price=3000)
    circle = ticket_type_make(event, name="Circle", price=2000)
    order = order_create(event=event, buyer_name="Ada", buyer_email="ada@example.com", items=[(stalls, 2), (circle, 2)])
    return order, stalls, circle


def tickets_of(ticket_type) -> list[Attendee]:
    return list(Attendee.objects.filter(ticket_type=ticket_type).order_by("id"))


def refund(api, order, **body):
    return api.post(f"/orders/{order.pk}/refund", json={"reason": "Could not come", **body})


def test_refunding_two_tickets_voids_those_two_and_refunds_their_price(api, sale):
    order, stalls, circle = sale
    gone_in, gone = tickets_of(stalls)[0], tickets_of(circle)[0]
    assert api.post(f"/events/{order.event_id}/checkins", json={"barcode": gone_in.barcode}).status_code == 201

    response = refund(api, order, attendee_ids=[gone.pk, gone_in.pk])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["amount"] == 5000 and body["attendee_ids"] == sorted([gone.pk, gone_in.pk])
    assert body["order"]["status"] == "partially_refunded" and body["order"]["amount_refunded"] == 5000
    status = {a["id"]: a["status"] for a in body["order"]["attendees"]}
    assert {pk for pk, s in status.items() if s == "void"} == {gone.pk, gone_in.pk}
    assert body["order"]["refunds"][0]["attendee_ids"] == body["attendee_ids"]

    stalls.refresh_from_db()
    circle.refresh_from_db()
    assert (stalls.quantity_sold, stalls.checked_in_count, circle.quantity_sold) == (1, 0, 1)
    event = api.get(f"/events/{order.event_id}").json()
    assert (event["tickets_sold"], event["tickets_checked_in"], event["amount_refunded"]) == (2, 0, 5000)
    assert api.get(f"/orders/{order.pk}").json()["refunds"][0]["attendee_ids"] == body["attendee_ids"]


def test_the_door_refuses_a_ticket_refunded_by_itself_and_admits_its_siblings(api, sale):
    order, stalls, _ = sale
    voided, sibling = tickets_of(stalls)
    refund(api, order, attendee_ids=[voided.pk])
    scan = api.post(f"/events/{order.event_id}/checkins", json={"barcode": voided.barcode})
    assert assert_api_error(scan, 409, errors.TICKET_VOID)["attendee"]["id"] == voided.pk
    assert api.post(f"/events/{order.event_id}/checkins", json={"barcode": sibling.barcode}).status_code == 201


def test_a_smaller_amount_is_refunded_and_a_larger_one_refused(api, sale):
    order, stalls, _ = sale
    first, _ = tickets_of(stalls)
    error = assert_api_error(
        refund(api, order, attendee_ids=[first.pk], amount=3001), 400, errors.VALIDATION_ERROR, "amount"
    )
    assert (error["maximum"], error["remaining"]) == (3000, 10000)
    assert not Refund.objects.exists() and not Attendee.objects.filter(status="void").exists()

    body = refund(api, order, attendee_ids=[first.pk], amount=1000).json()
    assert body["amount"] == 1000 and body["attendee_ids"] == [first.pk]
    assert body["order"]["amount_refunded"] == 1000


def test_a_ticket_worth_more_than_the_balance_refunds_the_balance_and_closes_the_order(api, sale):
    order, stalls, _ = sale
    refund(api, order, amount=8000)  # 2000 left
    body = refund(api, order, attendee_ids=[tickets_of(stalls)[0].pk]).json()
    assert body["amount"] == 2000 and body["order"]["status"] == "refunded"
    # A refunded order admits nobody: every ticket still valid went with it.
    assert {a["status"] for a in body["order"]["attendees"]} == {"void"}
    assert len(body["attendee_ids"]) == 4
    assert sum(TicketType.objects.values_list("quantity_sold", flat=True)) == 0


def test_every_ticket_void_but_money_left_stays_partially_refunded(api, sale):
    order, stalls, circle = sale
    every = [t.pk for t in tickets_of(stalls) + tickets_of(circle)]
    body = refund(api, order, attendee_ids=every, amount=9000).json()
    assert body["order"]["status"] == "partially_refunded" and body["order"]["amount_refunded"] == 9000
    rest = refund(api, order).json()
    assert rest["amount"] == 1000 and rest["attendee_ids"] == [] and rest["order"]["status"] == "refunded"


def test_full_and_partial_refunds_list_what_they_voided(api, sale):
    order, _, _ = sale
    assert refund(api, order, amount=100).json()["attendee_ids"] == []
    full = refund(api, order).json()
    assert full["attendee_ids"] == sorted(Attendee.objects.values_list("pk", flat=True))


def test_a_ticket_of_another_order_or_none_is_400_naming_it(api, sale, account):
    order, stalls, _ = sale
    mine = tickets_of(stalls)[0].pk
    other = order_create(event=order.event, buyer_name="Bo", buyer_email="bo@example.com", items=[(stalls, 1)])
    theirs = other.attendees.get().pk
    error = assert_api_error(
        refund(api, order, attendee_ids=[mine, theirs, "att_nope"]), 400, errors.VALIDATION_ERROR, "attendee_ids"
    )
    assert error["unknown_attendee_ids"] == [theirs, "att_nope"]
    assert not Refund.objects.exists()


def test_a_duplicate_is_400_naming_it(api, sale):
    order, stalls, _ = sale
    pk = tickets_of(stalls)[0].pk
    error = assert_api_error(refund(api, order, attendee_ids=[pk, pk]), 400, errors.VALIDATION_ERROR, "attendee_ids")
    assert error["duplicate_attendee_ids"] == [pk]


def test_an_already_void_ticket_is_400_naming_it(api, sale):
    order, stalls, _ = sale
    pk = tickets_of(stalls)[0].pk
    refund(api, order, attendee_ids=[pk])
    error = assert_api_error(refund(api, order, attendee_ids=[pk]), 400, errors.VALIDATION_ERROR, "attendee_ids")
    assert error["void_attendee_ids"] == [pk]
    assert Refund.objects.count() == 1


@pytest.mark.parametrize("ids", [[], [12], "att_x", [""], ["att_x"] * 1001])
def test_malformed_attendee_ids_are_400(api, sale, ids):
    order, _, _ = sale
    error = assert_api_error(refund(api, order, attendee_ids=ids), 400, errors.VALIDATION_ERROR)
    assert error["field"].split(".")[0] == "attendee_ids"  # attendee_ids.0 for the first item
    assert not Refund.objects.exists()


def test_a_stale_page_cannot_void_tickets(api, sale):
    order, stalls, _ = sale
    refund(api, order, amount=500)
    stale = refund(api, order, attendee_ids=[tickets_of(stalls)[0].pk], expected_amount_refunded=0)
    assert assert_api_error(stale, 409, errors.REFUND_STALE)["amount_refunded"] == 500
    assert not Attendee.objects.filter(status="void").exists()


def test_a_retried_ticket_refund_voids_once(api, sale):
    order, stalls, _ = sale
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"reason": "x", "attendee_ids": [tickets_of(stalls)[0].pk]}
    first = api.post(f"/orders/{order.pk}/refund", json=body, headers=headers)
    second = api.post(f"/orders/{order.pk}/refund", json=body, headers=headers)
    assert first.status_code == second.status_code == 201 and second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Refund.objects.count() == 1 and TicketType.objects.get(pk=stalls.pk).quantity_sold == 1
