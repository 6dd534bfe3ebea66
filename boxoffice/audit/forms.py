from django import forms

from boxoffice.audit.models import AuditEntry


class AuditFiltersForm(forms.Form):
    action = forms.CharField(required=False, max_length=64)
    staff = forms.CharField(required=False, max_length=150, label="Staff member")
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *AuditEntry.Outcome.choices])
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def clean_object_id(self) -> str:
        return self.cleaned_data["object_id"].strip()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“To” must not be before “From”.")
        return cleaned
