"""A door phone's copy of an event whose check-in closed: the dashboard tells the page to drop it."""

import pytest
from django.core.cache import cache

from boxoffice.venue import sync
from sandbox.models import Event

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def copy_page(client, event):
    response = client.get(f"/events/{event.id}/door/device/copy/?after=0")
    assert response.status_code == 200
    return response.json()


def test_the_copy_says_closed_once_the_door_page_saw_the_event_closed(client_as, event):
    door = client_as("door")
    door.get(f"/events/{event.id}/door/")
    sync.replica_sync(event_id=event.id)
    assert copy_page(door, event)["rows"]  # open: the copy itself

    Event.objects.filter(pk=event.pk).update(status="cancelled")
    cache.clear()  # the dashboard's cached event
    door.get(f"/events/{event.id}/door/")  # a door page loads it from BrightStar, as cancelled
    assert copy_page(door, event) == {"closed": True}  # no names handed out for a closed event
