"""A name and a ticket type are enough at the door: door staff see no emails; the desk still does."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

SEES_EMAILS = [("door", False), ("box_office", True), ("organizer", True), ("admin", True)]


def pages(client, event) -> dict[str, str]:
    """Every door page an attendee's email could be on, as this client gets it."""
    search = client.get(f"/events/{event.id}/door/search/", {"q": "Ada"}, headers={"HX-Request": "true"})
    found_no_js = client.get(f"/events/{event.id}/door/search/", {"q": "Ada"})
    listed = client.get(f"/events/{event.id}/attendees/")
    listed_htmx = client.get(f"/events/{event.id}/attendees/", {"q": "Ada"}, headers={"HX-Request": "true"})
    printed = client.get(f"/events/{event.id}/attendees/print/")
    out = {}
    for name, response in {
        "search": search,
        "search without JavaScript": found_no_js,
        "list": listed,
        "list fragment": listed_htmx,
    }.items():
        assert response.status_code == 200, name
        out[name] = response.content.decode()
    assert printed.status_code == 200
    out["print"] = b"".join(printed.streaming_content).decode()
    return out


@pytest.mark.parametrize(("role", "sees"), SEES_EMAILS)
def test_emails_on_the_door_pages_by_role(client_as, event, tickets, role, sees):
    for name, html in pages(client_as(role), event).items():
        assert "Ada Lovelace" in html, name  # the name is always there
        assert ("ada@example.com" in html) is sees, name
        assert "General" in html, name


@pytest.mark.parametrize(("role", "sees"), SEES_EMAILS)
def test_the_email_column_is_only_there_for_the_desk(client_as, event, tickets, role, sees):
    found = pages(client_as(role), event)
    assert ('<th scope="col" class="hide-small">Email</th>' in found["list"]) is sees
    assert ('<th scope="col">Email</th>' in found["print"]) is sees


def test_the_door_may_still_find_someone_by_the_email_they_read_out(client_as, event, tickets):
    response = client_as("door").get(
        f"/events/{event.id}/door/search/", {"q": "grace@example.com"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Grace Hopper" in html
    assert "grace@example.com" not in html
