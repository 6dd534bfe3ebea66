"""Forms of the order pages: the refund, and the filters of an event's orders.

Amounts are typed in currency units and become integer cents through
`parse_amount` (Decimal), never through float.
"""

from django import forms

from boxoffice.money import AmountError, format_amount, parse_amount
from boxoffice.web.forms import ApiErrorsMixin
from boxoffice.web.lists import FilterForm

REASONS = ("Customer request", "Event change", "Duplicate order", "Other")
ORDER_STATUSES = (
    ("completed", "Completed"),
    ("partially_refunded", "Partially refunded"),
    ("refunded", "Refunded"),
    ("cancelled", "Cancelled"),
)


class RefundForm(ApiErrorsMixin, forms.Form):
    amount = forms.CharField(max_length=32, error_messages={"required": "Enter the amount to refund."})
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason…"), *((r, r) for r in REASONS)],
        error_messages={"required": "Choose a reason for the refund."},
    )
    note = forms.CharField(required=False, max_length=300)
    # Issued when the form is rendered and posted back unchanged, so a double
    # click or a retry after a lost answer reuses it and BrightStar refunds once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)
    # What this page showed as refunded: BrightStar refuses (REFUND_STALE) if
    # someone refunded meanwhile, instead of refunding on a stale picture.
    expected_amount_refunded = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    api_fields = {"amount": "amount", "reason": "reason"}

    def __init__(self, *args, order, **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)

    @classmethod
    def fresh(cls, order, *, idempotency_key: str) -> "RefundForm":
        """An unbound form offering everything still refundable."""
        return cls(order=order, initial={
            "amount": format_amount(order.refundable, order.currency, symbol=False),
            "idempotency_key": idempotency_key,
            "expected_amount_refunded": order.amount_refunded,
        })

    def clean_amount(self) -> int:
        try:
            cents = parse_amount(self.cleaned_data["amount"], self.order.currency)
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None
        if cents < 1:
            raise forms.ValidationError("Enter an amount above zero.")
        return cents

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        expected = cleaned.get("expected_amount_refunded")
        amount = cleaned.get("amount")
        if expected is not None and amount is not None:
            # Judged against the page the user saw; BrightStar judges the rest.
            left = self.order.total - expected
            if amount > left:
                self.add_error("amount", f"Only {format_amount(max(left, 0), self.order.currency)} is left to refund.")
        if cleaned.get("reason") == "Other" and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why, when the reason is “Other”.")
        return cleaned

    @property
    def reason_text(self) -> str:
        reason, note = self.cleaned_data["reason"], self.cleaned_data.get("note", "").strip()
        return f"{reason}: {note}" if note else reason



class OrderFiltersForm(FilterForm):
    # Dates the wrong way round are explained (422), not ignored: staff would trust an empty list.
    lenient = False

    q = forms.CharField(required=False, max_length=200, label="Buyer, email or order id",
                        widget=forms.SearchInput(attrs={"autocomplete": "off"}))
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ORDER_STATUSES])
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“To” must not be before “From”.")
        return cleaned
