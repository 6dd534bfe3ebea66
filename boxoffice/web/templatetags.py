"""Template filters every dashboard page may use (registered as builtins in settings)."""

from django import template

from boxoffice.audit.wording import entry_sentence
from boxoffice.money import format_amount

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
