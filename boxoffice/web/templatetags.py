"""Template filters every dashboard page may use (registered as builtins in settings)."""

from django import template
from django.template import defaultfilters

from boxoffice.audit.wording import entry_sentence
from boxoffice.events.forms import STATUSES
from boxoffice.money import format_amount
from boxoffice.orders.forms import ORDER_STATUSES

register = template.Library()


@register.filter
def money(cents, currency="USD"):
    """{{ order.total|money:order.currency }} -> $1,234.50"""
    return format_amount(cents, currency or "USD")


@register.filter
def amount_input(cents, currency="USD"):
    """The same amount as staff would type it: 1234.50"""
    return format_amount(cents, currency or "USD", symbol=False)


@register.filter
def percent(part, whole):
    return 0 if not whole else round(100 * (part or 0) / whole)


@register.filter
def get_item(mapping, key):
    """{{ names|get_item:ticket_type_id }}: a dict's value by a variable key ('' if missing)."""
    return (mapping or {}).get(key, "")


@register.filter
def audit_sentence(entry):
    """{{ entry|audit_sentence }}: who did what, for how much, and how it ended."""
    return entry_sentence(entry)


# --- statuses in the staff member's language ------------------------------------------------------
# Filters, not included templates: an {% include %} in a table row cost more than the rest of its cell.
# The words are the list filters' own (lazy: translated when shown); an unknown status shows as it came.
_EVENT_WORDS = {value: word for value, word in STATUSES if value}
_ORDER_WORDS = dict(ORDER_STATUSES)


@register.filter
def event_status(status):
    """{{ event.status|event_status }}: "draft" -> Draft (Entwurf)."""
    return _EVENT_WORDS.get(status) or defaultfilters.capfirst(status)


@register.filter
def order_status(status):
    """{{ order.status|order_status }}: "partially_refunded" -> Partially refunded (Teilweise erstattet)."""
    return _ORDER_WORDS.get(status) or defaultfilters.capfirst(status)
