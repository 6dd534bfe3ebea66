from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from boxoffice.audit.models import AuditEntry
from boxoffice.web.lists import FilterForm


class AuditFiltersForm(FilterForm):
    # Dates the wrong way round are explained (422), not ignored: an empty log would be believed.
    lenient = False

    action = forms.ChoiceField(required=False, label=_("Action"))
    staff = forms.ChoiceField(required=False, label=_("Staff member"))
    outcome = forms.ChoiceField(
        required=False,
        label=_("Outcome"),
        choices=[
            ("", _("Any outcome")),
            (AuditEntry.Outcome.SUCCEEDED, _("Succeeded")),
            (AuditEntry.Outcome.REPLAYED, _("Replayed")),
            (AuditEntry.Outcome.REJECTED, _("Rejected")),
            (AuditEntry.Outcome.UNKNOWN, _("Unknown")),
        ],
    )
    object_id = forms.CharField(
        required=False,
        max_length=64,
        label=_("Object id"),
        widget=forms.SearchInput(attrs={"placeholder": "ord_…, evt_…", "autocomplete": "off"}),
    )
    date_from = forms.DateField(
        required=False, label=pgettext_lazy("date", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=pgettext_lazy("date", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, actions: list[str], staff: list[str]):
        super().__init__(data)
        # What appears in the log today: the menus never offer a filter that finds nothing.
        for name, first, values in (("action", _("Any action"), actions), ("staff", _("Anyone"), staff)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", first), *((value, value) for value in values)]

    def clean_object_id(self) -> str:
        return self.cleaned_data["object_id"].strip()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("“To” must not be before “From”."))
        return cleaned
