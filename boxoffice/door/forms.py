"""What the door posts: one scan (barcode or a tapped attendee), an undo, a list filter."""

import re

from django import forms
from django.utils.translation import gettext, gettext_lazy

from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.web import feedback
from boxoffice.web.http import search_text
from boxoffice.web.lists import FilterForm

# door.js sends a UUID; anything else (a hand-made POST) gets a fresh server key.
_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class ScanForm(forms.Form):
    # Scanners may add a trailing tab or CR: CharField strips it.
    barcode = forms.CharField(max_length=64, required=False)
    attendee_id = forms.CharField(max_length=64, required=False)
    idempotency_key = forms.CharField(max_length=64, required=False)
    # Where and on what it was scanned (static/js/door-name.js), for the scan log and the doors overview.
    # Empty is fine (a page without JavaScript, a door not named yet): the scan goes without them.
    gate = forms.CharField(
        max_length=feedback.DOOR_NAME_MAX,
        required=False,
        error_messages={"max_length": gettext_lazy(feedback.DOOR_NAME_TOO_LONG)},
    )
    device = forms.CharField(
        max_length=100, required=False, error_messages={"max_length": gettext_lazy(feedback.DOOR_DEVICE_REFUSED)}
    )

    # The scan's own fields; an error in these is a refused setting, not a scan to make.
    SETTINGS = ("gate", "device")

    def clean_gate(self) -> str:
        # A stray tab or newline in a door's name means nothing, on a screen or in a CSV.
        return search_text(self.cleaned_data.get("gate"), max_length=feedback.DOOR_NAME_MAX)

    def clean_device(self) -> str:
        return search_text(self.cleaned_data.get("device"), max_length=100)

    def setting_error(self) -> str:
        """The first refused setting's message ("" when the door's name and id are fine)."""
        for name in self.SETTINGS:
            if name in self.errors:
                return str(self.errors[name][0])
        return ""

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data.get("idempotency_key") or ""
        return key if _KEY.match(key) else new_idempotency_key()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if bool(data.get("barcode")) == bool(data.get("attendee_id")):
            raise forms.ValidationError(gettext("Scan a ticket code, or pick one attendee."))
        return data


class UndoForm(forms.Form):
    attendee_id = forms.CharField(max_length=64)


class AttendeeFilterForm(FilterForm):
    CHECKED_IN = {"": None, "yes": True, "no": False}

    q = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Name or email"),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    # Text with a menu, not a choice: a tier added since the names were cached still filters.
    ticket_type = forms.CharField(max_length=64, required=False, label=gettext_lazy("Ticket type"), widget=forms.Select)
    checked_in = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("Everyone")),
            ("yes", gettext_lazy("Checked in")),
            ("no", gettext_lazy("Not checked in")),
        ],
        required=False,
        label=gettext_lazy("Checked in"),
    )

    def __init__(self, data=None, *, names: dict[str, str]):
        super().__init__(data)
        self.fields["ticket_type"].widget.choices = [("", gettext("All types")), *names.items()]

    def values(self) -> dict:
        """The service's keyword arguments; an invalid field falls back to "no filter"."""
        values = super().values()
        return {**values, "checked_in": self.CHECKED_IN.get(values["checked_in"] or "")}
