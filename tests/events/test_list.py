"""The events list: who sees it, what a row shows, filters in the URL, one API call."""

import re

import pytest

from boxoffice.brightstar import client
from boxoffice.brightstar.errors import ConnectionFailed
from tests.events.conftest import DASH, HTMX, ROLES, main_of
from tests.factories import event_make
from tests.pager import assert_pager, pager_of

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def many(account):
    """25 published events (one page of 20 and one of 5), plus a draft and a cancelled one."""
    for n in range(25):
        event_make(account, title=f"Concert {n:02d}", days_ahead=n + 1)
    event_make(account, title="Draft Party", status="draft")
    event_make(account, title="Called Off", status="cancelled")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_events(client_as, event, role):
    response = client_as(role).get("/events/")
    assert response.status_code == 200
    assert f'href="/events/{event.pk}/"' in main_of(response)
    assert "Spring Gala" in main_of(response)


def test_staff_without_a_role_are_told_which_role_they_need(client_as, event):
    response = client_as("nobody").get("/events/")
    assert response.status_code == 403
    assert "Door or Box office or Organizer" in response.content.decode()
    assert "Spring Gala" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, dashboard):
    response = client.get("/events/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_row_shows_date_venue_status_and_tickets_sold_as_a_bar(client_as, event):
    html = main_of(client_as("box_office").get("/events/"))
    row = re.search(r"<tr>\s*<td class=\"date\"[^>]*>.*?</tr>", html, re.S).group(0)
    assert event.start_date.strftime("%-d %b %Y") in row
    assert "The Old Hall" in row
    assert 'class="badge published"' in row
    assert '<rect class="fill" width="12.0" height="10"/>' in row  # the SVG bar: 12 of 100
    assert "12/100" in row
    assert "$300.00" in row  # gross, for money-seeing roles


def test_door_staff_see_no_money_but_get_a_door_link(client_as, event):
    html = main_of(client_as("door").get("/events/"))
    assert "$" not in html and "Gross" not in html
    assert f'href="/events/{event.pk}/door/"' in html


def test_only_organizers_get_the_new_event_button(client_as, event):
    assert 'href="/events/new/"' in main_of(client_as("organizer").get("/events/"))
    for role in ("door", "box_office"):
        assert 'href="/events/new/"' not in main_of(client_as(role).get("/events/"))


def test_the_list_is_one_api_call_whatever_the_page_holds(client_as, many, api_calls):
    client_as("organizer").get("/events/")
    assert api_calls == [("GET", "events")]


def test_pages_come_from_x_total_count(client_as, many):
    c = client_as("organizer")
    first = main_of(c.get("/events/?status=published"))
    assert f"1{DASH}20 of 25 events" in first
    assert first.count('class="date"') == 20
    assert 'href="?status=published&amp;page=2" hx-get="?status=published&amp;page=2"' in first
    second = main_of(c.get("/events/?status=published&page=2"))
    assert f"21{DASH}25 of 25 events" in second
    assert second.count('class="date"') == 5
    assert '<span aria-current="page">2</span>' in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_pager_keeps_the_filters_and_swaps_the_list(client_as, many):
    c = client_as("organizer")
    first = main_of(c.get("/events/?status=published&sort=title"))
    items = assert_pager(
        first, current=1, target="#event-list", swap="innerHTML", keeps={"status": "published", "sort": "title"}
    )
    assert [(i["text"], i.get("rel")) for i in items] == [("1", None), ("2", None), ("Next", "next")]
    second = main_of(c.get("/events/?status=published&sort=title&page=2", headers=HTMX))
    items = assert_pager(
        second, current=2, target="#event-list", swap="innerHTML", keeps={"status": "published", "sort": "title"}
    )
    assert [(i["text"], i.get("rel")) for i in items] == [("Previous", "prev"), ("1", None), ("2", None)]
    assert pager_of(main_of(c.get("/events/?status=draft"))) == []  # one page: no pager


def test_a_status_tab_filters_and_is_marked_current(client_as, many):
    html = main_of(client_as("organizer").get("/events/?status=draft"))
    assert "Draft Party" in html
    assert "Concert" not in html and "Called Off" not in html
    assert '<a href="/events/?status=draft" hx-get="/events/?status=draft" aria-current="page">Draft</a>' in html


def test_cancelled_tab(client_as, many):
    html = main_of(client_as("organizer").get("/events/?status=cancelled"))
    assert "Called Off" in html and "Draft Party" not in html
    assert f"1{DASH}1 of 1 event" in html


def test_sorting_by_title_and_newest(client_as, many):
    c = client_as("organizer")
    titles = re.findall(r'<a href="/events/evt_\w+/">([^<]+)</a>', main_of(c.get("/events/?sort=title")))
    assert titles == sorted(titles) and titles[0] == "Called Off"
    newest = re.findall(r'<a href="/events/evt_\w+/">([^<]+)</a>', main_of(c.get("/events/?sort=newest")))
    assert newest[0] == "Called Off"  # made last
    assert 'href="/events/?sort=title"' in main_of(c.get("/events/"))


def test_links_keep_the_other_filters(client_as, many):
    html = main_of(client_as("organizer").get("/events/?status=published&sort=title&page=2"))
    # Changing the sort or the tab starts again at page 1 but keeps the rest.
    assert 'href="/events/?status=published"' in html  # the default sort, page 1
    assert 'href="/events/?sort=title"' in html  # the "All" tab
    assert 'href="/events/?status=published&amp;sort=title"' in html  # page 1 of this view


def test_htmx_gets_only_the_list_and_the_url_is_pushed(client_as, many):
    response = client_as("organizer").get("/events/?status=draft", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "Draft Party" in html
    assert "HX-Request" in response["Vary"]
    page = main_of(client_as("organizer").get("/events/"))
    assert re.search(r'id="event-list" hx-target="this" hx-swap="innerHTML" hx-push-url="true"', page)


def test_a_back_button_restore_gets_the_whole_page(client_as, many):
    response = client_as("organizer").get(
        "/events/?status=draft", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_nonsense_filters_show_the_default_list(client_as, many):
    html = main_of(client_as("organizer").get("/events/?status=bogus&sort=%27;drop&page=x"))
    assert f"1{DASH}20 of 27 events" in html


def test_a_page_past_the_end_says_so(client_as, many):
    html = main_of(client_as("organizer").get("/events/?page=9"))
    assert "No events on this page" in html


def test_an_empty_tab_says_so(client_as, event):
    c = client_as("organizer")
    assert "No draft events today or coming up." in main_of(c.get("/events/?status=draft"))
    assert "No draft events yet." in main_of(c.get("/events/?when=all&status=draft"))
    assert "No draft events in the past." in main_of(c.get("/events/?when=past&status=draft"))


@pytest.fixture
def unreachable(monkeypatch):
    def refuse(method, path, **kwargs):
        raise ConnectionFailed("refused", may_have_reached_server=False)

    monkeypatch.setattr(client, "_request", refuse)


def test_unreachable_brightstar_is_a_message_not_a_500(client_as, dashboard, staff_users, unreachable):
    response = client_as("organizer").get("/events/")
    assert response.status_code == 503
    assert "BrightStar is unreachable. Nothing was changed" in response.content.decode()


def test_unreachable_brightstar_during_a_tab_switch_lands_in_the_alerts(client_as, dashboard, staff_users, unreachable):
    response = client_as("organizer").get("/events/?status=draft", headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#alerts"
    assert "BrightStar is unreachable. Nothing was changed" in response.content.decode()


# --- today first, the past a tab away -------------------------------------------------------


@pytest.fixture
def calendar(account):
    """Two past events, one running since yesterday until tomorrow, two ahead, and a past draft."""
    from datetime import timedelta

    from django.utils import timezone

    from sandbox.models import Event

    event_make(account, title="Long Ago", days_ahead=-30)
    event_make(account, title="Last Week", days_ahead=-7)
    event_make(account, title="Old Draft", status="draft", days_ahead=-3)
    festival = event_make(account, title="Festival", days_ahead=-1)
    Event.objects.filter(pk=festival.pk).update(end_date=timezone.now() + timedelta(days=1))
    event_make(account, title="Tomorrow Show", days_ahead=1)
    event_make(account, title="Next Month", days_ahead=30)


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/events/evt_\w+/">([^<]+)</a>', html)


@pytest.mark.parametrize("role", ROLES)
def test_the_list_opens_on_what_is_on_now_and_next_soonest_first(client_as, calendar, role):
    html = main_of(client_as(role).get("/events/"))
    assert titles(html) == ["Festival", "Tomorrow Show", "Next Month"]
    assert '<a href="/events/" hx-get="/events/" aria-current="page">Today &amp; next</a>' in html


def test_past_events_are_a_tab_away_newest_first(client_as, calendar):
    html = main_of(client_as("box_office").get("/events/?when=past"))
    assert titles(html) == ["Old Draft", "Last Week", "Long Ago"]
    assert '<a href="/events/?when=past" hx-get="/events/?when=past" aria-current="page">Past</a>' in html


def test_all_dates_shows_everything_in_date_order(client_as, calendar):
    html = main_of(client_as("organizer").get("/events/?when=all"))
    assert titles(html) == ["Long Ago", "Last Week", "Old Draft", "Festival", "Tomorrow Show", "Next Month"]


def test_status_tabs_and_sorts_keep_the_when_tab_and_the_other_way_round(client_as, calendar):
    c = client_as("organizer")
    html = main_of(c.get("/events/?when=past&status=published"))
    assert titles(html) == ["Last Week", "Long Ago"]
    # The status tabs keep "past"; the when tabs keep the status.
    assert 'href="/events/?when=past&amp;status=draft"' in html
    assert 'href="/events/?status=published"' in html  # back to Today & next, still published
    assert titles(main_of(c.get("/events/?when=past&sort=title"))) == ["Last Week", "Long Ago", "Old Draft"]
    assert titles(main_of(c.get("/events/?status=draft"))) == []  # the draft is in the past
    assert titles(main_of(c.get("/events/?when=past&status=draft"))) == ["Old Draft"]


def test_today_starts_at_midnight_here_and_is_one_api_call(client_as, calendar, monkeypatch):
    from datetime import datetime

    from boxoffice.brightstar import client as bs_client

    sent = []
    real = bs_client._request

    def recording(method, path, **kwargs):
        sent.append((path, dict(kwargs.get("params") or {})))
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", recording)
    client_as("door").get("/events/")
    assert len(sent) == 1
    path, params = sent[0]
    assert path == "events" and params["sort"] == "start_date" and params.get("ends_before") is None
    from django.utils import timezone

    after = datetime.fromisoformat(params["ends_after"])
    local = timezone.localtime(after)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert local.date() == timezone.localdate()


def test_nothing_today_says_so(client_as, account):
    event_make(account, title="Long Ago", days_ahead=-30)
    html = main_of(client_as("door").get("/events/"))
    assert "No events today or coming up." in html
