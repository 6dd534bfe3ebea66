"""What the door posts: one scan (barcode or a tapped attendee), an undo, a list filter."""

import re

from django import forms

from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.web.http import MAX_PAGE

# door.js sends a UUID; anything else (a hand-made POST) gets a fresh server key.
_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class ScanForm(forms.Form):
    # Scanners may add a trailing tab or CR: CharField strips it.
    barcode = forms.CharField(max_length=64, required=False)
    attendee_id = forms.CharField(max_length=64, required=False)
    idempotency_key = forms.CharField(max_length=64, required=False)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data.get("idempotency_key") or ""
        return key if _KEY.match(key) else new_idempotency_key()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if bool(data.get("barcode")) == bool(data.get("attendee_id")):
            raise forms.ValidationError("Scan a ticket code, or pick one attendee.")
        return data


class UndoForm(forms.Form):
    attendee_id = forms.CharField(max_length=64)


class AttendeeFilterForm(forms.Form):
    CHECKED_IN = {"": None, "yes": True, "no": False}

    ticket_type = forms.CharField(max_length=64, required=False)
    checked_in = forms.ChoiceField(
        choices=[("", "Everyone"), ("yes", "Checked in"), ("no", "Not checked in")], required=False
    )
    q = forms.CharField(max_length=200, required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def filters(self) -> dict:
        """The service's keyword arguments; an invalid field falls back to "no filter"."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "ticket_type": data.get("ticket_type") or None,
            "checked_in": self.CHECKED_IN.get(data.get("checked_in") or ""),
            "q": data.get("q") or None,
        }

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1
