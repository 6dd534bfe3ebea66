"""Sandbox data for tests, made through the sandbox's own services.

The public API cannot sell tickets (the seed leaves that to the storefront),
so orders come from `order_create`, the same code the seed uses.
"""

from datetime import timedelta

from django.utils import timezone

from sandbox.models import Account, Event, Order, TicketType
from sandbox.services.orders_create import order_create


def event_make(
    account: Account,
    *,
    title: str = "Spring Gala",
    status: str = Event.Status.PUBLISHED,
    livemode: bool = False,
    currency: str = "USD",
    days_ahead: int = 7,
) -> Event:
    return Event.objects.create(
        account=account,
        livemode=livemode,
        title=title,
        status=status,
        currency=currency,
        venue="The Old Hall",
        start_date=timezone.now() + timedelta(days=days_ahead),
    )


def ticket_type_make(event: Event, *, name: str = "General", price: int = 2500, quantity: int = 100) -> TicketType:
    return TicketType.objects.create(event=event, name=name, price=price, quantity=quantity)


def order_make(
    event: Event,
    ticket_type: TicketType,
    *,
    quantity: int = 2,
    buyer_name: str = "Ada Lovelace",
    buyer_email: str = "ada@example.com",
    created_at=None,
) -> Order:
    return order_create(
        event=event,
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        items=[(ticket_type, quantity)],
        created_at=created_at,
    )


def assert_api_error(response, status: int, code: str, field: str | None = None) -> dict:
    """The seed's envelope, with this status and code (and field, if given)."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field, error
    return error
