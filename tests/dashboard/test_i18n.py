"""The dashboard in German: every desk page, each role, against the real sandbox; a language per staff member.

"Untranslated" is judged against the catalogs themselves (locale/de/LC_MESSAGES/django.po): a page
rendered in German must show no English msgid whose German differs, neither as a whole piece of text
(a heading, a button, a column) nor, for a sentence, anywhere in its text.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from boxoffice.money import format_amount, parse_amount
from boxoffice.staff.models import StaffProfile
from sandbox.models import Refund
from tests.factories import event_make, order_make, ticket_type_make
from tests.orders.conftest import refund_form_fields

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture(autouse=True)
def _language_put_back():
    """A request leaves its language active in this thread (LocaleMiddleware never deactivates it; the next
    request activates its own); tests that run after these, outside any request, expect the default."""
    yield
    translation.deactivate()


LOCALE = Path(settings.BASE_DIR) / "locale"
# Attributes staff read (or hear): labels of stacked table cells on a phone, tooltips, placeholders.
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "data-label")
# Whole pieces of text that are allowed to stay English, because German says them the same way
# (msgstr == msgid is skipped anyway) or because they are not words (codes, ids, names).
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
_TAG = re.compile(r"<[^>]+>")
_EDGE = " \t\n\r\u00a0·:,.;()…←→|/"


def _catalog(language: str, domain: str = "django"):
    with open(LOCALE / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle, locale=language)


def _english_to_german() -> dict[str, str]:
    """Every English text of the catalog (singular and plural) whose German is different."""
    pairs = {}
    for message in _catalog("de"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, german in zip(ids, (*strings, strings[-1]), strict=False):
            if english != german:
                pairs[english] = german
    return pairs


ENGLISH = _english_to_german()
# A piece of text on the page that IS one of these is an untranslated msgid ("Refund", "Total").
WHOLE = {_TAG.sub("", english).strip(_EDGE) for english in ENGLISH if not _PLACEHOLDER.search(english)}
# ...unless German writes the same piece for another message ("Filter:" is German for "Filter:").
WHOLE -= {
    _TAG.sub("", german).strip(_EDGE)
    for message in _catalog("de")
    for german in (message.string if isinstance(message.string, tuple) else (message.string,))
}
WHOLE.discard("")
# A sentence (four words or more) of the English catalog, found anywhere in the text; placeholders match anything.
SENTENCES = {
    english: re.compile(
        r"\s*".join(
            ".+?" if _PLACEHOLDER.fullmatch(part) else re.escape(part)
            for part in _PLACEHOLDER.split(_TAG.sub("", english).strip())
            if part.strip() or _PLACEHOLDER.fullmatch(part)
        ).replace(r"\ ", r"\s+")
    )
    for english in ENGLISH
    if len(_PLACEHOLDER.sub("", _TAG.sub("", english)).split()) >= 4
}


class _Text(HTMLParser):
    """The text a person reads or hears on the page: text nodes and the attributes above, scripts left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.pieces += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data)


def page_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    # Runs of ordinary white space become one space; a no-break space (1.234,56\u00a0€) is kept.
    return [re.sub(r"[ \t\r\n]+", " ", piece).strip() for piece in parser.pieces]


def english_left(html: str) -> list[str]:
    """What on the page is still English: whole msgids and the catalog's sentences."""
    pieces = page_text(html)
    text = " ".join(pieces)
    found = {piece.strip(_EDGE) for piece in pieces} & WHOLE
    found |= {english.strip(_EDGE) for english, pattern in SENTENCES.items() if pattern.search(text)}
    return sorted(found)


# Words a German page shares with its English twin and may: German says them the same way (the catalog's
# msgstr == msgid), or they are not words of ours (the brand, month names German shares, the desk's data).
_SAME_IN_GERMAN = {
    word.lower()
    for message in _catalog("de")
    if message.id
    for english, german in zip(
        message.id if isinstance(message.id, tuple) else (message.id,),
        message.string if isinstance(message.string, tuple) else (message.string,),
        strict=False,
    )
    if english == german
    for word in re.findall(r"[^\W\d_]{4,}", _TAG.sub("", english))
} | {"brightstar", "april", "august", "september", "november", "utc", "europe", "berlin", "asia", "tokyo"}
# The switcher names each language in itself ("Deutsch", "English"), on every page in every language.
_SAME_IN_GERMAN |= {name.lower() for _code, name in settings.LANGUAGES}
IDENTICAL_MIN_LETTERS = 4  # a word of four letters or more: "Door", "Refresh"; not "CSV", "OK", "ID"


def english_twins(german_html: str, english_html: str, *, data: set[str]) -> list[str]:
    """Text the German page shows exactly as the English page does, with a word that is neither German's too nor
    data: a string nobody marked for translation, whether or not the catalog knows it (which english_left needs)."""
    allowed = _SAME_IN_GERMAN | {word.lower() for value in data for word in re.findall(r"[^\W\d_]+", value)}
    twins = set(page_text(german_html)) & set(page_text(english_html))
    return sorted(piece for piece in twins if any(word.lower() not in allowed for word in _words(piece)))


def _words(piece: str) -> list[str]:
    """The words of a piece of text; codes are not words (NOT_FOUND, order.refund, evt_1a2b, 5VW6PQPKU9HY)."""
    tokens = (token.strip(_EDGE + "!?\"'„“”\u2018\u2019") for token in piece.split())
    return [t for t in tokens if re.fullmatch(rf"[^\W\d_]{{{IDENTICAL_MIN_LETTERS},}}", t) and not t.isupper()]


# --- the catalogs ----------------------------------------------------------------


def test_every_message_has_its_german_and_keeps_its_placeholders():
    catalog = _catalog("de")
    untranslated = [m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if m.pluralizable else [m.string]))]
    assert untranslated == []
    problems = [(m.id, errors) for m in catalog if m.id for errors in [m.check(catalog)] if errors]
    assert problems == []
    for message in catalog:  # {who} and friends: str.format fills them, so the German must name the same ones
        if message.id and not message.pluralizable:
            assert set(re.findall(r"\{[a-z_]+\}", message.string)) == set(re.findall(r"\{[a-z_]+\}", message.id)), (
                message.id
            )


@pytest.mark.parametrize("domain", ["django", "djangojs"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_compiled_catalogs_are_current(language, domain):
    """The committed .mo says what the .po says (make messages rebuilds both; Babel compiles without gettext)."""
    po = _catalog(language, domain)
    with open(LOCALE / language / "LC_MESSAGES" / f"{domain}.mo", "rb") as handle:
        mo = read_mo(handle)

    def key(m):
        context = m.context.decode() if isinstance(m.context, bytes) else m.context  # read_mo leaves it bytes
        return context, tuple(m.id) if isinstance(m.id, list | tuple) else m.id

    def value(m):
        return tuple(m.string) if isinstance(m.string, list | tuple) else m.string

    def complete(m):
        return all(value(m)) if isinstance(value(m), tuple) else bool(value(m))

    translated = {key(m): value(m) for m in po if m.id and not m.fuzzy and complete(m)}
    # Babel writes an untranslated plural with its English forms: the same as no translation.
    compiled = {key(m): value(m) for m in mo if m.id and not (isinstance(m.id, list) and value(m) == key(m)[1])}
    assert compiled == translated


def test_the_catalogs_name_the_same_messages():
    assert {(m.context, m.id) for m in _catalog("en")} == {(m.context, m.id) for m in _catalog("de")}


def test_the_twin_check_finds_an_unmarked_string_the_catalog_never_heard_of():
    english = '<h1>Frühlingsgala</h1><p>Zebras welcome</p><p title="Status">Status</p><p>Scan</p>'
    german = '<h1>Frühlingsgala</h1><p>Zebras welcome</p><p title="Status">Status</p><p>Scannen</p>'
    assert english_twins(german, english, data={"Frühlingsgala"}) == ["Zebras welcome"]


def test_the_check_finds_english_when_there_is_some():
    """The page check below can fail: an English heading and an English sentence are both caught."""
    html = '<h1>Refund</h1><p data-label="Total">Nothing is left to refund on this order.</p>'
    assert english_left(html) == ["Nothing is left to refund on this order", "Refund", "Total"]
    assert english_left("<h1>Erstattung</h1><p>Bei dieser Bestellung ist nichts mehr zu erstatten.</p>") == []


# --- every desk page in German, as each role -------------------------------------


@pytest.fixture
def desk(account, client_as, staff_users):
    """A EUR event with an order refunded in part (through the German form), a JPY and a GBP event."""
    event = event_make(account, title="Frühlingsgala", currency="EUR")
    general = ticket_type_make(event, name="Stehplatz", price=123456)
    order = order_make(event, general, quantity=2, buyer_name="Ada Lovelace", buyer_email="ada@example.com")
    event_make(account, title="Tokyo Night", currency="JPY")
    event_make(account, title="London Proms", currency="GBP", days_ahead=14)
    event_make(account, title="Entwurf", status="draft", days_ahead=30)
    clerk = client_as("box_office")
    page = clerk.get(f"/orders/{order.id}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    fields = {**refund_form_fields(page), "amount": "1.234,56", "reason": "Customer request", "confirmed": "true"}
    answer = clerk.post(f"/orders/{order.id}/refund/", fields, HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert answer.status_code == 200
    # Typed the German way, refunded to the cent.
    assert Refund.objects.get().amount == 123456
    return {"event": event, "order": order, "ticket_type": general}


def _desk_pages(event, order, ticket_type) -> dict[str, list[str]]:
    orders = ["/orders/lookup/", "/orders/lookup/?q=ada", f"/orders/event/{event.id}/", f"/orders/{order.id}/"]
    detail = f"/events/{event.id}/"
    # The doors overview, the scans log's form, and that form refusing a reason for admitted scans (422).
    venue = [
        f"{detail}door/conflicts/",
        f"{detail}doors/",
        f"{detail}scans/export/",
        f"{detail}scans/export.csv?result=admitted&reason=NOT_FOUND",
    ]
    manage = [f"{detail}edit/", f"{detail}tickets/{ticket_type.id}/edit/"]
    door = [f"{detail}door/", f"{detail}door/search/?q=ada", f"{detail}attendees/", f"{detail}attendees/print/"]
    return {
        "door": ["/events/", "/events/?when=past", "/events/?status=draft", detail, *door, f"/orders/{order.id}/"],
        "box_office": ["/events/", "/events/?when=all&sort=title", detail, *door, *orders, *venue, "/audit/"],
        "organizer": [
            "/events/",
            "/events/new/",
            detail,
            *manage,
            *orders,
            *venue,
            "/audit/",
            "/audit/?outcome=succeeded",
        ],
        "admin": ["/events/", detail, f"/orders/{order.id}/", "/audit/"],
    }


def _scanned(client_as, event) -> None:
    """One ticket let in at a named door and one unknown code refused: the overview and the charts have rows."""
    from sandbox.models import Attendee

    door, url = client_as("door"), f"/events/{event.id}/door/"
    ticket = Attendee.objects.filter(event_id=event.id).order_by("id").last()
    for n, barcode in enumerate((ticket.barcode, "NO-SUCH-CODE")):
        page = door.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
        fields = {"barcode": barcode, "idempotency_key": key, "gate": "Nordeingang", "device": f"phone{n}"}
        assert door.post(url, fields, HTTP_ACCEPT_LANGUAGE="de").status_code == 200


def _desk_data(desk) -> set[str]:
    """What the desk pages show as it was typed in, the same in any language: titles, names, emails, usernames."""
    from django.contrib.auth.models import User

    from sandbox.models import Attendee, Event, TicketType

    rows = [
        *Event.objects.values_list("title", "venue", "timezone"),
        *TicketType.objects.values_list("name"),
        *Attendee.objects.filter(event_id=desk["event"].id).values_list("name", "email", "barcode"),
        *User.objects.values_list("username"),
    ]
    return {value for row in rows for value in row if value} | {"Nordeingang"}


# Fragments htmx fetches into a page (the charts, the overview's refresh), as each role that can see them.
_FRAGMENTS = {
    "door": ["charts/"],
    "box_office": ["charts/", "doors/?zone=Europe/Berlin"],
    "organizer": ["charts/", "doors/?zone=Europe/Berlin"],
    "admin": ["charts/"],
}


def _html(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


@pytest.mark.parametrize("role", ["door", "box_office", "organizer", "admin"])
def test_every_desk_page_is_german_for_every_role(client_as, desk, role):
    _scanned(client_as, desk["event"])
    client, data, twins = client_as(role), _desk_data(desk), {}
    for url in _desk_pages(desk["event"], desk["order"], desk["ticket_type"])[role]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code in (200, 403, 422), url
        html = _html(response)
        assert '<html lang="de">' in html or response.status_code == 403, url
        assert english_left(html) == [], url
        twins[url] = english_twins(html, _html(client.get(url, HTTP_ACCEPT_LANGUAGE="en")), data=data)
    for url in _FRAGMENTS[role]:
        url = f"/events/{desk['event'].id}/{url}"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de", HTTP_HX_REQUEST="true")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<html" not in html and english_left(html) == [], url
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true").content.decode()
        twins[url] = english_twins(html, english, data=data)
    assert {url: found for url, found in twins.items() if found} == {}


def test_the_login_page_and_the_lockout_are_german(client, dashboard):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert "Anmelden" in html and english_left(html) == []


def test_the_order_page_shows_euros_the_german_way(client_as, desk):
    html = client_as("box_office").get(f"/orders/{desk['order'].id}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    text = " ".join(page_text(html))
    assert "2.469,12\u00a0€" in text  # the total
    assert "Noch erstattbar: 1.234,56\u00a0€ von 2.469,12\u00a0€." in text
    assert "hat 1.234,56\u00a0€ erstattet" in text  # the audit trail, worded in German
    assert 'value="1234,56"' in html  # what is left, as the amount field wants it typed


def test_the_same_page_in_english_is_unchanged(client_as, desk):
    html = client_as("box_office").get(f"/orders/{desk['order'].id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    text = " ".join(page_text(html))
    assert "Still refundable: €1,234.56 of €2,469.12." in text
    assert '<html lang="en">' in html


# --- money by currency and locale ---------------------------------------------------

ROUND_TRIPS = [
    # (cents, currency, language, on the page, in the input field)
    (123456, "EUR", "de", "1.234,56\u00a0€", "1234,56"),
    (123456, "USD", "en", "$1,234.56", "1234.56"),
    (123456, "JPY", "en", "¥123,456", "123456"),
    (123456, "JPY", "de", "123.456\u00a0¥", "123456"),
    (1234567, "KWD", "en", "KWD\u00a01,234.567", "1234.567"),
    (1234567, "KWD", "de", "1.234,567\u00a0KWD", "1234,567"),
    (99, "GBP", "de", "0,99\u00a0£", "0,99"),
]


@pytest.mark.parametrize(("cents", "currency", "language", "shown", "typed"), ROUND_TRIPS)
def test_money_round_trips_display_input_cents(cents, currency, language, shown, typed):
    with translation.override(language):
        rendered = Template("{{ c|money:cur }}|{{ c|amount_input:cur }}").render(Context({"c": cents, "cur": currency}))
        assert rendered == f"{shown}|{typed}"
        # What the input shows reads back, and so does what the page shows (symbol, grouping and all).
        assert parse_amount(typed, currency) == cents
        assert parse_amount(shown, currency) == cents
        assert format_amount(parse_amount(shown, currency), currency) == shown


# --- a language per staff member -------------------------------------------------------


def _language_of(response) -> str:
    return response.headers["Content-Language"]


def test_the_browser_decides_until_staff_choose(client_as):
    client = client_as("box_office")
    assert _language_of(client.get("/events/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")) == "de"
    assert _language_of(client.get("/events/", HTTP_ACCEPT_LANGUAGE="en-GB")) == "en"
    assert _language_of(client.get("/events/", HTTP_ACCEPT_LANGUAGE="fr-FR")) == "en"  # no French yet


def test_the_profile_wins_over_accept_language(client_as, staff_users):
    StaffProfile.objects.create(user=staff_users["box_office"], language="de")
    response = client_as("box_office").get("/events/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert _language_of(response) == "de"
    assert "Veranstaltungen" in response.content.decode()


def test_the_switcher_saves_the_choice_on_the_profile_for_every_device(client_as, staff_users):
    response = client_as("organizer").post("/language/", {"language": "de", "next": "/audit/?outcome=rejected"})
    assert response.status_code == 302 and response["Location"] == "/audit/?outcome=rejected"
    assert StaffProfile.objects.get(user=staff_users["organizer"]).language == "de"
    # Another device: a fresh session, no language cookie, an English browser.
    elsewhere = client_as("organizer")
    assert _language_of(elsewhere.get("/audit/", HTTP_ACCEPT_LANGUAGE="en")) == "de"
    # Back to following the browser.
    elsewhere.post("/language/", {"language": "", "next": "/events/"})
    assert StaffProfile.objects.get(user=staff_users["organizer"]).language == ""
    assert _language_of(client_as("organizer").get("/events/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_the_switcher_is_in_the_header_and_works_without_javascript(client_as):
    html = client_as("door").get("/events/?when=past", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = html[html.index('<form class="language"') :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in form and 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/events/?when=past"' in form
    assert 'value="de"' in form and 'value="en" lang="en" title="English" aria-current="true"' in form


def test_the_switcher_never_sends_anyone_off_site_or_saves_nonsense(client_as, staff_users):
    client = client_as("box_office")
    response = client.post("/language/", {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.post("/language/", {"language": "xx", "next": "/events/"})
    assert response["Location"] == "/events/"
    assert not StaffProfile.objects.filter(user=staff_users["box_office"], language="xx").exists()
    assert client.get("/language/").status_code == 405


def test_before_login_the_switcher_keeps_the_choice_in_a_cookie(client, dashboard):
    response = client.post("/language/", {"language": "de", "next": "/login/"})
    assert response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in html and "Anmelden" in html


def test_the_javascript_catalog_is_a_script_file(client_as):
    response = client_as("door").get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and "javascript" in response["Content-Type"]
    assert "django.gettext" in response.content.decode()


# --- the demo in several currencies ----------------------------------------------------


def test_the_demo_sells_in_dollars_euros_pounds_and_yen(client_as, account):
    from sandbox.models import Event, OrderItem
    from sandbox.services.seed import sandbox_seed

    sandbox_seed(account=account)
    events = Event.objects.filter(account=account)
    assert {e.currency for e in events} == {"USD", "EUR", "GBP", "JPY"}
    assert events.filter(currency="JPY").count() == 1
    tokyo = events.get(currency="JPY")
    assert tokyo.timezone == "Asia/Tokyo" and tokyo.status == "published"
    assert OrderItem.objects.filter(order__event=tokyo).exists()  # sold, so it has orders to look at
    # The one on now, the door's, stays at home.
    now = timezone.now()
    on_now = events.filter(status="published", start_date__lte=now, end_date__gt=now)
    assert on_now.exists() and {e.currency for e in on_now} == {"USD"}
    html = client_as("organizer").get("/events/?when=all", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    text = " ".join(page_text(html))
    assert "\u00a0€" in text and "\u00a0£" in text and "\u00a0¥" in text and "\u00a0$" in text
    assert re.search(r"\d\u00a0¥", text) and not re.search(r",\d\d\u00a0¥", text)  # yen: no minor units
    # The sold meters are SVG: their numbers are never written the German way ("2,5" is no length).
    assert 'class="fill" width="' in html and not re.search(r'(width|height|x|y)="[0-9.]*,', html)
    assert english_left(html) == []


def test_the_door_scans_in_german(client_as, desk):
    """Admitted, then the same ticket again: the panel's words and the time, in German, in the event's zone."""
    from sandbox.models import Attendee

    event, ticket = desk["event"], Attendee.objects.filter(event_id=desk["event"].id).order_by("id").first()
    door = client_as("door")
    url = f"/events/{event.id}/door/"
    page = door.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bereit zum Scannen" in page and english_left(page) == []
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = door.post(url, {"barcode": ticket.barcode, "idempotency_key": key}, HTTP_ACCEPT_LANGUAGE="de")
    assert "Eingelassen" in first.content.decode() and english_left(first.content.decode()) == []
    again = door.post(url, {"barcode": ticket.barcode, "idempotency_key": key + "0"}, HTTP_ACCEPT_LANGUAGE="de")
    panel = again.content.decode()
    assert "Bereits eingecheckt um " in panel and english_left(panel) == []


def test_the_javascript_catalog_answers_a_repeat_visit_with_304_and_never_in_the_wrong_language(client_as):
    client = client_as("door")
    page = client.get("/events/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    src = re.search(r'<script src="(/jsi18n/[^"]*)"', page).group(1)
    assert src == "/jsi18n/?l=de"
    first = client.get(src, HTTP_ACCEPT_LANGUAGE="de")
    assert '"Dismiss": "Schlie' in first.content.decode()  # JSON: the ß comes escaped
    again = client.get(src, HTTP_ACCEPT_LANGUAGE="de", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    english = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<script src="/jsi18n/?l=en"' in english


def test_the_doors_overview_charts_and_scans_log_say_their_figures_in_german(client_as, desk):
    """The new pages are not German by being empty: a named door, a refusal, arrivals, all in German."""
    _scanned(client_as, desk["event"])
    clerk, detail = client_as("box_office"), f"/events/{desk['event'].id}/"
    overview = clerk.get(f"{detail}doors/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    text = " ".join(page_text(overview))
    assert 'data-door="Nordeingang"' in overview and "Abweisungen nach Grund" in text
    assert "Ankünfte im Zeitverlauf" in text and "Tabelle: Scans je 5 Minuten" in text
    assert re.search(r"1 von 2 verkauften", text)
    charts = clerk.get(f"{detail}charts/", HTTP_ACCEPT_LANGUAGE="de", HTTP_HX_REQUEST="true").content.decode()
    text = " ".join(page_text(charts))
    assert "Bruttoumsatz 2.469,12\u00a0€ (" in text and "1.234,56\u00a0€ erstattet" in charts
    assert "1 eingelassen und 1 abgewiesen seit " in charts
    # Geometry stays locale-free whatever the language: "2,5" is no SVG length.
    lengths = re.findall(r' (?:width|height|x|y|x1|x2|y1|y2|dx|dy)="([^"]*)"', charts)
    assert lengths and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in lengths), lengths
    refused = clerk.get(f"{detail}scans/export.csv?result=admitted&reason=NOT_FOUND", HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 422
    assert "Nur abgewiesene Scans haben einen Grund" in refused.content.decode()


def test_the_event_page_writes_its_long_date_the_german_way(client_as, desk):
    html = client_as("door").get(f"/events/{desk['event'].id}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    when = re.search(r'<p class="muted when">\s*<time[^>]*>([^<]+)</time>', html).group(1)
    # "Montag, 30. November 2026, 20:00 CET", never "Montag 30 November 2026".
    weekday = "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"
    assert re.fullmatch(rf"({weekday}), \d{{1,2}}\. [A-ZÄ][a-zä]+ \d{{4}}, \d\d:\d\d \S+", when), when
