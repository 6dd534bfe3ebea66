"""What organizers do to an event: create, edit, publish, cancel, delete a draft.

Every action is tried by every role: only Organizers (and superusers) may,
the others get a 403 naming the role, and BrightStar is never asked.
"""

import pytest

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar import client
from boxoffice.brightstar.errors import ConnectionFailed
from sandbox.models import Event
from tests.events.conftest import HTMX, MANAGERS, NOT_MANAGERS, field_values, main_of

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

NEW_EVENT = {
    "title": "Winter Ball",
    "start_date": "2031-12-20T19:30",
    "end_date": "2031-12-20T23:00",
    "venue": "Grand Hall",
    "currency": "EUR",
    "description": "Black tie.",
}


def edit_data(event, **changes) -> dict:
    """What the edit form posts: every field as shown, with `changes` typed over it."""
    data = {
        "event-title": event.title,
        "event-start_date": event.start_date.strftime("%Y-%m-%dT%H:%M"),
        "event-end_date": "",
        "event-venue": event.venue,
        "event-currency": event.currency,
        "event-description": event.description,
    }
    data.update({f"event-{name}": value for name, value in changes.items()})
    return data


# --- create ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_creating_an_event_makes_a_draft_and_goes_to_it(client_as, account, role):
    c = client_as(role)
    form = field_values(main_of(c.get("/events/new/")))
    assert form["idempotency_key"]
    response = c.post("/events/new/", {**NEW_EVENT, "idempotency_key": form["idempotency_key"]})
    created = Event.objects.get(title="Winter Ball")
    assert response.status_code == 302 and response["Location"] == f"/events/{created.pk}/"
    assert created.status == "draft" and created.currency == "EUR" and created.venue == "Grand Hall"
    assert created.start_date.isoformat() == "2031-12-20T19:30:00+00:00"
    assert "Created “Winter Ball” as a draft" in c.get(response["Location"]).content.decode()


def test_creating_with_htmx_redirects_the_browser(client_as, account):
    response = client_as("organizer").post("/events/new/", NEW_EVENT, headers=HTMX)
    created = Event.objects.get(title="Winter Ball")
    assert response["HX-Redirect"] == f"/events/{created.pk}/"


def test_a_double_click_on_create_makes_one_event(client_as, account):
    c = client_as("organizer")
    key = field_values(main_of(c.get("/events/new/")))["idempotency_key"]
    first = c.post("/events/new/", {**NEW_EVENT, "idempotency_key": key}, headers=HTMX)
    second = c.post("/events/new/", {**NEW_EVENT, "idempotency_key": key}, headers=HTMX)
    assert first["HX-Redirect"] == second["HX-Redirect"]
    assert Event.objects.filter(title="Winter Ball").count() == 1


def test_create_errors_land_on_their_fields_and_keep_the_input(client_as, account, api_calls):
    response = client_as("organizer").post(
        "/events/new/", {**NEW_EVENT, "title": "", "end_date": "2031-12-20T18:00"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422 and "<html" not in html
    assert 'id="id_title_error">Give the event a title.' in html
    assert 'id="id_end_date_error">The end must be after the start.' in html
    assert 'value="Grand Hall"' in html and 'value="2031-12-20T19:30"' in html and "Black tie." in html
    assert 'aria-invalid="true"' in html
    assert api_calls == [] and not Event.objects.exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_may_not_create_events(client_as, account, role):
    c = client_as(role)
    page = c.get("/events/new/")
    assert page.status_code == 403 and "Organizer" in page.content.decode()
    response = c.post("/events/new/", NEW_EVENT, headers=HTMX)
    assert response.status_code == 403 and "<html" not in response.content.decode()
    assert "Organizer" in response.content.decode()
    assert not Event.objects.exists()


def test_unreachable_brightstar_on_create_keeps_the_form(client_as, account, monkeypatch):
    def timeout(method, path, **kwargs):
        raise ConnectionFailed("read timed out", may_have_reached_server=True)

    monkeypatch.setattr(client, "_request", timeout)
    response = client_as("organizer").post("/events/new/", NEW_EVENT, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Not confirmed" in html and 'value="Winter Ball"' in html


# --- edit --------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_editing_changes_only_what_was_typed(client_as, event, role):
    response = client_as(role).post(
        f"/events/{event.pk}/edit/", edit_data(event, title="Spring Gala 2031", venue="New Hall"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Event details saved." in html and 'value="Spring Gala 2031"' in html
    assert "event-changed" in response["HX-Trigger"]  # the summary above reloads itself
    event.refresh_from_db()
    assert (event.title, event.venue, event.currency) == ("Spring Gala 2031", "New Hall", "USD")
    entry = AuditEntry.objects.get(action="event.update")
    assert entry.outcome == "succeeded" and entry.staff_username == role


def test_editing_without_javascript_redirects_to_the_event(client_as, event):
    response = client_as("organizer").post(f"/events/{event.pk}/edit/", edit_data(event, title="Renamed"))
    assert response.status_code == 302 and response["Location"] == f"/events/{event.pk}/"


def test_changing_the_currency_of_an_event_with_orders_is_explained_on_the_field(client_as, event):
    response = client_as("organizer").post(
        f"/events/{event.pk}/edit/", edit_data(event, currency="EUR", title="Typed title"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_event-currency_error">This event already has orders' in html
    assert 'value="Typed title"' in html and '<option value="EUR" selected>' in html
    event.refresh_from_db()
    assert event.currency == "USD" and event.title == "Spring Gala"


def test_edit_errors_without_javascript_show_the_whole_page_with_the_form_open(client_as, event):
    response = client_as("organizer").post(f"/events/{event.pk}/edit/", edit_data(event, title=""))
    html = main_of(response)
    assert response.status_code == 422
    assert "<details open>" in html and "Give the event a title." in html
    assert "Ticket types" in html


def test_opening_the_edit_form_fetches_it_filled_in(client_as, event):
    response = client_as("organizer").get(f"/events/{event.pk}/edit/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="event-edit"') and "<details open>" in html
    assert field_values(html)["event-title"] == "Spring Gala"
    assert f'hx-post="/events/{event.pk}/edit/"' in html


def test_opening_the_edit_form_without_javascript_shows_the_page_with_it_open(client_as, event):
    response = client_as("organizer").get(f"/events/{event.pk}/edit/")
    html = main_of(response)
    assert response.status_code == 200
    assert "<details open>" in html and field_values(html)["event-title"] == "Spring Gala"
    assert "Ticket types" in html


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_may_not_open_the_edit_form(client_as, event, role):
    response = client_as(role).get(f"/events/{event.pk}/edit/", headers=HTMX)
    assert response.status_code == 403 and "event-title" not in response.content.decode()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_may_not_edit(client_as, event, role):
    response = client_as(role).post(f"/events/{event.pk}/edit/", edit_data(event, title="Hacked"), headers=HTMX)
    assert response.status_code == 403 and "Organizer" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Spring Gala"


# --- publish, cancel, delete -------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_publishing_a_draft(client_as, draft, role):
    response = client_as(role).post(f"/events/{draft.pk}/publish/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="event-summary"')
    assert 'class="badge published"' in html and "Published: tickets are on sale." in html
    draft.refresh_from_db()
    assert draft.status == "published"


@pytest.mark.parametrize("role", MANAGERS)
def test_cancelling_an_event(client_as, event, role):
    response = client_as(role).post(f"/events/{event.pk}/cancel/")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"


@pytest.mark.parametrize("role", MANAGERS)
def test_deleting_a_draft_goes_back_to_the_list(client_as, draft, role):
    c = client_as(role)
    response = c.post(f"/events/{draft.pk}/delete/", headers=HTMX)
    assert response["HX-Redirect"] == "/events/"
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert "Draft event deleted." in c.get("/events/").content.decode()


def test_deleting_an_event_that_is_no_longer_a_draft_is_explained_in_place(client_as, draft):
    Event.objects.filter(pk=draft.pk).update(status="published")  # someone published it meanwhile
    response = client_as("organizer").post(f"/events/{draft.pk}/delete/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Only draft events can be deleted, and this one is published. Cancel it instead." in html
    assert 'class="badge published"' in html  # the summary as it is now
    assert Event.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.get(action="event.delete").error_code == "EVENT_NOT_DRAFT"


def test_a_refused_delete_without_javascript_shows_the_page_with_the_reason(client_as, event):
    response = client_as("organizer").post(f"/events/{event.pk}/delete/")
    assert response.status_code == 422
    assert "Only draft events can be deleted" in main_of(response) and "Ticket types" in main_of(response)


@pytest.mark.parametrize("role", NOT_MANAGERS)
@pytest.mark.parametrize("action", ["publish", "cancel", "delete"])
def test_others_may_not_publish_cancel_or_delete(client_as, draft, role, action, api_calls):
    response = client_as(role).post(f"/events/{draft.pk}/{action}/", headers=HTMX)
    assert response.status_code == 403 and "Organizer" in response.content.decode()
    assert api_calls == []
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_actions_need_a_post(client_as, draft):
    assert client_as("organizer").get(f"/events/{draft.pk}/delete/").status_code == 405
    assert Event.objects.filter(pk=draft.pk).exists()
