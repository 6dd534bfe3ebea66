"""Ticket types edited in place: Edit opens the row as a form, Save or Cancel closes it."""

import pytest

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar import client
from boxoffice.brightstar.errors import ConnectionFailed, ValidationError
from boxoffice.events.forms import TicketTypeForm
from sandbox.models import TicketType
from tests.events.conftest import HTMX, MANAGERS, NOT_MANAGERS, field_values, main_of
from tests.factories import ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def edit_url(tt) -> str:
    return f"/events/{tt.event_id}/tickets/{tt.pk}/edit/"


def row_data(tt, **typed) -> dict:
    prefix = f"tt-{tt.pk}"
    data = {"name": tt.name, "price": f"{tt.price / 100:.2f}", "quantity": tt.quantity, **typed}
    return {f"{prefix}-{name}": value for name, value in data.items()}


@pytest.mark.parametrize("role", MANAGERS)
def test_edit_swaps_the_row_into_a_form_with_the_price_as_text(client_as, ticket_type, role):
    response = client_as(role).get(edit_url(ticket_type), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="tt-{ticket_type.pk}" class="editing">')
    values = field_values(html)
    assert values[f"tt-{ticket_type.pk}-price"] == "25.00"
    assert values[f"tt-{ticket_type.pk}-quantity"] == "100"
    assert values[f"tt-{ticket_type.pk}-name"] == "General"
    assert f'<label for="id_tt-{ticket_type.pk}-price">Price (USD)</label>' in html
    assert "12 already sold" in html
    assert f'hx-get="/events/{ticket_type.event_id}/tickets/{ticket_type.pk}/"' in html  # Cancel


def test_edit_without_javascript_is_the_event_page_with_that_row_open(client_as, ticket_type):
    response = client_as("organizer").get(edit_url(ticket_type))
    html = main_of(response)
    assert response.status_code == 200
    assert 'class="editing"' in html and "Recent orders" in html
    assert f'action="{edit_url(ticket_type)}"' in html


def test_cancel_restores_the_row(client_as, ticket_type):
    response = client_as("organizer").get(f"/events/{ticket_type.event_id}/tickets/{ticket_type.pk}/", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="tt-{ticket_type.pk}">')
    assert "$25.00" in html and "12/100" in html and "<form" not in html


def test_saving_a_new_price_goes_back_to_the_row(client_as, ticket_type):
    response = client_as("organizer").post(edit_url(ticket_type), row_data(ticket_type, price="30.50"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="tt-{ticket_type.pk}">')
    assert "$30.50" in html and "Saved" in html
    assert "event-changed" in response["HX-Trigger"]
    ticket_type.refresh_from_db()
    assert ticket_type.price == 3050 and ticket_type.quantity == 100
    entry = AuditEntry.objects.get(action="ticket_type.update")
    assert entry.outcome == "succeeded" and entry.amount == 3050 and entry.event_id == ticket_type.event_id


def test_saving_without_javascript_redirects_to_the_event(client_as, ticket_type):
    response = client_as("organizer").post(edit_url(ticket_type), row_data(ticket_type, name="Standard"))
    assert response.status_code == 302 and response["Location"] == f"/events/{ticket_type.event_id}/"
    ticket_type.refresh_from_db()
    assert ticket_type.name == "Standard"


def test_the_page_shows_the_new_price_after_saving(client_as, ticket_type):
    c = client_as("organizer")
    c.get(f"/events/{ticket_type.event_id}/")  # warms the cache the save must forget
    c.post(edit_url(ticket_type), row_data(ticket_type, price="19.99", quantity="150"), headers=HTMX)
    html = main_of(c.get(f"/events/{ticket_type.event_id}/"))
    assert "$19.99" in html and "12/150" in html and '<progress max="150" value="12"' in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "“abc” is not an amount"),
        ("12.345", "USD amounts have at most 2 decimal places."),
        ("-5", "The amount cannot be negative."),
        ("", "Enter a price (0 for free)."),
    ],
)
def test_a_bad_price_is_an_error_on_the_price_field_with_the_input_kept(
    client_as, ticket_type, api_calls, typed, message
):
    api_calls.clear()
    response = client_as("organizer").post(
        edit_url(ticket_type), row_data(ticket_type, price=typed, name="Typed name"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_tt-{ticket_type.pk}-price_error">' in html and message in html
    values = field_values(html)
    assert values[f"tt-{ticket_type.pk}-price"] == typed and values[f"tt-{ticket_type.pk}-name"] == "Typed name"
    assert not any(method == "PATCH" for method, _ in api_calls)
    ticket_type.refresh_from_db()
    assert ticket_type.price == 2500


def test_a_quantity_below_what_is_sold_is_explained_with_the_count(client_as, ticket_type):
    response = client_as("organizer").post(edit_url(ticket_type), row_data(ticket_type, quantity="5"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_tt-{ticket_type.pk}-quantity_error">Cannot be below what is sold: 12 already sold.' in html
    assert field_values(html)[f"tt-{ticket_type.pk}-quantity"] == "5"
    ticket_type.refresh_from_db()
    assert ticket_type.quantity == 100
    assert AuditEntry.objects.get(action="ticket_type.update").outcome == "rejected"


def test_the_api_field_error_lands_on_its_field():
    # BrightStar's own wording starts with the field name; the form says it once, on the field.
    form = TicketTypeForm({"name": "x", "price": "1", "quantity": "1"}, currency="EUR")
    assert form.is_valid()
    form.api_error(ValidationError("price: Input should be less than or equal to 1000000000000", field="price"))
    assert form.errors["price"] == ["Input should be less than or equal to 1000000000000"]
    form.api_error(ValidationError("Something else", field="unknown"))
    assert form.non_field_errors() == ["Something else"]


def test_prices_follow_the_event_currency(client_as, account):
    from tests.factories import event_make

    event = event_make(account, title="Tokyo Night", currency="JPY")
    tt = ticket_type_make(event, name="Floor", price=5000)
    c = client_as("organizer")
    assert field_values(c.get(edit_url(tt), headers=HTMX).content.decode())[f"tt-{tt.pk}-price"] == "5000"
    response = c.post(
        edit_url(tt),
        {f"tt-{tt.pk}-name": "Floor", f"tt-{tt.pk}-price": "4.50", f"tt-{tt.pk}-quantity": "10"},
        headers=HTMX,
    )
    assert response.status_code == 422 and "JPY amounts have no decimal places." in response.content.decode()


def test_unreachable_brightstar_on_save_keeps_the_form(client_as, ticket_type, monkeypatch):
    c = client_as("organizer")
    c.get(f"/events/{ticket_type.event_id}/")  # the event and its ticket types are cached
    real = client._request

    def drop_writes(method, path, **kwargs):
        if method != "GET":
            raise ConnectionFailed("read timed out", may_have_reached_server=True)
        return real(method, path, **kwargs)

    monkeypatch.setattr(client, "_request", drop_writes)
    response = c.post(edit_url(ticket_type), row_data(ticket_type, price="40.00"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Not confirmed" in html and field_values(html)[f"tt-{ticket_type.pk}-price"] == "40.00"


def test_an_unknown_ticket_type_is_a_404(client_as, event):
    assert client_as("organizer").get(f"/events/{event.pk}/tickets/tkt_nope/edit/").status_code == 404


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_may_not_open_or_save_a_ticket_type(client_as, ticket_type, role):
    c = client_as(role)
    opened = c.get(edit_url(ticket_type), headers=HTMX)
    assert opened.status_code == 403 and "Organizer" in opened.content.decode()
    assert c.get(f"/events/{ticket_type.event_id}/tickets/{ticket_type.pk}/", headers=HTMX).status_code == 403
    saved = c.post(edit_url(ticket_type), row_data(ticket_type, price="1.00"), headers=HTMX)
    assert saved.status_code == 403
    ticket_type.refresh_from_db()
    assert ticket_type.price == 2500


# --- adding --------------------------------------------------------------------------------


def add_data(event, **typed) -> dict:
    data = {"name": "VIP", "price": "75.00", "quantity": "20", "idempotency_key": "", **typed}
    return {f"new-{name}": value for name, value in data.items()}


@pytest.mark.parametrize("role", MANAGERS)
def test_adding_a_ticket_type_redraws_the_table_with_it(client_as, event, role):
    c = client_as(role)
    key = field_values(main_of(c.get(f"/events/{event.pk}/")))["new-idempotency_key"]
    response = c.post(f"/events/{event.pk}/tickets/new/", add_data(event, idempotency_key=key), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#ticket-types" and response["HX-Reswap"] == "outerHTML"
    assert "event-changed" in response["HX-Trigger"]
    assert "VIP" in html and "$75.00" in html and "General" in html and "Added “VIP”." in html
    assert field_values(html)["new-name"] == ""  # a fresh form for the next one
    assert field_values(html)["new-idempotency_key"] != key
    vip = TicketType.objects.get(name="VIP")
    assert (vip.price, vip.quantity, vip.event_id) == (7500, 20, event.pk)


def test_a_double_click_on_add_makes_one_ticket_type(client_as, event):
    c = client_as("organizer")
    key = field_values(main_of(c.get(f"/events/{event.pk}/")))["new-idempotency_key"]
    for _ in range(2):
        assert (
            c.post(f"/events/{event.pk}/tickets/new/", add_data(event, idempotency_key=key), headers=HTMX).status_code
            == 200
        )
    assert TicketType.objects.filter(name="VIP").count() == 1


def test_adding_without_javascript_redirects_to_the_event(client_as, event):
    response = client_as("organizer").post(f"/events/{event.pk}/tickets/new/", add_data(event))
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"
    assert TicketType.objects.filter(name="VIP").exists()


def test_add_errors_stay_in_the_form_with_the_input_kept(client_as, event):
    response = client_as("organizer").post(
        f"/events/{event.pk}/tickets/new/", add_data(event, name="", price="7.5.0", quantity="-1"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith('<form id="ticket-add"')
    assert 'id="id_new-name_error">Give the ticket type a name.' in html
    assert 'id="id_new-price_error">“7.5.0” is not an amount' in html
    assert 'id="id_new-quantity_error">' in html
    assert field_values(html)["new-price"] == "7.5.0"
    assert not TicketType.objects.filter(event_id=event.pk).exclude(name="General").exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_may_not_add_ticket_types(client_as, event, role):
    response = client_as(role).post(f"/events/{event.pk}/tickets/new/", add_data(event), headers=HTMX)
    assert response.status_code == 403 and "Organizer" in response.content.decode()
    assert not TicketType.objects.filter(name="VIP").exists()
