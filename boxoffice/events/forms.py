"""Forms of the event pages: the list's filters, an event's fields, a ticket type.

Prices are typed in currency units and become integer cents through
`parse_amount` (Decimal), never float. The API stays the judge of every
rule; what it refuses comes back through `api_error` onto the field it names.
"""

import functools
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from boxoffice.brightstar.errors import BrightStarError
from boxoffice.money import AmountError, format_amount, parse_amount
from boxoffice.web.forms import ApiErrorsMixin
from boxoffice.web.lists import FilterForm

PER_PAGE = 20
STATUSES = (
    ("", pgettext_lazy("event status", "All")),
    ("draft", pgettext_lazy("event status", "Draft")),
    ("published", pgettext_lazy("event status", "Published")),
    ("cancelled", pgettext_lazy("event status", "Cancelled")),
)
# The list opens on what is on now and next; the past is a tab away. "Today" starts at
# midnight here, and an event counts until it ends, so day two of a festival is still on.
WHENS = (("", gettext_lazy("Today & next")), ("past", gettext_lazy("Past")), ("all", gettext_lazy("All dates")))
# Our words in the URL, the API's sort keys behind them.
SORTS = {
    "date": (gettext_lazy("Date"), "start_date"),
    "title": (gettext_lazy("Title"), "title"),
    "newest": (gettext_lazy("Newest"), "-created_at"),
}
DEFAULT_SORT = "date"
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "JPY")


class EventFiltersForm(FilterForm):
    """The events list's tabs (when, status) and sort; a hand-edited link (?status=bogus) shows the default view."""

    when = forms.ChoiceField(required=False, choices=WHENS)
    status = forms.ChoiceField(required=False, choices=STATUSES)
    sort = forms.ChoiceField(required=False, choices=[(value, label) for value, (label, _) in SORTS.items()])

    @property
    def when_value(self) -> str:
        return self.values()["when"] or ""

    @property
    def status_value(self) -> str:
        return self.values()["status"] or ""

    def api_filters(self) -> dict:
        """The API's sort and date bounds for this tab: the past runs newest first."""
        sort = SORTS[self.sort_value][1]
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        if self.when_value == "past":
            return {"sort": "-start_date" if self.sort_value == DEFAULT_SORT else sort, "ends_before": today}
        if self.when_value == "all":
            return {"sort": sort}
        return {"sort": sort, "ends_after": today}

    @property
    def sort_value(self) -> str:
        return self.values()["sort"] or DEFAULT_SORT

    def query(self, **changes: str) -> str:
        """'?when=past&status=draft&sort=title' with defaults left out, so links stay short ('' for all defaults).

        A tab or a sort starts again at page 1, so `page` is never kept.
        """
        state = {"when": self.when_value, "status": self.status_value, "sort": self.sort_value, **changes}
        if state["sort"] == DEFAULT_SORT:
            state["sort"] = ""
        text = urlencode({name: value for name, value in state.items() if value})
        return f"?{text}" if text else ""


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventForm(ApiErrorsMixin, forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the event a title.")},
    )
    start_date = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        widget=LocalDateTimeInput(),
        error_messages={"required": gettext_lazy("When does it start?")},
    )
    end_date = forms.DateTimeField(label=gettext_lazy("Ends"), required=False, widget=LocalDateTimeInput())
    venue = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"),
        choices=[(c, c) for c in CURRENCIES],
        initial="USD",
        help_text=gettext_lazy("Cannot change once tickets are sold."),
    )
    # Left empty: the account's zone (new events) or as it was (edits).
    timezone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Its times are shown and typed in this zone (an IANA name, like Europe/Berlin)."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Issued with the create form so a double click creates one event, not two.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    api_fields = {
        name: name for name in ("title", "start_date", "end_date", "venue", "currency", "description", "timezone")
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].initial = settings.TIME_ZONE
        # The zone the start and end are typed in: the one on the form, else the event's, else ours.
        typed = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
        known = [str(z) for z in (typed, self.initial.get("timezone"), settings.TIME_ZONE) if _known_zone(z)]
        self.zone = known[0] if known else "UTC"

    def full_clean(self):
        # "19:30" means 19:30 where the event happens, whatever zone this dashboard runs in.
        with timezone.override(ZoneInfo(self.zone)):
            super().full_clean()

    def clean_timezone(self) -> str | None:
        name = self.cleaned_data["timezone"].strip()
        if not name:
            return None
        if not _known_zone(name):
            raise forms.ValidationError(
                gettext("“%(name)s” is not a time zone. Write an IANA name, like Europe/Berlin.") % {"name": name[:64]}
            )
        return name

    @classmethod
    def for_event(cls, event, data=None) -> "EventForm":
        # To the minute, as the input shows it: seconds would count as a change on every save.
        initial = {
            "title": event.title,
            "start_date": _minute(event.start_date),
            "end_date": _minute(event.end_date),
            "venue": event.venue,
            "currency": event.currency,
            "description": event.description,
            "timezone": event.timezone,
        }
        form = cls(data, initial=initial, prefix="event")
        currency = form.fields["currency"]
        if event.currency not in CURRENCIES and isinstance(currency, forms.ChoiceField):
            currency.choices = [(c, c) for c in (*CURRENCIES, event.currency)]
        return form

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", gettext("The end must be after the start."))
        return cleaned

    def changes(self) -> dict:
        """Only what the user changed: PATCH leaves the rest as BrightStar has it."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data if name in self.api_fields}
        if changed.get("timezone", "") is None:
            del changed["timezone"]
        # The service cannot send null, so an emptied end date is left as is.
        if changed.get("end_date", "") is None:
            del changed["end_date"]
        return changed


class TicketTypeForm(ApiErrorsMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the ticket type a name.")},
    )
    price = forms.CharField(
        max_length=32,
        error_messages={"required": gettext_lazy("Enter a price (0 for free).")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )
    quantity = forms.IntegerField(
        min_value=0,
        max_value=10**7,
        label=gettext_lazy("Quantity"),
        error_messages={"required": gettext_lazy("How many are for sale?")},
        widget=forms.NumberInput(attrs={"size": 6}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    api_fields = {"name": "name", "price": "price", "quantity": "quantity"}

    def __init__(self, *args, currency: str, ticket_type=None, **kwargs):
        self.currency = currency
        self.ticket_type = ticket_type
        super().__init__(*args, **kwargs)
        self.fields["price"].label = gettext("Price (%(currency)s)") % {"currency": currency}

    @classmethod
    def for_ticket_type(cls, ticket_type, *, currency: str, data=None) -> "TicketTypeForm":
        initial = {
            "name": ticket_type.name,
            "quantity": ticket_type.quantity,
            "price": format_amount(ticket_type.price, currency, symbol=False),
        }
        # A prefix per row: several rows may be open at once, and ids must stay unique.
        form = cls(data, initial=initial, currency=currency, ticket_type=ticket_type, prefix=f"tt-{ticket_type.id}")
        form.fields["name"].widget.attrs["autofocus"] = True  # the row just opened: type straight away
        return form

    def clean_price(self) -> int:
        try:
            return parse_amount(self.cleaned_data["price"], self.currency)
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.api_fields}

    def api_error(self, error: BrightStarError, **data) -> None:
        # An API that does not send `quantity_sold` yet: the row as this page loaded it.
        if self.ticket_type is not None:
            data.setdefault("quantity_sold", self.ticket_type.quantity_sold)
        super().api_error(error, **data)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(name) -> bool:
    # A set lookup, not ZoneInfo(name): any typed text reaches here, and ZoneInfo reads files.
    return isinstance(name, str) and name in _zones()


def _minute(value):
    return value.replace(second=0, microsecond=0) if value else value
