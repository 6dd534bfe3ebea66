"""One event's page: what each role sees, in at most three API calls."""

import pytest

from boxoffice.brightstar import client
from boxoffice.brightstar.errors import ConnectionFailed
from tests.events.conftest import HTMX, ROLES, main_of

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_ticket_types_and_check_in_progress(client_as, event, role):
    response = client_as(role).get(f"/events/{event.pk}/")
    html = main_of(response)
    assert response.status_code == 200
    assert "Spring Gala" in html
    assert "General" in html and '<progress max="100" value="12"' in html
    assert "Checked in" in html and '<progress max="12" value="0"' in html


def test_door_sees_no_money_and_no_orders(client_as, event):
    html = main_of(client_as("door").get(f"/events/{event.pk}/"))
    assert "$" not in html
    assert "Gross" not in html and "Refunded" not in html
    assert "Recent orders" not in html and "/orders/" not in html
    assert f'href="/events/{event.pk}/door/"' in html


def test_box_office_sees_money_and_recent_orders_but_no_editing(client_as, event):
    html = main_of(client_as("box_office").get(f"/events/{event.pk}/"))
    assert "$300.00" in html  # gross
    assert "Refunded" in html and "$25.00" in html  # ticket price
    order = event.orders.get()
    assert f'href="/orders/{order.pk}/"' in html and "Ada Lovelace" in html
    assert f'href="/orders/event/{event.pk}/"' in html
    for hidden in ("/edit/", "/publish/", "/cancel/", "/delete/", "/tickets/new/", "Add a ticket type"):
        assert hidden not in html


def test_organizers_get_every_control(client_as, event, draft):
    html = main_of(client_as("organizer").get(f"/events/{event.pk}/"))
    # The edit form is fetched when its <details> opens; the link is the no-JavaScript way to it.
    assert f'hx-get="/events/{event.pk}/edit/" hx-trigger="toggle once"' in html
    assert f'<a href="/events/{event.pk}/edit/">Open the form</a>' in html
    assert f'hx-post="/events/{event.pk}/cancel/"' in html
    assert f'hx-post="/events/{event.pk}/tickets/new/"' in html
    assert "/publish/" not in html and "/delete/" not in html  # already published
    draft_html = main_of(client_as("organizer").get(f"/events/{draft.pk}/"))
    assert f'hx-post="/events/{draft.pk}/publish/"' in draft_html
    assert f'hx-post="/events/{draft.pk}/delete/"' in draft_html
    assert 'hx-confirm="Delete the draft' in draft_html


@pytest.mark.parametrize(("role", "most"), [("door", 2), ("box_office", 3), ("organizer", 3)])
def test_the_event_page_takes_at_most_three_api_calls(client_as, event, api_calls, role, most):
    client_as(role).get(f"/events/{event.pk}/")
    assert len(api_calls) <= most, api_calls
    assert ("GET", f"events/{event.pk}") in api_calls
    assert not any(path.startswith("orders/") for _, path in api_calls)  # no call per order


def test_an_unknown_event_is_a_404(client_as, dashboard):
    assert client_as("door").get("/events/evt_nope/").status_code == 404


def test_staff_without_a_role_may_not_see_an_event(client_as, event):
    response = client_as("nobody").get(f"/events/{event.pk}/")
    assert response.status_code == 403
    assert "Door or Box office or Organizer" in response.content.decode()


def test_the_summary_reloads_alone_for_htmx(client_as, event, api_calls):
    response = client_as("door").get(f"/events/{event.pk}/summary/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="event-summary"') and "<html" not in html
    assert 'hx-trigger="event-changed from:body"' in html
    assert len(api_calls) == 1


def test_the_summary_url_loaded_in_full_goes_to_the_event(client_as, event):
    response = client_as("door").get(f"/events/{event.pk}/summary/")
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"


def test_unreachable_brightstar_on_the_event_page_is_a_message(client_as, event, monkeypatch):
    def refuse(method, path, **kwargs):
        raise ConnectionFailed("timed out")

    monkeypatch.setattr(client, "_request", refuse)
    response = client_as("box_office").get(f"/events/{event.pk}/")
    assert response.status_code == 503
    assert "BrightStar is unreachable. Nothing was changed" in response.content.decode()
