"""Forms of the order pages: the refund, and the filters of an event's orders.

Amounts are typed in currency units and become integer cents through
`parse_amount` (Decimal), never through float.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from boxoffice.brightstar.resources import Attendee, Order
from boxoffice.money import AmountError, format_amount, parse_amount
from boxoffice.web.forms import ApiErrorsMixin
from boxoffice.web.lists import FilterForm

# Sent to BrightStar in English (the reason is the refund's record); shown in the staff member's language.
REASONS = ("Customer request", "Event change", "Duplicate order", "Other")
REASON_LABELS = {
    "Customer request": _("Customer request"),
    "Event change": _("Event change"),
    "Duplicate order": _("Duplicate order"),
    "Other": _("Other"),
}
ORDER_STATUSES = (
    ("completed", _("Completed")),
    ("partially_refunded", _("Partially refunded")),
    ("refunded", pgettext_lazy("order status", "Refunded")),
    ("cancelled", _("Cancelled")),
)


@dataclass(frozen=True)
class RefundPlan:
    """What a refund will do, in full, for the confirmation staff read before it is sent."""

    amount: int
    currency: str
    buyer: str
    voided: tuple[Attendee, ...]  # the tickets that stop working at the door
    kept: int  # valid tickets that stay valid


def ticket_prices(order: Order) -> dict[str, int]:
    """What the buyer paid for one ticket of each type (the API refunds a ticket at its unit price)."""
    return {item.ticket_type_id: item.unit_price for item in order.items}


class RefundForm(ApiErrorsMixin, forms.Form):
    # Which tickets to void; none ticked is a refund of money only.
    tickets = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label=_("Tickets to void"))
    amount = forms.CharField(max_length=32, required=False)
    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason…")), *((r, REASON_LABELS[r]) for r in REASONS)],
        error_messages={"required": _("Choose a reason for the refund.")},
    )
    note = forms.CharField(required=False, max_length=300)
    # Issued when the form is rendered and posted back unchanged, so a double
    # click or a retry after a lost answer reuses it and BrightStar refunds once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)
    # What this page showed as refunded: BrightStar refuses (REFUND_STALE) if
    # someone refunded meanwhile, instead of refunding on a stale picture.
    expected_amount_refunded = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Set by the confirmation: staff have read what the refund will do (RefundPlan).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    api_fields = {"amount": "amount", "reason": "reason", "attendee_ids": "tickets"}

    def __init__(self, *args, order: Order, ticket_type_names: dict[str, str] | None = None, **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)
        names = ticket_type_names or {}
        self.valid_tickets = {a.id: a for a in order.attendees or () if a.status == "valid"}
        prices = ticket_prices(order)
        # What each ticket would refund: the page fills the amount in as tickets are ticked.
        self.ticket_cents = {i: prices.get(a.ticket_type_id, 0) for i, a in self.valid_tickets.items()}
        field = self.fields["tickets"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (a.id, f"{a.name or '(no name)'} · {names.get(a.ticket_type_id, 'ticket')}")
            for a in self.valid_tickets.values()
        ]

    @classmethod
    def fresh(
        cls, order: Order, *, idempotency_key: str, ticket_type_names: dict[str, str] | None = None
    ) -> "RefundForm":
        """An unbound form offering everything still refundable."""
        return cls(
            order=order,
            ticket_type_names=ticket_type_names,
            initial={
                "amount": format_amount(order.refundable, order.currency, symbol=False),
                "idempotency_key": idempotency_key,
                "expected_amount_refunded": order.amount_refunded,
            },
        )

    def clean_amount(self) -> int | None:
        text = self.cleaned_data["amount"]
        if not text.strip():
            return None  # the tickets' price, if tickets are ticked (clean() says if not)
        try:
            cents = parse_amount(text, self.order.currency)
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None
        if cents < 1:
            raise forms.ValidationError(gettext("Enter an amount above zero."))
        return cents

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        expected = cleaned.get("expected_amount_refunded")
        amount = cleaned.get("amount")
        tickets = cleaned.get("tickets") or []
        if "amount" in cleaned and amount is None and not tickets:
            self.add_error("amount", gettext("Enter the amount to refund, or tick the tickets to refund."))
        if expected is not None:
            # Judged against the page the user saw; BrightStar judges the rest.
            left = max(self.order.total - expected, 0)
            cost = min(self._tickets_cost(tickets), left)
            if amount is not None and amount > left:
                self.add_error(
                    "amount",
                    gettext("Only %(amount)s is left to refund.")
                    % {"amount": format_amount(left, self.order.currency)},
                )
            elif amount is not None and tickets and amount > cost:
                self.add_error(
                    "amount",
                    gettext("Those tickets cost %(amount)s: refund at most that, or untick them.")
                    % {"amount": format_amount(cost, self.order.currency)},
                )
        if cleaned.get("reason") == "Other" and not cleaned.get("note", "").strip():
            self.add_error("note", gettext("Say why, when the reason is “Other”."))
        return cleaned

    def _tickets_cost(self, ticket_ids) -> int:
        return sum(self.ticket_cents.get(i, 0) for i in ticket_ids)

    def plan(self) -> RefundPlan:
        """What sending this (valid) form will do, as the API will do it."""
        order, tickets = self.order, list(self.cleaned_data.get("tickets") or [])
        left = order.total - self.cleaned_data["expected_amount_refunded"]
        amount = self.cleaned_data["amount"]
        if amount is None:
            amount = min(self._tickets_cost(tickets), left)
        voided = [self.valid_tickets[i] for i in tickets]
        if amount >= left:  # the balance reaches zero: the API voids every ticket still valid
            voided = list(self.valid_tickets.values())
        return RefundPlan(
            amount=amount,
            currency=order.currency,
            buyer=order.buyer_name or order.buyer_email,
            voided=tuple(voided),
            kept=len(self.valid_tickets) - len(voided),
        )

    @property
    def reason_text(self) -> str:
        reason, note = self.cleaned_data["reason"], self.cleaned_data.get("note", "").strip()
        return f"{reason}: {note}" if note else reason


class OrderFiltersForm(FilterForm):
    # Dates the wrong way round are explained (422), not ignored: staff would trust an empty list.
    lenient = False

    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Buyer, email or order id"),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(required=False, label=_("Status"), choices=[("", _("Any status")), *ORDER_STATUSES])
    date_from = forms.DateField(
        required=False, label=pgettext_lazy("date", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=pgettext_lazy("date", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("“To” must not be before “From”."))
        return cleaned
