"""The remembered {% url %}, |date and |time say what Django's own say, whatever was asked before them.

They replace the stock ones on every page (boxoffice/web/templatetags.py) and keep each answer: an answer
kept under too small a key would show one zone's time in another zone, or one language's month in another.
"""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import time as django_time
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from boxoffice.web import templatetags

INSTANT = datetime(2026, 3, 2, 18, 5, tzinfo=UTC)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture(autouse=True)
def _fresh():
    """Each test starts with nothing remembered, and leaves English active for the next."""
    templatetags._forget()
    yield
    translation.activate("en")


def test_the_same_instant_in_two_zones_is_two_texts():
    shown = {}
    for zone in ("Europe/Berlin", "America/New_York", "Europe/Berlin"):
        source = "{% timezone zone %}{{ d|date:'SHORT_DATETIME_FORMAT' }} {{ d|time:'H:i T' }}{% endtimezone %}"
        text = render(source, d=INSTANT, zone=zone)
        with timezone.override(zone):
            local = timezone.localtime(INSTANT)
            assert text == f"{django_date(local, 'SHORT_DATETIME_FORMAT')} {django_time(local, 'H:i T')}"
        shown.setdefault(zone, text)
        assert shown[zone] == text
    assert shown["Europe/Berlin"] != shown["America/New_York"]
    assert "19:05 CET" in shown["Europe/Berlin"] and "13:05 EST" in shown["America/New_York"]


def test_each_language_gets_its_own_words_and_format():
    shown = {}
    for language in ("en", "de", "en"):
        with translation.override(language):
            text = render("{{ d|date:'DATETIME_FORMAT' }}", d=INSTANT)
            assert text == django_date(timezone.localtime(INSTANT), "DATETIME_FORMAT")
            shown.setdefault(language, text)
            assert shown[language] == text
    assert shown["en"].startswith("Mon 2 Mar 2026") and shown["de"].startswith("Mo, 2. Mär 2026")


def test_what_the_stock_filters_do_with_nothing_or_the_wrong_kind():
    assert render("[{{ d|date }}][{{ d|time }}]", d=None) == "[][]"
    assert render("[{{ d|date:'Y' }}]", d="not a date") == "[]"
    assert render("[{{ d|date:'Y' }}]", d=[INSTANT]) == "[]"  # unhashable: formatted afresh, as Django does
    with pytest.raises(TypeError):  # a time format on a date, as Django refuses it
        render("{{ d|date:'H:i' }}", d=INSTANT.date())


def test_a_settings_change_forgets_what_was_remembered():
    """A format setting or a URLconf a test overrides must not meet an answer made under the old one."""
    render("{{ d|date:'DATE_FORMAT' }} {{ d|time }} {% url 'orders:detail' 'ord_1' %}", d=INSTANT)
    kept = (templatetags._date, templatetags._time, templatetags._reversed)
    assert all(cache.cache_info().currsize == 1 for cache in kept)
    with override_settings(DATE_FORMAT="Y-m-d"):
        assert all(cache.cache_info().currsize == 0 for cache in kept)


def test_the_url_tag_says_what_reverse_says():
    source = "{% url 'orders:detail' order_id %}|{% url 'events:detail' event_id=event_id %}"
    for order_id, event_id in (("ord_1", "evt_1"), ("ord_2", "evt_2"), ("ord_1", "evt_1")):
        assert render(source, order_id=order_id, event_id=event_id) == (
            f"{reverse('orders:detail', args=[order_id])}|{reverse('events:detail', kwargs={'event_id': event_id})}"
        )
    assert render("{% url 'orders:detail' 'ord_1' as u %}[{{ u }}]") == f"[{reverse('orders:detail', args=['ord_1'])}]"


def test_the_url_tag_fails_as_django_s_does():
    with pytest.raises(NoReverseMatch):
        render("{% url 'orders:detail' %}")
    assert render("{% url 'orders:detail' as u %}[{{ u }}]") == "[]"  # `as` swallows it, as Django's does
    with pytest.raises(NoReverseMatch):
        render("{% url 'orders:detail' ids %}", ids=["unhashable"])  # reversed afresh: still no match
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_status_words_are_translated_and_unknown_ones_shown_as_they_came():
    source = "{{ e|event_status }}|{{ o|order_status }}"
    assert render(source, e="draft", o="partially_refunded") == "Draft|Partially refunded"
    with translation.override("de"):
        assert render(source, e="draft", o="partially_refunded") == "Entwurf|Teilweise erstattet"
        assert render(source, e="cancelled", o="refunded") == "Abgesagt|Erstattet"
    assert render(source, e="archived", o="") == "Archived|"
