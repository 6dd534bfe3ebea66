"""Template filters and tags every dashboard page may use (registered as builtins in settings).

Builtins load after Django's own, so `url`, `date` and `time` here replace the stock ones on every
page: the same output, remembered. They are pure functions of their keys, and a desk page shows the
same events, orders and links on every visit; the stock ones were the bulk of a page's rendering
(bench/pages.py, measured: a `{% url %}` ~35 us, a `|date:"SHORT_DATETIME_FORMAT"` ~100 us each).
"""

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters, defaulttags
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

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


# --- dates and times: Django's filters, remembered ----------------------------------------------
# The value arrives already in the current time zone (expects_localtime), so the text depends on the
# instant, its tzinfo (equal instants in two zones compare equal: the zone must be in the key), the
# format, the language (month names, named formats) and, for a naive value, TIME_ZONE.


@functools.lru_cache(maxsize=4096)
def _date(value, tzinfo, arg, language, time_zone) -> str:
    return defaultfilters.date(value, arg)


@functools.lru_cache(maxsize=1024)
def _time(value, tzinfo, arg, language, time_zone) -> str:
    return defaultfilters.time(value, arg)


def _remembered(formatter, fallback, value, arg):
    try:
        return formatter(value, getattr(value, "tzinfo", None), arg, get_language(), settings.TIME_ZONE)
    except TypeError:  # an unhashable value or format: format it afresh
        return fallback(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's `date` filter, each (instant, zone, format, language) formatted once per process."""
    return _remembered(_date, defaultfilters.date, value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    """Django's `time` filter, remembered like `date`."""
    return _remembered(_time, defaultfilters.time, value, arg)


# --- {% url %}: Django's tag, each reversed URL remembered ---------------------------------------


@functools.lru_cache(maxsize=8192)
def _reversed(resolver, prefix, language, view_name, args, kwargs, current_app) -> str:
    # resolver, prefix and language are what reverse() reads from the thread (the language, should a
    # pattern ever be translated or i18n_patterns used): part of the key, not passed on.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class RememberedURLNode(defaulttags.URLNode):
    """The stock {% url %} (same arguments, same errors, same `as var`), without reversing the same URL twice.

    The key holds everything reverse() depends on: the URLconf's resolver (a new object whenever the URL
    caches are cleared, as a test's ROOT_URLCONF override does), the script prefix, the language, current_app.
    """

    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((k, v.resolve(context)) for k, v in self.kwargs.items())
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            try:
                where = (get_resolver(get_urlconf()), get_script_prefix(), get_language())
                url = _reversed(*where, view_name, args, kwargs, current_app)
            except TypeError:  # an unhashable argument: reverse it afresh
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test's override_settings (a format, a language, the URLconf) must not meet an answer made before it."""
    _date.cache_clear()
    _time.cache_clear()
    _reversed.cache_clear()
